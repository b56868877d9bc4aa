import { TwilioOAuthError } from '../errors';
import { safeError } from '../safe-error';

/** Stable codes of {@link StoreError}: the store did not answer in time, or failed. */
export type StoreErrorCode = 'store_timeout' | 'store_error';

/** The constructor of a {@link StoreError} class, as its static helpers take it. */
type StoreErrorClass<E extends StoreError> = new (
  code: StoreErrorCode,
  operation: E['operation'],
  problem: string,
  options?: { cause?: unknown },
) => E;

const MAX_DETAIL_LENGTH = 200;

/**
 * A call of a shared token store failed (`store_error`) or took longer than the
 * store's time limit (`store_timeout`). The token manager reports it as a
 * `store.error` event and carries on from its own memory. Each store names its
 * own subclass (`RedisStoreError`, `TokenBrokerError`): a `name` field and a
 * static `label` that starts every message.
 *
 * The message names the store and the operation, never a key or a token. The
 * `cause` is kept safe: of the client's error only its name and `code` (a
 * client may attach a command's arguments, the stored value, to its errors).
 *
 * @example
 * onEvent: (e) => {
 *   if (e.type === 'store.error' && e.error instanceof StoreError) log.warn(e.error.message);
 * }
 */
export class StoreError<Operation extends string = string> extends TwilioOAuthError {
  /** What the messages call the store, e.g. `Redis`. @defaultValue `'store'` */
  static readonly label: string = 'store';
  declare readonly code: StoreErrorCode;
  /** The store call that failed, e.g. `get` or `lock`. */
  declare readonly operation: Operation;

  /**
   * @param code - `store_timeout` or `store_error`.
   * @param operation - the store call that failed.
   * @param problem - what went wrong; must not contain a key, a token or key material.
   * @param options.cause - the client's error, kept only as its name and code.
   */
  constructor(
    code: StoreErrorCode,
    operation: Operation,
    problem: string,
    options: { cause?: unknown } = {},
  ) {
    const { label } = new.target as typeof StoreError;
    const cause = options.cause === undefined ? undefined : safeError(options.cause);
    super(code, `${label} ${operation} ${problem}`, cause === undefined ? undefined : { cause });
    this.name = 'StoreError';
    this.operation = operation;
  }

  /** The `store_timeout` error of `operation` after `timeoutMs`. */
  static timedOut<E extends StoreError>(
    this: StoreErrorClass<E>,
    operation: E['operation'],
    timeoutMs: number,
  ): E {
    return new this('store_timeout', operation, `timed out after ${timeoutMs} ms`);
  }

  /**
   * Wraps whatever a store client rejected with as a `store_error` of this
   * class; an error of this class passes through unchanged. Keeps one line of the
   * client's message (server replies such as `WRONGTYPE …` do not echo values).
   */
  static from<E extends StoreError>(
    this: StoreErrorClass<E> & { prototype: E },
    operation: E['operation'],
    error: unknown,
  ): E {
    // biome-ignore lint/complexity/noThisInStatic: a subclass passes its own errors through, not another store's
    if (error instanceof this) return error;
    const name = error instanceof Error ? error.name : typeof error;
    const text = error instanceof Error ? error.message : '';
    const detail = text.replace(/\s+/g, ' ').trim().slice(0, MAX_DETAIL_LENGTH);
    return new this('store_error', operation, `failed (${name})${detail ? `: ${detail}` : ''}`, {
      cause: error,
    });
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), operation: this.operation };
  }
}
