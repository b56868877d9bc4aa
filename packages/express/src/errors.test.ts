import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import {
  HostNotAllowedError,
  InvalidOptionsError,
  TokenRequestError,
  TwilioOAuthError,
} from '@twilio-oauth/core';
import { startMockServer } from '@twilio-oauth/mock-server';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { TwilioOAuthHttpError, toHttpError, twilioOAuthErrorHandler } from './errors';
import { twilioOAuth } from './middleware';

describe('toHttpError', () => {
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
  ] as const)('maps %s to %i', (code, upstream, status, message) => {
    const cause = new TokenRequestError(code, `token request failed: ${code}`, {
      status: upstream,
    });
    const error = toHttpError(cause);

    expect(error).toBeInstanceOf(TwilioOAuthHttpError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'TwilioOAuthHttpError', status, statusCode: status });
    expect(error).toMatchObject({ expose: false, code, message });
    expect(error).toHaveProperty('cause', cause);
  });

  it('maps a closed manager to 503', () => {
    expect(toHttpError(new TwilioOAuthError('closed', 'manager closed'))).toMatchObject({
      status: 503,
      code: 'closed',
    });
  });

  it.each([
    ['a refused host', new HostNotAllowedError('example.com')],
    ['an invalid option', new InvalidOptionsError('clientId', 'must be a non-empty string')],
    ['a failing API call', new TypeError('fetch failed')],
    ['a non-error', 'oops'],
  ])('returns %s unchanged', (_label, error) => {
    expect(toHttpError(error)).toBe(error);
  });

  it('shows nothing but safe fields in JSON and inspect output', () => {
    const secret = 'S3cret-in-a-cause-message';
    const cause = new TokenRequestError('invalid_client', 'rejected', { status: 401 });
    // A cause carrying something sensitive must not surface through the HTTP error.
    Object.defineProperty(cause, 'hidden', { value: secret, enumerable: false });
    const error = new TwilioOAuthHttpError(502, cause);

    expect(JSON.stringify(error)).not.toContain(secret);
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'TwilioOAuthHttpError',
      status: 502,
      statusCode: 502,
      expose: false,
      code: 'invalid_client',
    });
    expect(inspect(error, { depth: 5 })).not.toContain(secret);
    expect(String(error)).toBe(
      'TwilioOAuthHttpError: Twilio credentials were rejected (invalid_client)',
    );
  });

  it('keeps the Twilio code of a rejected exchange, never the secret or server text', async () => {
    const cause = new TokenRequestError('invalid_client', 'Token request failed: server text', {
      status: 400,
      twilioCode: 322402,
      moreInfo: 'https://www.twilio.com/docs/errors/322402',
    });
    const error = toHttpError(cause);
    expect(error).toMatchObject({
      status: 502,
      code: 'invalid_client',
      twilioCode: 322402,
      message: 'Twilio credentials were rejected (invalid_client, Twilio error 322402)',
    });
    expect(JSON.stringify(error)).not.toContain('server text');
    expect(new TwilioOAuthHttpError(503, new TwilioOAuthError('closed', 'x'))).not.toHaveProperty(
      'twilioCode',
    );
  });

  it('twilioOAuthErrorHandler() answers 502 JSON with the Twilio code (mock: wrong secret)', async () => {
    await using mock = await startMockServer();
    const app = express();
    const options = mock.clientOptions({ ...mock.clients[0], clientSecret: 'wrong-Secret-2222' });
    app.use(twilioOAuth(options));
    app.get('/token', async (req, res, next) => {
      try {
        res.json(await req.twilio.getToken());
      } catch (error) {
        next(error);
      }
    });
    app.use(twilioOAuthErrorHandler());
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/token`);
      const text = await res.text();
      expect(res.status).toBe(502);
      expect(JSON.parse(text)).toEqual({
        error: 'Twilio credentials were rejected (invalid_client, Twilio error 322402)',
        twilioCode: 322402,
      });
      expect(text).not.toContain('wrong-Secret-2222');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
