import { type Entry, stateOf } from './entry';
import { TokenRequestError, TwilioOAuthError } from './errors';
import { TrustedClockReading } from './freshness';
import { RefreshGate } from './refresh-gate';
import { longestExchangeMs, type RefreshParts, refreshEntry } from './refresh-run';
import { emit } from './request-token';
import { trimLeastRecent } from './store-kit/lru';
import { noop, withDeadline } from './timers';
import type { AccessToken, TokenInfo } from './types';

/** After a failed refresh (or a 401 renewal), how long before trying again. */
const COOLDOWN_MS = 5_000;
/** How long a freshness check is trusted without reading the clock again. */
const TRUSTED_READING_MS = 100;
/** 401-refused tokens remembered, so that no store hands one back. */
const MAX_REFUSED = 8;

const closedError = () => new TwilioOAuthError('closed', 'TokenManager is closed');

const waitedTooLong = (maxWaitMs: number) =>
  new TokenRequestError(
    'timeout',
    `Token request failed: no token within maxWaitMs (${maxWaitMs} ms)`,
    { retryable: true },
  );

/** The refresh callers join, and when it started (monotonic). */
interface Inflight {
  readonly promise: Promise<Entry>;
  readonly since: number;
}

/**
 * The one owner of a manager's token state: the held entry, its generation (bumped by
 * invalidate(), so an older refresh is never adopted), the refresh in flight that every
 * caller joins, the tokens the API refused and the gate's windows. Each decision about
 * that state is made here, once; a refresh itself ({@link refreshEntry}) only reads.
 */
export class TokenCache {
  readonly #parts: RefreshParts;
  /** Read on the hot path: kept here rather than looked up through the parts. */
  readonly #now: () => number;
  readonly #listening: boolean;
  readonly #gate: RefreshGate;
  readonly #reading: TrustedClockReading<Entry>;
  readonly #refused = new Set<string>();
  /** Refreshes running: the one callers join, and older ones detached by invalidate(). */
  readonly #running = new Set<Promise<unknown>>();
  readonly #controllers = new Set<AbortController>();
  #entry: Entry | undefined;
  #inflight: Inflight | undefined;
  #generation = 0;
  /** Set by invalidate(): the next refresh skips the store, whose copy is suspect too. */
  #invalidated = false;
  #closed = false;

