import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type MockServer, startMockServer } from '@twilio-oauth/mock-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AppConfig, createApp, type SampleApp } from '../src/app';

const client = { clientId: `OQ${'c'.repeat(32)}`, clientSecret: 'sample-Secret-7e6d5c4b3a29' };
const retry = { maxAttempts: 2, baseDelayMs: 0 };

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ clients: [client] });
});
afterAll(() => mock.close());

interface Running {
  readonly sample: SampleApp;
  readonly url: string;
  close(): Promise<void>;
}

async function run(overrides: Partial<AppConfig> = {}): Promise<Running> {
  const sample = createApp({
    ...client,
    accountSid: mock.accountSid,
    tokenUrl: mock.tokenUrl,
    apiBaseUrl: mock.apiBaseUrl,
    retry,
    ...overrides,
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = sample.app.listen(0, '127.0.0.1');
    s.once('listening', () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    sample,
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await sample.close();
    },
  };
}

/** Status, content type and raw body: what a client of the sample sees. */
async function call(url: string, init?: RequestInit) {
  const res = await fetch(url, init);
  const text = await res.text();
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    text,
    json: JSON.parse(text),
  };
}

const postJson = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('express-sample against the mock server', () => {
  let app: Running;
  /** Every body the sample sent, to check that none holds the token or the secret. */
  const bodies: string[] = [];
  const get = async (path: string, init?: RequestInit) => {
    const answer = await call(`${app.url}${path}`, init);
    bodies.push(answer.text);
    expect(answer.type).toMatch(/^application\/json/);
    return answer;
  };

  beforeAll(async () => {
    mock.reset();
    app = await run();
  });
  afterEach(() => mock.setFaults({}));
  afterAll(() => app.close());

  it('GET /health answers ok without a token request', async () => {
    const { status, json } = await get('/health');
    expect(status).toBe(200);
    expect(json).toEqual({ status: 'ok' });
    expect(mock.stats().tokenRequests).toBe(0);
  });

  it('GET /token-info gets a token and tells its expiry only', async () => {
    const before = Date.now();
    const { status, json } = await get('/token-info');
    expect(status).toBe(200);
    expect(Object.keys(json).sort()).toEqual([
      'expiresAt',
      'expiresInSeconds',
      'state',
      'tokenType',
    ]);
    expect(json).toMatchObject({ tokenType: 'Bearer', state: 'fresh' });
    const expiresAt = Date.parse(json.expiresAt);
    expect(new Date(expiresAt).toISOString()).toBe(json.expiresAt);
    // The mock issues one-hour tokens; expiry counts from when the request was sent.
    expect(expiresAt).toBeGreaterThanOrEqual(before + 3600_000 - 1000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 3600_000);
    expect(json.expiresInSeconds).toBeGreaterThan(3590);
    expect(json.expiresInSeconds).toBeLessThanOrEqual(3600);
    expect(mock.stats().tokenRequests).toBe(1);
  });

  it('POST /messages creates a message through the authenticated fetch', async () => {
    const { status, json } = await get(
      '/messages',
      postJson({ to: '+15005550006', from: '+15005550001', body: 'Hello from Express' }),
    );
    expect(status).toBe(201);
    expect(json).toMatchObject({
      sid: expect.stringMatching(/^SM/),
      account_sid: mock.accountSid,
      to: '+15005550006',
      from: '+15005550001',
      body: 'Hello from Express',
    });
    expect(mock.messages()).toHaveLength(1);
  });

  it('GET /messages passes the Messages list through', async () => {
    const { status, json } = await get('/messages');
    expect(status).toBe(200);
    expect(json.messages).toHaveLength(1);
    expect(json.messages[0]).toMatchObject({ body: 'Hello from Express' });
    // Every API call so far used the first token.
    expect(mock.stats().tokenRequests).toBe(1);
  });

  it('POST /messages refuses missing fields with 400', async () => {
    const apiRequests = mock.stats().apiRequests;
    const { status, json } = await get('/messages', postJson({ to: '+15005550006', body: ' ' }));
    expect(status).toBe(400);
    expect(json).toEqual({ error: 'Missing or empty fields: from, body' });
    expect(mock.stats().apiRequests).toBe(apiRequests);
  });

  it('POST /messages refuses a body that is not JSON with 400', async () => {
    const { status, json } = await get('/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"to":',
    });
    expect(status).toBe(400);
    expect(json).toEqual({ error: 'Bad request' });
  });

  it('passes an upstream error status and its JSON through', async () => {
    mock.setFaults({ api: { status: 429, times: 1 } });
    const { status, json } = await get('/messages');
    expect(status).toBe(429);
    expect(json).toMatchObject({ status: 429, code: 20429 });
  });

  it('answers 404 as JSON', async () => {
    const { status, json } = await get('/nowhere');
    expect(status).toBe(404);
    expect(json).toEqual({ error: 'Not found' });
  });

  // Runs last: every answer above is in `bodies`.
  it('never sent the token or the secret in any answer', async () => {
    // The manager still holds the one token the mock issued to it.
    const { accessToken } = await app.sample.manager.getToken();
    expect(mock.stats().tokensIssued).toBe(1);
    expect(bodies.length).toBeGreaterThan(5);
    for (const body of bodies) {
      expect(body).not.toContain(accessToken);
      expect(body).not.toContain(client.clientSecret);
    }
  });
});

