import type { SecretSource } from './credential';
import { DEFAULT_TOKEN_URL, DEFAULTS, MAX_TIMER_MS } from './defaults';
import { InvalidOptionsError } from './errors';
import type { RequestTokenOptions, RetryOptions, TokenEvent, TokenManagerOptions } from './types';

export { DEFAULT_TOKEN_URL };

/** Validated, defaulted settings of one token exchange. Internal: holds the secret (or its source). */
export interface ExchangeConfig {
  readonly tokenUrl: string;
  readonly clientId: string;
  /** A string, or a function read for each exchange. */
  readonly clientSecret: SecretSource;
  readonly scope: string | undefined;
  readonly basic: boolean;
  readonly fetch: typeof globalThis.fetch;
  readonly timeoutMs: number;
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxRetryAfterMs: number;
  readonly now: () => number;
  readonly onEvent: ((event: TokenEvent) => void) | undefined;
  readonly key: string;
}

/** https, or plain http to a loopback host (`localhost`, `127.0.0.0/8`, `[::1]`). */
export const isSecure = ({ protocol, hostname }: URL): boolean =>
  protocol === 'https:' ||
  (protocol === 'http:' && /^(localhost|\[::1\]|127(\.\d{1,3}){3})$/.test(hostname));

/**
 * The cache key of a credential: token URL + client id (+ scope). Holds no
 * secret, so stores may use it as is.
 *
 * @example
 * credentialKey('https://oauth.twilio.com/v2/token', 'OQ123'); // "https://oauth.twilio.com/v2/token OQ123"
 */
export function credentialKey(tokenUrl: string, clientId: string, scope?: string): string {
  let url = tokenUrl;
  try {
    url = new URL(tokenUrl).href;
  } catch {}
  // A parsed URL never holds a raw space, and the id and scope are escaped, so keys cannot collide.
  const e = encodeURIComponent;
  return `${url} ${e(clientId)}${scope ? ` ${e(scope)}` : ''}`;
}

/** A numeric option to check: its name (path), the given value, and its bounds. */
export interface NumberOption {
  readonly name: string;
  readonly value: unknown;
  readonly fallback: number;
  /** Default 0. */
  readonly min?: number;
  /** Default: none. Timers take {@link MAX_TIMER_MS} at the most. */
  readonly max?: number;
  readonly integer?: boolean;
}

/**
 * The value, or `fallback` when absent.
 * @throws {InvalidOptionsError} unless a finite number within bounds (an integer when asked).
 */
export function checkNumber({
  name,
  value,
  fallback,
  min = 0,
  max,
  integer,
}: NumberOption): number {
  if (value === undefined) return fallback;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    (max !== undefined && value > max) ||
    (integer && !Number.isInteger(value))
  ) {
    const range = max === undefined ? `>= ${min}` : `from ${min} to ${max}`;
    throw new InvalidOptionsError(
      name,
      `must be a finite ${integer ? 'integer' : 'number'} ${range}`,
    );
  }
  return value;
}

/** A delay in ms that a timer can take (Node fires a longer one after 1 ms). */
export const checkDelay = (name: string, value: unknown, fallback: number, min = 0) =>
  checkNumber({ name, value, fallback, min, max: MAX_TIMER_MS });

/** Throws unless `value` is absent or a function. */
export function fn<T>(name: string, value: T): T {
  if (value !== undefined && typeof value !== 'function') {
    throw new InvalidOptionsError(name, 'must be a function');
  }
  return value;
}

const str = (name: string, value: unknown, required: boolean): string | undefined => {
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || (required && value === '')) {
    throw new InvalidOptionsError(name, `must be a ${required ? 'non-empty ' : ''}string`);
  }
  return value;
};

/**
 * Validates and defaults the options shared by {@link requestToken} and
 * {@link TokenManager}. Never reads beyond what it is given and never mutates it.
 */
