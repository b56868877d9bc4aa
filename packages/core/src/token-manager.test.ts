import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { trackCoreTimers } from '../test/timers';
import { manualClock, SECRET, startServer, type TestServer, tokenBody } from '../test/token-server';
import { InvalidOptionsError, TokenRequestError, TwilioOAuthError } from './errors';
import { TokenManager } from './token-manager';
import type { TokenEvent, TokenManagerOptions } from './types';

let server: TestServer;
const managers: TokenManager[] = [];
beforeEach(async () => {
  server = await startServer();
});
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.close()));
  await server.close();
});

function setup(extra: Partial<TokenManagerOptions> = {}) {
  const clock = manualClock();
  const events: TokenEvent[] = [];
  const manager = new TokenManager({
    clientId: 'OQclient',
    clientSecret: SECRET,
    tokenUrl: server.tokenUrl,
    now: clock,
    retry: { baseDelayMs: 0, maxAttempts: 1 },
    onEvent: (e) => events.push(e),
    ...extra,
  });
  managers.push(manager);
  return { manager, clock, events, types: () => events.map((e) => e.type) };
}

const SECOND = 1000;

describe('TokenManager: cache and single flight', () => {
  it('10 000 concurrent cold getToken() calls make exactly one request', async () => {
    const { manager } = setup({ onEvent: undefined });
    const tokens = await Promise.all(Array.from({ length: 10_000 }, () => manager.getToken()));
    expect(server.requests).toHaveLength(1);
    expect(new Set(tokens.map((t) => t.accessToken))).toEqual(new Set(['token-1']));
  });

  it('serves a fresh token from memory: same object, same pre-made promise, no request', async () => {
    const { manager, clock, events } = setup({ onEvent: undefined });
    const first = await manager.getToken();
    clock.advance(3000 * SECOND);
    const p1 = manager.getToken();
    const p2 = manager.getToken();
    expect(p1).toBe(p2);
    expect(await p1).toBe(first);
    expect(server.requests).toHaveLength(1);
    expect(events).toEqual([]);
  });

  it('stale: serves the held token at once and refreshes once in the background', async () => {
    const { manager, clock, events } = setup();
    await manager.getToken();
    clock.advance((3600 - 300 + 1) * SECOND);
    expect(manager.tokenInfo()?.state).toBe('stale');
    const [a, b] = await Promise.all([manager.getToken(), manager.getToken()]);
    expect(a.accessToken).toBe('token-1');
    expect(b.accessToken).toBe('token-1');
    await manager.settled();
    expect(server.requests).toHaveLength(2);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'cache.hit', state: 'stale', source: 'memory' }),
    );
    expect((await manager.getToken()).accessToken).toBe('token-2');
    expect(manager.tokenInfo()?.state).toBe('fresh');
  });

  it('expired (inside expiryBufferSeconds): callers wait for the new token', async () => {
    const { manager, clock, events } = setup();
    await manager.getToken();
    clock.advance((3600 - 60 + 1) * SECOND);
    expect(manager.tokenInfo()?.state).toBe('expired');
    const results = await Promise.all([manager.getToken(), manager.getToken(), manager.getToken()]);
    expect(results.map((t) => t.accessToken)).toEqual(['token-2', 'token-2', 'token-2']);
    expect(server.requests).toHaveLength(2);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'cache.miss', reason: 'expired' }),
    );
  });

  it('clamps the buffers to half the lifetime so a 60 s token is still reused', async () => {
    server.onToken = (n) => ({ body: tokenBody(n, { expires_in: 60 }) });
    const { manager, clock } = setup();
    await manager.getToken();
    clock.advance(10 * SECOND);
    expect((await manager.getToken()).accessToken).toBe('token-1');
    clock.advance(19 * SECOND); // 29 s into a 60 s token
    expect((await manager.getToken()).accessToken).toBe('token-1');
    expect(server.requests).toHaveLength(1);
    clock.advance(2 * SECOND); // 31 s: past half the lifetime
    expect((await manager.getToken()).accessToken).toBe('token-2');
  });

  it('refreshes ahead of a short-lived token when refreshAheadSeconds leaves a window', async () => {
    server.onToken = (n) => ({ body: tokenBody(n, { expires_in: 100 }) });
    const { manager, clock } = setup({ expiryBufferSeconds: 10 });
    await manager.getToken();
    clock.advance(60 * SECOND); // refresh ahead clamped to 50 s: stale from 50 s, expired from 90 s
    expect(manager.tokenInfo()?.state).toBe('stale');
    expect((await manager.getToken()).accessToken).toBe('token-1');
    await manager.settled();
    expect(server.requests).toHaveLength(2);
  });

  it('forceRefresh fetches a new token even when fresh, shared by concurrent callers', async () => {
    const { manager, events } = setup();
    await manager.getToken();
    const [a, b] = await Promise.all([
      manager.getToken({ forceRefresh: true }),
      manager.getToken({ forceRefresh: true }),
    ]);
    expect(a.accessToken).toBe('token-2');
    expect(b.accessToken).toBe('token-2');
    expect(server.requests).toHaveLength(2);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'cache.miss', reason: 'forced' }),
    );
  });

  it('invalidate() drops the token; the next call fetches', async () => {
    const { manager, events } = setup();
    await manager.getToken();
    await manager.invalidate();
    expect(manager.tokenInfo()).toBeUndefined();
    expect((await manager.getToken()).accessToken).toBe('token-2');
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'cache.miss', reason: 'invalidated' }),
    );
  });

  it('emits events with the key and the injected time', async () => {
    const { manager, clock, events } = setup();
    server.onToken = (n) => {
      clock.advance(250); // the exchange takes 250 ms by the injected clock
      return { body: tokenBody(n) };
    };
    const start = clock();
    const token = await manager.getToken();
    await manager.getToken();
    const base = { key: manager.key };
    expect(events).toEqual([
      { ...base, time: start, type: 'cache.miss', reason: 'empty', source: 'memory' },
      { ...base, time: start, type: 'token.requested', attempt: 1 },
      {
        ...base,
        time: start + 250,
        type: 'token.issued',
        expiresAt: token.expiresAt,
        attempts: 1,
        durationMs: 250,
      },
      {
        ...base,
        time: start + 250,
        type: 'cache.hit',
        state: 'fresh',
        source: 'memory',
        expiresAt: token.expiresAt,
      },
    ]);
  });

  it('settled() resolves at once when idle and never rejects', async () => {
    const { manager, clock } = setup();
    await manager.settled();
    await manager.getToken();
    server.onToken = () => ({ status: 500 });
    clock.advance(3400 * SECOND);
    await manager.getToken(); // background refresh, which fails
    await expect(manager.settled()).resolves.toBeUndefined();
  });

  it('getAuthorizationHeader() returns "Bearer <token>"', async () => {
    const { manager } = setup();
    expect(await manager.getAuthorizationHeader()).toBe('Bearer token-1');
  });

  it('pending() is undefined when idle and covers a refresh in flight, background ones included', async () => {
    const { manager, clock } = setup();
    expect(manager.pending()).toBeUndefined();
    const first = manager.getToken();
    const work = manager.pending();
    expect(work).toBeInstanceOf(Promise);
    await first;
    await work;
    expect(manager.pending()).toBeUndefined();
    clock.advance((3600 - 200) * SECOND); // stale: served now, refreshed in the background
    server.onToken = () => ({ status: 503 });
    await manager.getToken();
    const background = manager.pending();
    expect(background).toBeInstanceOf(Promise);
    await expect(background).resolves.toBeUndefined(); // a failed refresh never rejects it
    expect(manager.pending()).toBeUndefined();
    expect(server.requests).toHaveLength(2);
  });

  it('makes an AbortController per refresh, never one that outlives it (Workers I/O rule)', async () => {
    const made: AbortController[] = [];
    const Original = globalThis.AbortController;
    class Counting extends Original {
      constructor() {
        super();
        made.push(this);
      }
    }
    globalThis.AbortController = Counting;
    try {
      const { manager, clock } = setup();
      expect(made).toHaveLength(0); // none at construction
      await manager.getToken();
      const afterFirst = made.length;
      expect(afterFirst).toBeGreaterThan(0);
      clock.advance(3590 * SECOND); // expired: a second refresh makes its own
      await manager.getToken();
      expect(made.length).toBeGreaterThan(afterFirst);
      expect(made.every((c) => !c.signal.aborted)).toBe(true);
    } finally {
      globalThis.AbortController = Original;
    }
  });

  it('close() aborts the refresh in flight through that refresh’s own controller', async () => {
    server.onToken = () => 'hang';
    const { manager } = setup({ timeoutMs: 60_000 });
    const pending = manager.getToken().catch((e: unknown) => e);
    await vi.waitFor(() => expect(server.requests).toHaveLength(1));
    await manager.close();
    expect(await pending).toMatchObject({ code: 'closed' });
    expect(manager.pending()).toBeUndefined();
  });

  it('tokenInfo() tells expiry and state without the token', async () => {
    const { manager, clock } = setup();
    expect(manager.tokenInfo()).toBeUndefined();
    const token = await manager.getToken();
    expect(manager.tokenInfo()).toEqual({ expiresAt: token.expiresAt, state: 'fresh' });
    expect(JSON.stringify(manager.tokenInfo())).not.toContain('token-1');
    clock.advance(3590 * SECOND);
    expect(manager.tokenInfo()?.state).toBe('expired');
  });
});

