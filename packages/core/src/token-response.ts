import { VSCHAR } from './access-token';
import { LIBRARY_CODES, TokenRequestError } from './errors';
import { noop } from './timers';
import type { TokenErrorCode } from './types';

/**
 * Reading a token endpoint's answer: the body (capped, abortable), a success
 * checked field by field, a failure classified by its body (Twilio error
 * objects and RFC 6749 errors), and how long the server asked us to wait.
 */

/** Largest token response body read, in bytes. */
export const MAX_BODY_BYTES = 64 * 1024;

/** A successful exchange, before it is wrapped for callers. */
export interface Issued {
  readonly accessToken: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

/** A failed exchange, as callers see it. */
export interface Failure {
  readonly code: TokenErrorCode;
  /** Appended to "Token request failed: "; never holds server text, a secret or a token. */
  readonly detail: string;
  readonly status?: number;
  readonly retryable?: boolean;
  /** Already made safe (see safeError). */
  readonly cause?: Error;
}

/** The {@link TokenRequestError} for a failure. */
export const fail = ({ code, detail, status, retryable, cause }: Failure) =>
  new TokenRequestError(code, `Token request failed: ${detail}`, { status, retryable, cause });

const invalid = (what: string, status: number) =>
  fail({ code: 'invalid_response', detail: `invalid response, ${what}`, status });

/**
 * Settles as `promise` does, or rejects with the abort reason as soon as `signal`
 * aborts: a `fetch` that ignores its signal must not hang a timeout or `close()`.
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Reads at most MAX_BODY_BYTES of the body as text; `undefined` when it is larger. */
export async function readCapped(
  response: Response,
  signal: AbortSignal,
): Promise<string | undefined> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  // A body that stalls after its headers ends with the attempt's timeout, like the request.
  signal.addEventListener('abort', () => reader.cancel().catch(noop), { once: true });
  // Content-Length may be absent or lie, so count what actually arrives.
  const decoder = new TextDecoder();
  let text = '';
  for (let size = 0; ; ) {
    const { done, value } = await untilAborted(reader.read(), signal);
    if (done) return text + decoder.decode();
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      reader.cancel().catch(noop);
      return undefined;
    }
    text += decoder.decode(value, { stream: true });
  }
}

const parseJson = (text: string | undefined): unknown => {
  try {
    return JSON.parse(text as string);
  } catch {
    // The SyntaxError quotes the body, which may hold a token: drop it.
  }
};

/** Checks each field of a 2xx answer; messages name the field, never its value. */
export function parseSuccess(text: string | undefined, status: number, sentAt: number): Issued {
  if (text === undefined) throw invalid(`body over ${MAX_BODY_BYTES} bytes`, status);
  const body = parseJson(text) as Record<string, unknown> | undefined;
  // (An array passes here and fails on access_token below.)
  if (typeof body !== 'object' || body === null) {
    throw invalid('not a JSON object', status);
  }
  const { access_token, token_type, expires_in } = body;
  if (typeof access_token !== 'string' || !VSCHAR.test(access_token)) {
    throw invalid('bad access_token', status);
  }
  if (typeof token_type !== 'string' || token_type.toLowerCase() !== 'bearer') {
    throw invalid('bad token_type', status);
  }
  // A JSON number, as RFC 6749 §5.1 says; strings are refused. The upper bound (~31 years) keeps dates finite.
  const seconds = expires_in as number;
  if (typeof seconds !== 'number' || !(seconds > 0 && seconds < 1e9)) {
    throw invalid('bad expires_in', status);
  }
  for (const field of ['id_token', 'refresh_token']) {
    const value = body[field];
    if (value != null && typeof value !== 'string') {
      throw invalid(`bad ${field}`, status);
    }
  }
  return { accessToken: access_token, issuedAt: sentAt, expiresAt: sentAt + seconds * 1000 };
}

/** Token API codes of Twilio error objects, as OAuth codes (the rest: `twilio_error`). */
const TWILIO_CODES: Readonly<Record<number, TokenErrorCode>> = {
  321401: 'invalid_client',
  322402: 'invalid_client',
  321402: 'invalid_request',
  322403: 'invalid_request',
  321403: 'unsupported_grant_type',
};

/** The only `more_info` kept: a link to Twilio's page for the code, nothing of the server's own text. */
const MORE_INFO = /^https:\/\/www\.twilio\.com\/docs\/errors\/\d{1,9}$/;

/** A Twilio error object `{ code, message, more_info, status }`: its code and, if sound, its link. */
function twilioErrorOf(body: unknown): { twilioCode: number; moreInfo?: string } | undefined {
  const { code, more_info, status } = (body ?? {}) as Record<string, unknown>;
  if (!(Number.isSafeInteger(code) && (code as number) > 0)) return undefined;
  if (typeof more_info !== 'string' && typeof status !== 'number') return undefined;
  const twilio = { twilioCode: code as number };
  return MORE_INFO.test(more_info as string)
    ? { ...twilio, moreInfo: more_info as string }
    : twilio;
}

/**
 * Turns a non-2xx answer into the error it means (and whether to retry it). The body decides,
 * whatever the 4xx status: a Twilio error object, else an RFC 6749 §5.2 `error`.
 */
export function parseFailure(text: string | undefined, response: Response): TokenRequestError {
  const { status } = response;
  const body = parseJson(text);
  const twilio = status >= 400 ? twilioErrorOf(body) : undefined;
  const named = twilio ? `HTTP ${status}, Twilio error ${twilio.twilioCode}` : `HTTP ${status}`;
  const failure = (code: TokenErrorCode, detail: string, retryable = false) =>
    new TokenRequestError(code, `Token request failed: ${detail}`, {
      status,
      retryable,
      ...twilio,
    });
  if (status === 429 || status >= 500) {
    return failure(status === 429 ? 'rate_limited' : 'server_error', named, true);
  }
  const mapped = twilio && TWILIO_CODES[twilio.twilioCode];
  if (mapped) return failure(mapped, `${mapped} (${named})`);
  const error = (body as { error?: unknown } | undefined)?.error;
  // RFC 6749 §5.2 codes pass through; anything else the server sends is not echoed, and a
  // server cannot pass for one of the library's own failures (a `timeout`, a `closed` manager).
  if (typeof error === 'string' && /^[\w.-]{1,64}$/.test(error) && !LIBRARY_CODES.has(error)) {
    return failure(error, `${error} (${named})`);
  }
  return twilio ? failure('twilio_error', `twilio_error (${named})`) : invalid(named, status);
}

/**
 * Milliseconds asked by `Retry-After` (delta-seconds or HTTP-date) or, without
 * that header, by a Twilio `throttled_until` date-time in the body. NaN when
 * absent or unreadable and negative for a past date: both mean "use the backoff".
 */
export function retryAfterMs(response: Response, text: string | undefined, now: number): number {
  const value = response.headers.get('retry-after')?.trim() ?? '';
  const header = /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value) - now;
  if (!Number.isNaN(header)) return header;
  const until = (parseJson(text) as { throttled_until?: unknown } | undefined)?.throttled_until;
  return typeof until === 'string' ? Date.parse(until) - now : Number.NaN;
}
