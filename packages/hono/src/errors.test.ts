import { TokenRequestError } from '@twilio-oauth/core';
import { startMockServer } from '@twilio-oauth/mock-server';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { toHttpException } from './errors';
import { twilioOAuth } from './index';

describe('toHttpException', () => {
  it('maps a Twilio 322402 to 502 naming the Twilio code, without server text', () => {
    const cause = new TokenRequestError('invalid_client', 'Token request failed: server text', {
      status: 400,
      twilioCode: 322402,
      moreInfo: 'https://www.twilio.com/docs/errors/322402',
    });
    const error = toHttpException(cause) as HTTPException;
    expect(error).toBeInstanceOf(HTTPException);
    expect(error.status).toBe(502);
    expect(error.message).toBe(
      'Twilio credentials were rejected (invalid_client, Twilio error 322402)',
    );
    expect(error.cause).toBe(cause);
  });

  it('a JSON error handler gets the Twilio code in its 502 body (mock: wrong secret)', async () => {
    await using mock = await startMockServer();
    const secret = 'wrong-Secret-hono-3333';
    const app = new Hono()
      .use(twilioOAuth(mock.clientOptions({ ...mock.clients[0], clientSecret: secret })))
      .get('/token', async (c) => c.json((await c.var.twilio.getToken()).expiresAt))
      .onError((error, c) =>
        error instanceof HTTPException
          ? c.json({ error: error.message }, error.status)
          : c.json({ error: 'Internal error' }, 500),
      );
    const response = await app.request('/token');
    const text = await response.text();
    expect(response.status).toBe(502);
    expect(JSON.parse(text)).toEqual({
      error: 'Twilio credentials were rejected (invalid_client, Twilio error 322402)',
    });
    expect(text).not.toContain(secret);
    expect(mock.stats().tokenRequests).toBe(1);
  });
});
