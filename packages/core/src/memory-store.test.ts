import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidOptionsError } from './errors';
import { MemoryTokenStore } from './memory-store';

const token = (n: number) => ({
  accessToken: `t${n}`,
  tokenType: 'Bearer',
  issuedAt: 0,
  expiresAt: 1000,
});

afterEach(() => {
  vi.useRealTimers();
});

describe('MemoryTokenStore', () => {
  it('stores, returns and deletes tokens', async () => {
    const store = new MemoryTokenStore();
    expect(await store.get('k')).toBeUndefined();
    await store.set('k', token(1), 60_000);
    expect(await store.get('k')).toEqual(token(1));
    await store.delete('k');
    expect(await store.get('k')).toBeUndefined();
  });

  it('drops entries once their ttl has passed', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const store = new MemoryTokenStore();
    await store.set('k', token(1), 1_000);
    vi.advanceTimersByTime(999);
    expect(await store.get('k')).toEqual(token(1));
    vi.advanceTimersByTime(1);
    expect(await store.get('k')).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('does not keep a token whose ttl is already over', async () => {
    const store = new MemoryTokenStore();
    await store.set('k', token(1), 0);
    await store.set('j', token(2), -5);
    expect(store.size).toBe(0);
  });

  it('is a bounded LRU: the least recently used entry goes first', async () => {
    const store = new MemoryTokenStore({ maxEntries: 2 });
    await store.set('a', token(1), 60_000);
    await store.set('b', token(2), 60_000);
    await store.get('a'); // a is now the most recently used
    await store.set('c', token(3), 60_000);
    expect(store.size).toBe(2);
    expect(await store.get('b')).toBeUndefined();
    expect(await store.get('a')).toEqual(token(1));
    expect(await store.get('c')).toEqual(token(3));
  });

  it('refuses a bad maxEntries', () => {
    for (const maxEntries of [0, -1, 1.5, Number.NaN]) {
      expect(() => new MemoryTokenStore({ maxEntries })).toThrow(InvalidOptionsError);
    }
  });

  it('never shows tokens when logged', async () => {
    const { inspect } = await import('node:util');
    const store = new MemoryTokenStore();
    await store.set('k', token(1), 60_000);
    expect(JSON.stringify(store)).not.toContain('t1');
    expect(inspect(store, { showHidden: true, depth: 5 })).not.toContain('t1');
  });
});
