// A process that dies while holding the lock must not stall the fleet.
import { credentialKey, secretBoundKey, TokenManager } from '@twilio-oauth/core';
import { type MockServer, startMockServer } from '@twilio-oauth/mock-server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RedisTokenStore } from '../src/index';
import { redisKeys } from '../src/keys';
import {
  deleteKeys,
  REDIS_URL,
  sharedRedisAvailable,
  testClient,
  uniquePrefix,
} from './helpers/redis';
import { startWorker } from './helpers/workers';

const available = await sharedRedisAvailable();

describe.skipIf(!available)('a lock held by a crashed process', () => {
  const prefix = uniquePrefix();
  const client = testClient(REDIS_URL);
  let server: MockServer;

  beforeAll(async () => {
    server = await startMockServer();
  });
  afterAll(async () => {
    await server?.close();
    await deleteKeys(client, prefix);
    client.disconnect();
  });

  /** A child process takes the lock of `key`, then dies by SIGKILL without releasing it. */
  async function crashWhileHolding(key: string, ttlMs: number): Promise<void> {
    const holder = startWorker('lock-holder.mjs');
    try {
      holder.send({ type: 'init', redisUrl: REDIS_URL, keyPrefix: prefix, key, ttlMs });
      expect((await holder.next('locked')).granted).toBe(true);
    } finally {
      await holder.kill();
    }
  }

  it('expires in Redis, and another process takes over', async () => {
    const key = credentialKey(server.tokenUrl, 'OQcrash-expiry');
    const { lock } = await redisKeys(prefix, key);
    const store = new RedisTokenStore({ client, keyPrefix: prefix });
    await crashWhileHolding(key, 500);

    await expect(store.acquireLock(key, 30_000)).resolves.toBeUndefined();
    const ttl = await client.pttl(lock);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(500);

    // Expiry runs on Redis's own clock, which a test cannot move: wait for it, briefly.
    const release = await vi.waitFor(
      async () => {
        const taken = await store.acquireLock(key, 30_000);
        if (!taken) throw new Error('still held by the dead process');
        return taken;
      },
      { timeout: 3_000, interval: 25 },
    );
    await release();
    expect(await client.exists(lock)).toBe(0);
  });

  it('a manager waits at most lockWaitMs for the dead holder, then fetches once and fills the store', async () => {
    const [credentials] = server.clients;
    if (!credentials) throw new Error('mock server has no client');
    server.reset();
    const options = { ...credentials, tokenUrl: server.tokenUrl, lockWaitMs: 300 };
    const store = new RedisTokenStore({ client, keyPrefix: prefix });
    const first = new TokenManager({ ...options, store });
    // Stores see the key bound to the secret, as the manager computes it.
    await crashWhileHolding(await secretBoundKey(first.key, credentials.clientSecret), 60_000);

    const start = performance.now();
    const token = await first.getToken();
    const waitedMs = performance.now() - start;
    expect(waitedMs).toBeGreaterThanOrEqual(280);
    // Bounded by lockWaitMs, not by the dead holder's 60 s lock.
    expect(waitedMs).toBeLessThan(3_000);
    expect(server.stats().tokenRequests).toBe(1);

    // The next process finds the token in the store despite the stale lock.
    const second = new TokenManager({ ...options, store });
    await expect(second.getToken()).resolves.toMatchObject({ accessToken: token.accessToken });
    expect(server.stats().tokenRequests).toBe(1);
    await Promise.all([first.close(), second.close()]);
  });
});
