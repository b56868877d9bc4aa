import { describe, expect, it } from 'vitest';
import {
  HostNotAllowedError,
  InvalidOptionsError,
  TokenRequestError,
  TwilioOAuthError,
} from '../errors';
import { tokenFailure } from './token-failure';

describe('tokenFailure', () => {
  it.each([
    ['invalid_client', 401, 502, 'Twilio credentials were rejected (invalid_client)'],
    ['invalid_scope', 400, 502, 'Twilio credentials were rejected (invalid_scope)'],
    [
      'invalid_response',
      200,
      502,
      'Twilio token service sent an invalid response (invalid_response)',
    ],
    ['server_error', 503, 503, 'Twilio token service unavailable (server_error)'],
    ['rate_limited', 429, 503, 'Twilio token service unavailable (rate_limited)'],
    ['timeout', undefined, 503, 'Twilio token service unavailable (timeout)'],
    ['network_error', undefined, 503, 'Twilio token service unavailable (network_error)'],
  ] as const)('reads %s as %i', (code, upstream, status, message) => {
    const cause = new TokenRequestError(code, `token request failed: ${code}`, {
      status: upstream,
    });
    expect(tokenFailure(cause)).toEqual({ status, message, codes: { code }, cause });
  });

  it('reads a closed manager as 503, and keeps the Twilio code, never server text', () => {
    expect(tokenFailure(new TwilioOAuthError('closed', 'x'))).toMatchObject({
      status: 503,
      codes: { code: 'closed' },
    });
    const cause = new TokenRequestError('invalid_client', 'Token request failed: server text', {
      status: 400,
      twilioCode: 322402,
    });
    const failure = tokenFailure(cause);
    expect(failure).toMatchObject({
      status: 502,
      codes: { code: 'invalid_client', twilioCode: 322402 },
      message: 'Twilio credentials were rejected (invalid_client, Twilio error 322402)',
    });
  });

  it.each([
    ['a refused host', new HostNotAllowedError('example.com')],
    ['an invalid option', new InvalidOptionsError('clientId', 'must be a non-empty string')],
    ['a failing API call', new TypeError('fetch failed')],
    ['a non-error', 'oops'],
  ])('is undefined for %s', (_label, error) => {
    expect(tokenFailure(error)).toBeUndefined();
  });
});
