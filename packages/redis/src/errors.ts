import { StoreError } from '@twilio-oauth/core/store-kit';

/** Which store call failed; `release` is the function returned by `acquireLock`. */
export type RedisStoreOperation = 'get' | 'set' | 'delete' | 'lock' | 'release';

/**
 * A Redis command of {@link RedisTokenStore} failed (`store_error`) or took longer
 * than `commandTimeoutMs` (`store_timeout`): the store kit's `StoreError`, whose
 * `cause` keeps only the client error's name and code (ioredis attaches a
 * command's arguments, the stored value, to its reply errors). The token manager
 * reports it as a `store.error` event and carries on from its own memory.
 *
 * @example
 * onEvent: (e) => {
 *   if (e.type === 'store.error' && e.error instanceof RedisStoreError) log.warn(e.error.message);
 * }
 */
export class RedisStoreError extends StoreError<RedisStoreOperation> {
  static override readonly label = 'Redis';
  override readonly name = 'RedisStoreError';
}
