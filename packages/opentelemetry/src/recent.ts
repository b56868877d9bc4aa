/** What a {@link RecentMap} needs of its values. */
export interface RecentEntry {
  /** Epoch ms after which the entry is of no more use; `undefined` while unknown. */
  expiresAt: number | undefined;
}

/** How a {@link RecentMap} lets its entries go. */
export interface RecentMapOptions<V> {
  readonly max: number;
  /** Called with each entry it drops (evicted or expired), after it is gone. */
  readonly onDrop?: (value: V) => void;
  /** An entry for which this is true is kept while others can go (e.g. work in flight). */
  readonly busy?: (value: V) => boolean;
}

/**
 * A map of at most `max` entries per credential key: when full, it drops the least recently
 * used one, and `prune(time)` drops the entries expired at `time`. No timer. The map's order
 * is the order of use; reading the entry read last (one credential's cached calls in a row)
 * does not reorder it.
 */
export class RecentMap<V extends RecentEntry> {
  readonly #entries = new Map<string, V>();
  readonly #onDrop: ((value: V) => void) | undefined;
  readonly #busy: ((value: V) => boolean) | undefined;
  #max: number;
  /** The key used last, at the back already, and its value: read again without a lookup. */
  #newest: string | undefined;
  #newestValue: V | undefined;
  /** No entry expires before this: `prune` does nothing until then. */
  #soonest = Number.POSITIVE_INFINITY;

  constructor({ max, onDrop, busy }: RecentMapOptions<V>) {
    this.#max = max;
    this.#onDrop = onDrop;
    this.#busy = busy;
  }

  /** The bound. */
  get max(): number {
    return this.#max;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Raises the bound (a map shared by several owners keeps the largest they asked for). */
  allow(max: number): void {
    if (max > this.#max) this.#max = max;
  }

  get(key: string): V | undefined {
    if (key === this.#newest) return this.#newestValue;
    const value = this.#entries.get(key);
    if (value !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, value);
      this.#newest = key;
      this.#newestValue = value;
    }
    return value;
  }

  set(key: string, value: V): void {
    if (!this.#entries.has(key) && this.#entries.size >= this.#max) this.#evictOne();
    this.#entries.delete(key);
    this.#entries.set(key, value);
    this.#newest = key;
    this.#newestValue = value;
    this.expires(value, value.expiresAt);
  }

  /** Records when `value` expires. */
  expires(value: V, expiresAt: number | undefined): void {
    value.expiresAt = expiresAt;
    if (expiresAt !== undefined && expiresAt < this.#soonest) this.#soonest = expiresAt;
  }

  delete(key: string): void {
    const value = this.#entries.get(key);
    if (value === undefined) return;
    this.#entries.delete(key);
    if (key === this.#newest) this.#newest = this.#newestValue = undefined;
    this.#onDrop?.(value);
  }

  values(): IterableIterator<V> {
    return this.#entries.values();
  }

  /** Drops every entry for which `test` is true. */
  deleteWhere(test: (value: V) => boolean): void {
    for (const [key, value] of this.#entries) if (test(value)) this.delete(key);
  }

  /** Drops every entry expired at `time` (epoch ms), unless busy. Cheap until one may have. */
  prune(time: number): void {
    if (time < this.#soonest) return;
    let soonest = Number.POSITIVE_INFINITY;
    for (const [key, value] of this.#entries) {
      const { expiresAt } = value;
      if (expiresAt === undefined) continue;
      if (expiresAt <= time && !this.#busy?.(value)) this.delete(key);
      else if (expiresAt < soonest) soonest = expiresAt;
    }
    this.#soonest = soonest;
  }

  /** The least recently used entry that is not busy; when every one is, the least recently used. */
  #evictOne(): void {
    let victim: string | undefined;
    for (const [key, value] of this.#entries) {
      victim ??= key;
      if (!this.#busy?.(value)) {
        victim = key;
        break;
      }
    }
    if (victim !== undefined) this.delete(victim);
  }
}
