import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { manualClock, SECRET, startServer, type TestServer, tokenBody } from '../test/token-server';
import { secretBoundKey } from './credential';
import { MemoryTokenStore } from './memory-store';
import { TokenManager } from './token-manager';
import type { StoredToken, TokenEvent, TokenManagerOptions, TokenStore } from './types';

/** A store with a lock, as a fleet-wide store (Redis) would have, counting calls. */
class LockingStore implements TokenStore {
  readonly inner = new MemoryTokenStore();
  readonly calls: string[] = [];
  readonly writes: { token: StoredToken; ttlMs: number }[] = [];
  locked = false;
  releases = 0;

  async get(key: string) {
    this.calls.push('get');
    return this.inner.get(key);
  }
  async set(key: string, token: StoredToken, ttlMs: number) {
    this.calls.push('set');
    this.writes.push({ token, ttlMs });
    return this.inner.set(key, token, ttlMs);
  }
  async delete(key: string) {
    this.calls.push('delete');
    return this.inner.delete(key);
  }
  async acquireLock(_key: string, ttlMs: number) {
    this.calls.push('lock');
    expect(ttlMs).toBeGreaterThan(0);
    if (this.locked) return undefined;
    this.locked = true;
    return async () => {
      this.releases++;
      this.locked = false;
    };
  }
}

let server: TestServer;
let clock = manualClock();
const managers: TokenManager[] = [];
beforeEach(async () => {
  server = await startServer();
  clock = manualClock();
});
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.close()));
  await server.close();
});

function create(store: TokenStore, extra: Partial<TokenManagerOptions> = {}) {
  const events: TokenEvent[] = [];
  const manager = new TokenManager({
    clientId: 'OQclient',
    clientSecret: SECRET,
    tokenUrl: server.tokenUrl,
    store,
    now: clock,
    retry: { baseDelayMs: 0, maxAttempts: 1 },
    onEvent: (e) => events.push(e),
    ...extra,
  });
  managers.push(manager);
  return { manager, events };
}

