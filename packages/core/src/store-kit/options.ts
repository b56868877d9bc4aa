import { MAX_TIMER_MS } from '../defaults';
import { checkNumber } from '../options';

/** A duration option of a store, to check with {@link checkMillis}. */
export interface MillisOption {
  /** The option's name (or path), as the error names it. */
  readonly name: string;
  /** What the caller passed; `undefined` takes `fallback`. */
  readonly value: unknown;
  readonly fallback: number;
  /** @defaultValue 0 */
  readonly min?: number;
  /** @defaultValue 2 147 483 647, the longest delay a timer takes (a longer one fires at once). */
  readonly max?: number;
}

/**
 * A number of milliseconds from `min` to `max`, or `fallback` when absent.
 *
 * @throws {InvalidOptionsError} naming the option, never echoing its value.
 *
 * @example
 * const commandTimeoutMs = checkMillis({ name: 'commandTimeoutMs', value, fallback: 500, min: 1 });
 */
export function checkMillis({ name, value, fallback, min = 0, max }: MillisOption): number {
  return checkNumber({
    name,
    value,
    fallback,
    min,
    max: Math.min(max ?? MAX_TIMER_MS, MAX_TIMER_MS),
  });
}
