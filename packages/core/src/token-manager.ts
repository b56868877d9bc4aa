import { RedactedToken } from './access-token';
import { INSPECT, InvalidOptionsError, TwilioOAuthError } from './errors';
import { bearerFetch } from './fetch';
import { hostAllowList } from './hosts';
import { type ExchangeConfig, exchangeConfig, num } from './options';
import { emit, exchange, type Issued, VSCHAR } from './request-token';
import { delay, noop, unref } from './timers';
import type {
  AccessToken,
  GetTokenOptions,
  StoredToken,
  TokenHandle,
  TokenInfo,
  TokenManagerOptions,
  TokenState,
  TokenStore,
} from './types';

/** A held token with its precomputed state boundaries (epoch ms). */
interface Entry {
  readonly token: AccessToken;
  /** Made once, so the fresh path returns it without allocating. */
  readonly promise: Promise<AccessToken>;
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly staleAt: number;
  readonly expiredAt: number;
}

/** After a failed refresh, how long a still-valid token is served before trying again. */
const COOLDOWN_MS = 5_000;
/** How often the store is polled while another process holds the lock. */
const POLL_MS = 50;
/** How long a freshness check is trusted without reading the clock again. */
const HOT_MS = 100;
const FAILED = Symbol();

const stateOf = (entry: Entry, now: number): TokenState =>
  now < entry.staleAt ? 'fresh' : now < entry.expiredAt ? 'stale' : 'expired';

const closedError = () => new TwilioOAuthError('closed', 'TokenManager is closed');

/**
 * Gets, caches and refreshes OAuth client-credentials tokens for one
 * credential. A cached token is *fresh* (served as is), *stale* (within
 * `refreshAheadSeconds` of expiry: served while one background refresh runs) or
 * *expired* (within `expiryBufferSeconds`: callers wait for a new token).
 * Concurrent callers share one request; failed requests are retried with
 * backoff and never cached; a still-valid token is served when a refresh fails.
 * Nothing refreshes an idle credential, and no timer keeps a process alive.
 *
 * Options and defaults: `clientId`, `clientSecret` (required), `tokenUrl`
 * (`https://oauth.twilio.com/v2/token`), `scope`, `clientAuthMethod`
 * (`client_secret_post`), `fetch` (`globalThis.fetch`), `store` (none: the
 * manager's own memory), `timeoutMs` (10 000), `retry` (`maxAttempts` 3,
 * `baseDelayMs` 200, `maxDelayMs` 5 000, `maxRetryAfterMs` 30 000),
 * `expiryBufferSeconds` (60), `refreshAheadSeconds` (300) — both clamped to half
 * a token's lifetime —, `allowedHosts` (`["*.twilio.com"]`), `lockWaitMs`
 * (5 000), `onEvent`, `now` (`Date.now`).
 *
 * @example
 * const manager = new TokenManager({ clientId, clientSecret });
 * const res = await manager.fetch(`https://api.twilio.com/2010-04-01/Accounts/${sid}/Messages.json`);
 * await manager.close();
 */
export class TokenManager implements TokenHandle, AsyncDisposable {
  /** Credential key (token URL + client id [+ scope]); never holds the secret. */
  declare readonly key: string;
  readonly #config: ExchangeConfig;
  readonly #now: () => number;
  readonly #store: TokenStore | undefined;
  readonly #bufferMs: number;
  readonly #aheadMs: number;
  readonly #lockWaitMs: number;
  readonly #check: (url: URL) => void;
  /**
   * One controller per refresh, made when the refresh starts and dropped when it ends: on
   * Workers an AbortController belongs to the request that made it, so none may outlive it.
   */
  readonly #controllers = new Set<AbortController>();
  /** Store writes and lock releases not finished yet (see #track). */
  #backgroundCount = 0;
  #current: Entry | undefined;
  /** The entry last seen fresh by the real clock, trusted until #hotTimer fires. */
  #hot: Entry | undefined;
  #hotTimer: ReturnType<typeof setTimeout> | undefined;
  /** False with an injected clock, or where timers cannot be unref'd (their firing is less certain). */
  #trustTimers: boolean;
  #inflight: Promise<Entry> | undefined;
  #cooldownUntil = 0;
  #rejectedUntil = 0;
  #invalidated = false;
  #background: Promise<void> | undefined;
  #closed = false;

