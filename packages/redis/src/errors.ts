import { TwilioOAuthError } from '@twilio-oauth/core';

/** Which store call failed; `release` is the function returned by `acquireLock`. */
export type RedisStoreOperation = 'get' | 'set' | 'delete' | 'lock' | 'release';

/** Stable codes of {@link RedisStoreError}. */
export type RedisStoreErrorCode = 'store_timeout' | 'store_error';

const MAX_DETAIL_LENGTH = 200;

/**
 * A Redis command of {@link RedisTokenStore} failed (`store_error`) or took longer
 * than `commandTimeoutMs` (`store_timeout`). The token manager reports it as a
 * `store.error` event and carries on from its own memory.
 *
 * The Redis client's own error is summarised in the message and deliberately not
 * kept as `cause`: ioredis attaches the command's arguments to reply errors, and
 * those arguments are the stored value (a token, when encryption is off).
 *
 * @example
 * onEvent: (e) => {
 *   if (e.type === 'store.error' && e.error instanceof RedisStoreError) log.warn(e.error.message);
 * }
 */
export class RedisStoreError extends TwilioOAuthError {
  declare readonly code: RedisStoreErrorCode;
  /** The store call that failed. */
  readonly operation: RedisStoreOperation;

  /**
   * @param code - `store_timeout` or `store_error`.
   * @param operation - the store call that failed.
   * @param message - must not contain a token or a key's secret material.
   */
  constructor(code: RedisStoreErrorCode, operation: RedisStoreOperation, message: string) {
    super(code, message);
    this.name = 'RedisStoreError';
    this.operation = operation;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), operation: this.operation };
  }
}

/** Wraps whatever a Redis call rejected with, keeping only its name and one line of its message. */
export function storeError(operation: RedisStoreOperation, error: unknown): RedisStoreError {
  if (error instanceof RedisStoreError) return error;
  const name = error instanceof Error ? error.name : typeof error;
  const text = error instanceof Error ? error.message : '';
  const detail = text.replace(/\s+/g, ' ').trim().slice(0, MAX_DETAIL_LENGTH);
  return new RedisStoreError(
    'store_error',
    operation,
    `Redis ${operation} failed (${name})${detail ? `: ${detail}` : ''}`,
  );
}
