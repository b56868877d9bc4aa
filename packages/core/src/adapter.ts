/**
 * `@twilio-oauth/core/adapter`: the kernel the framework adapters share — what a
 * `twilioOAuth(config)` accepts and how it becomes a manager, the one check that a
 * `{ manager }` is a `TokenManager`, the lazy handle a request sees, and the pool of
 * the per-request form with its `close()`. An adapter adds only its framework's glue.
 *
 * @packageDocumentation
 */
import { InvalidOptionsError, TwilioOAuthError } from './errors';
import type { FailureLog } from './failure-log';
import { TokenManagerPool } from './pool';
import { heldPromise, TokenManager } from './token-manager';
import type { AccessToken, GetTokenOptions, TokenHandle, TokenManagerOptions } from './types';

export {
  CONSOLE_FAILURE_LOGGER,
  FailureLog,
  type FailureLogger,
  type FailureLoggerOption,
  failureLog,
} from './failure-log';
export { TokenManagerPool } from './pool';

/**
 * `{ manager }`: a `TokenManager` the application created (and closes) itself, shared
 * with an adapter — e.g. one backed by a Redis store, or also used outside HTTP
 * requests. The adapter never closes it.
 */
export interface SharedManagerOptions {
  /** The manager every request delegates to. */
  manager: TokenManager;
}

/**
 * Computes the manager options of one request (`req` in Express, `c` in Hono), e.g.
 * per-tenant credentials or Workers bindings. Called at most once per request, and only
 * when the request uses its handle.
 */
export type OptionsFactory<Ctx> = (ctx: Ctx) => TokenManagerOptions;

/** Everything an adapter's `twilioOAuth()` accepts. */
export type AdapterConfig<Ctx> = TokenManagerOptions | SharedManagerOptions | OptionsFactory<Ctx>;

/** Maps a core error to the framework's own (or returns it unchanged). */
export type ErrorMapper = (error: unknown) => unknown;

// Every method an adapter calls on a manager.
const MANAGER_METHODS = [
  'getToken',
  'getAuthorizationHeader',
  'fetch',
  'tokenInfo',
  'pending',
  'close',
];

/**
 * Whether `value` is a `TokenManager`. Duck-typed rather than `instanceof`: an app that
 * loads the core as ESM while an adapter loads it as CJS (or the other way round)
 * holds two `TokenManager` classes.
 */
export function isTokenManager(value: unknown): value is TokenManager {
  return (
    typeof value === 'object' &&
    value !== null &&
    MANAGER_METHODS.every((name) => typeof Reflect.get(value, name) === 'function')
  );
}

/** Whether `config` shares an existing manager (`{ manager }`) rather than describes one. */
export function isSharedManagerOptions(config: unknown): config is SharedManagerOptions {
  return (
    typeof config === 'object' && config !== null && Reflect.get(config, 'manager') !== undefined
  );
}

/** A manager from options or `{ manager }`, and whether the adapter owns (closes) it. */
export interface StaticManager {
  readonly manager: TokenManager;
  /** True for a manager built from options; false for a shared `{ manager }`. */
  readonly owned: boolean;
}

/**
 * Turns options or `{ manager }` into the manager. A manager mixed with other options
 * is refused (they would silently lose to the manager's own): the error names
 * `manager` by default, or, with `blame: 'other'`, the other option (Nest's types
 * forbid that one).
 *
 * @throws {InvalidOptionsError} `options` when `config` is not an object, `manager`
 *   when it is not a `TokenManager`, or as `new TokenManager(config)`.
 */
export function staticManager(
  config: TokenManagerOptions | SharedManagerOptions,
  { blame = 'manager' }: { blame?: 'manager' | 'other' } = {},
): StaticManager {
  if (typeof config !== 'object' || config === null) {
    throw new InvalidOptionsError('options', 'must be TokenManager options or { manager }');
  }
  if (!isSharedManagerOptions(config)) return { manager: new TokenManager(config), owned: true };
  if (!isTokenManager(config.manager)) {
    throw new InvalidOptionsError('manager', 'must be a TokenManager');
  }
  const other = Object.entries(config).find(
    ([key, value]) => key !== 'manager' && value !== undefined,
  )?.[0];
  if (other !== undefined) {
    throw blame === 'other'
      ? new InvalidOptionsError(other, 'cannot be combined with "manager"')
      : new InvalidOptionsError('manager', `cannot be combined with "${other}"`);
  }
  return { manager: config.manager, owned: false };
}

/** Where an adapter gets the manager of each request, see {@link managerSource}. */
export interface ManagerSource<Ctx> {
  /** The one manager of options or `{ manager }`; `undefined` for an options factory. */
  readonly manager: TokenManager | undefined;
  /** The manager for one request: {@link ManagerSource.manager}, or the pool's for the factory's options. */
  readonly managerFor: (ctx: Ctx) => TokenManager;
  /**
   * Closes what this source created: the manager built from options, or every manager
   * of the factory's pool (later requests get a `closed` error, as from a closed
   * manager). A shared `{ manager }` is left open (it is the app's).
   */
  close(): Promise<void>;
}