describe('TokenManager: failures', () => {
  it('does not cache a failed request: the next caller tries again', async () => {
    server.onToken = () => ({ status: 500 });
    const { manager, clock } = setup();
    const callers = await Promise.allSettled(Array.from({ length: 50 }, () => manager.getToken()));
    expect(callers.every((r) => r.status === 'rejected')).toBe(true);
    expect(server.requests).toHaveLength(1);
    clock.advance(5_000); // past the fail-fast window (DEFAULTS.failFastMs)
    server.onToken = (n) => ({ body: tokenBody(n) });
    expect((await manager.getToken()).accessToken).toBe('token-2');
  });

  it('fails fast with the same retryable error for failFastMs, then one probe tries again', async () => {
    server.onToken = () => ({ status: 503 });
    const { manager, clock } = setup({ failFastMs: 5_000 });
    const first = await manager.getToken().catch((e: unknown) => e);
    expect(first).toMatchObject({ code: 'server_error', retryable: true });
    // Inside the window: every caller gets that very error at once, no request goes out.
    const during = await Promise.allSettled(Array.from({ length: 20 }, () => manager.getToken()));
    expect(during.map((r) => r.status === 'rejected' && r.reason)).toEqual(Array(20).fill(first));
    expect(server.requests).toHaveLength(1);
    // After it: one probe for all the callers; it fails, the window starts again.
    clock.advance(5_000);
    const probe = await Promise.allSettled(Array.from({ length: 20 }, () => manager.getToken()));
    expect(probe.every((r) => r.status === 'rejected')).toBe(true);
    expect(server.requests).toHaveLength(2);
    clock.advance(5_000);
    server.onToken = (n) => ({ body: tokenBody(n) });
    expect((await manager.getToken()).accessToken).toBe('token-3');
  });

  it('a refused secret fails fast too: 20 sequential callers with a wrong secret make one token request', async () => {
    server.onToken = () => ({ status: 400, body: { error: 'invalid_client' } });
    const { manager, clock } = setup({ failFastMs: 5_000 });
    const errors: unknown[] = [];
    for (let i = 0; i < 20; i++) errors.push(await manager.getToken().catch((e: unknown) => e));
    expect(errors[0]).toMatchObject({ code: 'invalid_client', retryable: false });
    expect(new Set(errors)).toEqual(new Set([errors[0]])); // the very same error, at once
    expect(server.requests).toHaveLength(1);
    // After the window, one probe; with the secret fixed meanwhile (a new deploy), a token.
    clock.advance(5_000);
    await manager.getToken().catch(() => {});
    expect(server.requests).toHaveLength(2);
    clock.advance(5_000);
    server.onToken = (n) => ({ body: tokenBody(n) });
    expect((await manager.getToken()).accessToken).toBe('token-3');
  });

  it('inside a refusal window, a secret function now returning another value is tried at once', async () => {
    let secret = 'old-secret';
    server.onToken = (_n, req) =>
      req.form.get('client_secret') === 'new-secret'
        ? { body: tokenBody(9) }
        : { status: 400, body: { error: 'invalid_client' } };
    const { manager } = setup({ clientSecret: () => secret, failFastMs: 60_000 });
    await expect(manager.getToken()).rejects.toMatchObject({ code: 'invalid_client' });
    await expect(manager.getToken()).rejects.toMatchObject({ code: 'invalid_client' });
    expect(server.requests).toHaveLength(1); // same value: the window holds
    secret = 'new-secret';
    expect((await manager.getToken()).accessToken).toBe('token-9');
    expect(server.requests).toHaveLength(2);
  });

  it('never fails fast with a valid token held, nor when forced, nor with failFastMs: 0', async () => {
    server.onToken = () => ({ status: 503 });
    const { manager } = setup();
    await manager.getToken().catch(() => {});
    await manager.getToken({ forceRefresh: true }).catch(() => {});
    expect(server.requests).toHaveLength(2);
    server.onToken = () => ({ status: 400, body: { error: 'invalid_client' } });
    const off = setup({ failFastMs: 0 }).manager;
    await off.getToken().catch(() => {});
    await off.getToken().catch(() => {});
    expect(server.requests).toHaveLength(4);
  });

  it('measures its windows on the monotonic clock: a wall-clock step back neither stretches nor ends them', async () => {
    server.onToken = () => ({ status: 503 });
    let elapsed = 0;
    const { manager, clock } = setup({ failFastMs: 5_000, monotonicNow: () => elapsed });
    await manager.getToken().catch(() => {});
    clock.advance(-3_600_000); // the wall clock steps back an hour (NTP, a VM resumed)
    elapsed += 5_000;
    await manager.getToken().catch(() => {});
    expect(server.requests).toHaveLength(2); // the probe went out on time
    clock.advance(7_200_000); // and forward two hours: the window is still 5 s
    await manager.getToken().catch(() => {});
    expect(server.requests).toHaveLength(2);
  });

  it("bounds a caller's wait by maxWaitMs while the exchange goes on for later callers", async () => {
    server.onToken = () => 'hang';
    const { manager } = setup({ maxWaitMs: 50, timeoutMs: 60_000 });
    const error = await manager.getToken().catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'TokenRequestError', code: 'timeout', retryable: true });
    expect((error as Error).message).toContain('maxWaitMs');
    expect(server.requests).toHaveLength(1);
    expect(manager.pending()).toBeInstanceOf(Promise); // still in flight, for the next callers
  });

  it('rejects with the TokenRequestError and emits token.request_failed (no refresh: none was held)', async () => {
    server.onToken = () => ({ status: 401, body: { error: 'invalid_client' } });
    const { manager, events, types } = setup();
    const error = await manager.getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ code: 'invalid_client', status: 401 });
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'token.request_failed',
        code: 'invalid_client',
        attempts: 1,
        durationMs: 0,
        servingStale: false,
      }),
    );
    expect(types()).not.toContain('token.refresh_failed');
  });

  it('background refresh failure: keeps serving, then waits a cooldown before trying again', async () => {
    const { manager, clock, events } = setup();
    await manager.getToken();
    server.onToken = () => ({ status: 503 });
    clock.advance((3600 - 200) * SECOND); // stale
    expect((await manager.getToken()).accessToken).toBe('token-1');
    await manager.settled();
    expect(server.requests).toHaveLength(2);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'token.refresh_failed', servingStale: true }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'token.request_failed',
        code: 'server_error',
        servingStale: true,
      }),
    );
    // Right after the failure: served without a new attempt.
    clock.advance(1 * SECOND);
    expect((await manager.getToken()).accessToken).toBe('token-1');
    await manager.settled();
    expect(server.requests).toHaveLength(2);
    // After the cooldown: one more attempt, which succeeds.
    server.onToken = (n) => ({ body: tokenBody(n) });
    clock.advance(5 * SECOND);
    expect((await manager.getToken()).accessToken).toBe('token-1');
    await manager.settled();
    expect(server.requests).toHaveLength(3);
    expect((await manager.getToken()).accessToken).toBe('token-3');
  });

  it('inside the expiry buffer: a failed refresh serves the unexpired token with token.served_stale', async () => {
    const { manager, clock, events } = setup();
    const first = await manager.getToken();
    server.onToken = () => 'destroy';
    clock.advance((3600 - 30) * SECOND);
    expect(await manager.getToken()).toBe(first);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'token.served_stale', expiresAt: first.expiresAt }),
    );
    // Within the cooldown nobody waits on the endpoint.
    expect(await manager.getToken()).toBe(first);
    expect(server.requests).toHaveLength(2);
    // Once actually expired, the failure reaches the caller.
    clock.advance(31 * SECOND);
    const error = await manager.getToken().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'network_error' });
    expect(server.requests).toHaveLength(3);
  });

  it('forceRefresh failures reach the caller even with a valid token held', async () => {
    const { manager } = setup();
    await manager.getToken();
    server.onToken = () => ({ status: 500 });
    await expect(manager.getToken({ forceRefresh: true })).rejects.toMatchObject({
      code: 'server_error',
    });
    expect((await manager.getToken()).accessToken).toBe('token-1');
  });

  it('a throwing onEvent does not break the manager', async () => {
    const { manager } = setup({
      onEvent: () => {
        throw new Error('listener bug');
      },
    });
    expect((await manager.getToken()).accessToken).toBe('token-1');
    expect((await manager.getToken()).accessToken).toBe('token-1');
  });
});

