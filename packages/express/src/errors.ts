import { httpStatusForError, publicErrorMessage } from '@twilio-oauth/core';
import type { ErrorRequestHandler } from 'express';

/**
 * A token failure as an HTTP error, the rejection of `req.twilio` methods when no
 * token could be obtained. Express's default error handler (and most others, via
 * `status` / `statusCode` / `expose`) answers with its status without showing its
 * message; the message is safe to show anyway: it never holds a secret or token.
 *
 * - `status` 502: the token service rejected the credentials (`invalid_client`,
 *   other OAuth errors) or answered something invalid (`invalid_response`).
 * - `status` 503: the token service is unavailable (`timeout`, `network_error`,
 *   `server_error`, `rate_limited`) or the manager was closed (`closed`).
 *
 * The core `TokenRequestError` is the `cause`, for logs.
 *
 * @example
 * app.use((err, req, res, next) => {
 *   if (err instanceof TwilioOAuthHttpError) log.warn({ code: err.code }, 'Twilio token failure');
 *   next(err);
 * });
 */
export class TwilioOAuthHttpError extends Error {
  override readonly name = 'TwilioOAuthHttpError';
  /** 502 (credentials rejected, invalid response) or 503 (token service unavailable). */
  readonly status: 502 | 503;
  /** Same as {@link TwilioOAuthHttpError.status}, for handlers that read `statusCode`. */
  readonly statusCode: 502 | 503;
  /** Always `false`: tells error handlers (http-errors convention) not to show details. */
  readonly expose = false;
  /** The core error code, e.g. `invalid_client` or `timeout`. */
  readonly code: string;
  /** The Twilio error code the token endpoint answered (e.g. `322402`), when it sent one. */
  declare readonly twilioCode?: number;

  /**
   * @param status - the HTTP status to answer with.
   * @param cause - the core token error (its code is copied to `code`).
   */
  constructor(status: 502 | 503, cause: unknown) {
    super(publicErrorMessage(cause), { cause });
    this.status = status;
    this.statusCode = status;
    const { code, twilioCode } = (cause ?? {}) as { code?: unknown; twilioCode?: unknown };
    this.code = typeof code === 'string' ? code : 'token_error';
    if (Number.isSafeInteger(twilioCode)) this.twilioCode = twilioCode as number;
  }
}

/**
 * Maps a core token failure to a {@link TwilioOAuthHttpError}; anything else (a
 * host outside `allowedHosts`, a bad option, a failing API call) is returned
 * unchanged so that it surfaces as the programming or upstream error it is.
 */
export function toHttpError(error: unknown): unknown {
  const status = httpStatusForError(error);
  return status === undefined ? error : new TwilioOAuthHttpError(status, error);
}

/**
 * Optional error middleware answering {@link TwilioOAuthHttpError}s as JSON
 * `{ "error": "<safe message>" }` with their status (502 or 503), plus
 * `"twilioCode"` when Twilio answered with an error object (e.g. `322402`,
 * credentials rejected). Every other error is passed on with `next(err)`.
 * Mount it after your routes.
 *
 * @example
 * app.use(twilioOAuth({ clientId, clientSecret }));
 * app.get('/messages', handler);
 * app.use(twilioOAuthErrorHandler());
 */
export function twilioOAuthErrorHandler(): ErrorRequestHandler {
  return (err, _req, res, next) => {
    if (!(err instanceof TwilioOAuthHttpError) || res.headersSent) {
      next(err);
      return;
    }
    const twilio = err.twilioCode === undefined ? {} : { twilioCode: err.twilioCode };
    res.status(err.status).json({ error: err.message, ...twilio });
  };
}
