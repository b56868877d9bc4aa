import 'reflect-metadata';
import { BadGatewayException, ServiceUnavailableException } from '@nestjs/common';
import { TokenRequestError } from '@twilio-oauth/core';
import type { TokenFailure } from '@twilio-oauth/core/adapter';
import { describe, expect, it } from 'vitest';
import { toHttpException } from './twilio-oauth.exceptions';

const failure = (
  status: 502 | 503,
  code: string,
  message: string,
  twilioCode?: number,
): TokenFailure => ({
  status,
  message,
  codes: twilioCode === undefined ? { code } : { code, twilioCode },
  cause: new TokenRequestError(code, 'Token request failed: server text', { twilioCode }),
});
const REJECTED = 'Twilio credentials were rejected (invalid_client, Twilio error 322402)';

describe('toHttpException', () => {
  it('322402: BadGatewayException whose JSON body has the Twilio code, not the server text', () => {
    const rejected = failure(502, 'invalid_client', REJECTED, 322402);
    const error = toHttpException(rejected) as BadGatewayException;
    expect(error).toBeInstanceOf(BadGatewayException);
    expect(error.getStatus()).toBe(502);
    expect(error.getResponse()).toEqual({
      statusCode: 502,
      error: 'Bad Gateway',
      message: REJECTED,
      code: 'invalid_client',
      twilioCode: 322402,
    });
    expect(error.message).toBe(REJECTED);
    expect(error.cause).toBe(rejected.cause);
    expect(JSON.stringify(error.getResponse())).not.toContain('server text');
  });

  it('20500: ServiceUnavailableException with the Twilio code', () => {
    const message = 'Twilio token service unavailable (server_error, Twilio error 20500)';
    const error = toHttpException(failure(503, 'server_error', message, 20500));
    expect(error).toBeInstanceOf(ServiceUnavailableException);
    expect((error as ServiceUnavailableException).getResponse()).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message,
      code: 'server_error',
      twilioCode: 20500,
    });
  });

  it('without a Twilio code: the body Nest gives a plain message, and the OAuth code', () => {
    const message = 'Twilio credentials were rejected (invalid_client)';
    const error = toHttpException(failure(502, 'invalid_client', message)) as BadGatewayException;
    expect(error.getResponse()).toEqual({
      ...(new BadGatewayException(message).getResponse() as object),
      code: 'invalid_client',
    });
  });
});
