// The lazy handle a request sees (`req.twilio`, `c.var.twilio`, Nest's service) and the one
// SDK client per manager it may hand out; part of `@twilio-oauth/core/adapter`.
import { InvalidOptionsError } from './errors';
import {
  CONSOLE_FAILURE_LOGGER,
  type FailureLog,
  type FailureLoggerOption,
  failureLog,
} from './failure-log';
import type { TokenManager } from './token-manager';
import type { AccessToken, GetTokenOptions, TokenHandle } from './types';

/** Maps a core error to the framework's own (or returns it unchanged). */
export type ErrorMapper = (error: unknown) => unknown;

/**
 * Filled in by `@twilio-oauth/twilio` (module augmentation) with `{ client: Twilio }`, so that
 * the adapters' `client` is the official SDK's client type once that package is imported.
 * The core itself never imports the SDK.
 */
// biome-ignore lint/suspicious/noEmptyInterface: augmented by @twilio-oauth/twilio.
export interface TwilioOAuthClients {}

/** The SDK client type an adapter hands out: the SDK's `Twilio` with `@twilio-oauth/twilio`. */
export type SdkClient = TwilioOAuthClients extends { client: infer C } ? C : unknown;

/** What a client factory gets: a manager's `fetch`, its token failures mapped for the framework. */
export interface ClientFetcher {
  fetch(input: URL, init?: RequestInit): Promise<Response>;
}

/**
 * Builds the SDK client of one manager, e.g. `twilioClientFactory({ accountSid })` of
 * `@twilio-oauth/twilio`. Called once per manager, on the first `handle.client`.
 */
export type ClientFactory = (fetcher: ClientFetcher) => SdkClient;

/** A {@link TokenHandle} that also hands out the SDK client of its manager. */
export interface ClientTokenHandle extends TokenHandle {
  /**
   * The official twilio SDK's client of this handle's manager, built on first use and then
   * shared by every request on that manager. Its requests go through the manager's `fetch`
   * (token failures with the framework's error, as `fetch()`).
   *
   * @throws {InvalidOptionsError} `client` when the adapter was given no client factory.
   */
  readonly client: SdkClient;
}

/**
 * One SDK client per manager for a middleware: `factory` runs once per manager (a WeakMap,
 * so a manager dropped from a pool takes its client along).
 */
export function clientsPerManager(
  factory: ClientFactory | undefined,
  mapError: ErrorMapper,
): ClientOf | undefined {
  if (factory === undefined) return undefined;
  if (typeof factory !== 'function') {
    throw new InvalidOptionsError('client', 'must be a function (manager) => client');
  }
  const rethrow = (error: unknown): never => {
    throw mapError(error);
  };
  const clients = new WeakMap<TokenManager, SdkClient>();
  return (manager) => {
    // Still resolving (an async secret function): a client of this request's own.
    if (!isManager(manager)) {
      return factory({
        fetch: (input, init) => manager.then((m) => m.fetch(input, init)).catch(rethrow),
      });
    }
    let client = clients.get(manager);
    if (client === undefined) {
      client = factory({ fetch: (input, init) => manager.fetch(input, init).catch(rethrow) });
      clients.set(manager, client);
    }
    return client;
  };
}

/** A manager, or the promise of one (per-request options with an async secret function). */
export type ManagerOrPromise = TokenManager | Promise<TokenManager>;

/** The SDK client of a manager (one per manager) or of a manager still resolving (one per call). */
export type ClientOf = (manager: ManagerOrPromise) => SdkClient;

const isManager = (value: ManagerOrPromise): value is TokenManager => !(value instanceof Promise);

/** What {@link createTokenHandle} may add to a handle. */
export interface HandleExtras {
  /** Reports token failures and recoveries (see {@link FailureLog}). */
  readonly failures?: FailureLog | undefined;
  /** The SDK client of a manager (from {@link clientsPerManager}); makes `client` available. */
  readonly clientOf?: ClientOf | undefined;
}

/**
 * The {@link HandleExtras} of a middleware, from its options, made once when the
 * middleware is created: a failure log (`logger`, console by default, `false` for none)
 * and one SDK client per manager (`client`).
 *
 * @throws {InvalidOptionsError} `logger` or `client` when not as described.
 */
export function middlewareExtras(
  options: { readonly logger?: FailureLoggerOption; readonly client?: ClientFactory },
  mapError: ErrorMapper,
): HandleExtras {
  return {
    failures: failureLog(options.logger, CONSOLE_FAILURE_LOGGER),
    clientOf: clientsPerManager(options.client, mapError),
  };
}

/**
 * The handle a request sees (`req.twilio`, `c.var.twilio`, Nest's service). Nothing
 * happens until a method is called; the manager is then resolved once for the handle's
 * lifetime, and errors go through the adapter's mapper. Members are arrow properties,
 * so detached methods (`const { fetch } = handle`) keep working.
 */
