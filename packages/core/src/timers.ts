/** Does nothing; handed to `.catch` where a failure is already reported elsewhere. */
export const noop = () => {};

/**
 * Lets a timer not keep the process alive, where the runtime supports it
 * (Node, Bun). Returns whether it could.
 */
export function unref(timer: unknown): boolean {
  const can = typeof timer === 'object' && !!timer && 'unref' in timer;
  if (can) (timer as { unref(): void }).unref();
  return can;
}

/**
 * Resolves after `ms`, or rejects with `signal.reason` once `signal` aborts.
 * `keepAlive: false` unrefs the timer (background work nobody awaits).
 */
export function delay(ms: number, signal: AbortSignal | undefined, keepAlive: boolean) {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    if (!keepAlive) unref(timer);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Settles as `promise` does, or rejects with `onTimeout()` after `ms`, whichever
 * comes first; the timer is cleared either way.
 */
export function withDeadline<T>(
  promise: Promise<T>,
  ms: number,
  onTimeout: () => Error,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}
