// The servers the fleet sections run every Redis client against, started the
// way the @twilio-oauth/redis tests start them (their helpers, shared): the
// Upstash REST fixture in front of a Redis, and a three-master Redis Cluster.
import { spawnSync } from 'node:child_process';
import { startCluster } from '../../packages/redis/test/helpers/cluster.mjs';
import { startUpstashRest } from '../../packages/redis/test/helpers/upstash-rest.mjs';

export { connect } from '../../packages/redis/test/helpers/connect.mjs';
export { startOwnRedis } from '../../packages/redis/test/helpers/own-redis.mjs';

/** The clients of the fleet rows: label → connect() kind. */
export const FLEET_CLIENTS = {
  ioredis: 'ioredis',
  'node-redis': 'node-redis-5',
  iovalkey: 'iovalkey',
  upstash: 'upstash',
  'ioredis Cluster': 'ioredis-cluster',
  'node-redis cluster': 'node-redis-5-cluster',
};

/** Whether redis-server can be started (needed for the Cluster); REDIS_REQUIRED=1 makes a miss an error. */
export function redisServerAvailable() {
  const found = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!found && process.env.REDIS_REQUIRED === '1') {
    throw new Error('REDIS_REQUIRED=1 but the redis-server binary is not on PATH');
  }
  return found;
}

/**
 * The Upstash fixture in front of `redisUrl` and, when redis-server is there, a
 * Cluster; `endpoints` is what connect() takes; `kinds` the clients that can run.
 */
export async function startFleetServers(redisUrl) {
  const upstash = await startUpstashRest(redisUrl);
  const cluster = redisServerAvailable() ? await startCluster(3) : undefined;
  const endpoints = {
    redisUrl,
    upstash: { url: upstash.url, token: upstash.token },
    rootNodes: cluster ? [...cluster.rootNodes] : [],
  };
  const kinds = Object.fromEntries(
    Object.entries(FLEET_CLIENTS).filter(([, kind]) => cluster || !kind.endsWith('-cluster')),
  );
  return {
    endpoints,
    kinds,
    upstash,
    cluster,
    close: async () => {
      await upstash.close();
      await cluster?.dispose();
    },
  };
}
