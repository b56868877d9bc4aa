// Issue 14's holes, each with the test that failed before its fix.
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { manualClock, SECRET, startServer, type TestServer, tokenBody } from '../test/token-server';
import { secretBoundKey } from './credential';
import { MemoryTokenStore } from './memory-store';
import { TokenManager } from './token-manager';
import type { StoredToken, TokenEvent, TokenManagerOptions, TokenStore } from './types';

let server: TestServer;
const managers: TokenManager[] = [];
beforeEach(async () => {
  // Only SECRET earns a token, as a real token endpoint would check.
  server = await startServer((n, req) =>
    req.form.get('client_secret') === SECRET
      ? { body: tokenBody(n) }
      : { status: 401, body: { error: 'invalid_client' } },
  );
});
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.close()));
  await server.close();
});

function create(extra: Partial<TokenManagerOptions> = {}) {
  const events: TokenEvent[] = [];
  const manager = new TokenManager({
    clientId: 'OQvictim',
    clientSecret: SECRET,
    tokenUrl: server.tokenUrl,
    retry: { maxAttempts: 1 },
    allowedHosts: ['127.0.0.1'],
    onEvent: (e) => events.push(e),
    ...extra,
  });
  managers.push(manager);
  return { manager, events };
}

describe('store entries are bound to the secret that earned them', () => {
  it('a manager with the right client id and a wrong secret never reads the shared token', async () => {
    const store = new MemoryTokenStore();
    const victim = create({ store }).manager;
    await victim.getToken();
    await victim.settled();
    const attacker = create({ store, clientSecret: 'guessed-wrong' }).manager;
    await expect(attacker.getToken()).rejects.toMatchObject({ code: 'invalid_client' });
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]?.form.get('client_secret')).toBe('guessed-wrong');
  });

  it('the same id and secret still share one entry (one token request for both)', async () => {
    const store = new MemoryTokenStore();
    const first = create({ store }).manager;
    await first.getToken();
    await first.settled();
    const second = create({ store }).manager;
    expect((await second.getToken()).accessToken).toBe('token-1');
    expect(server.requests).toHaveLength(1);
  });

  it('keys hold an HMAC of the secret, never the secret; events keep the public key', async () => {
    const keys: string[] = [];
    const inner = new MemoryTokenStore();
    const store: TokenStore = {
      get: (key) => {
        keys.push(key);
        return inner.get(key);
      },
      set: (key, token, ttlMs) => {
        keys.push(key);
        return inner.set(key, token, ttlMs);
      },
      delete: (key) => inner.delete(key),
    };
    const { manager, events } = create({ store });
    await manager.getToken();
    await manager.settled();
    const bound = await secretBoundKey(manager.key, SECRET);
    expect(new Set(keys)).toEqual(new Set([bound]));
    expect(bound.startsWith(`${manager.key} #`)).toBe(true);
    expect(bound).not.toContain(SECRET);
    expect(bound).not.toBe(await secretBoundKey(manager.key, `${SECRET}x`));
    expect(events.every((e) => e.key === manager.key)).toBe(true);
  });
});

describe('invalidate() fences work in flight', () => {
  /** A store whose next get() waits until the test lets it answer. */
  function slowStore(token: StoredToken) {
    let answer = () => {};
    const store: TokenStore = {
      get: () => new Promise((resolve) => (answer = () => resolve(token))),
      set: async () => {},
      delete: async () => {},
    };
    return { store, answer: () => answer() };
  }

  it('a refresh that already read the store cannot re-adopt the dropped token', async () => {
    const clock = manualClock();
    const old = {
      accessToken: 'token-old',
      tokenType: 'Bearer',
      issuedAt: clock(),
      expiresAt: clock() + 3_600_000,
    };
    const { store, answer } = slowStore(old);
    const { manager } = create({ store, now: clock });
    const first = manager.getToken(); // reading the store…
    await Promise.resolve();
    await manager.invalidate(); // …when the token it is about to return is dropped
    answer();
    expect((await first).accessToken).toBe('token-old'); // its own caller asked before
    expect(manager.tokenInfo()).toBeUndefined(); // but it was not adopted
    expect((await manager.getToken()).accessToken).toBe('token-1');
    expect(server.requests).toHaveLength(1);
  });

  it('a 401 during a background refresh that read the same token renews it, and fetch() succeeds', async () => {
    const clock = manualClock();
    let revoked = '';
    server.onApi = (_n, req) =>
      req.headers.authorization === `Bearer ${revoked}` ? { status: 401 } : { body: { ok: true } };
    const store = new MemoryTokenStore();
    const { manager } = create({ store, now: clock });
    await manager.getToken();
    await manager.settled();
    revoked = 'token-1';
    // Stale: the background refresh reads the store (still token-1) while the API refuses it.
    clock.advance((3600 - 200) * 1000);
    const response = await manager.fetch(`${server.url}/api`);
    expect(response.status).toBe(200);
    const [refused, renewed] = server.apiRequests.map((r) => r.headers.authorization);
    expect(refused).toBe('Bearer token-1');
    expect(renewed).toMatch(/^Bearer token-[23]$/);
    // And the next call does not get the refused token back from the store.
    await manager.settled();
    expect((await manager.fetch(`${server.url}/api`)).status).toBe(200);
    expect(server.apiRequests.at(-1)?.headers.authorization).toBe(renewed);
  });
});

