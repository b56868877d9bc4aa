import { Inject } from '@nestjs/common';
import { TWILIO_CLIENT, TWILIO_TOKEN_MANAGER } from './twilio-oauth.constants.js';

/**
 * Injects the module's `TokenManager` (from `@twilio-oauth/core`), for what the service does not
 * expose, such as `tokenInfo()` or `invalidate()`. Same instance as the one behind
 * `TwilioOAuthService`.
 *
 * @example
 * ```ts
 * @Injectable()
 * class TokenStatus {
 *   constructor(@InjectTwilioTokenManager() private readonly manager: TokenManager) {}
 *   expiresAt() {
 *     return this.manager.tokenInfo()?.expiresAt;
 *   }
 * }
 * ```
 */
export const InjectTwilioTokenManager = (): PropertyDecorator & ParameterDecorator =>
  Inject(TWILIO_TOKEN_MANAGER);

/**
 * Injects the official twilio SDK's client of the module (`TwilioOAuthService.client`); the
 * module needs a `client` factory, e.g. `twilioClientFactory({ accountSid })`.
 *
 * @example
 * constructor(@InjectTwilioClient() private readonly twilio: Twilio) {}
 */
export const InjectTwilioClient = (): PropertyDecorator & ParameterDecorator =>
  Inject(TWILIO_CLIENT);
