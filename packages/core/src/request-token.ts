import { RedactedToken, VSCHAR } from './access-token';
import { type Credential, SecretReader } from './credential';
import { TokenRequestError } from './errors';
import { type ExchangeConfig, exchangeConfig } from './options';
import { safeError } from './safe-error';
import { delay, noop, unref } from './timers';
import type { AccessToken, RequestTokenOptions, TokenEvent } from './types';

/** Largest token response body read, in bytes. */
export const MAX_BODY_BYTES = 64 * 1024;

/** A successful exchange, before it is wrapped for callers. */
export interface Issued {
  readonly accessToken: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

// `EventBase` fields are added by `emit`.
type EventBody = TokenEvent extends infer E
  ? E extends TokenEvent
    ? Omit<E, 'key' | 'time'>
    : never
  : never;

/** Calls `onEvent` safely: a throwing listener must not break token handling. */
export function emit(config: ExchangeConfig, event: EventBody): void {
  const listener = config.onEvent;
  if (!listener) return;
  try {
    listener({ ...event, key: config.key, time: config.now() } as TokenEvent);
  } catch {}
}

const fail = (code: string, detail: string, status?: number, retryable = false, cause?: unknown) =>
  new TokenRequestError(code, `Token request failed: ${detail}`, { status, retryable, cause });

const invalid = (what: string, status: number) =>
  fail('invalid_response', `invalid response, ${what}`, status);

/**
 * Settles as `promise` does, or rejects with the abort reason as soon as `signal`
 * aborts: a `fetch` that ignores its signal must not hang a timeout or `close()`.
 */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Reads at most MAX_BODY_BYTES of the body as text; `undefined` when it is larger. */
async function readCapped(response: Response, signal: AbortSignal): Promise<string | undefined> {
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
function parseSuccess(text: string | undefined, status: number, sentAt: number): Issued {
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

/** Turns a non-2xx answer into the error it means (and whether to retry it). */
function parseFailure(text: string | undefined, response: Response): TokenRequestError {
  const { status } = response;
  if (status === 429 || status >= 500) {
    return fail(status === 429 ? 'rate_limited' : 'server_error', `HTTP ${status}`, status, true);
  }
  const error = (parseJson(text) as { error?: unknown } | undefined)?.error;
  // RFC 6749 §5.2 codes pass through; anything else the server sends is not echoed.
  return typeof error === 'string' && /^[\w.-]{1,64}$/.test(error)
    ? fail(error, `${error} (HTTP ${status})`, status)
    : invalid(`HTTP ${status}`, status);
}

/**
 * Milliseconds asked by `Retry-After` (delta-seconds or HTTP-date). NaN when
 * absent or unreadable and negative for a past date: both mean "use the backoff".
 */
function retryAfterMs(response: Response, now: number): number {
  const value = response.headers.get('retry-after')?.trim() ?? '';
  return /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value) - now;
}

/** Encoding RFC 6749 §2.3.1 asks for the client id and secret inside HTTP Basic. */
const formEncode = (value: string) => new URLSearchParams([['', value]]).toString().slice(1);

/**
 * One attempt: POST the form, read and check the answer. Rejects with a
 * {@link TokenRequestError}, with `retryAfterMs` when the server sent `Retry-After`.
 */
async function attempt(
  config: ExchangeConfig,
  secret: string,
  signal: AbortSignal | undefined,
): Promise<Issued> {
  const controller = new AbortController();
  const abort = () => controller.abort();
  if (signal?.aborted) abort();
  signal?.addEventListener('abort', abort, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, config.timeoutMs);
  // The request itself keeps the process alive while it is in flight.
  unref(timer);
  const params = new URLSearchParams({ grant_type: 'client_credentials' });
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
  };
  if (config.basic) {
    headers.authorization = `Basic ${btoa(`${formEncode(config.clientId)}:${formEncode(secret)}`)}`;
  } else {
    params.set('client_id', config.clientId);
    params.set('client_secret', secret);
  }
  if (config.scope) params.set('scope', config.scope);
  const sentAt = config.now();
  const request = config.fetch;
  try {
    const response = await untilAborted(
      request(config.tokenUrl, {
        method: 'POST',
        headers,
        body: params.toString(),
        signal: controller.signal,
        // Following a redirect would replay the secret to wherever it points.
        redirect: 'manual',
      }),
      controller.signal,
    );
    const text = await readCapped(response, controller.signal);
    if (response.ok) return parseSuccess(text, response.status, sentAt);
    const error = parseFailure(text, response);
    const after = retryAfterMs(response, config.now());
    if (after >= 0) error.retryAfterMs = after;
    throw error;
  } catch (error) {
    if (error instanceof TokenRequestError) throw error;
    // Only the name and code of what fetch threw are kept: a wrapper's message may quote the request.
    if (signal?.aborted)
      throw fail('aborted', 'aborted', undefined, false, safeError(signal.reason));
    if (timedOut) throw fail('timeout', `timeout after ${config.timeoutMs} ms`, undefined, true);
    throw fail('network_error', 'network error', undefined, true, safeError(error));
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', abort);
  }
}

/** How one exchange runs. */
export interface ExchangeRun {
  /** The client secret read for this exchange. */
  readonly secret: string;
  /** Cancels the exchange, backoff waits included. */
  readonly signal?: AbortSignal;
  /** `false` lets backoff timers not hold the process open (background work nobody awaits). */
  readonly keepAlive: boolean;
  /** For the `token.request_failed` event: whether a held token keeps being served. */
  readonly servingStale?: () => boolean;
}

/**
 * Runs attempts with full-jitter exponential backoff until one succeeds, a
 * non-retryable error occurs, `maxAttempts` is reached or `signal` aborts.
 */
export async function exchange(config: ExchangeConfig, run: ExchangeRun): Promise<Issued> {
  const { signal, keepAlive } = run;
  const started = config.now();
  const failed = (error: TokenRequestError) => {
    emit(config, {
      type: 'token.request_failed',
      error,
      code: error.code,
      attempts: error.attempts,
      durationMs: config.now() - started,
      servingStale: run.servingStale?.() ?? false,
    });
    return error;
  };
  for (let n = 1; ; n++) {
    emit(config, { type: 'token.requested', attempt: n });
    try {
      const issued = await attempt(config, run.secret, signal);
      emit(config, {
        type: 'token.issued',
        expiresAt: issued.expiresAt,
        attempts: n,
        durationMs: config.now() - started,
      });
      return issued;
    } catch (caught) {
      const error = caught as TokenRequestError;
      error.attempts = n;
      if (!error.retryable || n >= config.maxAttempts) throw failed(error);
      const backoff =
        Math.random() * Math.min(config.maxDelayMs, config.baseDelayMs * 2 ** (n - 1));
      const after = error.retryAfterMs;
      const wait = after === undefined ? backoff : Math.min(after, config.maxRetryAfterMs);
      try {
        await delay(wait, signal, keepAlive);
      } catch (reason) {
        const abort = fail('aborted', 'aborted', undefined, false, safeError(reason));
        abort.attempts = n;
        throw failed(abort);
      }
    }
  }
}

/**
 * {@link exchange} with the secret read for it; with a `clientSecret` function, an
 * `invalid_client` answer is tried once more if the function now returns another
 * secret (rotated meanwhile). Resolves with the credential that earned the token.
 */
export async function exchangeRotating(
  config: ExchangeConfig,
  run: Omit<ExchangeRun, 'secret'> & { reader: SecretReader; credential: Credential },
): Promise<{ issued: Issued; credential: Credential }> {
  const { reader, credential } = run;
  try {
    return { issued: await exchange(config, { ...run, secret: credential.secret }), credential };
  } catch (error) {
    if (!reader.rotates || (error as TokenRequestError).code !== 'invalid_client') throw error;
    const next = await reader.read();
    if (next.secret === credential.secret) throw error;
    return { issued: await exchange(config, { ...run, secret: next.secret }), credential: next };
  }
}

/**
 * One-shot client-credentials exchange, without any cache: POSTs
 * `client_id`, `client_secret` and `grant_type=client_credentials` as
 * `application/x-www-form-urlencoded` (or HTTP Basic with
 * `clientAuthMethod: 'client_secret_basic'`), retrying timeouts, network
 * errors, 5xx and 429 (honouring `Retry-After`). Prefer {@link TokenManager},
 * which caches and refreshes.
 *
 * Defaults: {@link DEFAULTS} and {@link DEFAULT_TOKEN_URL}; each option's in
 * {@link RequestTokenOptions}.
 *
 * @returns `{ accessToken, tokenType: 'Bearer', expiresAt }`, `expiresAt` in
 *   epoch ms counted from when the request was sent.
 * @throws {InvalidOptionsError} for bad options (the promise rejects).
 * @throws {TokenRequestError} when the exchange fails; see its `code`.
 * @example
 * const { accessToken, expiresAt } = await requestToken({ clientId, clientSecret });
 */
export async function requestToken(options: RequestTokenOptions): Promise<AccessToken> {
  const config = exchangeConfig(options);
  const reader = new SecretReader(config.clientSecret, config.key);
  const { issued } = await exchangeRotating(config, {
    reader,
    credential: await reader.read(),
    signal: options.signal,
    keepAlive: true,
  });
  return new RedactedToken(issued.accessToken, issued.expiresAt);
}
