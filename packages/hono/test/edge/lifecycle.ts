import { expect, it, type TestContext, vi } from 'vitest';
import {
  type EdgeSession,
  EXPIRES_AFTER_MS,
  FRESH_FOR_MS,
  type Lane,
  STALE_UNTIL_MS,
  TOKEN_TTL_SECONDS,
} from './session';

/** How long the token endpoint holds the background refresh of the refresh-ahead test. */
const SLOW_TOKEN_MS = 1_000;
/** For `vi.waitFor`: what happens in the isolate in the background, polled. */
const WAIT = { timeout: 5_000, interval: 20 };

/**
 * A token's life across requests of one isolate, on each runtime: renewal after expiry,
 * a refresh ahead started by one request and finished in another, a failed refresh
 * served stale then recovered, a burst at the renewal, and the store's lock-wait path.
 * The clock is injected (the isolate's managers and the mock move together); each test
 * has its own lane, so its manager is made by its own first request.
 */
export function lifecycleTests(running: (ctx: TestContext) => EdgeSession): void {
  /** A first token for `lane`, in a request of its own. */
  const firstToken = async (edge: EdgeSession, lane: Lane) => {
    const first = await edge.laneToken(lane);
    expect(first.status).toBe(200);
    expect(edge.laneRequests(lane)).toBe(1);
    return first.expiresAt as number;
  };

  it('renews the token after it expired, in later requests, again and again', async (ctx) => {
    const edge = running(ctx);
    let expiresAt = await firstToken(edge, 'renewal');
    expect(await edge.laneMessages('renewal')).toBe(200);

    for (let renewal = 1; renewal <= 3; renewal++) {
      await edge.advance(EXPIRES_AFTER_MS + 1_000);
      // The API refuses the old token by now: fetch() must bring a new one.
      expect(await edge.laneMessages('renewal')).toBe(200);
      const renewed = await edge.laneToken('renewal');
      expect(renewed.status).toBe(200);
      expect(renewed.headerMatches).toBe(true);
      expect(renewed.expiresAt).toBeGreaterThan(expiresAt);
      expiresAt = renewed.expiresAt as number;
      expect(edge.laneRequests('renewal')).toBe(1 + renewal);
    }
  });

  it('finishes in a later request a refresh ahead that an earlier request started', async (ctx) => {
    const edge = running(ctx);
    const first = await firstToken(edge, 'ahead');
    const clientId = edge.clientId('ahead');

    // Stale: request A is served the held token at once and starts the refresh, which the
    // token endpoint holds; A's response is sent before the new token exists.
    await edge.advance(FRESH_FOR_MS + 5_000);
    edge.server.setFaults({ token: { delayMs: SLOW_TOKEN_MS, times: 1 } });
    const a = await edge.laneToken('ahead');
    expect(a).toMatchObject({ status: 200, expiresAt: first });
    expect(edge.server.stats().byClient[clientId]?.tokensIssued).toBe(1);

    // Inside the expiry buffer: request B must wait, and joins the refresh A started.
    await edge.advance(STALE_UNTIL_MS - FRESH_FOR_MS);
    const b = await edge.laneToken('ahead');
    expect(b.status).toBe(200);
    expect(b.expiresAt).toBeGreaterThan(first);
    expect(edge.laneRequests('ahead')).toBe(2);
    expect(edge.server.stats().byClient[clientId]?.tokensIssued).toBe(2);
    // B missed (expired) before the token came: it joined the refresh, it did not find its result.
    const types = (await edge.events('ahead')).map((e) => e.type);
    const bMissed = types.indexOf('cache.miss', types.indexOf('token.issued') + 1);
    expect(bMissed).toBeGreaterThan(-1);
    expect(bMissed).toBeLessThan(types.lastIndexOf('token.issued'));
    expect(await edge.laneMessages('ahead')).toBe(200);
  });

  it('serves the held token while refreshes fail, then answers 503 once it expired, then recovers', async (ctx) => {
    const edge = running(ctx);
    const first = await firstToken(edge, 'stale');
    edge.server.setFaults({ token: { status: 503 } });

    // Stale: served at once; the background refresh fails (2 attempts).
    await edge.advance(FRESH_FOR_MS + 1_000);
    expect(await edge.laneToken('stale')).toMatchObject({ status: 200, expiresAt: first });
    await vi.waitFor(async () => {
      expect((await edge.events('stale')).map((e) => e.type)).toContain('token.refresh_failed');
    }, WAIT);
    expect(edge.laneRequests('stale')).toBe(3);

    // In the buffer, past the 5-s cooldown: the caller waits for a refresh that fails, and
    // is served the still-valid token.
    await edge.advance(STALE_UNTIL_MS - FRESH_FOR_MS);
    expect(await edge.laneToken('stale')).toMatchObject({ status: 200, expiresAt: first });
    expect((await edge.events('stale')).map((e) => e.type)).toContain('token.served_stale');
    expect(edge.laneRequests('stale')).toBe(5);

    // Expired, the endpoint still down: 503, no secret.
    await edge.advance(EXPIRES_AFTER_MS - STALE_UNTIL_MS + 6_000);
    const down = await edge.laneToken('stale');
    expect(down.status).toBe(503);
    expect(JSON.parse(down.text ?? '')).toMatchObject({
      error: expect.stringMatching(/^Twilio token service unavailable \(/),
    });

    // The endpoint is back: the next request gets a new token.
    edge.server.setFaults({});
    await edge.advance(6_000);
    const recovered = await edge.laneToken('stale');
    expect(recovered.status).toBe(200);
    expect(recovered.expiresAt).toBeGreaterThan(first);
    expect(await edge.laneMessages('stale')).toBe(200);
  });

  it('makes one token request for concurrent requests at the renewal', async (ctx) => {
    const edge = running(ctx);
    const first = await firstToken(edge, 'burst');

    await edge.advance(EXPIRES_AFTER_MS + 1_000);
    const burst = await Promise.all(Array.from({ length: 20 }, () => edge.laneToken('burst')));

    expect(burst.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    const expiries = new Set(burst.map((answer) => answer.expiresAt));
    expect(expiries.size).toBe(1);
    expect([...expiries][0]).toBeGreaterThan(first);
    expect(edge.laneRequests('burst')).toBe(2);
  });

  it('waits for a lock held elsewhere in a later request, then fetches itself', async (ctx) => {
    const edge = running(ctx);
    const before = await edge.store({});
    const first = await firstToken(edge, 'lock');
    expect(await edge.store({})).toMatchObject({ locksTaken: before.locksTaken + 1 });

    // Expired, and another process holds the lock but never fills the store: after
    // lockWaitMs (200 ms, polls every 50 ms) the manager fetches the token itself.
    await edge.advance(EXPIRES_AFTER_MS + 1_000);
    const held = await edge.store({ lockHeld: true });
    try {
      const renewed = await edge.laneToken('lock');
      expect(renewed.status).toBe(200);
      expect(renewed.expiresAt).toBeGreaterThan(first);
    } finally {
      const after = await edge.store({ lockHeld: false });
      expect(after.locksRefused).toBe(held.locksRefused + 1);
      expect(after.gets).toBeGreaterThanOrEqual(held.gets + 4);
    }
    expect(edge.laneRequests('lock')).toBe(2);
  });

  it('waits for a lock held elsewhere in a later request, and adopts what the holder stores', async (ctx) => {
    const edge = running(ctx);
    const first = await firstToken(edge, 'lockfill');

    await edge.advance(EXPIRES_AFTER_MS + 1_000);
    const held = await edge.store({ lockHeld: true });
    try {
      const waiting = edge.laneToken('lockfill');
      await vi.waitFor(async () => {
        expect((await edge.store({})).locksRefused).toBe(held.locksRefused + 1);
      }, WAIT);
      // The other holder got a token and stores it; the waiting request adopts it.
      const accessToken = await tokenFromMock(edge, edge.clientId('lockfill'));
      await edge.store({ accessToken, expiresInSeconds: TOKEN_TTL_SECONDS });
      const adopted = await waiting;
      expect(adopted.status).toBe(200);
      expect(adopted.expiresAt).toBeGreaterThan(first);
    } finally {
      await edge.store({ lockHeld: false });
    }
    // Only the holder's request: the isolate made none of its own.
    expect(edge.laneRequests('lockfill')).toBe(2);
    expect(await edge.laneMessages('lockfill')).toBe(200);
    expect(edge.laneRequests('lockfill')).toBe(2);
  });
}

/** What the other holder of the lock does: a token request of its own, straight to the mock. */
async function tokenFromMock(edge: EdgeSession, clientId: string): Promise<string> {
  const secret = edge.server.clients.find((client) => client.clientId === clientId)?.clientSecret;
  const response = await fetch(edge.server.tokenUrl, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: secret ?? '',
    }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}
