import { InvalidOptionsError } from '@twilio-oauth/core';
import type { RedisCommands } from './commands';
import { type IORedisClient, ioredisCommands, isIORedis } from './ioredis';
import { isNodeRedis, type NodeRedisClient, nodeRedisCommands } from './node-redis';
import { isUpstash, type UpstashRedisClient, upstashCommands } from './upstash';

export type { RedisCommands } from './commands';
export type { IORedisClient, NodeRedisClient, UpstashRedisClient };

/**
 * A client {@link RedisTokenStore} can use: ioredis or iovalkey (`Redis`,
 * `Cluster`), node-redis v5 or v6 (`createClient()`, `createCluster()`), or
 * `@upstash/redis`.
 */
export type RedisClient = IORedisClient | NodeRedisClient | UpstashRedisClient;

const SUPPORTED =
  'an ioredis or iovalkey client (new Redis() or new Cluster()), a node-redis client ' +
  '(createClient() or createCluster()) or an @upstash/redis client';

/**
 * The commands of a supported client, told apart by what only each has. Anything
 * else is refused: an object that merely has `get` and `set` could not take the
 * lock atomically, and the fleet would quietly fetch one token per process.
 *
 * @throws {InvalidOptionsError} naming `option` (`client`).
 */
export function commandsOf(
  client: unknown,
  accepts: readonly ('ioredis' | 'node-redis' | 'upstash')[],
  option = 'client',
): RedisCommands {
  if (typeof client === 'object' && client !== null) {
    if (accepts.includes('ioredis') && isIORedis(client)) return ioredisCommands(client);
    if (accepts.includes('node-redis') && isNodeRedis(client)) return nodeRedisCommands(client);
    if (accepts.includes('upstash') && isUpstash(client)) return upstashCommands(client);
  }
  const expected = accepts.length === 1 ? 'an @upstash/redis client' : SUPPORTED;
  throw new InvalidOptionsError(option, `must be ${expected}`);
}