/**
 * Resolves an adapter's config once, when the middleware is created. Options are
 * validated now; an options factory gets its own bounded {@link TokenManagerPool}
 * (one per middleware: two apps never replace each other's managers).
 *
 * @throws {InvalidOptionsError} when `config` is neither options, `{ manager }` nor a
 *   function, or as {@link staticManager}; the message names the option, never a secret.
 * @example
 * const source = managerSource<Request>(config);
 * const manager = source.manager ?? source.managerFor(req);
 */
export function managerSource<Ctx>(config: AdapterConfig<Ctx>): ManagerSource<Ctx> {
  if (typeof config === 'function') {
    const pool = new TokenManagerPool();
    let closed = false;
    return {
      manager: undefined,
      managerFor: (ctx) => {
        // Like a closed manager: a closed pool would otherwise fill up again.
        if (closed) throw new TwilioOAuthError('closed', 'TokenManager is closed');
        return pool.get(config(ctx));
      },
      close: () => {
        closed = true;
        return pool.close();
      },
    };
  }
  if (typeof config !== 'object' || config === null) {
    throw new InvalidOptionsError(
      'options',
      'must be TokenManager options, { manager } or a function',
    );
  }
  const { manager, owned } = staticManager(config);
  return {
    manager,
    managerFor: () => manager,
    close: () => (owned ? manager.close() : Promise.resolve()),
  };
}

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
): ((manager: TokenManager) => SdkClient) | undefined {
  if (factory === undefined) return undefined;
  if (typeof factory !== 'function') {
    throw new InvalidOptionsError('client', 'must be a function (manager) => client');
  }
  const clients = new WeakMap<TokenManager, SdkClient>();
  return (manager) => {
    let client = clients.get(manager);
    if (client === undefined) {
      const rethrow = (error: unknown): never => {
        throw mapError(error);
      };
      client = factory({ fetch: (input, init) => manager.fetch(input, init).catch(rethrow) });
      clients.set(manager, client);
    }
    return client;
  };
}

/** What {@link createTokenHandle} may add to a handle. */
export interface HandleExtras {
  /** Reports token failures and recoveries (see {@link FailureLog}). */
  readonly failures?: FailureLog | undefined;
  /** The SDK client of a manager (from {@link clientsPerManager}); makes `client` available. */
  readonly clientOf?: ((manager: TokenManager) => SdkClient) | undefined;
}

/**
 * The handle a request sees (`req.twilio`, `c.var.twilio`, Nest's service). Nothing
 * happens until a method is called; the manager is then resolved once for the handle's
 * lifetime, and errors go through the adapter's mapper. Members are arrow properties,
 * so detached methods (`const { fetch } = handle`) keep working.
 */
class LazyTokenHandle implements ClientTokenHandle {
  #manager: TokenManager | undefined;
  readonly #resolve: () => TokenManager;
  readonly #mapError: ErrorMapper;
  readonly #failures: FailureLog | undefined;
  readonly #clientOf: ((manager: TokenManager) => SdkClient) | undefined;

  constructor(
    resolve: () => TokenManager,
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
    this.#manager ??= this.#resolve();
    return this.#clientOf(this.#manager);
  }

  readonly getToken = (options?: GetTokenOptions): Promise<AccessToken> => {
    const manager = this.#manager;
    if (manager && options === undefined && !this.#failures?.failing) {
      const result = manager.getToken();
      // The held token's pre-made promise has resolved already: nothing can reach the error
      // mapper, so the cached path costs the handle nothing (no .catch, no extra tick).
      return result === heldPromise(manager) ? result : result.catch(this.#rethrow);
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
    if (this.#failures && this.#manager) this.#failures.failed(this.#manager.key, error);
    throw this.#mapError(error);
  };

  #call<T>(use: (manager: TokenManager) => Promise<T>): Promise<T> {
    try {
      this.#manager ??= this.#resolve();
      const manager = this.#manager;
      const result = use(manager);
      // Only while some credential is failing can a success be news (a recovery): the
      // healthy path stays one `.catch`, with no handler made per call.
      if (this.#failures?.failing) return result.then(this.#recovered(manager), this.#rethrow);
      return result.catch(this.#rethrow);
    } catch (error) {
      // Resolving the manager (an options factory, say) threw: still a rejection, not a throw.
      return Promise.reject(this.#mapError(error));
    }
  }

  #recovered<T>(manager: TokenManager): (value: T) => T {
    return (value) => {
      this.#failures?.succeeded(manager.key);
      return value;
    };
  }

  static usedManager(handle: TokenHandle): TokenManager | undefined {
    return #manager in handle ? handle.#manager : undefined;
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
  resolve: () => TokenManager,
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
