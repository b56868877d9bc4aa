import { InvalidOptionsError } from '@twilio-oauth/core';
import { checkMillis, type TokenEncryptionOptions } from '@twilio-oauth/core/store-kit';
import type { RedisClient } from './clients/index';

/**
 * Options of {@link RedisTokenStore} (and, with an Upstash client, of
 * {@link UpstashTokenStore}). `encryptionKey` and `decryptionKeys` are the store
 * kit's, documented on `TokenEncryptionOptions`.
 *
 * @example
 * const options: RedisTokenStoreOptions = {
 *   client: new Redis(process.env.REDIS_URL!),
 *   encryptionKey: process.env.TOKEN_STORE_KEY!,
 * };
 */
export interface RedisTokenStoreOptions<Client = RedisClient> extends TokenEncryptionOptions {
  /**
   * The client the app already has: ioredis or iovalkey (`new Redis()`,
   * `new Cluster()`), node-redis v5 or v6 (`createClient()`, `createCluster()`,
   * connected), or `@upstash/redis`. The store never connects, quits or
   * reconfigures it; close it yourself when you are done.
   */
  readonly client: Client;
  /**
   * Prepended to every key the store writes. Must not contain `{` or `}`: the
   * store adds its own Redis Cluster hash tag.
   * @defaultValue {@link DEFAULT_KEY_PREFIX}
   */
  readonly keyPrefix?: string;
  /**
   * Longest wait for one Redis command before the call rejects with a
   * `store_timeout` error, so that a down Redis costs callers at most this much.
   * @defaultValue {@link DEFAULT_COMMAND_TIMEOUT_MS}
   */
  readonly commandTimeoutMs?: number;
}

/** Options with defaults filled in. */
export interface ResolvedStoreOptions {
  readonly client: unknown;
  readonly keyPrefix: string;
  readonly commandTimeoutMs: number;
}

/** Default `keyPrefix` of {@link RedisTokenStore}: `'twilio-oauth:'`. */
export const DEFAULT_KEY_PREFIX = 'twilio-oauth:';
/** Default `commandTimeoutMs` of {@link RedisTokenStore}: 500 ms. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 500;

/**
 * Validates the options that are neither the client (its adapter checks it) nor
 * keys (the store kit's `TokenCodec.create` checks those), without mutating the
 * caller's object.
 *
 * @throws {InvalidOptionsError} naming the first invalid option.
 */
export function resolveStoreOptions(
  options: RedisTokenStoreOptions<unknown>,
): ResolvedStoreOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionsError('options', 'must be an object with a "client"');
  }
  const { client, keyPrefix = DEFAULT_KEY_PREFIX } = options;
  if (typeof keyPrefix !== 'string') throw new InvalidOptionsError('keyPrefix', 'must be a string');
  if (/[{}]/.test(keyPrefix)) {
    throw new InvalidOptionsError(
      'keyPrefix',
      'must not contain "{" or "}" (the store adds the hash tag)',
    );
  }
  const commandTimeoutMs = checkMillis({
    name: 'commandTimeoutMs',
    value: options.commandTimeoutMs,
    fallback: DEFAULT_COMMAND_TIMEOUT_MS,
    min: 1,
  });
  return { client, keyPrefix, commandTimeoutMs };
}
