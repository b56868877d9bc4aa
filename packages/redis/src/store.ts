import type { StoredToken, TokenStore } from '@twilio-oauth/core';
import { callWithin, TokenCodec } from '@twilio-oauth/core/store-kit';
import type { RedisCommands } from './clients/index';
import { RedisStoreError, type RedisStoreOperation } from './errors';
import { type RedisKeys, redisKeys } from './keys';
import { type RedisTokenStoreOptions, resolveStoreOptions } from './options';

/** Redis `PX` takes whole milliseconds >= 1. */
function toPx(ttlMs: number): number {
  if (typeof ttlMs !== 'number' || Number.isNaN(ttlMs)) {
    throw new RangeError('ttlMs must be a number of milliseconds');
  }
  return Math.ceil(Math.min(ttlMs, Number.MAX_SAFE_INTEGER));
}

/**
 * What {@link RedisTokenStore} and {@link UpstashTokenStore} share: the store
 * protocol on the few commands of {@link RedisCommands}. Not constructed
 * directly: each entry's store picks the client adapter.
 */
export abstract class RedisStoreBase implements TokenStore {
  /** The prefix of every key this store writes. */
  readonly keyPrefix: string;
  readonly #redis: RedisCommands;
  readonly #commandTimeoutMs: number;
  readonly #codec: TokenCodec;

  /**
   * @param options - see {@link RedisTokenStoreOptions}.
   * @param commandsOf - the adapter of the client in `options.client`.
   */
  protected constructor(
    options: RedisTokenStoreOptions<unknown>,
    commandsOf: (client: unknown) => RedisCommands,
  ) {
    const resolved = resolveStoreOptions(options);
    this.#redis = commandsOf(resolved.client);
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
    const raw = await this.#call('get', () => this.#redis.get(keys.token));
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
    await this.#call('set', () => this.#redis.set(keys.token, value, px));
  }

  /**
   * Removes the stored token of credential `key` (the lock is left alone).
   *
   * @throws {RedisStoreError} when Redis fails or does not answer in time.
   */
  async delete(key: string): Promise<void> {
    const keys = await this.#keys(key);
    await this.#call('delete', () => this.#redis.del(keys.token));
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
    const taken = await this.#call('lock', () => this.#redis.setIfAbsent(keys.lock, owner, px), {
      // A SET NX that still lands after the caller gave up would hold a lock
      // nobody releases, making the fleet wait for nothing: release it on arrival.
      onLate: (late) => {
        if (late) this.#release(keys.lock, owner).catch(() => {});
      },
    });
    if (!taken) return undefined;
    let released: Promise<void> | undefined;
    return () => {
      released ??= this.#release(keys.lock, owner);
      return released;
    };
  }

  async #release(lockKey: string, owner: string): Promise<void> {
    await this.#call('release', () => this.#redis.deleteIfEquals(lockKey, owner));
  }

  #keys(credentialKey: string): Promise<RedisKeys> {
    return redisKeys(this.keyPrefix, credentialKey);
  }

  /**
   * Runs one command within `commandTimeoutMs`. While Redis is away, clients
   * park commands in an offline queue (or retry HTTP calls) for as long as they
   * keep trying; the caller should not wait that long when it can carry on from memory.
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
