import {
  COMMAND_NAMES,
  hasMethods,
  RELEASE_SCRIPT,
  type RedisCommands,
  replyText,
} from './commands';

/**
 * A node-redis (`redis` v4, v5, v6) client: `createClient()` or `createCluster()`.
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
    options: {
      expiration: { type: 'PX'; value: number };
      condition?: 'NX';
      PX: number;
      NX?: true;
    },
  ): Promise<unknown>;
  del(key: string): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/** Whether `client` looks like a node-redis client or cluster. */
export function isNodeRedis(client: object): client is NodeRedisClient {
  const { isOpen } = client as Partial<NodeRedisClient>;
  return typeof isOpen === 'boolean' && hasMethods(client, [...COMMAND_NAMES, 'sendCommand']);
}

// v5 and v6 read `expiration` and `condition` and skip the older `PX` and `NX`;
// v4 knows only those, and would quietly send a SET without them (no expiry, no
// lock) if they were missing: both forms go with every SET.
const px = (ms: number) => ({ expiration: { type: 'PX', value: ms } as const, PX: ms });

export function nodeRedisCommands(client: NodeRedisClient): RedisCommands {
  return {
    get: async (key) => replyText(await client.get(key)),
    set: async (key, value, ms) => {
      await client.set(key, value, px(ms));
    },
    setIfAbsent: async (key, value, ms) =>
      replyText(await client.set(key, value, { ...px(ms), condition: 'NX', NX: true })) === 'OK',
    del: async (key) => {
      await client.del(key);
    },
    deleteIfEquals: async (key, value) => {
      await client.eval(RELEASE_SCRIPT, { keys: [key], arguments: [value] });
    },
  };
}
