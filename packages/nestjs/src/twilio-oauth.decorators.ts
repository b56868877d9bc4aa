import { Inject } from '@nestjs/common';
import {
  getTwilioClientToken,
  getTwilioOAuthServiceToken,
  getTwilioTokenManagerToken,
} from './twilio-oauth.tokens';

type InjectDecorator = PropertyDecorator & ParameterDecorator;

/**
 * Injects the service of a named instance (`forRoot({ name })`): a `TwilioOAuthService`, or a
 * `TwilioOAuthTenants` with per-request credentials. Without a name, the default instance's
 * (injecting the class type does the same).
 *
 * @example
 * ```ts
 * constructor(@InjectTwilioOAuth('org') private readonly org: TwilioOAuthService) {}
 * ```
 */
export const InjectTwilioOAuth = (name?: string): InjectDecorator =>
  Inject(getTwilioOAuthServiceToken(name));

/**
 * Injects an instance's `TokenManager`, for what the service does not expose (`tokenInfo()`,
 * `invalidate()`); the same manager as the service's.
 *
 * @example
 * ```ts
 * constructor(@InjectTwilioTokenManager() private readonly manager: TokenManager) {}
 * ```
 */
export const InjectTwilioTokenManager = (name?: string): InjectDecorator =>
  Inject(getTwilioTokenManagerToken(name));

/**
 * Injects an instance's twilio SDK client; the instance needs `sdkClient`, e.g.
 * `twilioClientFactory({ accountSid })`.
 *
 * @example
 * ```ts
 * constructor(@InjectTwilioClient('org') private readonly orgClient: Twilio) {}
 * ```
 */
export const InjectTwilioClient = (name?: string): InjectDecorator =>
  Inject(getTwilioClientToken(name));