describe('TokenManager: lifecycle', () => {
  it('close() aborts a request in flight, rejects later calls with closed, leaves no timer', async () => {
    const timers = trackCoreTimers();
    server.onToken = () => 'hang';
    const { manager } = setup({ timeoutMs: 60_000, allowedHosts: ['127.0.0.1'] });
    const pending = manager.getToken();
    await expect.poll(() => server.requests.length).toBe(1);
    // The per-attempt timeout and this caller's maxWaitMs deadline.
    expect(await timers.pending()).toHaveLength(2);
    await manager.close();
    await expect(pending).rejects.toMatchObject({ code: 'closed' });
    await expect(manager.getToken()).rejects.toBeInstanceOf(TwilioOAuthError);
    await expect(manager.getToken()).rejects.toMatchObject({ code: 'closed' });
    await expect(manager.fetch(`${server.url}/api`)).rejects.toMatchObject({ code: 'closed' });
    expect(await timers.pending()).toEqual([]);
    timers.stop();
  });

  it('close() during a backoff wait leaves no timer; an awaited backoff keeps the process alive', async () => {
    const timers = trackCoreTimers();
    server.onToken = () => ({ status: 503, headers: { 'retry-after': '30' } });
    const { manager } = setup({ retry: { maxAttempts: 3, maxRetryAfterMs: 60_000 } });
    const pending = manager.getToken().catch((e: unknown) => e);
    const backoff = async () =>
      (await timers.pending()).filter((t) => t.where.includes('timers.ts'));
    await expect.poll(async () => (await backoff()).length).toBe(1);
    // Someone awaits this backoff: its timer is ref'd (a script must not exit mid-retry).
    expect((await backoff())[0]?.ref).toBe(true);
    expect(process.getActiveResourcesInfo()).toContain('Timeout');
    await manager.close();
    expect(await pending).toMatchObject({ code: 'closed' });
    expect(await timers.pending()).toEqual([]);
    timers.stop();
  });

  it('a background refresh backoff does not keep the process alive', async () => {
    const timers = trackCoreTimers();
    const { manager, clock } = setup({ retry: { maxAttempts: 2, maxRetryAfterMs: 60_000 } });
    await manager.getToken();
    server.onToken = () => ({ status: 503, headers: { 'retry-after': '30' } });
    clock.advance(3500 * SECOND);
    await manager.getToken();
    const backoff = async () =>
      (await timers.pending()).filter((t) => t.where.includes('timers.ts'));
    await expect.poll(async () => (await backoff()).length).toBe(1);
    expect((await backoff())[0]?.ref).toBe(false);
    await manager.close();
    expect(await timers.pending()).toEqual([]);
    timers.stop();
  });

  it('Symbol.asyncDispose closes', async () => {
    const { manager } = setup();
    {
      await using scoped = manager;
      await scoped.getToken();
    }
    await expect(manager.getToken()).rejects.toMatchObject({ code: 'closed' });
  });

  it('an idle manager runs nothing: no timer between calls', async () => {
    const timers = trackCoreTimers();
    const { manager, clock } = setup();
    await manager.getToken();
    clock.advance(3500 * SECOND);
    await manager.getToken(); // stale: background refresh
    await manager.settled();
    expect(await timers.pending()).toEqual([]);
    timers.stop();
  });
});

