import { Redis } from 'ioredis';

/** REDIS_URL, or the local default. */
export const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

/**
 * Whether Redis answers at REDIS_URL within a second. With REDIS_REQUIRED=1
 * (CI) a missing Redis is an error instead of a skipped measurement.
 */
export async function redisAvailable() {
  const client = new Redis(REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 1_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch (error) {
    if (process.env.REDIS_REQUIRED === '1') {
      throw new Error(
        `REDIS_REQUIRED=1 but Redis at ${REDIS_URL} is not reachable: ${error.message}`,
      );
    }
    return false;
  } finally {
    client.disconnect();
  }
}

/** A key prefix no other run (or test) uses. */
export function uniquePrefix(section) {
  return `twilio-oauth-bench:${section}:${process.pid}:${Date.now().toString(36)}:`;
}

/** Deletes every key under `prefix` (the benchmark's tokens and locks). */
export async function deleteKeys(prefix) {
  const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 100);
      if (keys.length > 0) await client.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    await client.quit();
  }
}
