import { BadGatewayException, ServiceUnavailableException } from '@nestjs/common';
import type { TokenFailure } from '@twilio-oauth/core/adapter';

const STATUS_TEXT = { 502: 'Bad Gateway', 503: 'Service Unavailable' } as const;

/**
 * A token failure as Nest's `BadGatewayException` (502) or `ServiceUnavailableException` (503),
 * Nest's own body shape plus the OAuth `code` and, when Twilio sent one, `twilioCode`.
 */
export function toHttpException({ status, message, codes, cause }: TokenFailure): unknown {
  const body = { statusCode: status, error: STATUS_TEXT[status], message, ...codes };
  return status === 502
    ? new BadGatewayException(body, { cause })
    : new ServiceUnavailableException(body, { cause });
}
