import { httpStatusForError, publicErrorMessage } from '@twilio-oauth/core';
import { HTTPException } from 'hono/http-exception';

/**
 * Turns a token failure into the `HTTPException` Hono answers with: 502 when the
 * credentials were rejected or the token response was invalid, 503 when the token
 * service is unavailable. The message comes from the core's `publicErrorMessage`,
 * which never holds a secret or token; the original error stays reachable as
 * `cause` for logs. Anything else (a host outside `allowedHosts`, a bad option, a
 * failing API call) is returned unchanged so that it surfaces as a 500.
 */
export function toHttpException(error: unknown): unknown {
  const status = httpStatusForError(error);
  if (status === undefined) return error;
  return new HTTPException(status, { message: publicErrorMessage(error), cause: error });
}
