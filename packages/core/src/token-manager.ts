import { requireWebCrypto, SecretReader } from './credential';
import { type Entry, stateOf } from './entry';
import { INSPECT, InvalidOptionsError, TokenRequestError, TwilioOAuthError } from './errors';
import { bearerFetch } from './fetch';
import { TrustedClockReading } from './freshness';
import { hostAllowList } from './hosts';
import { type ExchangeConfig, exchangeConfig, managerPolicy } from './options';
import { RefreshGate } from './refresh-gate';
import { Refresher } from './refresher';
import { emit } from './request-token';
import { StoreSync } from './store-sync';
import { noop, withDeadline } from './timers';
import type {
  AccessToken,
  GetTokenOptions,
  TokenHandle,
  TokenInfo,
  TokenManagerOptions,
} from './types';

/** After a failed refresh (or a 401 renewal), how long before trying again. */
const COOLDOWN_MS = 5_000;
/** How long a freshness check is trusted without reading the clock again. */
const TRUSTED_READING_MS = 100;

const closedError = () => new TwilioOAuthError('closed', 'TokenManager is closed');

const waitedTooLong = (maxWaitMs: number) =>
  new TokenRequestError(
    'timeout',
    `Token request failed: no token within maxWaitMs (${maxWaitMs} ms)`,
    {
      retryable: true,
    },
  );

