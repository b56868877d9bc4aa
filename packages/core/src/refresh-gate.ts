import type { TokenRequestError } from './errors';

/**
 * When a manager may ask the token service again. Three rules, each with its own clock:
 * - after a failed refresh while a valid token is held, the token is served and the
 *   next attempt waits `cooldownMs` (no hammering a struggling service);
 * - after a failed exchange with no valid token held and a retryable error, callers
 *   fail fast with that same error for `failFastMs`, then one caller probes again
 *   (half-open): token requests per minute of outage stay bounded whatever the call rate;
 * - an API that keeps answering 401 gets one token renewal per `cooldownMs`.
 */
export class RefreshGate {
  readonly #cooldownMs: number;
  readonly #failFastMs: number;
  #cooldownUntil = 0;
  #outage: { readonly until: number; readonly error: TokenRequestError } | undefined;
  #renewalAfter401At = 0;

  constructor(options: { cooldownMs: number; failFastMs: number }) {
    this.#cooldownMs = options.cooldownMs;
    this.#failFastMs = options.failFastMs;
  }

  /** Records a failed exchange. */
  failed(failure: {
    now: number;
    error: TokenRequestError;
    holding: boolean;
    valid: boolean;
  }): void {
    const { now, error } = failure;
    if (failure.holding) this.#cooldownUntil = now + this.#cooldownMs;
    if (!failure.valid && error.retryable && this.#failFastMs > 0) {
      this.#outage = { until: now + this.#failFastMs, error };
    }
  }

  /** A token was adopted: every window ends. */
  succeeded(): void {
    this.#cooldownUntil = 0;
    this.#outage = undefined;
  }

  /** Whether a held token may be refreshed now (false inside the cooldown). */
  mayRefresh(now: number): boolean {
    return now >= this.#cooldownUntil;
  }

  /** The error to fail fast with, inside an outage window; `undefined` when a request may go out. */
  failFast(now: number): TokenRequestError | undefined {
    const outage = this.#outage;
    return outage && now < outage.until ? outage.error : undefined;
  }

  /** Whether a 401 from the API may cost a token renewal now; takes the slot when it may. */
  takeRenewalAfter401(now: number): boolean {
    if (now < this.#renewalAfter401At) return false;
    this.#renewalAfter401At = now + this.#cooldownMs;
    return true;
  }
}