  /**
   * @throws {InvalidOptionsError} when an option is missing or invalid (the
   *   message names the option, never its value).
   */
  constructor(options: TokenManagerOptions) {
    const config = exchangeConfig(options);
    const store = options.store;
    if (
      store !== undefined &&
      !['get', 'set', 'delete'].every((m) => typeof Object(store)[m] === 'function')
    ) {
      throw new InvalidOptionsError('store', 'needs get, set and delete');
    }
    this.key = config.key;
    this.#config = config;
    this.#now = config.now;
    this.#trustTimers = !options.now;
    this.#store = store;
    this.#bufferMs = num('expiryBufferSeconds', options.expiryBufferSeconds, 60) * 1000;
    this.#aheadMs = num('refreshAheadSeconds', options.refreshAheadSeconds, 300) * 1000;
    this.#lockWaitMs = num('lockWaitMs', options.lockWaitMs, 5_000);
    this.#check = hostAllowList(options.allowedHosts);
  }

  /**
   * The current token, fetching one if none is held or it is expired.
   * `forceRefresh: true` fetches a new one (sharing any request in flight).
   *
   * @throws {TokenRequestError} when no valid token can be had.
   * @throws {TwilioOAuthError} code `closed` after {@link TokenManager.close}.
   */
  getToken(options?: GetTokenOptions): Promise<AccessToken> {
    // Hot path: no async wrapper, no allocation, and the clock (which costs more than the
    // rest) read at most once per HOT_MS. With an event listener, the slow path reports the hit.
    const entry = this.#current;
    if (
      entry !== undefined &&
      options?.forceRefresh !== true &&
      !this.#config.onEvent &&
      (entry === this.#hot || this.#isFresh(entry))
    ) {
      return entry.promise;
    }
    return this.#slowToken(options?.forceRefresh === true);
  }

  /**
   * `"Bearer <token>"`, for an `Authorization` header.
   * @throws as {@link TokenManager.getToken}.
   */
  getAuthorizationHeader(): Promise<string> {
    return this.getToken().then((token) => `Bearer ${token.accessToken}`);
  }

  /**
   * `fetch` with `Authorization: Bearer <token>` set — replacing any
   * Authorization header the caller passed. Only for `allowedHosts` over https
   * (http on loopback); on a 401 the token is dropped and the request sent once
   * more with a new one, unless its body is a stream that cannot be replayed.
   *
   * @throws {HostNotAllowedError} before sending anything to another host.
   * @throws as {@link TokenManager.getToken}.
   */
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    return bearerFetch(
      this.#config.fetch,
      this.#check,
      () => this.getToken(),
      (accessToken) => {
        // An API that keeps refusing must not cost a token request per call: one renewal per
        // cooldown; in between, the caller gets the 401.
        const now = this.#now();
        if (this.#current?.token.accessToken === accessToken && now >= this.#rejectedUntil) {
          this.#rejectedUntil = now + COOLDOWN_MS;
          void this.invalidate();
        }
      },
      input,
      init,
    );
  }

