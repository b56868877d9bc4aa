import type { Redis } from 'ioredis';
import type { OwnRedis } from './own-redis.mjs';

export interface OwnCluster {
  /** Every node, masters first. */
  readonly nodes: readonly OwnRedis[];
  readonly rootNodes: readonly { host: string; port: number }[];
  /** An admin connection to one node (for CLUSTER commands). */
  admin(node: OwnRedis): Redis;
  /** Resolves once every node reports `cluster_state:ok` and knows `expected` nodes. */
  waitUntilOk(expected?: number): Promise<void>;
  /** Starts one more node and makes it a replica of `master`, fully synced. */
  addReplica(master: OwnRedis): Promise<OwnRedis>;
  dispose(): Promise<void>;
}

/** Polls `check` (every 50 ms, 15 s at most): waiting for a cluster to settle, not for time to pass. */
export function until(what: string, check: () => Promise<boolean>): Promise<void>;

/** `masters` cluster nodes with every slot assigned, `cluster_state:ok` on all. */
export function startCluster(masters?: number): Promise<OwnCluster>;
