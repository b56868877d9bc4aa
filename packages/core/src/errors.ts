import type { TokenErrorCode } from './types';

/** Node's `util.inspect` hook, reached without importing `node:util`. */
export const INSPECT: unique symbol = Symbol.for('nodejs.util.inspect.custom') as never;

/**
 * Base class of every error thrown by `@twilio-oauth/core`. Messages never hold
 * a client secret or a token.
 */
export class TwilioOAuthError extends Error {
  /** Stable machine-readable code, e.g. `invalid_client`, `timeout`, `closed`. */
  declare readonly code: string;

  /**
   * @param code - stable code, see {@link TwilioOAuthError.code}.
   * @param message - human-readable, must not contain a secret or a token.
   */
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TwilioOAuthError';
    this.code = code;
  }

  /**
   * What `JSON.stringify` shows: name, message and the own fields (code, status, …), all of
   * which are safe; `cause` and `stack` stay out.
   */
  toJSON(): object {
    return { ...this, message: this.message };
  }

  /** Keeps `util.inspect` / `console.log` to the same safe fields plus the stack. */
  [INSPECT](): string {
    return `${this.stack} ${JSON.stringify(this)}`;
  }
}

/**
 * A token request failed. `retryable` says whether trying again later may help
 * (timeouts, network errors, 5xx, 429); OAuth errors such as `invalid_client`
 * are final.
 *
 * @example
 * try { await manager.getToken(); } catch (e) {
 *   if (e instanceof TokenRequestError && e.code === 'invalid_client') rotateCredentials();
 * }
 */
export class TokenRequestError extends TwilioOAuthError {
  declare readonly code: TokenErrorCode;
  /** HTTP status of the token endpoint's answer, when there was one. */
  declare readonly status: number | undefined;
  /** True for timeouts, network errors, 5xx and 429. */
  declare readonly retryable: boolean;
  /** How many HTTP attempts were made before giving up. */
  declare attempts: number;
  /**
   * Milliseconds the server asked to wait (`Retry-After`, or Twilio's `throttled_until`), when it
   * said so.
   */
  declare retryAfterMs?: number;
  /** The `code` of a Twilio error object answered by the token endpoint, e.g. `322402`. */
  declare readonly twilioCode?: number;
  /** The error object's `more_info`, kept only when it is a `https://www.twilio.com/docs/errors/<code>` link. */
  declare readonly moreInfo?: string;

  constructor(
    code: TokenErrorCode,
    message: string,
    options: {
      status?: number;
      retryable?: boolean;
      attempts?: number;
      cause?: unknown;
      twilioCode?: number;
      moreInfo?: string;
    } = {},
  ) {
    super(code, message, options);
    this.name = 'TokenRequestError';
    this.status = options.status;
    this.retryable = !!options.retryable;
    this.attempts = options.attempts ?? 1;
    // Only when present, so that errors of other servers keep the same fields.
    if (options.twilioCode !== undefined) this.twilioCode = options.twilioCode;
    if (options.moreInfo !== undefined) this.moreInfo = options.moreInfo;
  }
}

/**
 * An option passed to {@link TokenManager} or {@link requestToken} is missing or
 * invalid. Thrown at construction; the message names the option, never its value.
 */
export class InvalidOptionsError extends TwilioOAuthError {
  /** Name of the offending option, e.g. `clientSecret` or `retry.maxAttempts`. */
  declare readonly option: string;

  constructor(option: string, problem: string) {
    super('invalid_option', `Invalid option "${option}": ${problem}`);
    this.name = 'InvalidOptionsError';
    this.option = option;
  }
}

/**
 * `manager.fetch()` refused to send the bearer token to a host outside
 * `allowedHosts` (or over plain http to a non-loopback host). Nothing was sent.
 */
export class HostNotAllowedError extends TwilioOAuthError {
  /** The refused host name. */
  declare readonly host: string;

  constructor(host: string, reason = 'not in allowedHosts') {
    super('host_not_allowed', `bearer not sent to ${host}: ${reason}`);
    this.name = 'HostNotAllowedError';
    this.host = host;
  }
}

const UNAVAILABLE = [
  'timeout',
  'network_error',
  'server_error',
  'rate_limited',
  'aborted',
  'closed',
  'secret_unavailable',
];

/**
 * Codes the library gives on its own (not OAuth `error` values). A token endpoint's `error`
 * string that claims one of them is not taken at its word: it becomes `invalid_response`.
 */
export const LIBRARY_CODES: ReadonlySet<string> = new Set([
  ...UNAVAILABLE,
  'invalid_response',
  'invalid_option',
  'host_not_allowed',
  'twilio_error',
  'token_error',
]);

const twilioCodeOf = (error: unknown): number | undefined => {
  const code = (error as TokenRequestError).twilioCode;
  return Number.isSafeInteger(code) ? code : undefined;
};

const codeOf = (error: unknown): string | undefined => {
  // Duck-typed rather than `instanceof` so errors cross the ESM/CJS dual-package boundary.
  const e = error as TokenRequestError | undefined;
  return e instanceof Error && (e.name === 'TokenRequestError' || e.code === 'closed')
    ? e.code
    : undefined;
};

/**
 * How an HTTP server should answer when getting a token failed: `503` when the
 * token service is unavailable (timeout, network error, 5xx, 429, closed
 * manager), `502` when the credentials were rejected or the answer was invalid,
 * `undefined` when `error` is not a token failure.
 *
 * @example
 * res.status(httpStatusForError(err) ?? 500).send(publicErrorMessage(err));
 */
export function httpStatusForError(error: unknown): 502 | 503 | undefined {
  const code = codeOf(error);
  return code === undefined ? undefined : UNAVAILABLE.includes(code) ? 503 : 502;
}

/**
 * A short message about `error` that is safe to send to an HTTP client: it
 * names the error code (and the Twilio error code, when Twilio sent one) and
 * never contains a secret, a token or other text from the server.
 *
 * @example
 * publicErrorMessage(err); // "Twilio credentials were rejected (invalid_client, Twilio error 322402)"
 */
export function publicErrorMessage(error: unknown): string {
  const status = httpStatusForError(error);
  const code = codeOf(error);
  const what =
    status === 503
      ? 'token service unavailable'
      : code === 'invalid_response'
        ? 'token service sent an invalid response'
        : 'credentials were rejected';
  if (!status) return 'Internal error';
  const twilioCode = twilioCodeOf(error);
  const twilio = twilioCode === undefined ? '' : `, Twilio error ${twilioCode}`;
  return `Twilio ${what} (${code}${twilio})`;
}