  /** Expiry and state of the held token, from memory, without the token; `undefined` when none. */
  tokenInfo(): TokenInfo | undefined {
    const entry = this.#current;
    if (!entry) return undefined;
    return { expiresAt: entry.expiresAt, state: stateOf(entry, this.#now()) };
  }

  /** Resolves (never rejects) once any refresh in flight, background ones included, has finished. */
  settled(): Promise<void> {
    return Promise.all([this.#inflight?.catch(noop), this.#background]).then(noop);
  }

  /**
   * What is in flight right now (a token request, a background refresh, a store write), as a
   * promise that never rejects; `undefined` when nothing is. Adapters on Workers hand it to
   * `waitUntil` so that work outlives the response — and skip the call when there is none.
   */
  pending(): Promise<void> | undefined {
    return this.#inflight || this.#backgroundCount > 0 ? this.settled() : undefined;
  }

  /**
   * Drops the held token (and the store's copy); the next `getToken()` fetches
   * a new one. Store failures are reported through `onEvent`, never thrown.
   */
  invalidate(): Promise<void> {
    this.#current = undefined;
    this.#invalidated = true;
    this.#cooldownUntil = 0;
    const store = this.#store;
    return store
      ? this.#track(() => this.#safe('delete', () => store.delete(this.key)))
      : Promise.resolve();
  }

  /**
   * Stops the manager: aborts requests in flight, forgets the token. Later
   * calls reject with code `closed`. Idempotent; leaves no timer behind.
   */
  async close(): Promise<void> {
    this.#closed = true;
    this.#current = undefined;
    clearTimeout(this.#hotTimer);
    for (const controller of this.#controllers) controller.abort();
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

  async #slowToken(force: boolean): Promise<AccessToken> {
    if (this.#closed) throw closedError();
    const config = this.#config;
    const now = this.#now();
    const entry = this.#current;
    if (entry && !force) {
      const state = stateOf(entry, now);
      if (state !== 'expired') {
        emit(config, { type: 'cache.hit', state, source: 'memory', expiresAt: entry.expiresAt });
        if (state === 'stale' && !this.#inflight && now >= this.#cooldownUntil) {
          // Failures are reported by #run through onEvent; the held token keeps being served.
          this.#refresh(false, true).catch(noop);
        }
        return entry.token;
      }
      // Inside the buffer after a failed refresh: don't hammer the endpoint, serve what we hold.
      if (now < entry.expiresAt && now < this.#cooldownUntil) return this.#servedStale(entry);
    }
    const reason = force
      ? 'forced'
      : entry
        ? 'expired'
        : this.#invalidated
          ? 'invalidated'
          : 'empty';
    emit(config, { type: 'cache.miss', reason, source: 'memory' });
    try {
      return (await this.#refresh(force, false)).token;
    } catch (error) {
      if (this.#closed) throw closedError();
      const held = this.#current;
      if (!force && held && this.#now() < held.expiresAt) return this.#servedStale(held);
      throw error;
    }
  }

  /**
   * Reads the clock; when fresh, lets the hot path skip the clock for up to
   * HOT_MS (never past staleAt) with an unref'd timer — only on runtimes whose
   * timers can be unref'd, and never with an injected clock.
   */
  #isFresh(entry: Entry): boolean {
    const now = this.#now();
    const wait = entry.staleAt - now;
    if (wait > 0 && this.#trustTimers && !this.#hot) {
      const timer = setTimeout(
        () => {
          this.#hot = undefined;
        },
        Math.min(HOT_MS, wait),
      );
      // Where timers cannot be unref'd (Workers, Deno) the timer is left to fire harmlessly.
      if (unref(timer)) {
        this.#hot = entry;
        this.#hotTimer = timer;
      } else this.#trustTimers = false;
    }
    return wait > 0;
  }

  #servedStale(entry: Entry): AccessToken {
    emit(this.#config, { type: 'token.served_stale', expiresAt: entry.expiresAt });
    return entry.token;
  }

  /** Single flight: every caller needing a token joins the one refresh in flight. */
  #refresh(force: boolean, background: boolean): Promise<Entry> {
    this.#inflight ??= this.#run(force, background).finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  async #run(force: boolean, background: boolean): Promise<Entry> {
    const store = this.#store;
    // After invalidate() the store's copy is suspect too.
    const useStore = store && !force && !this.#invalidated;
    this.#invalidated = false;
    const controller = new AbortController();
    this.#controllers.add(controller);
    const { signal } = controller;
    try {
      let entry: Entry | undefined;
      if (useStore) {
        entry = await this.#fromStore(store);
        const lock = store.acquireLock;
        if (!entry && lock) {
          const c = this.#config;
          // Long enough for every attempt, backoff and honoured Retry-After of one exchange.
          const ttlMs = (c.timeoutMs + c.maxDelayMs + c.maxRetryAfterMs) * c.maxAttempts;
          const release = await this.#safe('lock', () => lock.call(store, this.key, ttlMs));
          if (typeof release === 'function') {
            // Another process may have filled the store and let go of the lock between our
            // read and our lock: read once more before spending a token request.
            entry = await this.#fromStore(store);
            if (entry) {
              this.#track(() => this.#safe('lock', release));
              return entry;
            }
            return await this.#fetch({ signal, background, force, release });
          }
          // Another process is fetching: wait for it to fill the store, then fetch ourselves.
          for (let waited = 0; release === undefined && !entry && waited < this.#lockWaitMs; ) {
            await delay(POLL_MS, signal, false);
            waited += POLL_MS;
            entry = await this.#fromStore(store);
          }
        }
      }
      return entry ?? (await this.#fetch({ signal, background, force }));
    } catch (error) {
      const held = this.#current;
      if (!this.#closed && held) {
        this.#cooldownUntil = this.#now() + COOLDOWN_MS;
        emit(this.#config, {
          type: 'token.refresh_failed',
          error: error as Error,
          servingStale: this.#servesStale(force),
        });
      }
      throw error;
    } finally {
      this.#controllers.delete(controller);
    }
  }

  /** Whether callers keep getting the held token after a failed refresh. */
  #servesStale(force: boolean): boolean {
    const held = this.#current;
    return !force && !!held && this.#now() < held.expiresAt;
  }

  /** Fetches a token; `release` (a store lock) is let go once the store holds it. */
  async #fetch(request: {
    signal: AbortSignal;
    background: boolean;
    force: boolean;
    release?: () => Promise<void>;
  }): Promise<Entry> {
    const { release } = request;
    let issued: Issued | undefined;
    let ttlMs = 0;
    try {
      issued = await exchange(this.#config, {
        signal: request.signal,
        keepAlive: !request.background,
        servingStale: () => !this.#closed && this.#servesStale(request.force),
      });
      const entry = this.#adopt(this.#entry(issued));
      ttlMs = entry.expiresAt - this.#now();
      return entry;
    } finally {
      // Callers get the token now: writing it for the fleet (to a slow or unreachable store,
      // maybe) must not delay them. settled() waits for it.
      const store = this.#store;
      const stored = issued && { ...issued, tokenType: 'Bearer' };
      this.#track(async () => {
        if (store && stored && ttlMs > 0) {
          await this.#safe('set', () => store.set(this.key, stored, ttlMs));
        }
        if (release) await this.#safe('lock', release);
      });
    }
  }

  /**
   * Runs store work in the background, one piece after the other (so a delete from
   * invalidate() never removes a newer token), visible to settled() and close().
   */
  #track(work: () => Promise<unknown>): Promise<void> {
    this.#backgroundCount++;
    this.#background = Promise.resolve(this.#background)
      .then(work)
      .then(noop)
      .finally(() => {
        this.#backgroundCount--;
      });
    return this.#background;
  }

  async #fromStore(store: TokenStore): Promise<Entry | undefined> {
    // FAILED (a symbol) reads like a miss; whatever a shared store returns is checked before use.
    const stored = (await this.#safe('get', () => store.get(this.key))) as StoredToken | undefined;
    // A token must fit in a header, and its expiry in a Date (year 5138 at the most).
    if (
      !(typeof stored?.accessToken === 'string' && VSCHAR.test(stored.accessToken)) ||
      !(stored.expiresAt > stored.issuedAt && stored.expiresAt < 1e14)
    ) {
      emit(this.#config, { type: 'cache.miss', reason: 'empty', source: 'store' });
      return undefined;
    }
    const entry = this.#entry(stored);
    const now = this.#now();
    const held = this.#current;
    // Only a token newer than ours helps (ours may be the very one the store holds).
    const state = stateOf(entry, now);
    if (state === 'expired' || (held && entry.expiresAt <= held.expiresAt)) {
      emit(this.#config, { type: 'cache.miss', reason: 'expired', source: 'store' });
      return undefined;
    }
    const { expiresAt } = entry;
    emit(this.#config, { type: 'cache.hit', state, source: 'store', expiresAt });
    return this.#adopt(entry);
  }

  #entry({ accessToken, issuedAt, expiresAt }: Issued): Entry {
    // Clamped so that a short-lived token still has a window in which it is reused.
    const half = (expiresAt - issuedAt) / 2;
    const expiredAt = expiresAt - Math.min(this.#bufferMs, half);
    const staleAt = Math.min(expiresAt - Math.min(this.#aheadMs, half), expiredAt);
    const token = new RedactedToken(accessToken, expiresAt);
    return { token, promise: Promise.resolve(token), issuedAt, expiresAt, staleAt, expiredAt };
  }

  #adopt(entry: Entry): Entry {
    if (!this.#closed) {
      this.#current = entry;
      this.#cooldownUntil = 0;
    }
    return entry;
  }

  /** Runs a store operation; a failure is reported as `store.error` and never reaches callers. */
  async #safe<T>(
    operation: 'get' | 'set' | 'delete' | 'lock',
    run: () => Promise<T>,
  ): Promise<T | typeof FAILED> {
    try {
      return await run();
    } catch (error) {
      emit(this.#config, {
        type: 'store.error',
        operation,
        error: error instanceof Error ? error : new Error(String(error)),
      });
      return FAILED;
    }
  }
}
