import type { StoredToken, TokenStore } from '@twilio-oauth/core';
import { callWithin, TokenCodec } from '@twilio-oauth/core/store-kit';
import type { Cluster, Redis } from 'ioredis';
import { RedisStoreError, type RedisStoreOperation } from './errors';
import { type RedisKeys, redisKeys } from './keys';
import { type RedisTokenStoreOptions, resolveStoreOptions } from './options';

// Deletes the lock only while it still holds this owner's value: a holder whose
// lock expired (and was taken by another process) must not release the new one.
const RELEASE_SCRIPT =
  "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

/** Redis `PX` takes whole milliseconds >= 1. */
function toPx(ttlMs: number): number {
  if (typeof ttlMs !== 'number' || Number.isNaN(ttlMs)) {
    throw new RangeError('ttlMs must be a number of milliseconds');
  }
  return Math.ceil(Math.min(ttlMs, Number.MAX_SAFE_INTEGER));
}

/**
 * A {@link TokenStore} on Redis, so that a fleet of processes shares one token
 * per credential and fetches it once.
 *
 * - Entries expire in Redis with the token (`SET ... PX`).
 * - `acquireLock` is `SET NX PX` with a random owner value, released by a
 *   compare-and-delete script: while one process fetches, the others wait for
 *   the store to fill.
 * - With `encryptionKey`, values are AES-256-GCM encrypted (WebCrypto) and bound
 *   to their Redis key.
 * - A Redis value that is not a well-formed entry reads as a miss; a Redis that
 *   errors or does not answer within `commandTimeoutMs` makes the call reject
 *   with {@link RedisStoreError}, which the token manager reports as a
 *   `store.error` event while it keeps serving from its own memory.
 *
 * Keys are `${keyPrefix}{${hash}}:token` and `...:lock`, where `hash` is a
 * truncated SHA-256 of the credential key (never the secret); the shared hash
 * tag keeps both in one Redis Cluster slot.
 *
 * @throws {InvalidOptionsError} at construction, naming the invalid option
 *   (`client`, `keyPrefix`, `encryptionKey`, `decryptionKeys[i]`, `commandTimeoutMs`).
 *   Key material is never echoed.
 *
 * @example
 * import { TokenManager } from '@twilio-oauth/core';
 * import { RedisTokenStore } from '@twilio-oauth/redis';
 * import { Redis } from 'ioredis';
 *
 * const store = new RedisTokenStore({
 *   client: new Redis(process.env.REDIS_URL!),
 *   encryptionKey: process.env.TOKEN_STORE_KEY!, // 32 bytes, base64
 * });
 * const manager = new TokenManager({ clientId, clientSecret, store });
 */
export class RedisTokenStore implements TokenStore {
  /** The prefix of every key this store writes. */
  readonly keyPrefix: string;
  readonly #client: Redis | Cluster;
  readonly #commandTimeoutMs: number;
  readonly #codec: TokenCodec;

  /** @param options - see {@link RedisTokenStoreOptions}. */
  constructor(options: RedisTokenStoreOptions) {
    const resolved = resolveStoreOptions(options);
    this.#client = resolved.client;
    this.keyPrefix = resolved.keyPrefix;
    this.#commandTimeoutMs = resolved.commandTimeoutMs;
    this.#codec = TokenCodec.create(options);
  }

  /** Whether values are encrypted at rest. */
  get encrypted(): boolean {
    return this.#codec.encrypted;
  }

  /**
   * The stored token of credential `key`, or `undefined` when there is none or
   * the value is not a readable entry (garbage, tampered, another key's value,
   * unknown encryption key).
   *
   * @throws {RedisStoreError} when Redis fails or does not answer in time.
   */
  async get(key: string): Promise<StoredToken | undefined> {
    const keys = await this.#keys(key);
    const raw = await this.#call('get', () => this.#client.get(keys.token));
    return raw === null ? undefined : this.#codec.decode(raw, keys.token);
  }

  /**
   * Stores `token` for `ttlMs` (rounded up to whole milliseconds). A `ttlMs`
   * below 1 stores nothing: the token is already expired.
   *
   * @throws {RedisStoreError} when Redis fails or does not answer in time.
   */
  async set(key: string, token: StoredToken, ttlMs: number): Promise<void> {
    const px = toPx(ttlMs);
    if (px < 1) return;
    const keys = await this.#keys(key);
    const value = await this.#codec.encode(token, keys.token);
    await this.#call('set', () => this.#client.set(keys.token, value, 'PX', px));
  }

  /**
   * Removes the stored token of credential `key` (the lock is left alone).
   *
   * @throws {RedisStoreError} when Redis fails or does not answer in time.
   */
  async delete(key: string): Promise<void> {
    const keys = await this.#keys(key);
    await this.#call('delete', () => this.#client.del(keys.token));
  }

  /**
   * Tries to become the one process that fetches a new token for credential
   * `key`. Resolves to a release function when the lock was taken (it expires
   * by itself after `ttlMs`, so a crashed holder cannot block the fleet), or to
   * `undefined` while another process holds it. Releasing deletes the lock only
   * if this caller still owns it; calling the release function again is a no-op.
   *
   * @throws {RedisStoreError} when Redis fails or does not answer in time.
   */
  async acquireLock(key: string, ttlMs: number): Promise<(() => Promise<void>) | undefined> {
    const px = Math.max(1, toPx(ttlMs));
    const keys = await this.#keys(key);
    const owner = globalThis.crypto.randomUUID();
    const reply = await this.#call(
      'lock',
      () => this.#client.set(keys.lock, owner, 'PX', px, 'NX'),
      {
        // A SET NX that still lands after the caller gave up would hold a lock
        // nobody releases, making the fleet wait for nothing: release it on arrival.
        onLate: (late) => {
          if (late === 'OK') this.#release(keys.lock, owner).catch(() => {});
        },
      },
    );
    if (reply !== 'OK') return undefined;
    let released: Promise<void> | undefined;
    return () => {
      released ??= this.#release(keys.lock, owner);
      return released;
    };
  }

  async #release(lockKey: string, owner: string): Promise<void> {
    await this.#call('release', () => this.#client.eval(RELEASE_SCRIPT, 1, lockKey, owner));
  }

  #keys(credentialKey: string): Promise<RedisKeys> {
    return redisKeys(this.keyPrefix, credentialKey);
  }

  /**
   * Runs one command within `commandTimeoutMs`. While Redis is away, ioredis
   * parks commands in its offline queue for as long as it keeps reconnecting;
   * the caller should not wait that long when it can carry on from memory.
   */
  async #call<T>(
    operation: RedisStoreOperation,
    command: () => Promise<T>,
    options: { onLate?: (value: T) => void } = {},
  ): Promise<T> {
    const timeoutMs = this.#commandTimeoutMs;
    try {
      return await callWithin(command, {
        timeoutMs,
        onTimeout: () => RedisStoreError.timedOut(operation, timeoutMs),
        onLate: options.onLate,
      });
    } catch (error) {
      throw RedisStoreError.from(operation, error);
    }
  }
}
