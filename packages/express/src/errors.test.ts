import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { TokenRequestError } from '@twilio-oauth/core';
import type { TokenFailure } from '@twilio-oauth/core/adapter';
import { startMockServer } from '@twilio-oauth/mock-server';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { TwilioOAuthHttpError, twilioOAuthErrorHandler } from './errors';
import { twilioOAuth } from './middleware';

const rejected = (extra: { twilioCode?: number } = {}): TokenFailure => ({
  status: 502,
  message: 'Twilio credentials were rejected (invalid_client)',
  codes: { code: 'invalid_client', ...extra },
  cause: new TokenRequestError('invalid_client', 'rejected', { status: 401 }),
});

describe('TwilioOAuthHttpError', () => {
  it('carries the status, the code and the core error as cause', () => {
    const failure = rejected();
    const error = new TwilioOAuthHttpError(failure);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'TwilioOAuthHttpError', status: 502, statusCode: 502 });
    expect(error).toMatchObject({
      expose: false,
      code: 'invalid_client',
      message: failure.message,
    });
    expect(error).toHaveProperty('cause', failure.cause);
    expect(error).not.toHaveProperty('twilioCode');
  });

  it('shows nothing but safe fields in JSON and inspect output', () => {
    const secret = 'S3cret-in-a-cause-message';
    const failure = rejected();
    // A cause carrying something sensitive must not surface through the HTTP error.
    Object.defineProperty(failure.cause, 'hidden', { value: secret, enumerable: false });
    const error = new TwilioOAuthHttpError(failure);

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

  it('keeps the Twilio code', () => {
    expect(new TwilioOAuthHttpError(rejected({ twilioCode: 322402 }))).toMatchObject({
      code: 'invalid_client',
      twilioCode: 322402,
    });
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
        code: 'invalid_client',
        twilioCode: 322402,
      });
      expect(text).not.toContain('wrong-Secret-2222');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
