import { unref } from './timers';

/**
 * Trusts one clock reading for a short while. Reading the clock costs more than
 * the rest of a cached `getToken()`, so after an entry has been seen fresh, the
 * hot path serves it without reading the clock until an unref'd timer ends the
 * trust (after `windowMs`, never past the moment the entry turns stale).
 *
 * Off with an injected clock (tests move it at will) and where timers cannot be
 * unref'd (Workers, Deno: a timer there would keep the request or process alive).
 */
export class TrustedClockReading<T> {
  readonly #windowMs: number;
  #enabled: boolean;
  #trusted: T | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: { windowMs: number; enabled: boolean }) {
    this.#windowMs = options.windowMs;
    this.#enabled = options.enabled;
  }

  /** Whether `value` was seen fresh within the window (no clock read). */
  holds(value: T): boolean {
    return value === this.#trusted;
  }

  /** Starts trusting `value` for `min(windowMs, freshForMs)`, if enabled and not already trusting one. */
  trust(value: T, freshForMs: number): void {
    if (!this.#enabled || this.#trusted !== undefined || !(freshForMs > 0)) return;
    const timer = setTimeout(
      () => {
        this.#trusted = undefined;
      },
      Math.min(this.#windowMs, freshForMs),
    );
    if (unref(timer)) {
      this.#trusted = value;
      this.#timer = timer;
    } else {
      // Left to fire harmlessly; no more timers on this runtime.
      this.#enabled = false;
    }
  }

  /** Forgets the trusted value and its timer. */
  clear(): void {
    this.#trusted = undefined;
    clearTimeout(this.#timer);
  }
}
