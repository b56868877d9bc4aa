// Every client the store accepts, through the one store suite, against a real
// redis-server started for this file (Upstash through its REST fixture).

import { credentialKey } from '@twilio-oauth/core';
import { type MockServer, startMockServer } from '@twilio-oauth/mock-server';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStoreError, RedisTokenStore } from '../src/index';
import { CLIENT_KINDS, openClient } from './helpers/clients';
import { type OwnRedis, redisServerAvailable, startOwnRedis, testClient } from './helpers/redis';
import { startUpstashRest, type UpstashRest } from './helpers/upstash-rest.mjs';
import { storeSuite } from './store-suite';

const available = redisServerAvailable();

describe.skipIf(!available)('every client on a real redis-server', () => {
  let redis: OwnRedis;
  let admin: Redis;
  let upstash: UpstashRest;
  let server: MockServer;

  beforeAll(async () => {
    redis = await startOwnRedis();
    admin = testClient(redis.url);
    upstash = await startUpstashRest(redis.url);
    server = await startMockServer({ tokenTtlSeconds: 3_600 });
  });

  afterAll(async () => {
    await server?.close();
    await upstash?.close();
    admin?.disconnect();
    await redis?.dispose();
  });

  for (const kind of CLIENT_KINDS) {
    storeSuite(kind, {
      open: () => openClient(kind, { redisUrl: redis.url, upstash }),
      inspect: () => ({
        get: (key) => admin.get(key),
        set: (key, value) => admin.set(key, value),
        pttl: (key) => admin.pttl(key),
      }),
      server: () => server,
      freeze: async () => {
        redis.pause();
        return async () => redis.resume();
      },
    });
  }

  it('Upstash: the real client spoke the REST protocol (pipelines, base64 replies)', () => {
    expect(upstash.stats.requests['/pipeline']).toBeGreaterThan(0);
    expect(upstash.stats.base64).toBeGreaterThan(0);
  });

  it('Upstash: an error quoting the command (the stored value) never reaches the store error', async () => {
    const { client, close } = await openClient('upstash', { redisUrl: redis.url, upstash });
    const store = new RedisTokenStore({ client, keyPrefix: 'leak-check:' });
    const accessToken = `eyJ.never-in-an-error.${globalThis.crypto.randomUUID()}`;
    upstash.failNextWith('never-in-an-error');
    const token = { accessToken, tokenType: 'Bearer', issuedAt: 1, expiresAt: 2e12 };
    const error = await store
      .set(credentialKey('https://oauth.twilio.com/v2/token', 'OQleak'), token, 60_000)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisStoreError);
    expect(error).toMatchObject({ code: 'store_error', operation: 'set' });
    expect(JSON.stringify(error)).not.toContain('never-in-an-error');
    expect(String(error)).not.toContain('never-in-an-error');
    expect(String((error as Error).cause)).not.toContain('never-in-an-error');
    await close();
  });
});
