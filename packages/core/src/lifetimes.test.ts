// Twilio lets an OAuth app's token lifetime be set from 1 minute to 30 days: both ends.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { manualClock, SECRET, startServer, type TestServer, tokenBody } from '../test/token-server';
import { MemoryTokenStore } from './memory-store';
import { TokenManager } from './token-manager';
import type { StoredToken, TokenStore } from './types';

const MINUTE_S = 60;
const THIRTY_DAYS_S = 2_592_000;
let server: TestServer;
beforeEach(async () => {
  server = await startServer();
});
afterEach(() => server.close());

/** A store that records the TTL of each write. */
function recordingStore() {
  const inner = new MemoryTokenStore();
  const ttls: number[] = [];
  const store: TokenStore = {
    get: (key) => inner.get(key),
    set: (key, token: StoredToken, ttlMs) => {
      ttls.push(ttlMs);
      return inner.set(key, token, ttlMs);
    },
    delete: (key) => inner.delete(key),
  };
  return { store, ttls };
}

function manager(expiresIn: number, store?: TokenStore) {
  server.onToken = (n) => ({ body: tokenBody(n, { expires_in: expiresIn }) });
  const clock = manualClock();
  const m = new TokenManager({
    clientId: 'OQlife',
    clientSecret: SECRET,
    tokenUrl: server.tokenUrl,
    now: clock,
    store,
  });
  return { manager: m, clock };
}

describe('token lifetimes', () => {
  it('60 s: both margins clamp to 30 s, the token is reused for 30 s, then renewed', async () => {
    const { store, ttls } = recordingStore();
    const { manager: m, clock } = manager(MINUTE_S, store);
    const first = await m.getToken();
    expect(first.expiresAt - clock()).toBe(60_000);
    clock.advance(29_999);
    expect((await m.getToken()).accessToken).toBe('token-1');
    expect(m.tokenInfo()?.state).toBe('fresh');
    clock.advance(1);
    expect(m.tokenInfo()?.state).toBe('expired'); // 60 s buffer clamped to 30 s
    expect((await m.getToken()).accessToken).toBe('token-2');
    expect(server.requests).toHaveLength(2);
    await m.settled();
    expect(ttls).toEqual([60_000, 60_000]);
    // A second manager sharing the store adopts it with the same clamps.
    const other = new TokenManager({
      clientId: 'OQlife',
      clientSecret: SECRET,
      tokenUrl: server.tokenUrl,
      now: clock,
      store,
    });
    expect((await other.getToken()).accessToken).toBe('token-2');
    expect(server.requests).toHaveLength(2);
    await Promise.all([m.close(), other.close()]);
  });

  it('30 days: reused for the whole lifetime, refreshed 300 s ahead, expired 60 s before', async () => {
    const { store, ttls } = recordingStore();
    const { manager: m, clock } = manager(THIRTY_DAYS_S, store);
    const first = await m.getToken();
    expect(first.expiresAt - clock()).toBe(THIRTY_DAYS_S * 1000);
    await m.settled();
    expect(ttls).toEqual([THIRTY_DAYS_S * 1000]);
    clock.advance((THIRTY_DAYS_S - 301) * 1000);
    expect((await m.getToken()).accessToken).toBe('token-1');
    expect(m.tokenInfo()?.state).toBe('fresh');
    expect(server.requests).toHaveLength(1);
    clock.advance(2_000); // inside refreshAheadSeconds: served, renewed in the background
    expect((await m.getToken()).accessToken).toBe('token-1');
    await m.settled();
    expect(server.requests).toHaveLength(2);
    expect((await m.getToken()).accessToken).toBe('token-2');
    expect(m.tokenInfo()?.expiresAt).toBe(clock() + THIRTY_DAYS_S * 1000);
    await m.close();
  });
});