describe('options that would break timers', () => {
  for (const [name, options] of [
    ['timeoutMs', { timeoutMs: 2 ** 31 }],
    ['retry.maxDelayMs', { retry: { maxDelayMs: 2 ** 31 } }],
    ['retry.maxRetryAfterMs', { retry: { maxRetryAfterMs: 2 ** 31 } }],
    ['retry.baseDelayMs', { retry: { baseDelayMs: 2 ** 31 } }],
    ['lockWaitMs', { lockWaitMs: 2 ** 31 }],
    ['maxWaitMs', { maxWaitMs: 2 ** 31 }],
  ] as const) {
    it(`refuses ${name} over 2^31-1 ms, naming it`, () => {
      expect(() => create(options as Partial<TokenManagerOptions>)).toThrow(
        expect.objectContaining({ name: 'InvalidOptionsError', option: name }),
      );
    });
  }
  it('accepts 2^31-1 ms', () => {
    expect(() => create({ timeoutMs: 2 ** 31 - 1 })).not.toThrow();
  });
});

describe('what an injected fetch throws', () => {
  it('never becomes a cause that holds the secret, in any rendering', async () => {
    const quoting: typeof fetch = async (_url, init) => {
      const error = new TypeError(`request failed: ${String(init?.body)}`);
      Object.assign(error, { code: 'ECONNRESET', request: { body: init?.body } });
      throw error;
    };
    const { manager, events } = create({ fetch: quoting });
    const error = await manager.getToken().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'network_error' });
    const seen: unknown[] = [];
    for (let e: unknown = error; e instanceof Error; e = e.cause) seen.push(e);
    expect(seen.length).toBe(2);
    expect(seen[1]).toMatchObject({ name: 'TypeError', message: 'TypeError (ECONNRESET)' });
    for (const value of [...seen, ...events]) {
      for (const text of [
        inspect(value, { customInspect: false, showHidden: true, depth: 10 }),
        inspect(value, { depth: 10 }),
        JSON.stringify(value),
      ]) {
        expect(text).not.toContain(SECRET);
      }
    }
  });

  it('a failing store that quotes the token never puts it in an event', async () => {
    const leaky: TokenStore = {
      get: async () => undefined,
      set: async (_key, token) => {
        throw new Error(`SET failed for value ${token.accessToken} ${SECRET}`);
      },
      delete: async () => {},
    };
    const { manager, events } = create({ store: leaky });
    await manager.getToken();
    await manager.settled();
    const failure = events.find((e) => e.type === 'store.error');
    expect(failure).toMatchObject({ operation: 'set' });
    const text = inspect(failure, { customInspect: false, showHidden: true, depth: 10 });
    expect(text).not.toContain('token-1');
    expect(text).not.toContain(SECRET);
  });

  it('a fetch that ignores its signal still times out, and close() still resolves', async () => {
    const deaf: typeof fetch = () => new Promise<Response>(() => {});
    const { manager } = create({ fetch: deaf, timeoutMs: 20 });
    await expect(manager.getToken()).rejects.toMatchObject({ code: 'timeout' });
    const hanging = create({ fetch: deaf, timeoutMs: 60_000 }).manager;
    const pending = hanging.getToken().catch((e: unknown) => e);
    await hanging.close();
    expect(await pending).toMatchObject({ code: 'closed' });
  });

  it('a body that stalls after its headers ends with the timeout', async () => {
    const stalled: typeof fetch = async () =>
      new Response(new ReadableStream({ pull: () => new Promise(() => {}) }), { status: 200 });
    const { manager } = create({ fetch: stalled, timeoutMs: 20 });
    await expect(manager.getToken()).rejects.toMatchObject({ code: 'timeout' });
  });
});

describe('a refresh that can never settle (Workers: its request ended without waitUntil)', () => {
  it('is dropped once it has run longer than any refresh can, so the next caller starts anew', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const clock = manualClock();
      let calls = 0;
      // The first request is cut off with its context: no answer, and its timers never fire.
      const cutOff: typeof fetch = (input, init) =>
        ++calls === 1 ? new Promise<Response>(() => {}) : fetch(input, init);
      const { manager } = create({ fetch: cutOff, now: clock });
      void manager.getToken().catch(() => {});
      await Promise.resolve();
      expect(manager.pending()).toBeInstanceOf(Promise);
      clock.advance(40_000); // a long wait, but a refresh may still be retrying
      void manager.getToken().catch(() => {});
      expect(calls).toBe(1);
      // Past every attempt, backoff, Retry-After and lock wait: (10 + 5 + 30) s × 1 attempt + 5 s.
      clock.advance(20_000);
      vi.useRealTimers();
      expect((await manager.getToken()).accessToken).toBe('token-1');
      expect(calls).toBe(2);
      await manager.settled(); // does not wait for the dropped one
    } finally {
      vi.useRealTimers();
    }
  });
});
