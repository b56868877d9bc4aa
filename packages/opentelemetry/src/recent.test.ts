import { describe, expect, it } from 'vitest';
import { type RecentEntry, RecentMap } from './recent';

interface Entry extends RecentEntry {
  readonly name: string;
  busy: boolean;
}

const entry = (name: string, expiresAt?: number): Entry => ({
  name,
  expiresAt,
  busy: false,
});

function recentMap(max: number) {
  const dropped: string[] = [];
  const map = new RecentMap<Entry>({
    max,
    onDrop: (value) => dropped.push(value.name),
    busy: (value) => value.busy,
  });
  const add = (...names: string[]) => {
    for (const name of names) map.set(name, entry(name));
  };
  const names = () => Array.from(map.values(), (value) => value.name).sort();
  return { map, add, names, dropped };
}

describe('RecentMap', () => {
  it('never holds more than max entries, and says which it dropped', () => {
    const { map, add, dropped } = recentMap(3);
    add('a', 'b', 'c', 'd', 'e');
    expect(map.size).toBe(3);
    expect(dropped).toEqual(['a', 'b']);
  });

  it('drops the least recently used first', () => {
    const { map, add, names, dropped } = recentMap(3);
    add('a', 'b', 'c');
    map.get('a');
    add('d');
    expect(dropped).toEqual(['b']);
    map.get('c');
    add('e');
    expect(names()).toEqual(['c', 'd', 'e']);
    expect(dropped).toEqual(['b', 'a']);
  });

  it('spares a busy entry while another can go, and still holds its bound when all are busy', () => {
    const { map, add, names } = recentMap(2);
    add('a', 'b');
    const a = map.get('a') as Entry;
    a.busy = true;
    add('c', 'd', 'e');
    expect(names()).toEqual(['a', 'e']);
    (map.get('e') as Entry).busy = true;
    add('f');
    expect(map.size).toBe(2);
  });

  it('the entry used last, once dropped, is not read again', () => {
    const { map, add } = recentMap(2);
    add('a');
    expect(map.get('a')?.name).toBe('a');
    map.delete('a');
    expect(map.get('a')).toBeUndefined();
    add('b', 'c');
    expect(map.get('c')?.name).toBe('c');
    add('d');
    map.set('c', entry('c-again'));
    expect(map.get('c')?.name).toBe('c-again');
  });

  it('replacing a key does not evict another', () => {
    const { map, add, dropped } = recentMap(2);
    add('a', 'b', 'b');
    expect(map.size).toBe(2);
    expect(dropped).toEqual([]);
  });

  it('prune drops what expired at the time given, not what is busy or has no expiry', () => {
    const { map, add, names } = recentMap(10);
    add('unknown');
    map.set('early', entry('early', 1_000));
    map.set('late', entry('late', 5_000));
    const busy = entry('busy', 1_000);
    busy.busy = true;
    map.set('busy', busy);
    map.prune(999);
    expect(names()).toEqual(['busy', 'early', 'late', 'unknown']);
    map.prune(1_000);
    expect(names()).toEqual(['busy', 'late', 'unknown']);
    busy.busy = false;
    map.prune(1_001);
    expect(names()).toEqual(['late', 'unknown']);
  });

  it('an expiry moved later keeps the entry', () => {
    const { map, names } = recentMap(10);
    const token = entry('token', 1_000);
    map.set('token', token);
    map.expires(token, 9_000);
    map.prune(5_000);
    expect(names()).toEqual(['token']);
    map.prune(9_000);
    expect(names()).toEqual([]);
  });
});
