/**
 * `@twilio-oauth/core/adapter`: the kernel the framework adapters share — what a
 * `twilioOAuth(config)` accepts and how it becomes a manager, the one check that a
 * `{ manager }` is a `TokenManager`, the lazy handle a request sees, and the pool of
 * the per-request form with its `close()`. An adapter adds only its framework's glue.
 *
 * @packageDocumentation
 */
import { InvalidOptionsError, TwilioOAuthError } from './errors';
import { TokenManagerPool } from './pool';
import { TokenManager } from './token-manager';
import type { TokenManagerOptions } from './types';

export {
  CONSOLE_FAILURE_LOGGER,
  FailureLog,
  type FailureLogger,
  type FailureLoggerOption,
  failureLog,
} from './failure-log';
export {
  type ClientFactory,
  type ClientFetcher,
  type ClientTokenHandle,
  clientsPerManager,
  createTokenHandle,
  type ErrorMapper,
  type HandleExtras,
  middlewareExtras,
  pendingWork,
  type SdkClient,
  type TwilioOAuthClients,
} from './handle';
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

// Every method an adapter calls on a manager.
const MANAGER_METHODS = [
  'getToken',
  'cachedToken',
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
  /**
   * The manager for one request: {@link ManagerSource.manager}, or the pool's for the
   * factory's options and secret (a promise while an async `clientSecret` function resolves).
   */
  readonly managerFor: (ctx: Ctx) => TokenManager | Promise<TokenManager>;
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
