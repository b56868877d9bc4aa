// What an adapter's `twilioOAuth(config)` accepts, and where each request's manager comes from.
import { InvalidOptionsError, TwilioOAuthError } from '../errors';
import { TokenManagerPool } from '../pool';
import { TokenManager } from '../token-manager';
import type { TokenManagerOptions } from '../types';

/**
 * `{ manager }`: a `TokenManager` the application created, shared with an adapter (one backed
 * by a Redis store, say, or also used outside HTTP requests). The adapter never closes it.
 */
export interface SharedManagerOptions {
  /** The manager every request delegates to. */
  manager: TokenManager;
}

/**
 * The manager options of one request (`req` in Express, `c` in Hono, Nest's `forRequest`):
 * per-tenant credentials or Workers bindings. Called at most once per request, on the first
 * use of its handle. Managers are pooled per credential and secret (`TokenManagerPool` of
 * `@twilio-oauth/core/pool`): return stable values, since other settings with the same
 * secret replace its manager.
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

// Duck-typed: an app loading the core as ESM beside an adapter loading it as CJS has two classes.
const isTokenManager = (value: unknown): value is TokenManager =>
  typeof value === 'object' &&
  value !== null &&
  MANAGER_METHODS.every((name) => typeof Reflect.get(value, name) === 'function');

const isShared = (config: object): config is SharedManagerOptions =>
  Reflect.get(config, 'manager') !== undefined;

/** Where each request's manager comes from; made once per middleware or module. */
export interface ManagerSource<Ctx> {
  /** The one manager of options or `{ manager }`; `undefined` for an options factory. */
  readonly manager: TokenManager | undefined;
  /** The manager of one request (a promise while an async `clientSecret` function resolves). */
  readonly managerFor: (ctx: Ctx) => TokenManager | Promise<TokenManager>;
  /** Closes what the source created; a shared `{ manager }` is the app's and stays open. */
  close(): Promise<void>;
}

/**
 * Resolves `config` once. Options are validated now; an options factory gets a pool of its
 * own, so two middlewares never replace each other's managers.
 *
 * @throws {InvalidOptionsError} `options` when `config` is neither options, `{ manager }` nor
 *   a function; `manager` when it is no `TokenManager`; the other option when one is given
 *   beside `manager` (it would silently lose); or as `new TokenManager(config)`.
 */
export function managerSource<Ctx>(config: AdapterConfig<Ctx>): ManagerSource<Ctx> {
  if (typeof config === 'function') {
    const pool = new TokenManagerPool();
    let closed = false;
    return {
      manager: undefined,
      managerFor: (ctx) => {
        // As a closed manager would: a closed pool must not fill up again.
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
  if (!isShared(config)) {
    const manager = new TokenManager(config);
    return { manager, managerFor: () => manager, close: () => manager.close() };
  }
  const { manager } = config;
  if (!isTokenManager(manager)) throw new InvalidOptionsError('manager', 'must be a TokenManager');
  const other = Object.entries(config).find(
    ([key, value]) => key !== 'manager' && value !== undefined,
  );
  if (other) throw new InvalidOptionsError(other[0], 'cannot be combined with "manager"');
  return { manager, managerFor: () => manager, close: () => Promise.resolve() };
}