  constructor(parts: RefreshParts, options: { trustReadings: boolean }) {
    this.#parts = parts;
    this.#now = parts.config.now;
    this.#listening = parts.config.onEvent !== undefined;
    this.#gate = new RefreshGate({
      cooldownMs: COOLDOWN_MS,
      failFastMs: parts.policy.failFastMs,
      clock: parts.policy.monotonicNow,
    });
    this.#reading = new TrustedClockReading({
      windowMs: TRUSTED_READING_MS,
      enabled: options.trustReadings,
    });
  }

  /**
   * The held token's pre-made promise while it is fresh; `undefined` when anything more is
   * needed. The hot path: no allocation, and the clock read at most once per
   * TRUSTED_READING_MS — with a listener it is read anyway (events carry the time).
   */
  cached(): Promise<AccessToken> | undefined {
    const entry = this.#entry;
    if (entry === undefined) return undefined;
    if (!this.#listening) {
      if (this.#reading.holds(entry)) return entry.promise;
      const freshForMs = entry.staleAt - this.#now();
      this.#reading.trust(entry, freshForMs);
      return freshForMs > 0 ? entry.promise : undefined;
    }
    const now = this.#now();
    if (now >= entry.staleAt) return undefined;
    const { expiresAt } = entry;
    emit(
      this.#parts.config,
      { type: 'cache.hit', state: 'fresh', source: 'memory', expiresAt },
      now,
    );
    return entry.promise;
  }

  /** Everything beyond {@link TokenCache.cached}: stale and expired tokens, failures, `force`. */
  async get(force: boolean): Promise<AccessToken> {
    if (this.#closed) throw closedError();
    const { config } = this.#parts;
    const entry = this.#entry;
    if (entry && !force) {
      const state = stateOf(entry, config.now());
      if (state !== 'expired') {
        emit(config, { type: 'cache.hit', state, source: 'memory', expiresAt: entry.expiresAt });
        if (state === 'stale' && !this.#live() && this.#gate.mayRefresh()) {
          // Failures are reported through onEvent; the held token keeps being served.
          this.#refresh({ force, background: true }).catch(noop);
        }
        return entry.token;
      }
      // Inside the buffer after a failed refresh: don't hammer the endpoint, serve what we hold.
      if (!this.#gate.mayRefresh()) {
        const valid = this.#valid(false);
        if (valid) return this.#servedStale(valid);
      }
    }
    const failing = force ? undefined : this.#gate.failFast();
    // Inside a window opened by refused credentials, a rotated secret is tried at once.
    if (failing && !this.#live()) {
      if (failing.retryable || !(await this.#parts.secret.rotatedSinceRefusal())) throw failing;
    }
    emit(config, { type: 'cache.miss', reason: this.#missReason(force), source: 'memory' });
    try {
      const { maxWaitMs } = this.#parts.policy;
      // A caller's wait has its own bound; the refresh itself goes on for the others.
      const refresh = this.#refresh({ force, background: false });
      return (await withDeadline(refresh, maxWaitMs, () => waitedTooLong(maxWaitMs))).token;
    } catch (error) {
      if (this.#closed) throw closedError();
      const valid = this.#valid(force);
      if (valid) return this.#servedStale(valid);
      throw error;
    }
  }

  /** Expiry and state of the held token, without the token. */
  info(): TokenInfo | undefined {
    const entry = this.#entry;
    return entry && { expiresAt: entry.expiresAt, state: stateOf(entry, this.#parts.config.now()) };
  }

  /** What is in flight (a refresh, a store write), or `undefined` when nothing is. */
  pending(): Promise<void> | undefined {
    return this.#running.size > 0 || this.#parts.store?.busy ? this.settled() : undefined;
  }

  /**
   * Resolves (never rejects) once every refresh has finished — with the store write and
   * lock release each queues as it ends (on Workers, `waitUntil` must cover them too).
   */
  async settled(): Promise<void> {
    const store = this.#parts.store;
    // A refresh queues its store work only when its token arrives: wait until nothing new is.
    for (;;) {
      const background = store?.settled();
      await Promise.all([...[...this.#running].map((run) => run.catch(noop)), background]);
      if (this.#running.size === 0 && background === store?.settled()) return;
    }
  }

  /**
   * Drops the held token (and the store's copy); no refresh already in flight can bring it
   * back, and the next one skips the store. Every window of the gate ends.
   */
  invalidate(): Promise<void> {
    this.#generation++;
    this.#inflight = undefined;
    this.#invalidated = true;
    this.#entry = undefined;
    this.#gate.succeeded();
    const { store, secret } = this.#parts;
    if (!store) return Promise.resolve();
    return store.delete(secret.lastStoreKey() ?? secret.read().then((c) => c.storeKey()));
  }

  /** The API answered 401 to `accessToken`: never adopt it again; renew once per cooldown. */
  refusedByApi(accessToken: string): void {
    this.#refused.add(accessToken);
    trimLeastRecent(this.#refused, MAX_REFUSED);
    // An API that keeps refusing must not cost a token request per call: one renewal per
    // cooldown; in between, the caller gets the 401.
    if (this.#entry?.token.accessToken === accessToken && this.#gate.takeRenewalAfter401()) {
      void this.invalidate();
    }
  }

  /** Aborts every refresh and forgets the token; later calls reject with `closed`. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#entry = undefined;
    this.#reading.clear();
    for (const controller of this.#controllers) controller.abort();
    await this.settled();
  }

  /** The held entry while it has not expired (the one "serve what we hold" rule); never when forced. */
  #valid(force: boolean): Entry | undefined {
    const entry = this.#entry;
    return !force && entry && this.#parts.config.now() < entry.expiresAt ? entry : undefined;
  }

  #servedStale(entry: Entry): AccessToken {
    emit(this.#parts.config, { type: 'token.served_stale', expiresAt: entry.expiresAt });
    return entry.token;
  }

  #missReason(force: boolean): 'forced' | 'expired' | 'invalidated' | 'empty' {
    if (force) return 'forced';
    if (this.#entry) return 'expired';
    return this.#invalidated ? 'invalidated' : 'empty';
  }

  /**
   * The refresh to join, unless it has run longer than any refresh can (every attempt,
   * backoff, honoured Retry-After and a lock wait): on Workers, one whose request ended
   * without `waitUntil` is cancelled with it and never settles. Such a refresh is dropped
   * (and no longer awaited by settled()), so the next caller starts another.
   */
  #live(): Promise<Entry> | undefined {
    const inflight = this.#inflight;
    if (!inflight) return undefined;
    const { config, policy } = this.#parts;
    const longestMs = longestExchangeMs(config) + policy.lockWaitMs;
    if (policy.monotonicNow() - inflight.since <= longestMs) return inflight.promise;
    this.#running.delete(inflight.promise);
    this.#inflight = undefined;
    return undefined;
  }

  /** Single flight: every caller needing a token joins the one refresh in flight. */
  #refresh(reason: { force: boolean; background: boolean }): Promise<Entry> {
    const live = this.#live();
    if (live) return live;
    const generation = this.#generation;
    const promise = this.#run(reason, generation);
    const inflight = { promise, since: this.#parts.policy.monotonicNow() };
    this.#inflight = inflight;
    this.#running.add(promise);
    promise
      .finally(() => {
        this.#running.delete(promise);
        if (this.#inflight === inflight) this.#inflight = undefined;
      })
      .catch(noop);
    return promise;
  }

  async #run(reason: { force: boolean; background: boolean }, generation: number) {
    // Each refresh has its own controller: on Workers one belongs to the request that made
    // it, so none may outlive its refresh.
    const controller = new AbortController();
    this.#controllers.add(controller);
    const useStore = !reason.force && !this.#invalidated;
    this.#invalidated = false;
    const current = () => !this.#closed && generation === this.#generation;
    try {
      const entry = await refreshEntry(this.#parts, {
        useStore,
        background: reason.background,
        signal: controller.signal,
        accept: (stored) => this.#acceptStored(stored),
        servingStale: () => this.#valid(reason.force) !== undefined,
      });
      if (current()) {
        this.#entry = entry;
        this.#gate.succeeded();
      }
      return entry;
    } catch (error) {
      if (current()) this.#failed(error as TokenRequestError, reason.force);
      throw error;
    } finally {
      this.#controllers.delete(controller);
    }
  }

  #failed(error: TokenRequestError, force: boolean): void {
    const held = this.#entry;
    if (!error.retryable && error.status !== undefined) this.#parts.secret.refused();
    this.#gate.failed({ error, holding: !!held, valid: this.#valid(false) !== undefined });
    if (held) {
      const servingStale = this.#valid(force) !== undefined;
      emit(this.#parts.config, { type: 'token.refresh_failed', error, servingStale });
    }
  }

  /** A stored token helps if newer than ours, not expired, and never refused by the API. */
  #acceptStored(entry: Entry): boolean {
    const { config } = this.#parts;
    const held = this.#entry;
    const state = stateOf(entry, config.now());
    // Ours may be the very one the store holds.
    if (
      state === 'expired' ||
      (held && entry.expiresAt <= held.expiresAt) ||
      this.#refused.has(entry.token.accessToken)
    ) {
      emit(config, { type: 'cache.miss', reason: 'expired', source: 'store' });
      return false;
    }
    emit(config, { type: 'cache.hit', state, source: 'store', expiresAt: entry.expiresAt });
    return true;
  }
}