describe('TokenManager with a store', () => {
  it('writes a fetched token with ttl = remaining lifetime; memory hits never touch the store', async () => {
    const store = new LockingStore();
    const { manager } = create(store);
    const token = await manager.getToken();
    await manager.settled(); // the write is off the callers' path
    expect(store.writes).toEqual([
      {
        token: {
          accessToken: 'token-1',
          tokenType: 'Bearer',
          issuedAt: clock(),
          expiresAt: token.expiresAt,
        },
        ttlMs: 3_600_000,
      },
    ]);
    expect(store.releases).toBe(1);
    expect(store.locked).toBe(false);
    const before = store.calls.length;
    for (let i = 0; i < 100; i++) await manager.getToken();
    expect(store.calls.length).toBe(before);
  });

  it('uses a valid token found in the store without a request', async () => {
    const store = new LockingStore();
    await store.inner.set(
      'unused',
      { accessToken: 'x', tokenType: 'Bearer', issuedAt: 0, expiresAt: 1 },
      1,
    );
    const first = create(store).manager;
    await first.getToken();
    const { manager, events } = create(store);
    expect((await manager.getToken()).accessToken).toBe('token-1');
    expect(server.requests).toHaveLength(1);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'cache.hit', source: 'store', state: 'fresh' }),
    );
  });

  it('a fleet sharing a locking store makes one request: the others wait for the store', async () => {
    const store = new LockingStore();
    server.onToken = async (n) => {
      await new Promise((r) => setTimeout(r, 30));
      return { body: tokenBody(n) };
    };
    const fleet = Array.from({ length: 5 }, () => create(store).manager);
    const tokens = await Promise.all(fleet.map((m) => m.getToken()));
    expect(tokens.map((t) => t.accessToken)).toEqual(Array(5).fill('token-1'));
    expect(server.requests).toHaveLength(1);
  });

  it('fetches itself when the lock holder never fills the store within lockWaitMs', async () => {
    const store = new LockingStore();
    store.locked = true; // held by a process that died
    const { manager } = create(store, { lockWaitMs: 120 });
    const started = performance.now();
    expect((await manager.getToken()).accessToken).toBe('token-1');
    expect(performance.now() - started).toBeGreaterThanOrEqual(100);
    expect(store.calls.filter((c) => c === 'get').length).toBeGreaterThan(1);
    expect(server.requests).toHaveLength(1);
  });

  it('reads the store again once it holds the lock: a token stored meanwhile costs no request', async () => {
    const store = new LockingStore();
    const other = create(new MemoryTokenStore()).manager;
    // Between this manager's miss and its lock, another process fills the store and lets go.
    const acquire = store.acquireLock.bind(store);
    store.acquireLock = async (key, ttlMs) => {
      const token = await other.getToken();
      await store.inner.set(
        key,
        { ...token, accessToken: token.accessToken, issuedAt: clock() },
        token.expiresAt - clock(),
      );
      return acquire(key, ttlMs);
    };
    const { manager } = create(store);
    expect((await manager.getToken()).accessToken).toBe('token-1');
    await manager.settled();
    expect(server.requests).toHaveLength(1); // only the other process's
    expect(store.locked).toBe(false);
    expect(store.releases).toBe(1);
  });

  it('hands out the token before the store has written it, and releases the lock after', async () => {
    const store = new LockingStore();
    let finishWrite = () => {};
    const set = store.set.bind(store);
    store.set = (key, token, ttlMs) =>
      new Promise<void>((resolve) => {
        finishWrite = () => void set(key, token, ttlMs).then(resolve);
      });
    const { manager } = create(store);
    expect((await manager.getToken()).accessToken).toBe('token-1');
    expect(store.locked).toBe(true); // still held for the fleet until the store has the token
    let settled = false;
    const done = manager.settled().then(() => {
      settled = true;
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(settled).toBe(false);
    finishWrite();
    await done;
    expect(store.locked).toBe(false);
    const key = await secretBoundKey(manager.key, SECRET);
    expect(await store.inner.get(key)).toMatchObject({ accessToken: 'token-1' });
    expect(await store.inner.get(manager.key)).toBeUndefined(); // never under the public key
  });

  it('settled(), taken while the exchange runs, also covers the store write and release it queues', async () => {
    const store = new LockingStore();
    let finishWrite = () => {};
    const set = store.set.bind(store);
    store.set = (key, token, ttlMs) =>
      new Promise<void>((resolve) => {
        finishWrite = () => void set(key, token, ttlMs).then(resolve);
      });
    const { manager } = create(store);
    const token = manager.getToken();
    // What an adapter on Workers hands to waitUntil() while the request's refresh runs.
    let settled = false;
    const done = manager.settled().then(() => {
      settled = true;
    });
    expect((await token).accessToken).toBe('token-1');
    await new Promise((r) => setTimeout(r, 10));
    expect(settled).toBe(false);
    finishWrite();
    await done;
    expect(store.locked).toBe(false);
    const key = await secretBoundKey(manager.key, SECRET);
    expect(await store.inner.get(key)).toMatchObject({ accessToken: 'token-1' });
  });

  it('holds the lock long enough for every attempt, backoff and Retry-After', async () => {
    const store = new LockingStore();
    let lockTtlMs = 0;
    const acquire = store.acquireLock.bind(store);
    store.acquireLock = (key, ttlMs) => {
      lockTtlMs = ttlMs;
      return acquire(key, ttlMs);
    };
    const { manager } = create(store, {
      timeoutMs: 1_000,
      retry: { maxAttempts: 3, baseDelayMs: 0, maxDelayMs: 2_000, maxRetryAfterMs: 4_000 },
    });
    await manager.getToken();
    expect(lockTtlMs).toBeGreaterThanOrEqual(3 * 1_000 + 2 * 4_000);
  });

  it('releases the lock when the fetch fails', async () => {
    server.onToken = () => ({ status: 500 });
    const store = new LockingStore();
    const { manager } = create(store);
    await expect(manager.getToken()).rejects.toMatchObject({ code: 'server_error' });
    expect(store.locked).toBe(false);
    expect(store.releases).toBe(1);
  });

  it('ignores store entries that are malformed, expired or not newer than its own', async () => {
    const garbage: unknown[] = [
      null,
      'token',
      { accessToken: '', expiresAt: 2, issuedAt: 1 },
      { accessToken: 'x', expiresAt: 'later', issuedAt: 1 },
      { accessToken: 'x', expiresAt: clock() + 1000, issuedAt: clock() - 3_600_000 },
    ];
    for (const entry of garbage) {
      const store: TokenStore = {
        get: async () => entry as StoredToken,
        set: async () => {},
        delete: async () => {},
      };
      const { manager } = create(store);
      expect((await manager.getToken()).accessToken).toMatch(/^token-/);
    }
    expect(server.requests).toHaveLength(garbage.length);
  });

  it('invalidate() deletes the store copy and the next fetch skips the store', async () => {
    const store = new LockingStore();
    const { manager } = create(store);
    await manager.getToken();
    await manager.invalidate();
    expect(await store.inner.get(manager.key)).toBeUndefined();
    store.calls.length = 0;
    expect((await manager.getToken()).accessToken).toBe('token-2');
    expect(store.calls).toEqual(['set']);
  });

  it('store failures never fail a caller: they are reported as store.error', async () => {
    const boom = async () => {
      throw new Error('store down');
    };
    const store: TokenStore = { get: boom, set: boom, delete: boom, acquireLock: boom };
    const { manager, events } = create(store);
    expect((await manager.getToken()).accessToken).toBe('token-1');
    await manager.invalidate();
    expect((await manager.getToken()).accessToken).toBe('token-2');
    await manager.settled();
    const ops = events.flatMap((e) => (e.type === 'store.error' ? [e.operation] : []));
    expect(ops).toEqual(['get', 'lock', 'set', 'delete', 'set']);
    // Only the error's name reaches the event: a store client's message may quote the token.
    expect(events.find((e) => e.type === 'store.error')).toMatchObject({
      error: { name: 'Error', message: 'Error' },
    });
  });

  it('a failing lock release is reported, not thrown', async () => {
    const store = new LockingStore();
    store.acquireLock = async () => async () => {
      throw 'release failed';
    };
    const { manager, events } = create(store);
    expect((await manager.getToken()).accessToken).toBe('token-1');
    await manager.settled();
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'store.error', operation: 'lock' }),
    );
  });

  it('a stale token in the store is served, and refreshed in the background', async () => {
    const store = new MemoryTokenStore();
    await store.set(
      'x',
      { accessToken: 'x', tokenType: 'Bearer', issuedAt: 0, expiresAt: 1 },
      60_000,
    );
    const { manager: writer } = create(store);
    await writer.getToken();
    clock.advance(3400 * 1000);
    const { manager, events } = create(store);
    expect((await manager.getToken()).accessToken).toBe('token-1');
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'cache.hit', state: 'stale', source: 'store' }),
    );
    await manager.getToken();
    await manager.settled();
    expect(server.requests).toHaveLength(2);
    expect((await manager.getToken()).accessToken).toBe('token-2');
  });
});
