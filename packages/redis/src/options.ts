import { InvalidOptionsError } from '@twilio-oauth/core';
import { checkMillis, type TokenEncryptionOptions } from '@twilio-oauth/core/store-kit';
import type { Cluster, Redis } from 'ioredis';

/**
 * Options of {@link RedisTokenStore}.
 *
 * @example
 * const options: RedisTokenStoreOptions = {
 *   client: new Redis(process.env.REDIS_URL!),
 *   encryptionKey: process.env.TOKEN_STORE_KEY!,
 * };
 */
export interface RedisTokenStoreOptions extends TokenEncryptionOptions {
  /**
   * An ioredis client: `new Redis(...)` or `new Cluster(...)`. The store never
   * connects, quits or reconfigures it; close it yourself when you are done.
   */
  readonly client: Redis | Cluster;
  /**
   * Prepended to every key the store writes. Default `'twilio-oauth:'`. Must not
   * contain `{` or `}`: the store adds its own Redis Cluster hash tag.
   */
  readonly keyPrefix?: string;
  /**
   * Longest wait for one Redis command before the call rejects with a
   * `store_timeout` error, so that a down Redis costs callers at most this much.
   * Default `500`.
   */
  readonly commandTimeoutMs?: number;
}

/** Options with defaults filled in. */
export interface ResolvedStoreOptions {
  readonly client: Redis | Cluster;
  readonly keyPrefix: string;
  readonly commandTimeoutMs: number;
}

/** Default `keyPrefix` of {@link RedisTokenStore}: `'twilio-oauth:'`. */
export const DEFAULT_KEY_PREFIX = 'twilio-oauth:';
/** Default `commandTimeoutMs` of {@link RedisTokenStore}: 500 ms. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 500;

const COMMANDS = ['get', 'set', 'del', 'eval'] as const;

/**
 * Validates the options that are not keys (the store kit's `TokenCodec.create`
 * checks those), without mutating the caller's object.
 *
 * @throws {InvalidOptionsError} naming the first invalid option.
 */
export function resolveStoreOptions(options: RedisTokenStoreOptions): ResolvedStoreOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionsError('options', 'must be an object with a "client"');
  }
  const { client, keyPrefix = DEFAULT_KEY_PREFIX } = options;
  const commands = client as unknown as Record<string, unknown> | null | undefined;
  if (
    typeof commands !== 'object' ||
    commands === null ||
    COMMANDS.some((name) => typeof commands[name] !== 'function')
  ) {
    throw new InvalidOptionsError(
      'client',
      'must be an ioredis client (new Redis() or new Cluster())',
    );
  }
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
