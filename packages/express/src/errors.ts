import type { TokenFailure } from '@twilio-oauth/core/adapter';
import type { ErrorRequestHandler } from 'express';

/**
 * What `req.twilio` rejects with when no token could be had: 502 when the credentials were
 * rejected or the token response was invalid, 503 when the token service is unavailable.
 * Error handlers that read `status` / `statusCode` / `expose` (Express's own, http-errors)
 * answer with its status; its message holds no secret or token. The core error is its `cause`.
 *
 * @example
 * app.use((err, req, res, next) => {
 *   if (err instanceof TwilioOAuthHttpError) log.warn({ code: err.code }, 'Twilio token failure');
 *   next(err);
 * });
 */
export class TwilioOAuthHttpError extends Error {
  override readonly name = 'TwilioOAuthHttpError';
  readonly status: 502 | 503;
  /** {@link TwilioOAuthHttpError.status}, for handlers that read `statusCode`. */
  readonly statusCode: 502 | 503;
  /** Tells http-errors-style handlers not to show details. */
  readonly expose = false;
  /** The OAuth or core code, e.g. `invalid_client`, `timeout`. */
  readonly code: string;
  /** The Twilio error code of the token endpoint's answer (e.g. `322402`), when it sent one. */
  declare readonly twilioCode?: number;

  /** @param failure - the kernel's reading of the core error. */
  constructor({ status, message, codes, cause }: TokenFailure) {
    super(message, { cause });
    this.status = status;
    this.statusCode = status;
    this.code = codes.code;
    if (codes.twilioCode !== undefined) this.twilioCode = codes.twilioCode;
  }
}

/**
 * Error middleware answering a {@link TwilioOAuthHttpError} as JSON with its status:
 * `{ "error": message, "code", "twilioCode"? }`; any other error goes on to `next(err)`.
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
    res.status(err.status).json({ error: err.message, code: err.code, ...twilio });
  };
}
