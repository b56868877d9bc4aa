// The injection token of each provider of an instance, by instance name (as @nestjs/typeorm's
// `getDataSourceToken`): what `@Inject…(name)` injects and what a test overrides.
import type { Type } from '@nestjs/common';
import {
  instanceToken,
  TWILIO_CLIENT,
  TWILIO_OAUTH_MODULE_OPTIONS,
  TWILIO_TOKEN_MANAGER,
} from './twilio-oauth.constants';
import { TwilioOAuthService } from './twilio-oauth.service';

/**
 * The token of an instance's service: the `TwilioOAuthService` class for the default instance,
 * a Symbol for a named one (whose value is a `TwilioOAuthService`, or a `TwilioOAuthTenants`
 * when it has per-request credentials).
 *
 * @example
 * ```ts
 * moduleRef.overrideProvider(getTwilioOAuthServiceToken('org')).useValue(fake);
 * ```
 */
export function getTwilioOAuthServiceToken(name?: string): symbol | Type<TwilioOAuthService> {
  return name === undefined ? TwilioOAuthService : instanceToken('service', name);
}

/** The token of an instance's `TokenManager` ({@link TWILIO_TOKEN_MANAGER} by default). */
export function getTwilioTokenManagerToken(name?: string): symbol {
  return name === undefined ? TWILIO_TOKEN_MANAGER : instanceToken('token-manager', name);
}

/** The token of an instance's twilio SDK client ({@link TWILIO_CLIENT} by default). */
export function getTwilioClientToken(name?: string): symbol {
  return name === undefined ? TWILIO_CLIENT : instanceToken('twilio-client', name);
}

/**
 * The token of an instance's options ({@link TWILIO_OAUTH_MODULE_OPTIONS} by default): what a test
 * overrides to point the instance at the mock server.
 *
 * @example
 * ```ts
 * moduleRef.overrideProvider(getTwilioOAuthOptionsToken()).useValue(mock.clientOptions());
 * ```
 */
export function getTwilioOAuthOptionsToken(name?: string): symbol {
  return name === undefined ? TWILIO_OAUTH_MODULE_OPTIONS : instanceToken('module-options', name);
}