describe('TokenManager: options', () => {
  const valid = { clientId: 'id', clientSecret: SECRET };
  const bad: [string, Record<string, unknown>][] = [
    ['clientId', { clientId: undefined }],
    ['clientId', { clientId: '' }],
    ['clientId', { clientId: 42 }],
    ['clientSecret', { clientSecret: undefined }],
    ['clientSecret', { clientSecret: '' }],
    ['clientSecret', { clientSecret: { value: SECRET } }],
    ['tokenUrl', { tokenUrl: 'not a url' }],
    ['tokenUrl', { tokenUrl: 'http://oauth.twilio.com/v2/token' }],
    ['tokenUrl', { tokenUrl: 'ftp://127.0.0.1/token' }],
    ['tokenUrl', { tokenUrl: 42 }],
    ['scope', { scope: 7 }],
    ['clientAuthMethod', { clientAuthMethod: 'private_key_jwt' }],
    ['fetch', { fetch: 'fetch' }],
    ['timeoutMs', { timeoutMs: -1 }],
    ['timeoutMs', { timeoutMs: Number.NaN }],
    ['timeoutMs', { timeoutMs: 0 }],
    ['timeoutMs', { timeoutMs: '100' }],
    ['retry.maxAttempts', { retry: { maxAttempts: 0 } }],
    ['retry.maxAttempts', { retry: { maxAttempts: 1.5 } }],
    ['retry.baseDelayMs', { retry: { baseDelayMs: -1 } }],
    ['retry.maxDelayMs', { retry: { maxDelayMs: Number.POSITIVE_INFINITY } }],
    ['retry.maxRetryAfterMs', { retry: { maxRetryAfterMs: Number.NaN } }],
    ['expiryBufferSeconds', { expiryBufferSeconds: -5 }],
    ['refreshAheadSeconds', { refreshAheadSeconds: Number.NaN }],
    ['lockWaitMs', { lockWaitMs: -1 }],
    ['allowedHosts', { allowedHosts: 'api.twilio.com' }],
    ['allowedHosts', { allowedHosts: [''] }],
    ['allowedHosts', { allowedHosts: ['api.twilio.com', 'https://x.com/'] }],
    ['allowedHosts', { allowedHosts: ['*'] }],
    ['store', { store: {} }],
    ['store', { store: { get: () => {}, set: () => {} } }],
    ['onEvent', { onEvent: 'log' }],
    ['now', { now: 5 }],
  ];
  for (const [option, override] of bad) {
    it(`refuses ${option} = ${inspect(override).replace(SECRET, '…')} naming the option, not the secret`, () => {
      let error: unknown;
      try {
        new TokenManager({ ...valid, ...override } as unknown as TokenManagerOptions);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InvalidOptionsError);
      expect(error).toMatchObject({ code: 'invalid_option', option });
      expect((error as Error).message).toContain(option);
      expect((error as Error).message).not.toContain(SECRET);
    });
  }

  it('refuses a missing options object', () => {
    expect(() => new TokenManager(undefined as unknown as TokenManagerOptions)).toThrow(
      InvalidOptionsError,
    );
  });

  it('accepts http on loopback token URLs', () => {
    for (const tokenUrl of ['http://localhost:4000/t', 'http://127.1.2.3/t', 'http://[::1]:80/t']) {
      expect(() => new TokenManager({ ...valid, tokenUrl })).not.toThrow();
    }
  });

  it('does not mutate the caller options object', async () => {
    const options = Object.freeze({
      clientId: 'OQclient',
      clientSecret: SECRET,
      tokenUrl: server.tokenUrl,
      retry: Object.freeze({ maxAttempts: 2 }),
      allowedHosts: Object.freeze(['127.0.0.1']),
    });
    const copy = structuredClone(options);
    const manager = new TokenManager(options);
    managers.push(manager);
    await manager.getToken();
    expect(options).toEqual(copy);
  });

  it('derives its key from token URL and client id (+ scope), never the secret', () => {
    const manager = new TokenManager({ ...valid, scope: 'a b' });
    expect(manager.key).toBe('https://oauth.twilio.com/v2/token id a%20b');
    expect(manager.key).not.toContain(SECRET);
  });
});
