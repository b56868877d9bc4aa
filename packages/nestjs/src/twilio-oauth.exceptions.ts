import { BadGatewayException, ServiceUnavailableException } from '@nestjs/common';
import { httpStatusForError, publicErrorMessage } from '@twilio-oauth/core';

const STATUS_TEXT = { 502: 'Bad Gateway', 503: 'Service Unavailable' } as const;

/**
 * Maps a token failure to the Nest exception a client should see: `BadGatewayException` (502)
 * when the credentials were rejected or the token response was invalid,
 * `ServiceUnavailableException` (503) when the token service is unavailable. The message comes
 * from core's `publicErrorMessage` (no secret, no token); when Twilio answered with an error
 * object, the JSON body also has its `twilioCode` (e.g. 322402). The core error is kept as
 * `cause` for logs and filters. Anything that is not a token failure (e.g. `HostNotAllowedError`,
 * a network error of the API call itself) is returned unchanged, so it surfaces as a 500.
 */
export function toHttpException(error: unknown): unknown {
  const status = httpStatusForError(error);
  if (status === undefined) return error;
  const message = publicErrorMessage(error);
  const twilioCode = (error as { twilioCode?: unknown }).twilioCode;
  // Nest's own body shape, with the Twilio code beside the message when there is one.
  const body = {
    statusCode: status,
    error: STATUS_TEXT[status],
    message,
    ...(Number.isSafeInteger(twilioCode) ? { twilioCode } : {}),
  };
  return status === 502
    ? new BadGatewayException(body, { cause: error })
    : new ServiceUnavailableException(body, { cause: error });
}
