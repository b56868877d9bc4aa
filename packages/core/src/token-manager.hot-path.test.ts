// The hot path with the real clock: a freshness check is trusted for at most
// 100 ms (never past staleAt) through an unref'd timer, so that a cached
// getToken() costs about as much as awaiting a resolved promise.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { trackCoreTimers } from '../test/timers';
import { SECRET } from '../test/token-server';
import { TokenManager } from './token-manager';

const START = Date.parse('2030-01-01T00:00:00Z');
let issued = 0;
// A stub fetch: these tests fake the clock and timers, which real sockets would not survive.
const fetchToken = vi.fn(
  async () =>
    new Response(
      JSON.stringify({ access_token: `token-${++issued}`, token_type: 'Bearer', expires_in: 3600 }),
      { headers: { 'content-type': 'application/json' } },
    ),
);
const managers: TokenManager[] = [];
const create = () => {
  const manager = new TokenManager({ clientId: 'id', clientSecret: SECRET, fetch: fetchToken });
  managers.push(manager);
  return manager;
};

beforeEach(() => {
  issued = 0;
  fetchToken.mockClear();
});
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.close()));
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('TokenManager hot path (real clock)', () => {
  it('goes fresh → stale → expired as the clock moves', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'], now: START });
    const manager = create();
    expect((await manager.getToken()).accessToken).toBe('token-1');
    vi.advanceTimersByTime(3000_000);
    expect((await manager.getToken()).accessToken).toBe('token-1');
    expect(fetchToken).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(301_000); // stale: served, refreshed in the background
    expect((await manager.getToken()).accessToken).toBe('token-1');
    await manager.settled();
    expect(fetchToken).toHaveBeenCalledTimes(2);
    expect((await manager.getToken()).accessToken).toBe('token-2');
    vi.advanceTimersByTime(3560_000); // token-2 inside its expiry buffer: callers wait
    expect((await manager.getToken()).accessToken).toBe('token-3');
  });

  it('trusts a check for at most 100 ms, and never past staleAt', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'], now: START });
    const manager = create();
    await manager.getToken();
    await manager.getToken(); // a check by the clock: trusted from now on
    // Jump the wall clock without letting timers run (as a suspended process would see it).
    vi.setSystemTime(START + 3400_000);
    await manager.getToken();
    expect(fetchToken).toHaveBeenCalledTimes(1); // still trusted: the 100 ms have not passed
    vi.advanceTimersByTime(100);
    await manager.getToken();
    await manager.settled();
    expect(fetchToken).toHaveBeenCalledTimes(2); // re-checked: stale, refreshed
    // 50 ms before staleAt the trust window shrinks to those 50 ms.
    const { expiresAt } = await manager.getToken();
    vi.advanceTimersByTime(100); // let that check lapse
    vi.setSystemTime(expiresAt - 300_000 - 50);
    await manager.getToken();
    vi.advanceTimersByTime(50);
    await manager.getToken();
    await manager.settled();
    expect(fetchToken).toHaveBeenCalledTimes(3);
  });

  it('reads the clock on every call where timers cannot be unref’d (Workers, Deno)', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: START });
    const realSetTimeout = globalThis.setTimeout;
    // Workers return a number from setTimeout.
    vi.stubGlobal('setTimeout', (fn: () => void, ms?: number) => Number(realSetTimeout(fn, ms)));
    const manager = create();
    await manager.getToken();
    await manager.getToken();
    vi.setSystemTime(START + 3400_000);
    await manager.getToken();
    await manager.settled();
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });

  it('close() clears the trust timer; it is unref’d meanwhile', async () => {
    const timers = trackCoreTimers();
    const manager = create();
    await manager.getToken();
    await manager.getToken();
    const pending = await timers.pending();
    expect(pending).toHaveLength(1);
    expect(pending[0]?.ref).toBe(false);
    await manager.close();
    expect(await timers.pending()).toEqual([]);
    timers.stop();
  });
});
