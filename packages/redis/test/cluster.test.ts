// A real one-node Redis Cluster (all 16 384 slots on one private redis-server),
// reached through ioredis's Cluster client.
import { credentialKey } from '@twilio-oauth/core';
import { Cluster, type Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RedisTokenStore } from '../src/index';
import { redisKeys } from '../src/keys';
import { type OwnRedis, redisServerAvailable, startOwnRedis, testClient } from './helpers/redis';

const available = redisServerAvailable();
const TOKEN_URL = 'https://oauth.twilio.com/v2/token';
const token = {
  accessToken: 'eyJ.cluster-token.signature',
  tokenType: 'Bearer',
  issuedAt: 1_700_000_000_000,
  expiresAt: 1_700_003_600_000,
};

describe.skipIf(!available)('on Redis Cluster', () => {
  let redis: OwnRedis;
  let admin: Redis;
  let cluster: Cluster;

  beforeAll(async () => {
    // A lone node does not know its own address unless told, and ioredis needs it in CLUSTER SLOTS.
    redis = await startOwnRedis([
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      'nodes.conf',
      '--cluster-announce-ip',
      '127.0.0.1',
    ]);
    admin = testClient(redis.url);
    await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
    await vi.waitFor(
      async () => expect(await admin.call('CLUSTER', 'INFO')).toMatch(/cluster_state:ok/),
      { timeout: 10_000, interval: 50 },
    );
    cluster = new Cluster([{ host: '127.0.0.1', port: redis.port }]);
    cluster.on('error', () => {});
    if (cluster.status !== 'ready') await new Promise((resolve) => cluster.once('ready', resolve));
  }, 20_000);

  afterAll(async () => {
    cluster?.disconnect();
    admin?.disconnect();
    await redis?.dispose();
  });

  it('keeps a credential’s token and lock in one slot (shared hash tag)', async () => {
    for (const clientId of ['OQa', 'OQb', 'OQc']) {
      const { token: tokenKey, lock } = await redisKeys(
        'twilio-oauth:',
        credentialKey(TOKEN_URL, clientId),
      );
      const tokenSlot = await admin.call('CLUSTER', 'KEYSLOT', tokenKey);
      expect(await admin.call('CLUSTER', 'KEYSLOT', lock)).toBe(tokenSlot);
      // Without the tag the two keys would (almost surely) land apart.
      const untagged = tokenKey.replace(/[{}]/g, '');
      const untaggedLock = lock.replace(/[{}]/g, '');
      expect(await admin.call('CLUSTER', 'KEYSLOT', untagged)).not.toBe(
        await admin.call('CLUSTER', 'KEYSLOT', untaggedLock),
      );
    }
  });

  it('works through a Cluster client: set, get, lock, owner-only release, delete, encryption', async () => {
    const store = new RedisTokenStore({
      client: cluster,
      encryptionKey: globalThis.crypto.getRandomValues(new Uint8Array(32)),
    });
    const key = credentialKey(TOKEN_URL, 'OQcluster');
    const { token: tokenKey, lock } = await redisKeys('twilio-oauth:', key);

    await store.set(key, token, 60_000);
    await expect(store.get(key)).resolves.toEqual(token);
    expect(await cluster.get(tokenKey)).not.toContain(token.accessToken);

    const release = await store.acquireLock(key, 30_000);
    expect(release).toBeTypeOf('function');
    await expect(store.acquireLock(key, 30_000)).resolves.toBeUndefined();
    await release?.();
    expect(await cluster.exists(lock)).toBe(0);

    await store.delete(key);
    await expect(store.get(key)).resolves.toBeUndefined();
  });
});
