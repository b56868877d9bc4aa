import type { RedisClient } from '../../src/index';

export type ConnectKind =
  | 'ioredis'
  | 'iovalkey'
  | 'node-redis-4'
  | 'node-redis-5'
  | 'node-redis-6'
  | 'upstash'
  | 'ioredis-cluster'
  | 'iovalkey-cluster'
  | 'node-redis-5-cluster'
  | 'node-redis-6-cluster';

export interface Connection {
  readonly kind: string;
  readonly client: RedisClient;
  /** Closes the connection without waiting for a server that may be down. */
  close(): Promise<void>;
}

/** Where to connect: a Redis URL, the REST fixture for Upstash, cluster nodes for the `-cluster` kinds. */
export interface Endpoints {
  readonly redisUrl?: string;
  readonly upstash?: { readonly url: string; readonly token: string };
  readonly rootNodes?: readonly { host: string; port: number }[];
}

/** A connected client of `kind` (ioredis and iovalkey once ready, node-redis after `connect()`). */
export function connect(kind: ConnectKind, endpoints: Endpoints): Promise<Connection>;
