import { describe, expect, it } from 'vitest';
import { trimLeastRecent } from './lru';

describe('trimLeastRecent', () => {
  it('drops the oldest entries first, down to maxSize, and says which', () => {
    const map = new Map([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
    // Using "a" makes it the most recent.
    map.delete('a');
    map.set('a', 1);
    expect(trimLeastRecent(map, 2)).toEqual(['b']);
    expect([...map.keys()]).toEqual(['c', 'a']);
    expect(trimLeastRecent(map, 0)).toEqual(['c', 'a']);
    expect(map.size).toBe(0);
  });

  it('leaves a map within bounds alone', () => {
    const map = new Map([[1, 'one']]);
    expect(trimLeastRecent(map, 1)).toEqual([]);
    expect(trimLeastRecent(new Map(), 5)).toEqual([]);
    expect(map.size).toBe(1);
  });
});
