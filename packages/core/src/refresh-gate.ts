import type { TokenRequestError } from './errors';

/**
 * When a manager may ask the token service again. Three rules, each with its own window,
 * all measured on a monotonic clock (a wall-clock step must not stretch or end them):
 * - after a failed refresh while a valid token is held, the token is served and the
 *   next attempt waits `cooldownMs` (no hammering a struggling service);
 * - after a failed exchange with no valid token held — the service unavailable, or the
 *   credentials refused — callers fail fast with that same error for `failFastMs`, then one
 *   caller probes again (half-open): token requests per minute stay bounded whatever the
 *   call rate, and a wrong secret costs one token request per window, not one per call;
 * - an API that keeps answering 401 gets one token renewal per `cooldownMs`.
 */
export class RefreshGate {
  readonly #cooldownMs: number;
  readonly #failFastMs: number;
  readonly #clock: () => number;
  #cooldownUntil = Number.NEGATIVE_INFINITY;
  #outage: { readonly until: number; readonly error: TokenRequestError } | undefined;
  #renewalAfter401At = Number.NEGATIVE_INFINITY;

  constructor(options: { cooldownMs: number; failFastMs: number; clock: () => number }) {
    this.#cooldownMs = options.cooldownMs;
    this.#failFastMs = options.failFastMs;
    this.#clock = options.clock;
  }

  /**
   * Records a failed exchange: `holding` a token (valid or not) starts the cooldown; with no
   * `valid` token, an answer of the service (or a retryable failure) starts the fail-fast
   * window. An aborted exchange (the manager closing) starts nothing.
   */
  failed(failure: { error: TokenRequestError; holding: boolean; valid: boolean }): void {
    const { error } = failure;
    const now = this.#clock();
    if (failure.holding) this.#cooldownUntil = now + this.#cooldownMs;
    const answered = error.retryable || error.status !== undefined;
    if (!failure.valid && answered && this.#failFastMs > 0) {
      this.#outage = { until: now + this.#failFastMs, error };
    }
  }

  /** A token was adopted: every window ends. */
  succeeded(): void {
    this.#cooldownUntil = Number.NEGATIVE_INFINITY;
    this.#outage = undefined;
  }

  /** Whether a held token may be refreshed now (false inside the cooldown). */
  mayRefresh(): boolean {
    return this.#clock() >= this.#cooldownUntil;
  }

  /** The error to fail fast with, inside a fail-fast window; `undefined` when a request may go out. */
  failFast(): TokenRequestError | undefined {
    const outage = this.#outage;
    return outage && this.#clock() < outage.until ? outage.error : undefined;
  }

  /** Whether a 401 from the API may cost a token renewal now; takes the slot when it may. */
  takeRenewalAfter401(): boolean {
    const now = this.#clock();
    if (now < this.#renewalAfter401At) return false;
    this.#renewalAfter401At = now + this.#cooldownMs;
    return true;
  }
}
