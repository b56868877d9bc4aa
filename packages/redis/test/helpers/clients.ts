// The clients the store accepts, by name, so that one suite runs against all.
import { type Connection, connect, type Endpoints } from './connect.mjs';

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
export type TestClient = Connection;
export type { Endpoints };

export const openClient = (kind: ClientKind, endpoints: Endpoints): Promise<TestClient> =>
  connect(kind, endpoints);

export const openClusterClient = (
  kind: ClusterKind,
  rootNodes: readonly { host: string; port: number }[],
): Promise<TestClient> => connect(`${kind}-cluster`, { rootNodes });
