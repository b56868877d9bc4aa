import type { FactoryProvider } from '@nestjs/common';
import { InvalidOptionsError, TokenManager } from '@twilio-oauth/core';
import { TWILIO_OAUTH_MODULE_OPTIONS, TWILIO_TOKEN_MANAGER } from './twilio-oauth.constants.js';
import type {
  TwilioOAuthModuleOptions,
  TwilioOAuthSharedManagerOptions,
} from './twilio-oauth-options.interface.js';

/** True when the options share an existing manager rather than describe one to create. */
export const isSharedManagerOptions = (
  options: TwilioOAuthModuleOptions,
): options is TwilioOAuthSharedManagerOptions =>
  typeof options === 'object' && options !== null && Reflect.get(options, 'manager') !== undefined;

const MANAGER_METHODS = ['getToken', 'getAuthorizationHeader', 'fetch', 'tokenInfo', 'close'];

// Duck-typed rather than `instanceof`: an app that loads core as ESM while this package loads it
// as CJS (or the other way round) holds two TokenManager classes.
const looksLikeTokenManager = (value: unknown): value is TokenManager =>
  typeof value === 'object' &&
  value !== null &&
  MANAGER_METHODS.every((name) => typeof Reflect.get(value, name) === 'function');

/**
 * Turns the module options into the module's TokenManager. Runs while the application boots, so
 * bad options fail the start with core's `InvalidOptionsError`, which names the option and never
 * echoes its value.
 */
export function resolveTokenManager(options: TwilioOAuthModuleOptions): TokenManager {
  if (typeof options !== 'object' || options === null) {
    // e.g. a forRootAsync factory that returned nothing.
    throw new InvalidOptionsError('options', 'must be an object of TokenManager options');
  }
  if (!isSharedManagerOptions(options)) return new TokenManager(options);
  if (!looksLikeTokenManager(options.manager)) {
    throw new InvalidOptionsError('manager', 'must be a TokenManager from @twilio-oauth/core');
  }
  const extra = Object.entries(options).find(
    ([key, value]) => key !== 'manager' && value !== undefined,
  )?.[0];
  if (extra !== undefined) {
    // The credentials would silently lose to the shared manager's own.
    throw new InvalidOptionsError(extra, 'cannot be combined with "manager"');
  }
  return options.manager;
}

/** Provides the TokenManager under {@link TWILIO_TOKEN_MANAGER}. */
export const tokenManagerProvider: FactoryProvider<TokenManager> = {
  provide: TWILIO_TOKEN_MANAGER,
  useFactory: resolveTokenManager,
  inject: [TWILIO_OAUTH_MODULE_OPTIONS],
};
