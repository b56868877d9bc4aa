// Redis paused, full, stopped and restarted: a private redis-server per file, so
// the shared one is never disturbed.
import { once } from 'node:events';
import { inspect } from 'node:util';
import { type TokenEvent, TokenManager } from '@twilio-oauth/core';
import { type MockServer, startMockServer } from '@twilio-oauth/mock-server';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RedisStoreError, RedisTokenStore } from '../src/index';
import { type OwnRedis, redisServerAvailable, startOwnRedis, testClient } from './helpers/redis';

const available = redisServerAvailable();
const KEY = 'http://127.0.0.1/v2/token OQoutage';
const token = {
  accessToken: 'eyJ.outage-token.signature',
  tokenType: 'Bearer',
  issuedAt: 1_700_000_000_000,
  expiresAt: 1_700_003_600_000,
};

const ready = async (client: Redis) => {
  if (client.status !== 'ready') await once(client, 'ready');
};

async function elapsedMs(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

describe.skipIf(!available)('when Redis misbehaves', () => {
  let redis: OwnRedis;
  let client: Redis;
  beforeAll(async () => {
    redis = await startOwnRedis();
    client = testClient(redis.url);
    await ready(client);
  });
  afterAll(async () => {
    client?.disconnect();
    await redis?.dispose();
  });

  it('a paused Redis costs each call at most commandTimeoutMs, then works again', async () => {
    const store = new RedisTokenStore({ client, commandTimeoutMs: 200 });
    await store.set(KEY, token, 60_000);
    redis.pause();
    try {
      for (const [operation, call] of [
        ['get', () => store.get(KEY)],
        ['set', () => store.set(KEY, token, 60_000)],
        ['delete', () => store.delete(KEY)],
      ] as const) {
        let error: unknown;
        const ms = await elapsedMs(() => call().catch((e: unknown) => (error = e)));
        expect(error).toBeInstanceOf(RedisStoreError);
        expect(error).toMatchObject({ code: 'store_timeout', operation });
        expect(ms).toBeGreaterThanOrEqual(190);
        expect(ms).toBeLessThan(1_000);
      }
    } finally {
      redis.resume();
    }
    // Back to normal. (The timed-out commands still ran on resume, the delete included:
    // one more reason the manager treats the store as a cache, never the source of truth.)
    const after = { ...token, accessToken: 'eyJ.after-pause.signature' };
    await store.set(KEY, after, 60_000);
    await expect(store.get(KEY)).resolves.toEqual(after);
  });

  it('a lock that lands after its caller gave up is released, not left to block the fleet', async () => {
    const store = new RedisTokenStore({ client, commandTimeoutMs: 200 });
    const other = new RedisTokenStore({ client });
    redis.pause();
    try {
      await expect(store.acquireLock(KEY, 60_000)).rejects.toMatchObject({
        code: 'store_timeout',
        operation: 'lock',
      });
    } finally {
      redis.resume();
    }
    // The queued SET NX runs on resume; without the clean-up it would hold the lock for 60 s.
    const release = await vi.waitFor(
      async () => {
        const taken = await other.acquireLock(KEY, 60_000);
        if (!taken) throw new Error('lock still held');
        return taken;
      },
      { timeout: 3_000, interval: 20 },
    );
    await release();
  });

  it('a Redis error never carries the token, though ioredis attaches it to its own error', async () => {
    const store = new RedisTokenStore({ client });
    await client.config('SET', 'maxmemory', '1');
    try {
      const raw = await client.set('probe', token.accessToken).catch((e: unknown) => e);
      // What the store must not pass on: ioredis keeps the command's arguments on the error.
      expect(inspect(raw)).toContain(token.accessToken);

      const error = await store.set(KEY, token, 60_000).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RedisStoreError);
      expect(error).toMatchObject({ code: 'store_error', operation: 'set' });
      expect((error as Error).message).toMatch(/OOM/);
      for (const text of [String(error), JSON.stringify(error), inspect(error, { depth: 9 })]) {
        expect(text).not.toContain(token.accessToken);
      }
    } finally {
      await client.config('SET', 'maxmemory', '0');
    }
  });

  describe('stopped mid-run and restarted', () => {
    let server: MockServer;
    let nowMs = Date.now();
    const clock = () => nowMs;
    beforeAll(async () => {
      server = await startMockServer({ now: clock, tokenTtlSeconds: 3_600 });
    });
    afterAll(async () => {
      await server?.close();
    });

    const managerOn = (redisClient: Redis, events: TokenEvent[]) => {
      const [credentials] = server.clients;
      if (!credentials) throw new Error('mock server has no client');
      return new TokenManager({
        ...credentials,
        tokenUrl: server.tokenUrl,
        store: new RedisTokenStore({ client: redisClient, commandTimeoutMs: 200 }),
        now: clock,
        lockWaitMs: 300,
        onEvent: (event) => events.push(event),
      });
    };

    it('serves from memory while Redis is down, fetches alone when it must, and recovers', async () => {
      // Two "processes", each with its own default-configured ioredis client.
      const clientA = testClient(redis.url);
      const clientB = testClient(redis.url);
      const eventsA: TokenEvent[] = [];
      const eventsB: TokenEvent[] = [];
      const a = managerOn(clientA, eventsA);
      const b = managerOn(clientB, eventsB);
      const storeErrors = (events: TokenEvent[]) =>
        events.filter((event) => event.type === 'store.error');
      try {
        const first = await a.getToken();
        expect(server.stats().tokenRequests).toBe(1);

        await redis.stop();

        // A cache hit never touches Redis: every caller is served, nothing is reported.
        const served = await Promise.all(Array.from({ length: 100 }, () => a.getToken()));
        expect(new Set(served.map((t) => t.accessToken))).toEqual(new Set([first.accessToken]));
        expect(storeErrors(eventsA)).toEqual([]);

        // A process with nothing in memory cannot reach the store: it fetches on its own,
        // quickly, and says why through onEvent.
        let own: { accessToken: string } | undefined;
        const ms = await elapsedMs(async () => {
          own = await b.getToken();
        });
        await b.settled(); // the store write runs after callers are served
        expect(own?.accessToken).toMatch(/\S/);
        // Each store call gives up after 200 ms; ioredis alone would hold them for seconds.
        expect(ms).toBeLessThan(3_000);
        expect(server.stats().tokenRequests).toBe(2);
        const errors = storeErrors(eventsB);
        expect(errors.map((e) => e.type === 'store.error' && e.operation)).toEqual(
          expect.arrayContaining(['get', 'set']),
        );
        for (const event of errors) {
          expect(event.type === 'store.error' && event.error).toBeInstanceOf(RedisStoreError);
          expect(JSON.stringify(event)).not.toContain(own?.accessToken);
        }

        // Redis comes back: ioredis reconnects by itself, no restart of the app.
        await redis.start();
        await Promise.all([ready(clientA), ready(clientB)]);
        const errorsBefore = storeErrors(eventsA).length + storeErrors(eventsB).length;

        nowMs += 3_601_000; // both held tokens are now expired
        const renewed = await a.getToken();
        await a.settled(); // the store holds it once the background write is done
        expect(server.stats().tokenRequests).toBe(3);
        const fromStore = await b.getToken();
        expect(fromStore.accessToken).toBe(renewed.accessToken);
        expect(server.stats().tokenRequests).toBe(3);
        expect(storeErrors(eventsA).length + storeErrors(eventsB).length).toBe(errorsBefore);
      } finally {
        await a.close();
        await b.close();
        clientA.disconnect();
        clientB.disconnect();
      }
    });

    it('with enableOfflineQueue: false, calls fail at once while Redis is down', async () => {
      const direct = testClient(redis.url, { enableOfflineQueue: false });
      await ready(direct);
      const store = new RedisTokenStore({ client: direct });
      await redis.stop();
      try {
        let error: unknown;
        const ms = await elapsedMs(() => store.get(KEY).catch((e: unknown) => (error = e)));
        // Rejected by ioredis itself (store_error), well before the 500 ms timeout.
        expect(error).toMatchObject({ code: 'store_error', operation: 'get' });
        expect(ms).toBeLessThan(400);
      } finally {
        await redis.start();
        direct.disconnect();
      }
    });
  });
});
