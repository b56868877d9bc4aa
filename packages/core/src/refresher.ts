import type { Credential, SecretReader } from './credential';
import { type Entry, stateOf, toEntry } from './entry';
import type { TokenRequestError } from './errors';
import type { ExchangeConfig } from './options';
import type { RefreshGate } from './refresh-gate';
import { emit, exchangeRotating, type Issued } from './request-token';
import type { StoreSync } from './store-sync';
import { noop } from './timers';
import type { StoredToken } from './types';

/** The manager's timings, in ms. */
export interface Policy {
  readonly bufferMs: number;
  readonly aheadMs: number;
  readonly lockWaitMs: number;
  readonly maxWaitMs: number;
  /** Elapsed time, ms (see `monotonicNow`). */
  readonly monotonicNow: () => number;
}

/** What a {@link Refresher} needs from its manager. */
export interface RefresherParts {
  readonly config: ExchangeConfig;
  readonly secret: SecretReader;
  readonly store: StoreSync | undefined;
  readonly gate: RefreshGate;
  readonly policy: Policy;
  /** The held token, if any. */
  readonly held: () => Entry | undefined;
  /** Makes an entry the held token. */
  readonly hold: (entry: Entry) => void;
  readonly closed: () => boolean;
}

/** One refresh: why it runs, and what it may touch. */
interface Run {
  readonly force: boolean;
  readonly background: boolean;
  readonly signal: AbortSignal;
  /** invalidate() bumps the generation: an older run's token is not adopted. */
  readonly generation: number;
}

/** 401-rejected tokens remembered, so that no store hands one back. */
const MAX_REJECTED = 8;

/**
 * Runs a manager's refreshes: one at a time for all callers (single flight), from
 * the fleet's store when it has a usable token, else by a token request (with the
 * store's lock, so one process of a fleet asks), then adopted — unless the
 * manager was invalidated or closed meanwhile. Each refresh has its own
 * AbortController: on Workers one belongs to the request that made it, so none
 * may outlive its refresh.
 */
export class Refresher {
  readonly #parts: RefresherParts;
  readonly #controllers = new Set<AbortController>();
  /** Refreshes running (the one callers join, and older ones detached by invalidate()). */
  readonly #running = new Set<Promise<unknown>>();
  /** When the refresh callers join started, by the monotonic clock. */
  #inflightSince = 0;
  readonly #rejected = new Set<string>();
  #inflight: Promise<Entry> | undefined;
  #generation = 0;
  #skipStore = false;

  constructor(parts: RefresherParts) {
    this.#parts = parts;
  }

  /** True while a refresh that callers would join is running. */
  get inflight(): boolean {
    return this.#live() !== undefined;
  }

  /** True between invalidate() and the next refresh (which skips the store). */
  get invalidated(): boolean {
    return this.#skipStore;
  }

  /** Anything running: refreshes or background store writes. */
  get busy(): boolean {
    return this.#running.size > 0 || !!this.#parts.store?.busy;
  }