describe('express-sample token failures', () => {
  it('answers 502 JSON on every Twilio route when the credentials are rejected', async () => {
    const wrongSecret = 'wrong-Sample-Secret-4242';
    const app = await run({ clientSecret: wrongSecret });
    try {
      for (const [path, init] of [
        ['/token-info', undefined],
        ['/messages', undefined],
        ['/messages', postJson({ to: '+15005550006', from: '+15005550001', body: 'x' })],
      ] as const) {
        const { status, text, json } = await call(`${app.url}${path}`, init);
        expect(status).toBe(502);
        expect(json).toEqual({
          error: 'Twilio credentials were rejected (invalid_client, Twilio error 322402)',
          code: 'invalid_client',
          twilioCode: 322402,
        });
        expect(text).not.toContain(wrongSecret);
      }
    } finally {
      await app.close();
    }
  });

  it('answers 503 JSON when the token service is down', async () => {
    mock.setFaults({ token: { status: 503 } });
    const app = await run();
    try {
      const { status, json } = await call(`${app.url}/token-info`);
      expect(status).toBe(503);
      expect(json).toEqual({
        error: 'Twilio token service unavailable (server_error)',
        code: 'server_error',
      });
    } finally {
      mock.setFaults({});
      await app.close();
    }
  });
});

describe('the twilio SDK routes (req.twilio.client)', () => {
  it('send and list through the SDK on the same token as the raw routes', async () => {
    const running = await run();
    try {
      mock.reset();
      const sent = await call(`${running.url}/sdk/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ to: '+15005550006', from: '+15005550001', body: 'via SDK' }),
      });
      expect(sent.status).toBe(201);
      expect(sent.json).toMatchObject({ status: 'queued', to: '+15005550006' });
      const raw = await call(`${running.url}/messages`);
      const listed = await call(`${running.url}/sdk/messages`);
      expect(listed.status).toBe(200);
      expect(listed.json.messages[0]).toMatchObject({ sid: sent.json.sid, body: 'via SDK' });
      expect(raw.json.messages[0].sid).toBe(sent.json.sid);
      expect(mock.stats()).toMatchObject({ tokenRequests: 1, apiRequests: 3 });
    } finally {
      await running.close();
    }
  });

  it("answers the SDK's RestException with Twilio's status and code", async () => {
    const running = await run();
    try {
      const sent = await call(`${running.url}/sdk/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ to: '+15005550006', from: '+15005550001', body: '' }),
      });
      expect(sent.status).toBe(400);
      expect(sent.json).toMatchObject({ code: 21602 });
    } finally {
      await running.close();
    }
  });
});
