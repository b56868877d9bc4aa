import { Logger } from '@nestjs/common';
import { InvalidOptionsError, type TokenManager } from '@twilio-oauth/core';
import {
  FailureLog,
  isSharedManagerOptions,
  type ManagerSource,
  managerSource,
} from '@twilio-oauth/core/adapter';
import type {
  TwilioOAuthModuleOptions,
  TwilioOAuthPerRequestOptions,
  TwilioOAuthRequest,
} from './twilio-oauth-options.interface.js';

/** The context of the module's log lines (`[TwilioOAuth]` in Nest's console output). */
export const LOG_CONTEXT = 'TwilioOAuth';

/** Whether the module options are the per-request form `{ forRequest }`. */
export function isPerRequestOptions(
  options: TwilioOAuthModuleOptions,
): options is TwilioOAuthPerRequestOptions {
  return typeof options === 'object' && options !== null && 'forRequest' in options;
}

/**
 * Checks `{ forRequest }` while the application boots: a function, alone (credentials beside it
 * would silently lose to the ones it returns).
 *
 * @throws {InvalidOptionsError} `forRequest` when it is not a function, or the other option.
 */
export function checkPerRequestOptions(options: TwilioOAuthPerRequestOptions): void {
  if (typeof options.forRequest !== 'function') {
    throw new InvalidOptionsError('forRequest', 'must be a function (request) => options');
  }
  const other = Object.entries(options).find(
    ([key, value]) => key !== 'forRequest' && value !== undefined,
  )?.[0];
  if (other !== undefined) {
    throw new InvalidOptionsError(other, 'cannot be combined with "forRequest"');
  }
}

/**
 * Where the service gets the manager of a request: the module's one manager (closed on shutdown
 * unless shared), or, for `{ forRequest }`, the kernel's bounded pool of this module.
 */
export function moduleManagerSource(
  manager: TokenManager | undefined,
  options: TwilioOAuthModuleOptions,
): ManagerSource<TwilioOAuthRequest> {
  if (isPerRequestOptions(options)) {
    const { forRequest } = options;
    return managerSource<TwilioOAuthRequest>((request) => forRequest(request));
  }
  const owned = !isSharedManagerOptions(options);
  const only = manager as TokenManager;
  return {
    manager: only,
    managerFor: () => only,
    close: () => (owned ? only.close() : Promise.resolve()),
  };
}

/**
 * What the service's own methods meet in the per-request form, which has no module manager.
 *
 * @throws {InvalidOptionsError} `forRequest`, always.
 */
export function noModuleManager(): never {
  throw new InvalidOptionsError('forRequest', 'is set: use twilio.forRequest(req) for a handle');
}

/**
 * Token failures through Nest's `Logger` (context {@link LOG_CONTEXT}), so they follow the
 * application's logger (`app.useLogger()`, `bufferLogs`, log levels): `warn` when a credential
 * starts failing, `log` when it recovers, once per change of state.
 */
export function nestFailureLog(): FailureLog {
  const logger = new Logger(LOG_CONTEXT);
  return new FailureLog({ warn: (line) => logger.warn(line), info: (line) => logger.log(line) });
}
