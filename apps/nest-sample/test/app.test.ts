import type { INestApplication } from '@nestjs/common';
import { type MockServer, startMockServer } from '@twilio-oauth/mock-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import type { TwilioSettings } from '../src/config';
import { listen } from './listen';

const CLIENT = {
  clientId: 'OQ0123456789abcdef0123456789abcdef',
  clientSecret: 'nest-sample-secret-7f3a',
};

let mock: MockServer;
let app: INestApplication | undefined;

beforeAll(async () => {
  mock = await startMockServer({ clients: [CLIENT] });
});
afterAll(() => mock.close());
afterEach(async () => {
  await app?.close();
  app = undefined;
  mock.reset();
});

const settings = (overrides: Partial<TwilioSettings> = {}): TwilioSettings => ({
  ...CLIENT,
  accountSid: mock.accountSid,
  tokenUrl: mock.tokenUrl,
  apiBaseUrl: mock.apiBaseUrl,
  ...overrides,
});

async function start(overrides?: Partial<TwilioSettings>) {
  app = await createApp(settings(overrides), { logger: false });
  return listen(app);
}

describe('nest-sample routes', () => {
  it('GET /health answers without a token request', async () => {
    const call = await start();
    expect(await call('GET', '/health')).toMatchObject({ status: 200, json: { status: 'ok' } });
    expect(mock.stats().tokenRequests).toBe(0);
  });

  it('GET /token-info tells the expiry, never the token', async () => {
    const call = await start();
    const res = await call('GET', '/token-info');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      tokenType: 'Bearer',
      expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      expiresInSeconds: expect.any(Number),
      state: 'fresh',
    });
    expect(res.json.expiresInSeconds).toBeGreaterThan(3500);
    expect(res.json.expiresInSeconds).toBeLessThanOrEqual(3600);
    expect(res.text).not.toMatch(/eyJ/); // the mock's tokens are JWTs
    expect((await call('GET', '/token-info')).status).toBe(200);
    expect(mock.stats().tokenRequests).toBe(1);
  });

  it('GET /messages passes Twilio’s list through', async () => {
    const call = await start();
    const res = await call('GET', '/messages');
    expect(res).toMatchObject({ status: 200, json: { messages: [], page: 0 } });
  });

  it('POST /messages sends To, From and Body and answers 201 with the message', async () => {
    const call = await start();
    const res = await call('POST', '/messages', {
      to: '+15005550006',
      from: '+15005550001',
      body: 'Hi',
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      sid: expect.stringMatching(/^SM/),
      to: '+15005550006',
      body: 'Hi',
    });
    expect(mock.messages()).toMatchObject([
      { to: '+15005550006', from: '+15005550001', body: 'Hi' },
    ]);
    const list = await call('GET', '/messages');
    expect(list.json.messages).toMatchObject([{ sid: res.json.sid }]);
  });

  it.each([
    [{ to: '+15005550006', from: '+15005550001' }, 'body'],
    [{ to: '', from: '+15005550001', body: 'x' }, 'to'],
    [{ to: '+15005550006', from: 7, body: 'x' }, 'from'],
    [['not', 'an', 'object'], 'to, from, body'],
  ])(
    'POST /messages with %j answers 400 naming %s, without calling Twilio',
    async (body, named) => {
      const call = await start();
      const res = await call('POST', '/messages', body);
      expect(res.status).toBe(400);
      expect(res.json).toEqual({ error: expect.stringContaining(named) });
      expect(mock.stats()).toMatchObject({ tokenRequests: 0, apiRequests: 0 });
    },
  );

  it('concurrent calls share one token request', async () => {
    const call = await start();
    const answers = await Promise.all(Array.from({ length: 20 }, () => call('GET', '/messages')));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(mock.stats()).toMatchObject({ tokenRequests: 1, apiRequests: 20 });
  });

  it('a Twilio error answer keeps its status and JSON', async () => {
    const call = await start();
    mock.setFaults({ api: { status: 429, times: 1 } });
    const res = await call('GET', '/messages');
    expect(res.status).toBe(429);
    expect(res.json).toMatchObject({ status: 429 });
  });

  it('a Twilio answer that is not JSON is a 502', async () => {
    const call = await start();
    mock.setFaults({ api: { status: 500, times: 1 } });
    expect(await call('GET', '/messages')).toMatchObject({
      status: 502,
      json: { error: 'Twilio API answered 500 without JSON' },
    });
  });

  it('a revoked token (API 401) is replaced once, transparently', async () => {
    const call = await start();
    expect((await call('GET', '/messages')).status).toBe(200);
    mock.revokeTokens();
    expect((await call('GET', '/messages')).status).toBe(200);
    expect(mock.stats()).toMatchObject({ tokenRequests: 2, rejectedApiRequests: 1 });
  });

  it('rejected credentials answer 502 {"error"} without the secret', async () => {
    const wrong = `${CLIENT.clientSecret}-wrong`;
    const call = await start({ clientSecret: wrong });
    for (const [method, path] of [
      ['GET', '/token-info'],
      ['GET', '/messages'],
    ] as const) {
      const res = await call(method, path);
      expect(res).toMatchObject({
        status: 502,
        json: { error: 'Twilio credentials were rejected (invalid_client, Twilio error 322402)' },
      });
      expect(res.text).not.toContain(wrong);
    }
  });

  it('an unavailable token service answers 503 {"error"}', async () => {
    const call = await start();
    mock.setFaults({ token: { status: 503 } });
    expect(await call('GET', '/token-info')).toMatchObject({
      status: 503,
      json: { error: 'Twilio token service unavailable (server_error)' },
    });
  });

  it('bad settings fail createApp naming the option, not the secret', async () => {
    const error = await createApp(
      settings({ tokenUrl: 'http://oauth.example.com/v2/token' }),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'InvalidOptionsError', option: 'tokenUrl' });
    expect(String(error)).not.toContain(CLIENT.clientSecret);
  });
});

describe('nest-sample SDK routes (TwilioOAuthService.client)', () => {
  it('send and list through the SDK on the same token as the raw routes', async () => {
    const call = await start();
    const sent = await call('POST', '/sdk/messages', {
      to: '+15005550006',
      from: '+15005550001',
      body: 'via SDK',
    });
    expect(sent.status).toBe(201);
    expect(sent.json).toMatchObject({ status: 'queued', to: '+15005550006' });
    const raw = await call('GET', '/messages');
    const listed = await call('GET', '/sdk/messages');
    expect(listed.status).toBe(200);
    expect((listed.json.messages as { sid: string }[])[0]?.sid).toBe(sent.json.sid);
    expect((raw.json.messages as { sid: string }[])[0]?.sid).toBe(sent.json.sid);
    expect(mock.stats()).toMatchObject({ tokenRequests: 1, apiRequests: 3 });
  });

  it("answers the SDK's RestException with Twilio's status and code", async () => {
    const call = await start();
    const sent = await call('POST', '/sdk/messages', { to: '+15005550006', from: '+1', body: '' });
    expect(sent.status).toBe(400);
    expect(JSON.stringify(sent.json)).toContain('21602');
  });
});
