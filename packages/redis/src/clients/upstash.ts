import {
  COMMAND_NAMES,
  hasMethods,
  RELEASE_SCRIPT,
  type RedisCommands,
  replyText,
} from './commands';

/**
 * An `@upstash/redis` client (`new Redis({ url, token })` or `Redis.fromEnv()`),
 * Redis over HTTP. Structural, so that this package's types need no
 * `@upstash/redis` installed.
 */
export interface UpstashRedisClient {
  createScript(...args: never[]): unknown;
  get(key: string): Promise<unknown>;
  set(key: string, value: string, options: { px: number }): Promise<unknown>;
  set(key: string, value: string, options: { px: number; nx: true }): Promise<unknown>;
  del(key: string): Promise<number>;
  eval(script: string, keys: string[], args: string[]): Promise<unknown>;
}

/** Whether `client` looks like an `@upstash/redis` client. */
export function isUpstash(client: object): client is UpstashRedisClient {
  return hasMethods(client, [...COMMAND_NAMES, 'createScript', 'pipeline']);
}

/**
 * Upstash's errors quote the whole command (`…, command was: ["set","key","<value>"]`),
 * and the value may be a token: only the error's name goes on.
 */
async function quiet<T>(command: Promise<T>): Promise<T> {
  try {
    return await command;
  } catch (error) {
    const safe = new Error('the Upstash REST call failed');
    safe.name = error instanceof Error ? error.name : typeof error;
    throw safe;
  }
}

export function upstashCommands(client: UpstashRedisClient): RedisCommands {
  return {
    // The client parses JSON values unless told otherwise; replyText restores the text.
    get: async (key) => replyText(await quiet(client.get(key))),
    set: async (key, value, px) => {
      await quiet(client.set(key, value, { px }));
    },
    setIfAbsent: async (key, value, px) =>
      replyText(await quiet(client.set(key, value, { px, nx: true }))) === 'OK',
    del: async (key) => {
      await quiet(client.del(key));
    },
    deleteIfEquals: async (key, value) => {
      await quiet(client.eval(RELEASE_SCRIPT, [key], [value]));
    },
  };
}
