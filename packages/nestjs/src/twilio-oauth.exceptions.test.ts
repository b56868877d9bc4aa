import 'reflect-metadata';
import { BadGatewayException, ServiceUnavailableException } from '@nestjs/common';
import { HostNotAllowedError, TokenRequestError } from '@twilio-oauth/core';
import { describe, expect, it } from 'vitest';
import { toHttpException } from './twilio-oauth.exceptions';

const twilioError = (code: string, twilioCode: number, retryable = false) =>
  new TokenRequestError(code, 'Token request failed: server text', {
    status: retryable ? 500 : 400,
    retryable,
    twilioCode,
    moreInfo: `https://www.twilio.com/docs/errors/${twilioCode}`,
  });

describe('toHttpException', () => {
  it('322402: BadGatewayException whose JSON body has the Twilio code, not the server text', () => {
    const cause = twilioError('invalid_client', 322402);
    const error = toHttpException(cause) as BadGatewayException;
    expect(error).toBeInstanceOf(BadGatewayException);
    expect(error.getStatus()).toBe(502);
    expect(error.getResponse()).toEqual({
      statusCode: 502,
      error: 'Bad Gateway',
      message: 'Twilio credentials were rejected (invalid_client, Twilio error 322402)',
      twilioCode: 322402,
    });
    expect(error.message).toBe(
      'Twilio credentials were rejected (invalid_client, Twilio error 322402)',
    );
    expect(error.cause).toBe(cause);
    expect(JSON.stringify(error.getResponse())).not.toContain('server text');
  });

  it('20500: ServiceUnavailableException with the Twilio code', () => {
    const error = toHttpException(twilioError('server_error', 20500, true));
    expect(error).toBeInstanceOf(ServiceUnavailableException);
    expect((error as ServiceUnavailableException).getResponse()).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'Twilio token service unavailable (server_error, Twilio error 20500)',
      twilioCode: 20500,
    });
  });

  it('without a Twilio code: the body Nest gives a plain message', () => {
    const cause = new TokenRequestError('invalid_client', 'x', { status: 401 });
    const error = toHttpException(cause) as BadGatewayException;
    expect(error.getResponse()).toEqual(
      new BadGatewayException('Twilio credentials were rejected (invalid_client)').getResponse(),
    );
  });

  it('leaves other errors alone', () => {
    const refused = new HostNotAllowedError('example.com');
    expect(toHttpException(refused)).toBe(refused);
  });
});
