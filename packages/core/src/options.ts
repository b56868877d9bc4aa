import { InvalidOptionsError } from './errors';
import type { RequestTokenOptions, RetryOptions, TokenEvent } from './types';

/** Twilio's Token API endpoint, the default `tokenUrl`. */
export const DEFAULT_TOKEN_URL = 'https://oauth.twilio.com/v2/token';

/** Validated, defaulted settings of one token exchange. Internal: holds the secret. */
export interface ExchangeConfig {
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
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

/** Throws unless `value` is absent or a finite number `>= min` (an integer when `integer`). */
export function num(name: string, value: unknown, fallback: number, min = 0, integer = false) {
  if (value === undefined) return fallback;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    (integer && !Number.isInteger(value))
  ) {
    throw new InvalidOptionsError(
      name,
      `must be a finite ${integer ? 'integer' : 'number'} >= ${min}`,
    );
  }
  return value;
}

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
  const clientSecret = str('clientSecret', options.clientSecret, true) as string;
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
    timeoutMs: num('timeoutMs', options.timeoutMs, 10_000, 1),
    maxAttempts: num('retry.maxAttempts', retry.maxAttempts, 3, 1, true),
    baseDelayMs: num('retry.baseDelayMs', retry.baseDelayMs, 200),
    maxDelayMs: num('retry.maxDelayMs', retry.maxDelayMs, 5_000),
    maxRetryAfterMs: num('retry.maxRetryAfterMs', retry.maxRetryAfterMs, 30_000),
    now: fn('now', options.now) ?? Date.now,
    onEvent: fn('onEvent', options.onEvent),
    key: credentialKey(tokenUrl, clientId, scope),
  };
}
