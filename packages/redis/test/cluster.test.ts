// A real three-master Redis Cluster started for this file, reached through the
// cluster clients of ioredis, iovalkey and node-redis 5 and 6: the store suite
// on each, and one fleet mixing them all.
import { credentialKey, TokenManager } from '@twilio-oauth/core';
import { type MockServer, startMockServer } from '@twilio-oauth/mock-server';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisTokenStore } from '../src/index';
import { redisKeys } from '../src/keys';
import { CLUSTER_KINDS, openClusterClient, type TestClient } from './helpers/clients';
import { type OwnCluster, startCluster } from './helpers/cluster.mjs';
import { redisServerAvailable } from './helpers/redis';
import { storeSuite } from './store-suite';

const available = redisServerAvailable();
const TOKEN_URL = 'https://oauth.twilio.com/v2/token';

describe.skipIf(!available)('on a three-master Redis Cluster', () => {
  let cluster: OwnCluster;
  let inspector: Cluster;
  let server: MockServer;

  beforeAll(async () => {
    cluster = await startCluster(3);
    inspector = new Cluster([...cluster.rootNodes]);
    inspector.on('error', () => {});
    server = await startMockServer({ tokenTtlSeconds: 3_600 });
  }, 30_000);

  afterAll(async () => {
    inspector?.disconnect();
    await server?.close();
    await cluster?.dispose();
  });

  it('spreads the slots over three masters and keeps a credential’s token and lock in one slot', async () => {
    const [first] = cluster.nodes;
    if (!first) throw new Error('the cluster has no node');
    const admin = cluster.admin(first);
    const masters = String(await admin.call('CLUSTER', 'NODES'))
      .split('\n')
      .filter((line) => line.includes('master'));
    expect(masters).toHaveLength(3);
    const slots = new Set<unknown>();
    for (const clientId of ['OQa', 'OQb', 'OQc', 'OQd', 'OQe', 'OQf']) {
      const { token, lock } = await redisKeys('twilio-oauth:', credentialKey(TOKEN_URL, clientId));
      const slot = await admin.call('CLUSTER', 'KEYSLOT', token);
      expect(await admin.call('CLUSTER', 'KEYSLOT', lock)).toBe(slot);
      // Without the hash tag the two keys would (almost surely) land apart.
      expect(await admin.call('CLUSTER', 'KEYSLOT', token.replace(/[{}]/g, ''))).not.toBe(
        await admin.call('CLUSTER', 'KEYSLOT', lock.replace(/[{}]/g, '')),
      );
      slots.add(slot);
    }
    expect(slots.size).toBeGreaterThan(1);
  });

  for (const kind of CLUSTER_KINDS) {
    storeSuite(`${kind} cluster client`, {
      open: () => openClusterClient(kind, cluster.rootNodes),
      inspect: () => ({
        get: (key) => inspector.get(key),
        set: (key, value) => inspector.set(key, value),
        pttl: (key) => inspector.pttl(key),
      }),
      server: () => server,
    });
  }

  it('one fleet mixing every cluster client: one token request per lifetime', async () => {
    server.reset();
    let offsetMs = 0;
    server.setClock(() => Date.now() + offsetMs);
    const [credentials] = server.clients;
    const connections: TestClient[] = await Promise.all(
      [...CLUSTER_KINDS, ...CLUSTER_KINDS].map((kind) =>
        openClusterClient(kind, cluster.rootNodes),
      ),
    );
    const managers = connections.map(
      ({ client }) =>
        new TokenManager({
          clientId: credentials?.clientId ?? '',
          clientSecret: credentials?.clientSecret ?? '',
          tokenUrl: server.tokenUrl,
          store: new RedisTokenStore({ client, keyPrefix: 'mixed-fleet:' }),
          now: () => Date.now() + offsetMs,
        }),
    );
    try {
      const wave = async () => {
        const tokens = await Promise.all(
          managers.flatMap((manager) => Array.from({ length: 20 }, () => manager.getToken())),
        );
        return new Set(tokens.map((token) => token.accessToken)).size;
      };
      expect(await wave()).toBe(1);
      expect(server.stats().tokenRequests).toBe(1);
      offsetMs = 3_601_000;
      expect(await wave()).toBe(1);
      expect(server.stats().tokenRequests).toBe(2);
    } finally {
      await Promise.all(managers.map((manager) => manager.close()));
      await Promise.all(connections.map((connection) => connection.close()));
      server.setClock(Date.now);
    }
  });
});
