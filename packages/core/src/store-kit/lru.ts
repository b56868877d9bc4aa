/**
 * Drops the least recently used entries of `map` (or `Set`) until it holds at most
 * `maxSize`. Both iterate in insertion order, so a cache that re-inserts an
 * entry on each use (delete, then set) keeps its least recent entries first.
 *
 * @param map - the cache; changed in place.
 * @param maxSize - entries to keep, at least 0.
 * @returns the keys dropped, oldest first (empty when nothing was).
 *
 * @example
 * cache.delete(key);
 * cache.set(key, value); // now the most recent
 * trimLeastRecent(cache, 100);
 */
export function trimLeastRecent<K>(map: Map<K, unknown> | Set<K>, maxSize: number): K[] {
  const dropped: K[] = [];
  for (const oldest of map.keys()) {
    if (map.size <= maxSize) break;
    map.delete(oldest);
    dropped.push(oldest);
  }
  return dropped;
}
