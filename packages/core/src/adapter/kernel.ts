// The one call an adapter makes: its config and settings in, what its middleware needs out.
import type { TokenManager } from '../token-manager';
import { type AdapterConfig, managerSource } from './config';
import { CONSOLE_FAILURE_LOGGER, type FailureLoggerOption, failureLog } from './failure-log';
import {
  type ErrorMapper,
  type HandleParts,
  LazyManager,
  LazyTokenHandle,
  type TwilioOAuthHandle,
} from './handle';
import { clientsPerManager, type SdkClientFactory } from './sdk-client';
import { type TokenFailure, tokenFailure } from './token-failure';

/** What an adapter adds to its config: its error type, and the user's middleware settings. */
export interface KernelOptions {
  /**
   * The framework's own error for a token failure (502 or 503). Other errors (a host outside
   * `allowedHosts`, a bad option) are rejected unchanged: they are bugs, not token failures.
   */
  readonly toHttpError: (failure: TokenFailure) => unknown;
  /** The user's `logger` option; `undefined` means `console`. See {@link FailureLoggerOption}. */
  readonly logger?: FailureLoggerOption | undefined;
  /** The user's `sdkClient` option. See {@link SdkClientFactory}. */
  readonly sdkClient?: SdkClientFactory | undefined;
}

/** One request's view: its handle, and the work its manager still has in flight. */
export interface RequestScope {
  readonly handle: TwilioOAuthHandle;
  /**
   * Work still in flight (a refresh, a store write) on the manager this request used, as a
   * promise that never rejects; `undefined` when there is none. For Workers' `waitUntil`.
   */
  pending(): Promise<void> | undefined;
}

/** What {@link adapterKernel} returns to an adapter. */
export interface AdapterKernel<Ctx> {
  /** The one manager of options or `{ manager }`; `undefined` for an options factory. */
  readonly manager: TokenManager | undefined;
  /** The one handle of that manager, shared by every request; `undefined` for a factory. */
  readonly handle: TwilioOAuthHandle | undefined;
  /** The scope of one request: the shared one, or for a factory a new lazy one over `ctx`. */
  scope(ctx: Ctx): RequestScope;
  /**
   * Closes the manager built from options, or every manager an options factory made (later
   * calls reject with code `closed`); a shared `{ manager }` is left to its owner.
   */
  close(): Promise<void>;
}

/**
 * The kernel of an adapter, made once per middleware or module: validates `config` and the
 * settings now, then hands out lazy handles whose token failures reject with
 * `options.toHttpError(failure)` and are logged once per change of state per credential.
 *
 * @throws {InvalidOptionsError} naming the option (never its value): `options`, `manager`, an
 *   option beside `manager`, `logger`, `sdkClient`, or any option of `new TokenManager()`.
 * @example
 * const kernel = adapterKernel<Request>(config, { toHttpError, logger, sdkClient });
 * app.use((req, _res, next) => { req.twilio = kernel.scope(req).handle; next(); });
 */
export function adapterKernel<Ctx>(
  config: AdapterConfig<Ctx>,
  options: KernelOptions,
): AdapterKernel<Ctx> {
  const { toHttpError } = options;
  const mapError: ErrorMapper = (error) => {
    const failure = tokenFailure(error);
    return failure ? toHttpError(failure) : error;
  };
  const parts: HandleParts = {
    mapError,
    failures: failureLog(options.logger, CONSOLE_FAILURE_LOGGER),
    clientOf: clientsPerManager(options.sdkClient, mapError),
  };
  const source = managerSource(config);
  const { manager, close } = source;
  if (manager) {
    const handle = new LazyTokenHandle(new LazyManager(manager), parts);
    // Nothing per request: every request shares one scope.
    const shared: RequestScope = { handle, pending: () => manager.pending() };
    return { manager, handle, scope: () => shared, close };
  }
  return {
    manager,
    handle: undefined,
    scope: (ctx) => {
      const lazy = new LazyManager(() => source.managerFor(ctx));
      return { handle: new LazyTokenHandle(lazy, parts), pending: () => lazy.known?.pending() };
    },
    close,
  };
}
