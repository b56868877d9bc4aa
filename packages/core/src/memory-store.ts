import { DEFAULTS } from './defaults';
import { checkNumber } from './options';
import { trimLeastRecent } from './store-kit/lru';
import type { StoredToken, TokenStore } from './types';

/**
 * In-process {@link TokenStore}: a bounded LRU map whose entries expire after
 * their `ttlMs`. Useful to share tokens between managers of one process; a
 * {@link TokenManager} already keeps its own token in memory without it.
 *
 * @example
 * const store = new MemoryTokenStore({ maxEntries: 100 });
 * const manager = new TokenManager({ clientId, clientSecret, store });
 */
export class MemoryTokenStore implements TokenStore {
  readonly #entries = new Map<string, { token: StoredToken; until: number }>();
  readonly #maxEntries: number;

  /**
   * @param options.maxEntries - most credentials kept; the least recently used is dropped first. Default {@link DEFAULTS}.maxEntries.
   * @throws {InvalidOptionsError} when `maxEntries` is not an integer >= 1.
   */
  constructor(options: { maxEntries?: number } = {}) {
    this.#maxEntries = checkNumber({
      name: 'maxEntries',
      value: options.maxEntries,
      fallback: DEFAULTS.maxEntries,
      min: 1,
      integer: true,
    });
  }

  /** Number of entries held (expired ones included until next touched). */
  get size(): number {
    return this.#entries.size;
  }

  async get(key: string): Promise<StoredToken | undefined> {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    if (Date.now() >= entry.until) return undefined;
    this.#entries.set(key, entry);
    return entry.token;
  }

  async set(key: string, token: StoredToken, ttlMs: number): Promise<void> {
    this.#entries.delete(key);
    if (!(ttlMs > 0)) return;
    this.#entries.set(key, { token, until: Date.now() + ttlMs });
    trimLeastRecent(this.#entries, this.#maxEntries);
  }

  async delete(key: string): Promise<void> {
    this.#entries.delete(key);
  }
}
