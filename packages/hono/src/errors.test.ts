import { TokenRequestError } from '@twilio-oauth/core';
import { startMockServer } from '@twilio-oauth/mock-server';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { toHttpException } from './errors';
import { twilioOAuth } from './index';

describe('toHttpException', () => {
  it('answers 503 JSON with the code, the core error as cause', async () => {
    const cause = new TokenRequestError('timeout', 'timed out', { retryable: true });
    const failure = {
      status: 503,
      message: 'Twilio token service unavailable (timeout)',
      codes: { code: 'timeout' },
      cause,
    } as const;
    const error = toHttpException(failure);
    expect(error).toBeInstanceOf(HTTPException);
    expect(error.status).toBe(503);
    expect(error.message).toBe(failure.message);
    expect(error.cause).toBe(cause);
    const response = error.getResponse();
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ error: failure.message, code: 'timeout' });
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
