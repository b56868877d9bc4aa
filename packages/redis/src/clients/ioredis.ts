import { COMMAND_NAMES, hasMethods, RELEASE_SCRIPT, type RedisCommands } from './commands';

/**
 * An ioredis (v5, v6) or iovalkey client: `new Redis()` or `new Cluster()` of
 * either. Structural, so that this package's types need neither installed.
 */
export interface IORedisClient {
  /** `false` on `Redis`, `true` on `Cluster`. */
  readonly isCluster: boolean;
  /** Connection state, e.g. `ready` or `reconnecting`. */
  readonly status: string;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, px: 'PX', milliseconds: number): Promise<unknown>;
  set(key: string, value: string, px: 'PX', milliseconds: number, nx: 'NX'): Promise<unknown>;
  del(key: string): Promise<number>;
  eval(script: string, numKeys: number, key: string, arg: string): Promise<unknown>;
}

/** Whether `client` looks like an ioredis or iovalkey client. */
export function isIORedis(client: object): client is IORedisClient {
  const { isCluster, status } = client as Partial<IORedisClient>;
  return (
    typeof isCluster === 'boolean' &&
    typeof status === 'string' &&
    hasMethods(client, COMMAND_NAMES)
  );
}

export function ioredisCommands(client: IORedisClient): RedisCommands {
  return {
    get: (key) => client.get(key),
    set: async (key, value, px) => {
      await client.set(key, value, 'PX', px);
    },
    setIfAbsent: async (key, value, px) => (await client.set(key, value, 'PX', px, 'NX')) === 'OK',
    del: async (key) => {
      await client.del(key);
    },
    deleteIfEquals: async (key, value) => {
      await client.eval(RELEASE_SCRIPT, 1, key, value);
    },
  };
}
