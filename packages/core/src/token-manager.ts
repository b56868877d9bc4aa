import { requireWebCrypto, SecretReader } from './credential';
import { INSPECT, InvalidOptionsError } from './errors';
import { bearerFetch } from './fetch';
import { hostAllowList } from './hosts';
import { exchangeConfig, managerPolicy } from './options';
import { emit } from './request-token';
import { StoreSync } from './store-sync';
import { TokenCache } from './token-cache';
import type {
  AccessToken,
  GetTokenOptions,
  TokenHandle,
  TokenInfo,
  TokenManagerOptions,
} from './types';

/**
 * Gets, caches and refreshes OAuth client-credentials tokens for one
 * credential. A cached token is *fresh* (served as is), *stale* (within
 * `refreshAheadSeconds` of expiry: served while one background refresh runs) or
 * *expired* (within `expiryBufferSeconds`: callers wait for a new token).
 * Concurrent callers share one request; failed requests are retried with
 * backoff and never cached; a still-valid token is served when a refresh fails;
 * with none, callers fail fast for a moment rather than each retrying.
 * Nothing refreshes an idle credential, and no timer keeps a process alive.
 * Options and their defaults: {@link TokenManagerOptions}.
 *
 * @throws {InvalidOptionsError} from the constructor when an option is missing or
 *   invalid (the message names the option, never its value).
 * @example
 * const manager = new TokenManager({ clientId, clientSecret });
 * const res = await manager.fetch(`https://api.twilio.com/2010-04-01/Accounts/${sid}/Messages.json`);
 * await manager.close();
 */
export class TokenManager implements TokenHandle, AsyncDisposable {
  /** Credential key (token URL + client id [+ scope]); never holds the secret. */
  declare readonly key: string;
  readonly #fetch: typeof globalThis.fetch;
  readonly #check: (url: URL) => void;
  readonly #cache: TokenCache;

  constructor(options: TokenManagerOptions) {
    const config = exchangeConfig(options);
    const store = options.store;
    if (store !== undefined) {
      if (!['get', 'set', 'delete'].every((m) => typeof Object(store)[m] === 'function')) {
        throw new InvalidOptionsError('store', 'needs get, set and delete');
      }
      requireWebCrypto();
    }
    this.key = config.key;
    this.#fetch = config.fetch;
    this.#check = hostAllowList(options.allowedHosts);
    this.#cache = new TokenCache(
      {
        config,
        policy: managerPolicy(options),
        secret: new SecretReader(config.clientSecret, config.key),
        store: store && new StoreSync(store, (event) => emit(config, event)),
      },
      // An injected clock moves at the test's will: every reading is taken afresh.
      { trustReadings: !options.now },
    );
  }

  /**
   * The current token, fetching one if none is held or it is expired.
   * `forceRefresh: true` fetches a new one (sharing any request in flight).
   *
   * @throws {TokenRequestError} when no valid token can be had (code `timeout` when none came within `maxWaitMs`).
   * @throws {TwilioOAuthError} code `closed` after {@link TokenManager.close}.
   */
  getToken(options?: GetTokenOptions): Promise<AccessToken> {
    if (options?.forceRefresh === true) return this.#cache.get(true);
    return this.#cache.cached() ?? this.#cache.get(false);
  }

  /**
   * The held token while it is fresh, as an already-resolved promise, without any request;
   * `undefined` when `getToken()` would have more to do (none held, stale, expired). For
   * wrappers that want the cached path to cost nothing more than it does here.
   */
  cachedToken(): Promise<AccessToken> | undefined {
    return this.#cache.cached();
  }

  /** `"Bearer <token>"`, for an `Authorization` header. @throws as {@link TokenManager.getToken}. */
  getAuthorizationHeader(): Promise<string> {
    return this.getToken().then((token) => `Bearer ${token.accessToken}`);
  }

  /**
   * `fetch` with `Authorization: Bearer <token>` set — replacing any
   * Authorization header the caller passed. Only for `allowedHosts` over https
   * (http on loopback); redirects keep the bearer only within the same origin; on
   * a 401 to a request that carried it, the token is dropped and the request sent once
   * more with a new one, unless its body is a stream that cannot be replayed.
   *
   * @throws {HostNotAllowedError} before sending anything to another host.
   * @throws as {@link TokenManager.getToken}.
   */
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    return bearerFetch({
      fetch: this.#fetch,
      check: this.#check,
      getToken: () => this.getToken(),
      onRejected: (accessToken) => this.#cache.refusedByApi(accessToken),
      input,
      init,
    });
  }

  /** Expiry and state of the held token, from memory, without the token; `undefined` when none. */
  tokenInfo(): TokenInfo | undefined {
    return this.#cache.info();
  }

  /** Resolves (never rejects) once any refresh in flight, background ones included, has finished. */
  settled(): Promise<void> {
    return this.#cache.settled();
  }

  /**
   * What is in flight right now (a token request, a background refresh, a store write), as a
   * promise that never rejects; `undefined` when nothing is. Adapters on Workers hand it to
   * `waitUntil` so that work outlives the response — and skip the call when there is none.
   */
  pending(): Promise<void> | undefined {
    return this.#cache.pending();
  }

  /**
   * Drops the held token (and the store's copy); the next `getToken()` fetches a new
   * one, and no refresh already in flight can bring the dropped token back. Store
   * failures are reported through `onEvent`, never thrown.
   */
  invalidate(): Promise<void> {
    return this.#cache.invalidate();
  }

  /**
   * Stops the manager: aborts requests in flight, forgets the token. Later
   * calls reject with code `closed`. Idempotent; leaves no timer behind.
   */
  close(): Promise<void> {
    return this.#cache.close();
  }

  /** `await using manager = new TokenManager(…)` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Safe to log: the key only. */
  toJSON() {
    return { key: this.key };
  }

  /** `util.inspect` formats the same object. */
  [INSPECT]() {
    return this.toJSON();
  }
}