/** The held token's pre-made (resolved) promise, for the kernel's handle; internal to core. */
export let heldPromise: (manager: TokenManager) => Promise<AccessToken> | undefined;

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
  static {
    heldPromise = (manager) => (#current in manager ? manager.#current?.promise : undefined);
  }
  /** Credential key (token URL + client id [+ scope]); never holds the secret. */
  declare readonly key: string;
  readonly #config: ExchangeConfig;
  readonly #now: () => number;
  readonly #secret: SecretReader;
  readonly #store: StoreSync | undefined;
  readonly #maxWaitMs: number;
  readonly #gate: RefreshGate;
  readonly #check: (url: URL) => void;
  readonly #reading: TrustedClockReading<Entry>;
  readonly #refresher: Refresher;
  #current: Entry | undefined;
  #closed = false;

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
    this.#config = config;
    this.#now = config.now;
    this.#secret = new SecretReader(config.clientSecret, config.key);
    this.#store = store && new StoreSync(store, (event) => emit(config, event));
    const policy = managerPolicy(options);
    this.#maxWaitMs = policy.maxWaitMs;
    this.#gate = new RefreshGate({
      cooldownMs: COOLDOWN_MS,
      failFastMs: policy.failFastMs,
      clock: policy.monotonicNow,
    });
    this.#refresher = new Refresher({
      config,
      secret: this.#secret,
      store: this.#store,
      gate: this.#gate,
      policy,
      held: () => this.#current,
      hold: (entry) => {
        this.#current = entry;
      },
      closed: () => this.#closed,
    });
    this.#check = hostAllowList(options.allowedHosts);
    this.#reading = new TrustedClockReading({
      windowMs: TRUSTED_READING_MS,
      enabled: !options.now,
    });
  }

  /**
   * The current token, fetching one if none is held or it is expired.
   * `forceRefresh: true` fetches a new one (sharing any request in flight).
   *
   * @throws {TokenRequestError} when no valid token can be had (code `timeout` when none came within `maxWaitMs`).
   * @throws {TwilioOAuthError} code `closed` after {@link TokenManager.close}.
   */
  getToken(options?: GetTokenOptions): Promise<AccessToken> {
    // Hot path: no async wrapper, no allocation, and the clock (which costs more than the
    // rest) read at most once per TRUSTED_READING_MS. With a listener, the slow path reports the hit.
    const entry = this.#current;
    if (entry !== undefined && options?.forceRefresh !== true) {
      if (!this.#config.onEvent) {
        if (this.#reading.holds(entry) || this.#freshNow(entry)) return entry.promise;
      } else {
        // With a listener the clock is read anyway (events carry the time): one reading,
        // and the hit reported synchronously, without the async slow path.
        const now = this.#now();
        if (now < entry.staleAt) {
          const { expiresAt } = entry;
          emit(
            this.#config,
            { type: 'cache.hit', state: 'fresh', source: 'memory', expiresAt },
            now,
          );
          return entry.promise;
        }
      }
    }
    return this.#slowToken(options?.forceRefresh === true);
  }

  /** `"Bearer <token>"`, for an `Authorization` header. @throws as {@link TokenManager.getToken}. */
  getAuthorizationHeader(): Promise<string> {
    return this.getToken().then((token) => `Bearer ${token.accessToken}`);
  }

  /**
   * `fetch` with `Authorization: Bearer <token>` set — replacing any
   * Authorization header the caller passed. Only for `allowedHosts` over https
   * (http on loopback); redirects keep the bearer only within the same origin; on
   * a 401 the token is dropped and the request sent once more with a new one,
   * unless its body is a stream that cannot be replayed.
   *
   * @throws {HostNotAllowedError} before sending anything to another host.
   * @throws as {@link TokenManager.getToken}.
   */
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    return bearerFetch({
      fetch: this.#config.fetch,
      check: this.#check,
      getToken: () => this.getToken(),
      onRejected: (accessToken) => this.#rejectedByApi(accessToken),
      input,
      init,
    });
  }

  /** Expiry and state of the held token, from memory, without the token; `undefined` when none. */
  tokenInfo(): TokenInfo | undefined {
    const entry = this.#current;
    if (!entry) return undefined;
    return { expiresAt: entry.expiresAt, state: stateOf(entry, this.#now()) };
  }

  /** Resolves (never rejects) once any refresh in flight, background ones included, has finished. */
  settled(): Promise<void> {
    return this.#refresher.settled();
  }

  /**
   * What is in flight right now (a token request, a background refresh, a store write), as a
   * promise that never rejects; `undefined` when nothing is. Adapters on Workers hand it to
   * `waitUntil` so that work outlives the response — and skip the call when there is none.
   */
  pending(): Promise<void> | undefined {
    return this.#refresher.busy ? this.settled() : undefined;
  }

  /**
   * Drops the held token (and the store's copy); the next `getToken()` fetches a new
   * one, and no refresh already in flight can bring the dropped token back. Store
   * failures are reported through `onEvent`, never thrown.
   */
  invalidate(): Promise<void> {
    this.#refresher.invalidate();
    this.#current = undefined;
    this.#gate.succeeded();
    const store = this.#store;
    if (!store) return Promise.resolve();
    const key = this.#secret.lastStoreKey() ?? this.#secret.read().then((c) => c.storeKey());
    return store.delete(key);
  }

  /**
   * Stops the manager: aborts requests in flight, forgets the token. Later
   * calls reject with code `closed`. Idempotent; leaves no timer behind.
   */
  async close(): Promise<void> {
    this.#closed = true;
    this.#current = undefined;
    this.#reading.clear();
    this.#refresher.abort();
    await this.settled();
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

  /** Reads the clock: fresh now? If so, the reading is trusted for a while (see TrustedClockReading). */
  #freshNow(entry: Entry): boolean {
    const freshForMs = entry.staleAt - this.#now();
    this.#reading.trust(entry, freshForMs);
    return freshForMs > 0;
  }

  async #slowToken(force: boolean): Promise<AccessToken> {
    if (this.#closed) throw closedError();
    const now = this.#now();
    const entry = this.#current;
    if (entry && !force) {
      const state = stateOf(entry, now);
      if (state !== 'expired') {
        const { expiresAt } = entry;
        emit(this.#config, { type: 'cache.hit', state, source: 'memory', expiresAt });
        if (state === 'stale' && !this.#refresher.inflight && this.#gate.mayRefresh()) {
          // Failures are reported through onEvent; the held token keeps being served.
          this.#refresher.refresh({ force, background: true }).catch(noop);
        }
        return entry.token;
      }
      // Inside the buffer after a failed refresh: don't hammer the endpoint, serve what we hold.
      if (now < entry.expiresAt && !this.#gate.mayRefresh()) return this.#servedStale(entry);
    }
    const failing = force ? undefined : this.#gate.failFast();
    if (failing && !this.#refresher.inflight && !(await this.#rotatedSince(failing))) {
      throw failing;
    }
    emit(this.#config, { type: 'cache.miss', reason: this.#missReason(force), source: 'memory' });
    try {
      const maxWaitMs = this.#maxWaitMs;
      // A caller's wait has its own bound; the refresh itself goes on for the others.
      const refresh = this.#refresher.refresh({ force, background: false });
      return (await withDeadline(refresh, maxWaitMs, () => waitedTooLong(maxWaitMs))).token;
    } catch (error) {
      if (this.#closed) throw closedError();
      const held = this.#current;
      if (!force && held && this.#now() < held.expiresAt) return this.#servedStale(held);
      throw error;
    }
  }

  /** Inside a window opened by refused credentials, a rotated secret is tried at once. */
  async #rotatedSince(failure: TokenRequestError): Promise<boolean> {
    return !failure.retryable && this.#secret.rotatedSinceRefusal();
  }

  #missReason(force: boolean): 'forced' | 'expired' | 'invalidated' | 'empty' {
    if (force) return 'forced';
    if (this.#current) return 'expired';
    return this.#refresher.invalidated ? 'invalidated' : 'empty';
  }

  #servedStale(entry: Entry): AccessToken {
    emit(this.#config, { type: 'token.served_stale', expiresAt: entry.expiresAt });
    return entry.token;
  }

  /** The API answered 401 to `accessToken`: never adopt it again; renew once per cooldown. */
  #rejectedByApi(accessToken: string): void {
    this.#refresher.reject(accessToken);
    // An API that keeps refusing must not cost a token request per call: one renewal per
    // cooldown; in between, the caller gets the 401.
    if (this.#current?.token.accessToken === accessToken && this.#gate.takeRenewalAfter401()) {
      void this.invalidate();
    }
  }
}