class LazyTokenHandle implements ClientTokenHandle {
  /** Once resolved; a promise meanwhile when resolving is asynchronous. */
  #manager: ManagerOrPromise | undefined;
  readonly #resolve: () => ManagerOrPromise;
  readonly #mapError: ErrorMapper;
  readonly #failures: FailureLog | undefined;
  readonly #clientOf: ClientOf | undefined;

  constructor(
    resolve: () => ManagerOrPromise,
    mapError: ErrorMapper,
    { failures, clientOf }: HandleExtras = {},
  ) {
    this.#resolve = resolve;
    this.#mapError = mapError;
    this.#failures = failures;
    this.#clientOf = clientOf;
  }

  get client(): SdkClient {
    if (!this.#clientOf) {
      throw new InvalidOptionsError(
        'client',
        "not configured: pass { client: twilioClientFactory({ accountSid }) } from '@twilio-oauth/twilio'",
      );
    }
    return this.#clientOf(this.#resolved());
  }

  readonly getToken = (options?: GetTokenOptions): Promise<AccessToken> => {
    const manager = this.#manager;
    if (manager && isManager(manager) && options === undefined && !this.#failures?.failing) {
      // The held token's pre-made promise has resolved already: nothing can reach the error
      // mapper, so the cached path costs the handle nothing (no .catch, no extra tick).
      return manager.cachedToken() ?? manager.getToken().catch(this.#rethrow);
    }
    return this.#call((m) => m.getToken(options));
  };

  readonly getAuthorizationHeader = (): Promise<string> =>
    this.#call((manager) => manager.getAuthorizationHeader());

  readonly fetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> =>
    this.#call((manager) => manager.fetch(input, init));

  // A rejection handler made once: `.catch` on the hot path, rather than an async function
  // whose machinery costs more than the cached getToken() it wraps.
  readonly #rethrow = (error: unknown): never => {
    const manager = this.#manager;
    if (this.#failures && manager && isManager(manager)) this.#failures.failed(manager.key, error);
    throw this.#mapError(error);
  };

  /** The manager, resolved on first use (or the promise of it, until it resolves). */
  #resolved(): ManagerOrPromise {
    const manager = this.#manager ?? this.#resolve();
    if (this.#manager === undefined && !isManager(manager)) {
      // Swapped for the manager itself once known; a failure is every call's to report.
      manager.then(
        (resolved) => {
          this.#manager = resolved;
        },
        () => {
          if (this.#manager === manager) this.#manager = undefined;
        },
      );
    }
    this.#manager = manager;
    return manager;
  }

  #call<T>(use: (manager: TokenManager) => Promise<T>): Promise<T> {
    try {
      const resolved = this.#resolved();
      if (!isManager(resolved)) return resolved.then((m) => this.#use(m, use), this.#rethrow);
      return this.#use(resolved, use);
    } catch (error) {
      // Resolving the manager (an options factory, say) threw: still a rejection, not a throw.
      return Promise.reject(this.#mapError(error));
    }
  }

  #use<T>(manager: TokenManager, use: (manager: TokenManager) => Promise<T>): Promise<T> {
    const result = use(manager);
    // Only while some credential is failing can a success be news (a recovery): the
    // healthy path stays one `.catch`, with no handler made per call.
    if (this.#failures?.failing) return result.then(this.#recovered(manager), this.#rethrow);
    return result.catch(this.#rethrow);
  }

  #recovered<T>(manager: TokenManager): (value: T) => T {
    return (value) => {
      this.#failures?.succeeded(manager.key);
      return value;
    };
  }

  static usedManager(handle: TokenHandle): TokenManager | undefined {
    const manager = #manager in handle ? handle.#manager : undefined;
    return manager && isManager(manager) ? manager : undefined;
  }
}

/**
 * A lazy {@link TokenHandle} over the manager `resolve` returns (called on first use
 * only), with every rejection passed through `mapError`. With `failures`, token failures
 * and recoveries are reported there, once per change of state per credential (see
 * {@link FailureLog}); one log per middleware, shared by all its handles. `clientOf` (from
 * {@link clientsPerManager}) makes its `client` available.
 *
 * @example
 * const failures = failureLog(options.logger, CONSOLE_FAILURE_LOGGER);
 * const handle = createTokenHandle(() => manager, toHttpError, { failures });
 * app.use((req, _res, next) => { req.twilio = handle; next(); });
 */
export function createTokenHandle(
  resolve: () => ManagerOrPromise,
  mapError: ErrorMapper,
  extras: HandleExtras = {},
): ClientTokenHandle {
  return new LazyTokenHandle(resolve, mapError, extras);
}

/**
 * The work still in flight (a refresh, a store write) on the manager `handle` has used,
 * as a promise that never rejects; `undefined` when the handle used no manager or nothing
 * is in flight. For runtimes that must be told to keep it alive (Workers' `waitUntil`).
 */
export function pendingWork(handle: TokenHandle): Promise<void> | undefined {
  return LazyTokenHandle.usedManager(handle)?.pending();
}
