// One factory per client the store accepts, so that one suite runs against all.
import { Redis as UpstashRedis } from '@upstash/redis';
import { Redis as IORedis, Cluster as IORedisCluster } from 'ioredis';
import { Redis as Valkey, Cluster as ValkeyCluster } from 'iovalkey';
import { createClient, createCluster } from 'redis';
import { createClient as createClient6, createCluster as createCluster6 } from 'redis6';
import type { RedisClient } from '../../src/index';

export const CLIENT_KINDS = [
  'ioredis',
  'iovalkey',
  'node-redis-5',
  'node-redis-6',
  'upstash',
] as const;
export type ClientKind = (typeof CLIENT_KINDS)[number];
export const CLUSTER_KINDS = ['ioredis', 'iovalkey', 'node-redis-5', 'node-redis-6'] as const;
export type ClusterKind = (typeof CLUSTER_KINDS)[number];

export interface TestClient {
  readonly kind: string;
  readonly client: RedisClient;
  /** Closes the connection without waiting for a server that may be down. */
  close(): Promise<void>;
}

/** Where a single-server client connects: a Redis URL, and the REST fixture for Upstash. */
export interface Endpoints {
  readonly redisUrl: string;
  readonly upstash?: { readonly url: string; readonly token: string };
}

const quiet = <T extends { on(event: 'error', listener: () => void): unknown }>(client: T): T => {
  client.on('error', () => {});
  return client;
};

export async function openClient(kind: ClientKind, endpoints: Endpoints): Promise<TestClient> {
  const { redisUrl } = endpoints;
  switch (kind) {
    case 'ioredis':
    case 'iovalkey': {
      const client = quiet(kind === 'ioredis' ? new IORedis(redisUrl) : new Valkey(redisUrl));
      return { kind, client, close: async () => client.disconnect() };
    }
    case 'node-redis-5': {
      const client = quiet(createClient({ url: redisUrl }));
      await client.connect();
      return { kind, client, close: async () => client.destroy() };
    }
    case 'node-redis-6': {
      const client = quiet(createClient6({ url: redisUrl }));
      await client.connect();
      return { kind, client, close: async () => client.destroy() };
    }
    case 'upstash': {
      if (!endpoints.upstash) throw new Error('the Upstash REST fixture is not started');
      const client = new UpstashRedis({ ...endpoints.upstash, retry: false });
      return { kind, client, close: async () => {} };
    }
  }
}

export async function openClusterClient(
  kind: ClusterKind,
  nodes: readonly { host: string; port: number }[],
): Promise<TestClient> {
  const rootNodes = nodes.map(({ host, port }) => ({ url: `redis://${host}:${port}` }));
  switch (kind) {
    case 'ioredis':
    case 'iovalkey': {
      const client = quiet(
        kind === 'ioredis' ? new IORedisCluster([...nodes]) : new ValkeyCluster([...nodes]),
      );
      if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
      return { kind: `${kind} Cluster`, client, close: async () => client.disconnect() };
    }
    case 'node-redis-5': {
      const client = quiet(createCluster({ rootNodes }));
      await client.connect();
      return { kind: `${kind} cluster`, client, close: async () => client.destroy() };
    }
    case 'node-redis-6': {
      const client = quiet(createCluster6({ rootNodes }));
      await client.connect();
      return { kind: `${kind} cluster`, client, close: async () => client.destroy() };
    }
  }
}
