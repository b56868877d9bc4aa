import { RedactedToken } from './access-token';
import { type Credential, SecretReader } from './credential';
import { TokenRequestError } from './errors';
import { type ExchangeConfig, exchangeConfig } from './options';
import { safeError } from './safe-error';
import { delay, unref } from './timers';
import {
  fail,
  type Issued,
  parseFailure,
  parseSuccess,
  readCapped,
  retryAfterMs,
  untilAborted,
} from './token-response';
import type { AccessToken, RequestTokenOptions, TokenEvent } from './types';

export type { Issued } from './token-response';

// `EventBase` fields are added by `emit`.
type EventBody = TokenEvent extends infer E
  ? E extends TokenEvent
    ? Omit<E, 'key' | 'time'>
    : never
  : never;

/**
 * Calls `onEvent` safely: a throwing listener must not break token handling.
 * `event` must be a fresh object literal: `key` and `time` are added to it in
 * place (a spread would give every event a new hidden class on Node 20, which
 * costs a listener more than the rest of a cached `getToken()`).
 */
export function emit(config: ExchangeConfig, event: EventBody, time = config.now()): void {
  const listener = config.onEvent;
  if (!listener) return;
  const full = event as EventBody & { key: string; time: number };
  full.key = config.key;
  full.time = time;
  try {
    listener(full as TokenEvent);
  } catch {}
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
    const after = retryAfterMs(response, text, config.now());
    if (after >= 0) error.retryAfterMs = after;
    throw error;
  } catch (error) {
    if (error instanceof TokenRequestError) throw error;
    // Only the name and code of what fetch threw are kept: a wrapper's message may quote the request.
    if (signal?.aborted)
      throw fail({ code: 'aborted', detail: 'aborted', cause: safeError(signal.reason) });
    if (timedOut) {
      throw fail({
        code: 'timeout',
        detail: `timeout after ${config.timeoutMs} ms`,
        retryable: true,
      });
    }
    throw fail({
      code: 'network_error',
      detail: 'network error',
      retryable: true,
      cause: safeError(error),
    });
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
        const abort = fail({ code: 'aborted', detail: 'aborted', cause: safeError(reason) });
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
