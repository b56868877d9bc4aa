import type { FactoryProvider } from '@nestjs/common';
import type { TokenManager } from '@twilio-oauth/core';
import { staticManager } from '@twilio-oauth/core/adapter';
import { TWILIO_OAUTH_MODULE_OPTIONS, TWILIO_TOKEN_MANAGER } from './twilio-oauth.constants.js';
import { checkPerRequestOptions, isPerRequestOptions } from './twilio-oauth.tenants.js';
import type { TwilioOAuthModuleOptions } from './twilio-oauth-options.interface.js';

/**
 * Turns the module options into the module's TokenManager. Runs while the application boots, so
 * bad options fail the start with core's `InvalidOptionsError`, which names the option and never
 * echoes its value. Credentials beside a shared `manager` are named as the offending option:
 * the module's types forbid them there. The per-request form `{ forRequest }` has no module
 * manager: `undefined` is provided (each request's manager comes from the service's pool).
 */
export function resolveTokenManager(options: TwilioOAuthModuleOptions): TokenManager {
  // `client` is the service's, not the manager's (anything else is for the checks to judge).
  const rest: TwilioOAuthModuleOptions =
    typeof options === 'object' && options !== null && 'client' in options
      ? (({ client: _client, ...others }) => others)(options)
      : options;
  if (isPerRequestOptions(rest)) {
    checkPerRequestOptions(rest);
    return undefined as unknown as TokenManager;
  }
  return staticManager(rest, { blame: 'other' }).manager;
}

/** Provides the TokenManager under {@link TWILIO_TOKEN_MANAGER}. */
export const tokenManagerProvider: FactoryProvider<TokenManager> = {
  provide: TWILIO_TOKEN_MANAGER,
  useFactory: resolveTokenManager,
  inject: [TWILIO_OAUTH_MODULE_OPTIONS],
};