  /** Single flight: every caller needing a token joins the one refresh in flight. */
  refresh(reason: { force: boolean; background: boolean }): Promise<Entry> {
    const live = this.#live();
    if (live) return live;
    const run = this.#run(reason);
    this.#inflight = run;
    this.#inflightSince = this.#parts.policy.monotonicNow();
    this.#running.add(run);
    run
      .finally(() => {
        this.#running.delete(run);
        if (this.#inflight === run) this.#inflight = undefined;
      })
      .catch(noop);
    return run;
  }

  /**
   * The refresh to join, unless it has run longer than any refresh can (every attempt,
   * backoff and honoured Retry-After, and a lock wait): on Workers, one whose request
   * ended without `waitUntil` is cancelled with it and never settles. Such a refresh is
   * dropped (and no longer awaited by settled()), so the next caller starts another.
   */
  #live(): Promise<Entry> | undefined {
    const inflight = this.#inflight;
    if (!inflight) return undefined;
    const { config: c, policy } = this.#parts;
    const longestMs =
      (c.timeoutMs + c.maxDelayMs + c.maxRetryAfterMs) * c.maxAttempts + policy.lockWaitMs;
    if (policy.monotonicNow() - this.#inflightSince <= longestMs) return inflight;
    this.#running.delete(inflight);
    this.#inflight = undefined;
    return undefined;
  }

  /** Later refreshes start afresh and skip the store; none already running is adopted. */
  invalidate(): void {
    this.#generation++;
    this.#inflight = undefined;
    this.#skipStore = true;
  }

  /** The API refused this token: no store may hand it back. */
  reject(accessToken: string): void {
    this.#rejected.add(accessToken);
    for (const old of this.#rejected) {
      if (this.#rejected.size <= MAX_REJECTED) break;
      this.#rejected.delete(old);
    }
  }

  /** Aborts every refresh running (close()). */
  abort(): void {
    for (const controller of this.#controllers) controller.abort();
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

  async #run(reason: { force: boolean; background: boolean }): Promise<Entry> {
    const controller = new AbortController();
    this.#controllers.add(controller);
    const run: Run = { ...reason, signal: controller.signal, generation: this.#generation };
    // After invalidate() the store's copy is suspect too.
    const useStore = this.#parts.store && !run.force && !this.#skipStore;
    this.#skipStore = false;
    try {
      const credential = await this.#parts.secret.read();
      const shared = useStore ? await this.#fromFleet(credential, run) : undefined;
      return shared?.entry ?? (await this.#requestToken(credential, run, shared?.release));
    } catch (error) {
      this.#failed(error as TokenRequestError, run);
      throw error;
    } finally {
      this.#controllers.delete(controller);
    }
  }

  #current(run: Run): boolean {
    return !this.#parts.closed() && run.generation === this.#generation;
  }

  #servesStale(run: Run): boolean {
    const held = this.#parts.held();
    return !run.force && !!held && this.#parts.config.now() < held.expiresAt;
  }

  #failed(error: TokenRequestError, run: Run): void {
    if (!this.#current(run)) return;
    const held = this.#parts.held();
    const valid = !!held && this.#parts.config.now() < held.expiresAt;
    if (!error.retryable && error.status !== undefined) this.#parts.secret.refused();
    this.#parts.gate.failed({ error, holding: !!held, valid });
    if (held) {
      const servingStale = this.#servesStale(run);
      emit(this.#parts.config, { type: 'token.refresh_failed', error, servingStale });
    }
  }

  /** The fleet's token, or the lock to fetch one (see StoreSync.obtain). */
  async #fromFleet(credential: Credential, run: Run) {
    const { config: c, policy } = this.#parts;
    return (this.#parts.store as StoreSync).obtain(await credential.storeKey(), {
      accept: (stored) => this.#fromStore(stored, run),
      signal: run.signal,
      // Long enough for every attempt, backoff and honoured Retry-After of one exchange.
      lockTtlMs: (c.timeoutMs + c.maxDelayMs + c.maxRetryAfterMs) * c.maxAttempts,
      lockWaitMs: policy.lockWaitMs,
    });
  }

  /** Adopts a stored token if it helps: newer than ours, not expired, never refused by the API. */
  #fromStore(stored: StoredToken, run: Run): Entry | undefined {
    const { config } = this.#parts;
    const entry = toEntry(stored, this.#parts.policy);
    const held = this.#parts.held();
    const state = stateOf(entry, config.now());
    // Ours may be the very one the store holds.
    if (
      state === 'expired' ||
      (held && entry.expiresAt <= held.expiresAt) ||
      this.#rejected.has(stored.accessToken)
    ) {
      emit(config, { type: 'cache.miss', reason: 'expired', source: 'store' });
      return undefined;
    }
    emit(config, { type: 'cache.hit', state, source: 'store', expiresAt: entry.expiresAt });
    return this.#adopt(entry, run);
  }

  /** Requests a token; `release` (a store lock) is let go once the store holds it. */
  async #requestToken(
    credential: Credential,
    run: Run,
    release?: () => Promise<void>,
  ): Promise<Entry> {
    const { config, store } = this.#parts;
    let earned: { issued: Issued; credential: Credential } | undefined;
    try {
      earned = await exchangeRotating(config, {
        reader: this.#parts.secret,
        credential,
        signal: run.signal,
        keepAlive: !run.background,
        servingStale: () => this.#servesStale(run),
      });
      return this.#adopt(toEntry(earned.issued, this.#parts.policy), run);
    } finally {
      // Callers get the token now: writing it for the fleet (to a slow or unreachable store,
      // maybe) must not delay them. settled() waits for it.
      const ttlMs = earned ? earned.issued.expiresAt - config.now() : 0;
      if (store && earned && ttlMs > 0) {
        const token = { ...earned.issued, tokenType: 'Bearer' };
        store.write(earned.credential.storeKey(), token, ttlMs);
      }
      if (store && release) store.release(release);
    }
  }

  /** Makes `entry` the held token — unless the manager closed or was invalidated since `run` began. */
  #adopt(entry: Entry, run: Run): Entry {
    if (this.#current(run)) {
      this.#parts.hold(entry);
      this.#parts.gate.succeeded();
    }
    return entry;
  }
}
