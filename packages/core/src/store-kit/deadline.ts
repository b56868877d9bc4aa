import { noop, withDeadline } from '../timers';

/** How {@link callWithin} bounds one store command. */
export interface DeadlineOptions<T> {
  /** Longest wait for the command, in milliseconds (check it with {@link checkMillis}). */
  readonly timeoutMs: number;
  /** The error the call rejects with once `timeoutMs` has passed. */
  readonly onTimeout: () => Error;
  /**
   * Called with the result of a command that succeeds after the deadline, when
   * nobody waits for it any more: a lock taken too late must be released, say.
   * @defaultValue none: a late result is dropped.
   */
  readonly onLate?: (value: T) => void;
}

/**
 * Starts `command` and settles as it does, or rejects with `onTimeout()` after
 * `timeoutMs`, whichever comes first. A command that throws synchronously
 * rejects. The timer is cleared either way and is not unref'd: it is short, and
 * it is what guarantees the caller an answer while a store hangs.
 *
 * @throws rejects with what `command` rejected with, or with `onTimeout()`.
 *
 * @example
 * const value = await callWithin(() => client.get(key), {
 *   timeoutMs: 500,
 *   onTimeout: () => new StoreError({ code: 'store_timeout', store: 'Redis', operation: 'get' }),
 * });
 */
export function callWithin<T>(command: () => Promise<T>, options: DeadlineOptions<T>): Promise<T> {
  let pending: Promise<T>;
  try {
    pending = command();
  } catch (error) {
    return Promise.reject(error);
  }
  const { timeoutMs, onTimeout, onLate } = options;
  return withDeadline(pending, timeoutMs, () => {
    if (onLate) pending.then(onLate, noop);
    return onTimeout();
  });
}
