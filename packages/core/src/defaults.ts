/**
 * Every default of `@twilio-oauth/core`, once. Option docs in `types.ts` point
 * here with `@defaultValue` and do not restate the numbers; docs/operating.md's
 * table shows them to readers, and the docs test holds that table to these.
 */

/** Twilio's Token API endpoint, the default `tokenUrl`. */
export const DEFAULT_TOKEN_URL = 'https://oauth.twilio.com/v2/token';

/** Defaults of the numeric options, by option name. */
export const DEFAULTS = Object.freeze({
  /** Per-attempt timeout of a token request. */
  timeoutMs: 10_000,
  /** Total attempts of one exchange, the first included. */
  maxAttempts: 3,
  /** First backoff ceiling (full jitter). */
  baseDelayMs: 200,
  /** Largest backoff ceiling. */
  maxDelayMs: 5_000,
  /** Longest `Retry-After` / `throttled_until` honoured. */
  maxRetryAfterMs: 30_000,
  /** A token this close to expiry counts as expired (clamped to half its lifetime). */
  expiryBufferSeconds: 60,
  /** A token this close to expiry is served while one background refresh runs (clamped likewise). */
  refreshAheadSeconds: 300,
  /** With a locking store: how long to wait for another process to fill it. */
  lockWaitMs: 5_000,
  /** The longest a caller waits for a token, whatever the retries. */
  maxWaitMs: 10_000,
  /** After a failed exchange with no valid token: how long callers fail fast before one probe. */
  failFastMs: 5_000,
  /** Most managers a pool keeps. */
  maxManagers: 100,
  /** Most entries a {@link MemoryTokenStore} keeps. */
  maxEntries: 1_000,
});

/** Default `allowedHosts`: Twilio's API hosts. */
export const DEFAULT_ALLOWED_HOSTS: readonly string[] = Object.freeze(['*.twilio.com']);

/** Largest delay a timer takes (2^31 − 1 ms); Node fires longer ones after 1 ms. */
export const MAX_TIMER_MS = 2_147_483_647;
