// Real Redis for the tests: the shared server at REDIS_URL (each run under its
// own key prefix), and private `redis-server` children for tests that stop,
// pause or reconfigure their Redis.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';

export const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const REQUIRED = process.env.REDIS_REQUIRED === '1';

/** A key prefix no other test run uses. */
export const uniquePrefix = (): string => `twilio-oauth-test:${randomUUID().slice(0, 13)}:`;

function unavailable(what: string): false {
  // CI sets REDIS_REQUIRED=1: there, a missing Redis fails the run instead of skipping it.
  if (REQUIRED) throw new Error(`REDIS_REQUIRED=1 but ${what}`);
  console.warn(`Skipping Redis tests: ${what}`);
  return false;
}

/** Whether the shared Redis answers; throws under REDIS_REQUIRED=1 when it does not. */
export async function sharedRedisAvailable(): Promise<boolean> {
  const probe = new Redis(REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 1_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG' || unavailable(`Redis at ${REDIS_URL} is not answering`);
  } catch {
    return unavailable(`Redis at ${REDIS_URL} is not answering`);
  } finally {
    probe.disconnect();
  }
}

/** Whether `redis-server` can be started; throws under REDIS_REQUIRED=1 when it cannot. */
export function redisServerAvailable(): boolean {
  const probe = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  return probe.status === 0 || unavailable('the redis-server binary is not on PATH');
}

/** A client for tests; errors while a test has stopped its Redis are expected, not fatal. */
export function testClient(url: string, options: RedisOptions = {}): Redis {
  const client = new Redis(url, options);
  client.on('error', () => {});
  return client;
}

/** Deletes every key under `prefix` (SCAN, so it never blocks the shared server). */
export async function deleteKeys(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await client.del(...keys);
  } while (cursor !== '0');
}

export { freePort, type OwnRedis, startOwnRedis } from './own-redis.mjs';
