import { InvalidOptionsError } from '@twilio-oauth/core';
import type { Cluster, Redis } from 'ioredis';
import type { EncryptionKey } from './encryption';

/**
 * Options of {@link RedisTokenStore}.
 *
 * @example
 * const options: RedisTokenStoreOptions = {
 *   client: new Redis(process.env.REDIS_URL!),
 *   encryptionKey: process.env.TOKEN_STORE_KEY!,
 * };
 */
export interface RedisTokenStoreOptions {
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
   * Encrypts stored values with AES-256-GCM. Default: none (tokens are stored in
   * clear; they are bearer credentials, see the README).
   */
  readonly encryptionKey?: EncryptionKey;
  /**
   * Older keys, tried when a value was written under one of them (key rotation).
   * Default `[]`. Requires `encryptionKey`.
   */
  readonly decryptionKeys?: readonly EncryptionKey[];
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

// setTimeout's limit: a longer delay fires at once.
const MAX_TIMER_MS = 2_147_483_647;
const COMMANDS = ['get', 'set', 'del', 'eval'] as const;

/**
 * Validates the options that are not keys (see `KeyRing.create` for those),
 * without mutating the caller's object.
 *
 * @throws {InvalidOptionsError} naming the first invalid option.
 */
export function resolveStoreOptions(options: RedisTokenStoreOptions): ResolvedStoreOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionsError('options', 'must be an object with a "client"');
  }
  const {
    client,
    keyPrefix = DEFAULT_KEY_PREFIX,
    commandTimeoutMs = DEFAULT_COMMAND_TIMEOUT_MS,
  } = options;
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
  if (
    typeof commandTimeoutMs !== 'number' ||
    !Number.isFinite(commandTimeoutMs) ||
    commandTimeoutMs < 1 ||
    commandTimeoutMs > MAX_TIMER_MS
  ) {
    throw new InvalidOptionsError('commandTimeoutMs', `must be a number from 1 to ${MAX_TIMER_MS}`);
  }
  if (options.decryptionKeys !== undefined && options.encryptionKey === undefined) {
    throw new InvalidOptionsError('decryptionKeys', 'requires encryptionKey');
  }
  return { client, keyPrefix, commandTimeoutMs };
}