export function exchangeConfig(given: RequestTokenOptions): ExchangeConfig {
  // A missing options object then fails on `clientId`, like an empty one.
  const options: RequestTokenOptions = Object(given);
  const clientId = str('clientId', options.clientId, true) as string;
  const clientSecret =
    typeof options.clientSecret === 'function'
      ? options.clientSecret
      : (str('clientSecret', options.clientSecret, true) as string);
  const scope = str('scope', options.scope, false) || undefined;
  const rawUrl = str('tokenUrl', options.tokenUrl, false) ?? DEFAULT_TOKEN_URL;
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new InvalidOptionsError('tokenUrl', 'is not a URL');
  }
  // Credentials in the URL would be shown wherever the key is (events, logs), and fetch refuses them.
  if (!isSecure(url) || url.username || url.password) {
    throw new InvalidOptionsError(
      'tokenUrl',
      'must be https (or http on loopback), no user:password',
    );
  }
  const method = options.clientAuthMethod;
  if (method !== undefined && method !== 'client_secret_post' && method !== 'client_secret_basic') {
    throw new InvalidOptionsError('clientAuthMethod', 'is not supported');
  }
  // Looked up per call, and never called as a method: some runtimes reject a detached `this`.
  const fetchImpl: typeof globalThis.fetch =
    fn('fetch', options.fetch) ?? ((input, init) => globalThis.fetch(input, init));
  // Anything but an object reads as no retry settings: the defaults apply.
  const retry: RetryOptions = Object(options.retry);
  const tokenUrl = url.href;
  return {
    tokenUrl,
    clientId,
    clientSecret,
    scope,
    basic: method === 'client_secret_basic',
    fetch: fetchImpl,
    timeoutMs: checkDelay('timeoutMs', options.timeoutMs, DEFAULTS.timeoutMs, 1),
    maxAttempts: checkNumber({
      name: 'retry.maxAttempts',
      value: retry.maxAttempts,
      fallback: DEFAULTS.maxAttempts,
      min: 1,
      max: 100,
      integer: true,
    }),
    baseDelayMs: checkDelay('retry.baseDelayMs', retry.baseDelayMs, DEFAULTS.baseDelayMs),
    maxDelayMs: checkDelay('retry.maxDelayMs', retry.maxDelayMs, DEFAULTS.maxDelayMs),
    maxRetryAfterMs: checkDelay(
      'retry.maxRetryAfterMs',
      retry.maxRetryAfterMs,
      DEFAULTS.maxRetryAfterMs,
    ),
    now: fn('now', options.now) ?? Date.now,
    onEvent: fn('onEvent', options.onEvent),
    key: credentialKey(tokenUrl, clientId, scope),
  };
}

/** The manager's own timings (beyond one exchange's), validated; in ms. */
export function managerPolicy(options: TokenManagerOptions) {
  const seconds = (name: 'expiryBufferSeconds' | 'refreshAheadSeconds') =>
    checkNumber({ name, value: options[name], fallback: DEFAULTS[name] }) * 1000;
  return {
    bufferMs: seconds('expiryBufferSeconds'),
    aheadMs: seconds('refreshAheadSeconds'),
    lockWaitMs: checkDelay('lockWaitMs', options.lockWaitMs, DEFAULTS.lockWaitMs),
    maxWaitMs: checkDelay('maxWaitMs', options.maxWaitMs, DEFAULTS.maxWaitMs, 1),
    failFastMs: checkDelay('failFastMs', options.failFastMs, DEFAULTS.failFastMs),
    monotonicNow: fn('monotonicNow', options.monotonicNow) ?? monotonicClock(options.now),
  };
}

/**
 * The clock of elapsed time: `performance.now()` where there is one, or — with an injected
 * `now` and no `monotonicNow` — that same clock, so one test clock drives everything.
 */
function monotonicClock(now: (() => number) | undefined): () => number {
  if (now !== undefined) return now;
  const performance = globalThis.performance;
  return typeof performance?.now === 'function' ? () => performance.now() : Date.now;
}
