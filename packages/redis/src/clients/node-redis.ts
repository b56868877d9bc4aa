import {
  COMMAND_NAMES,
  hasMethods,
  RELEASE_SCRIPT,
  type RedisCommands,
  replyText,
} from './commands';

/**
 * A node-redis (`redis` v5, v6) client: `createClient()` or `createCluster()`.
 * Structural, so that this package's types need no `redis` installed.
 */
export interface NodeRedisClient {
  /** Whether the client was connected (`await client.connect()`). */
  readonly isOpen: boolean;
  sendCommand(...args: never[]): unknown;
  get(key: string): Promise<unknown>;
  set(
    key: string,
    value: string,
    options: { expiration: { type: 'PX'; value: number }; condition?: 'NX' },
  ): Promise<unknown>;
  del(key: string): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/** Whether `client` looks like a node-redis client or cluster. */
export function isNodeRedis(client: object): client is NodeRedisClient {
  const { isOpen } = client as Partial<NodeRedisClient>;
  return typeof isOpen === 'boolean' && hasMethods(client, [...COMMAND_NAMES, 'sendCommand']);
}

export function nodeRedisCommands(client: NodeRedisClient): RedisCommands {
  return {
    get: async (key) => replyText(await client.get(key)),
    set: async (key, value, px) => {
      await client.set(key, value, { expiration: { type: 'PX', value: px } });
    },
    setIfAbsent: async (key, value, px) =>
      replyText(
        await client.set(key, value, { expiration: { type: 'PX', value: px }, condition: 'NX' }),
      ) === 'OK',
    del: async (key) => {
      await client.del(key);
    },
    deleteIfEquals: async (key, value) => {
      await client.eval(RELEASE_SCRIPT, { keys: [key], arguments: [value] });
    },
  };
}
