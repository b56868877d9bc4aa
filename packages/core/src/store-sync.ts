import { VSCHAR } from './access-token';
import { safeError } from './safe-error';
import { delay, noop } from './timers';
import type { StoredToken, TokenStore } from './types';

/** What a store operation is called in `store.error` events. */
export type StoreOperation = 'get' | 'set' | 'delete' | 'lock';

/** What asking for the fleet lock came to. */
type LockResult =
  | { readonly kind: 'locked'; readonly release: () => Promise<void> }
  /** Another process holds it: wait for the store to fill. */
  | { readonly kind: 'held-elsewhere' }
  /** The store failed (reported); fetch without the lock. */
  | { readonly kind: 'store-failed' }
  /** The store has no `acquireLock`. */
  | { readonly kind: 'no-lock' };

type Report = (
  event:
    | { type: 'store.error'; operation: StoreOperation; error: Error }
    | { type: 'cache.miss'; reason: 'empty'; source: 'store' },
) => void;

/**
 * The shared-store side of a {@link TokenManager}: reads (checked before use),
 * the fleet lock, and background writes run one after the other. A store failure
 * never reaches a caller: it is reported as `store.error` (with a sanitised
 * error: a store client's message may quote the token it was writing) and reads
 * as a miss.
 */
export class StoreSync {
  readonly #store: TokenStore;
  readonly #report: Report;
  #background: Promise<void> = Promise.resolve();
  #backgroundCount = 0;

  constructor(store: TokenStore, report: Report) {
    this.#store = store;
    this.#report = report;
  }

  /** Background writes not finished yet. */
  get busy(): boolean {
    return this.#backgroundCount > 0;
  }

  /** Resolves once every background write has finished; never rejects. */
  settled(): Promise<void> {
    return this.#background;
  }

  /** A stored token that passes every check, or `undefined` (a miss, an unusable entry, a failure). */
  async read(key: string): Promise<StoredToken | undefined> {
    const stored = await this.#safe('get', () => this.#store.get(key));
    // A token must fit in a header, and its expiry in a Date (year 5138 at the most).
    if (
      stored === FAILED ||
      !(typeof stored?.accessToken === 'string' && VSCHAR.test(stored.accessToken)) ||
      !(stored.expiresAt > stored.issuedAt && stored.expiresAt < 1e14)
    ) {
      this.#report({ type: 'cache.miss', reason: 'empty', source: 'store' });
      return undefined;
    }
    return stored;
  }

  /** Asks for the fleet lock, long enough (`ttlMs`) for one whole exchange. */
  async #lock(key: string, ttlMs: number): Promise<LockResult> {
    const acquire = this.#store.acquireLock;
    if (typeof acquire !== 'function') return { kind: 'no-lock' };
    const release = await this.#safe('lock', () => acquire.call(this.#store, key, ttlMs));
    if (release === FAILED) return { kind: 'store-failed' };
    return typeof release === 'function' ? { kind: 'locked', release } : { kind: 'held-elsewhere' };
  }

  /**
   * The fleet's token, or the lock to fetch one: reads the store, takes the lock (or
   * waits for its holder to fill the store, polling), reads once more when locked.
   * `accept` turns a stored token into what the caller holds, or refuses it.
   */
  async obtain<T>(
    key: string,
    wait: {
      readonly accept: (stored: StoredToken) => T | undefined;
      readonly signal: AbortSignal;
      readonly lockTtlMs: number;
      readonly lockWaitMs: number;
    },
  ): Promise<{ entry?: T; release?: () => Promise<void> }> {
    const read = async () => {
      const stored = await this.read(key);
      return stored && wait.accept(stored);
    };
    const entry = await read();
    if (entry) return { entry };
    const lock = await this.#lock(key, wait.lockTtlMs);
    if (lock.kind === 'held-elsewhere') {
      // Another process is fetching: wait for it to fill the store (then fetch ourselves).
      for (let waitedMs = 0; waitedMs < wait.lockWaitMs; waitedMs += POLL_MS) {
        await delay(POLL_MS, wait.signal, false);
        const filled = await read();
        if (filled) return { entry: filled };
      }
      return {};
    }
    if (lock.kind !== 'locked') return {};
    // Another process may have filled the store and let go of the lock between our
    // read and our lock: read once more before spending a token request.
    const filled = await read();
    if (!filled) return { release: lock.release };
    this.release(lock.release);
    return { entry: filled };
  }

  /** Lets go of a lock, in the background. */
  release(release: () => Promise<void>): Promise<void> {
    return this.track(() => this.#safe('lock', release));
  }

  /** Writes a token for the fleet, in the background (callers have it already). */
  write(key: string | Promise<string>, token: StoredToken, ttlMs: number): Promise<void> {
    return this.track(() =>
      this.#safe('set', async () => this.#store.set(await key, token, ttlMs)),
    );
  }

  /** Deletes the store's copy, in the background. */
  delete(key: string | Promise<string>): Promise<void> {
    return this.track(() => this.#safe('delete', async () => this.#store.delete(await key)));
  }

  /**
   * Runs store work in the background, one piece after the other (so a delete from
   * invalidate() never removes a newer token), visible to settled().
   */
  track(work: () => Promise<unknown>): Promise<void> {
    this.#backgroundCount++;
    this.#background = this.#background
      .then(work)
      .then(noop, noop)
      .finally(() => {
        this.#backgroundCount--;
      });
    return this.#background;
  }

  async #safe<T>(operation: StoreOperation, run: () => Promise<T>): Promise<T | typeof FAILED> {
    try {
      return await run();
    } catch (error) {
      this.#report({ type: 'store.error', operation, error: safeError(error) });
      return FAILED;
    }
  }
}

const FAILED = Symbol('store failed');
/** How often the store is polled while another process holds the lock. */
const POLL_MS = 50;
