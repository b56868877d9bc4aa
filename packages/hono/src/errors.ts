import type { TokenFailure } from '@twilio-oauth/core/adapter';
import { HTTPException } from 'hono/http-exception';

/**
 * A token failure as Hono's `HTTPException`: its response is JSON
 * `{ "error": message, "code", "twilioCode"? }` with status 502 or 503, as Express's
 * `twilioOAuthErrorHandler()` and Nest's exceptions answer; the core error is its `cause`.
 */
export function toHttpException({ status, message, codes, cause }: TokenFailure): HTTPException {
  const res = Response.json({ error: message, ...codes }, { status });
  return new HTTPException(status, { message, res, cause });
}
