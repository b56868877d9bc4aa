import { httpStatusForError, InvalidOptionsError, publicErrorMessage } from '../errors';
import { trimLeastRecent } from '../store-kit/lru';

/**
 * Where an adapter reports token failures (its `logger` option): two methods taking one line of
 * text, as `console`, pino and winston have. A line names the credential key (token URL + client
 * id) and the error codes, never a secret or token.
 */
export interface FailureLogger {
  /** A credential's token failures began, or changed kind (rejected ↔ unavailable). */
  warn(message: string): void;
  /** A credential got a token again after failing. */
  info(message: string): void;
}

/** What an adapter's `logger` option accepts: a {@link FailureLogger}, or `false` for none. */
export type FailureLoggerOption = FailureLogger | false;

/** The default of Express's and Hono's `logger` option: `console.warn` / `console.info`. */
export const CONSOLE_FAILURE_LOGGER: FailureLogger = {
  // Looked up at each call, so that a console replaced later (tests, a log shipper) is used.
  warn: (message) => console.warn(message),
  info: (message) => console.info(message),
};

type FailureState = 'rejected' | 'unavailable';

// Codes that say nothing about the token service: the app shut down, the caller gave up.
const NOT_A_SERVICE_STATE = new Set(['closed', 'aborted']);

// A bound on the credentials remembered as failing (an attacker may try many client ids);
// one forgotten only logs its next failure again.
const MAX_FAILING = 1000;

/**
 * Reports token failures once per change of state per credential: the first rejection
 * (502) or unavailability (503) of a credential is one `warn` line, a switch between the
 * two another, and its next token one `info` line; the requests in between add nothing.
 * Lines name the credential key (token URL + client id, never a secret) and the public
 * error message (codes only, never a token or server text).
 *
 * The healthy path costs one property read: {@link FailureLog.failing} tells a handle
 * whether a success can be news at all.
 */
export class FailureLog {
  readonly #logger: FailureLogger;
  // Only failing credentials are held: a healthy one is absent.
  readonly #failing = new Map<string, FailureState>();

  /** @param logger - where lines go (see {@link failureLog} to accept an option). */
  constructor(logger: FailureLogger) {
    this.#logger = logger;
  }

  /** Whether any credential is failing, i.e. whether a success may be a recovery. */
  get failing(): boolean {
    return this.#failing.size > 0;
  }

  /** Records a failed call of the manager whose credential key is `key`. */
  failed(key: string, error: unknown): void {
    const status = httpStatusForError(error);
    const code = (error as { code?: unknown } | null)?.code;
    if (status === undefined || NOT_A_SERVICE_STATE.has(code as string)) return;
    const state: FailureState = status === 502 ? 'rejected' : 'unavailable';
    if (this.#failing.get(key) === state) return;
    this.#failing.delete(key);
    this.#failing.set(key, state);
    trimLeastRecent(this.#failing, MAX_FAILING);
    this.#write(
      'warn',
      `twilio-oauth: ${publicErrorMessage(error)} for ${displayKey(key)}; requests answer ${status} until a token is issued`,
    );
  }

  /** Records a successful call of the manager whose credential key is `key`. */
  succeeded(key: string): void {
    const was = this.#failing.get(key);
    if (was === undefined) return;
    this.#failing.delete(key);
    const after = was === 'rejected' ? 'credentials rejected' : 'token service unavailable';
    this.#write(
      'info',
      `twilio-oauth: token issued again for ${displayKey(key)} (recovered from ${after})`,
    );
  }

  #write(level: 'warn' | 'info', line: string): void {
    try {
      this.#logger[level](line);
    } catch {
      // A broken logger must not turn a token answer into another failure.
    }
  }
}

/**
 * The key as shown in a line: without user info, query or fragment in its URL, should a
 * token URL ever carry one (a parsed URL holds no raw space; the client id follows one).
 */
const displayKey = (key: string): string =>
  key.replace(/\/\/[^/ ]*@|[?#][^ ]*/g, (m) => (m[0] === '/' ? '//' : ''));

/**
 * Validates an adapter's `logger` option into a {@link FailureLog}, or `undefined` for
 * `false` (no lines).
 *
 * @param logger - `undefined` (use `fallback`), `false`, or an object with `warn` and `info`.
 * @param fallback - the adapter's default logger.
 * @throws {InvalidOptionsError} `logger` when it is neither `false` nor an object with
 *   `warn` and `info` functions.
 * @example
 * const failures = failureLog(options.logger, CONSOLE_FAILURE_LOGGER);
 */
export function failureLog(
  logger: FailureLoggerOption | undefined,
  fallback: FailureLogger,
): FailureLog | undefined {
  if (logger === false) return undefined;
  const chosen = logger ?? fallback;
  if (
    typeof chosen !== 'object' ||
    chosen === null ||
    typeof chosen.warn !== 'function' ||
    typeof chosen.info !== 'function'
  ) {
    throw new InvalidOptionsError('logger', 'must be false or an object with warn() and info()');
  }
  return new FailureLog(chosen);
}
