import { BadGatewayException, ServiceUnavailableException } from '@nestjs/common';
import { httpStatusForError, publicErrorMessage } from '@twilio-oauth/core';

/**
 * Maps a token failure to the Nest exception a client should see: `BadGatewayException` (502)
 * when the credentials were rejected or the token response was invalid,
 * `ServiceUnavailableException` (503) when the token service is unavailable. The message comes
 * from core's `publicErrorMessage` (no secret, no token); the core error is kept as `cause` for
 * logs and filters. Anything that is not a token failure (e.g. `HostNotAllowedError`, a network
 * error of the API call itself) is returned unchanged, so it surfaces as a 500.
 */
export function toHttpException(error: unknown): unknown {
  const status = httpStatusForError(error);
  if (status === undefined) return error;
  const message = publicErrorMessage(error);
  return status === 502
    ? new BadGatewayException(message, { cause: error })
    : new ServiceUnavailableException(message, { cause: error });
}
