import { type MockServer, startMockServer } from '@twilio-oauth/mock-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AppConfig, createApp, type SampleApp } from '../src/app';

const CLIENT = { clientId: 'OQsample', clientSecret: 'sample-secret-c0ffee' };

let server: MockServer;
let sample: SampleApp;
let logged: unknown[];

const start = (overrides: Partial<AppConfig> = {}) => {
  logged = [];
  sample = createApp({
    ...CLIENT,
    accountSid: server.accountSid,
    tokenUrl: server.tokenUrl,
    apiBaseUrl: server.apiBaseUrl,
    managerOptions: { retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 } },
    logError: (error) => logged.push(error),
    ...overrides,
  });
  return sample.app;
};

const postJson = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

beforeEach(async () => {
  server = await startMockServer({ clients: [CLIENT], tokenTtlSeconds: 3600 });
});

afterEach(async () => {
  await sample?.close();
  await server.close();
});

describe('hono-sample app', () => {
  it('GET /health answers without a token request', async () => {
    const response = await start().request('/health');

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
    expect(server.stats().tokenRequests).toBe(0);
  });

  it('GET /token-info reports the expiry and state, never the token', async () => {
    const before = Date.now();
    const response = await start().request('/token-info');
    const text = await response.text();

    expect(response.status).toBe(200);
    const info = JSON.parse(text);
    expect(Object.keys(info).sort()).toEqual([
      'expiresAt',
      'expiresInSeconds',
      'state',
      'tokenType',
    ]);
    expect(info).toMatchObject({ tokenType: 'Bearer', state: 'fresh' });
    expect(new Date(info.expiresAt).toISOString()).toBe(info.expiresAt);
    expect(Date.parse(info.expiresAt)).toBeGreaterThanOrEqual(before + 3_599_000);
    expect(info.expiresInSeconds).toBeGreaterThan(3500);
    expect(info.expiresInSeconds).toBeLessThanOrEqual(3600);
    expect(Number.isInteger(info.expiresInSeconds)).toBe(true);
    const { accessToken } = await sample.manager.getToken();
    expect(text).not.toContain(accessToken);
    expect(server.stats().tokenRequests).toBe(1);
  });

  it('POST /messages creates a message that GET /messages then lists', async () => {
    const app = start();

    const created = await app.request(
      '/messages',
      postJson({ to: '+15005550006', from: '+15005550001', body: 'Hello from Hono' }),
    );

    expect(created.status).toBe(201);
    const message = (await created.json()) as { sid: string };
    expect(message).toMatchObject({
      to: '+15005550006',
      from: '+15005550001',
      body: 'Hello from Hono',
      account_sid: server.accountSid,
    });
    expect(server.messages().map((m) => m.sid)).toEqual([message.sid]);

    const listed = await app.request('/messages');
    expect(listed.status).toBe(200);
    const page = (await listed.json()) as { messages: { sid: string }[] };
    expect(page.messages.map((m) => m.sid)).toEqual([message.sid]);
  });

  it('shares one token request among 20 concurrent GET /messages', async () => {
    const app = start();

    const responses = await Promise.all(Array.from({ length: 20 }, () => app.request('/messages')));

    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(server.stats().tokenRequests).toBe(1);
    expect(server.stats().apiRequests).toBe(20);
  });

  it('POST /messages answers 400 for missing fields or a body that is not JSON', async () => {
    const app = start();

    const missing = await app.request('/messages', postJson({ to: '+15005550006', body: '' }));
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ error: 'missing or empty field(s): from, body' });

    const notJson = await app.request('/messages', postJson('to=+15005550006'));
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toEqual({
      error: expect.stringMatching(/must be JSON/),
    });

    expect(server.stats().tokenRequests).toBe(0);
    expect(server.messages()).toEqual([]);
  });

  it('passes a non-2xx answer of the Twilio API through with its status and JSON', async () => {
    server.setFaults({ api: { status: 404, times: 1 } });

    const response = await start().request('/messages');

    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toMatchObject({ status: 404 });
  });

  it('answers 502 JSON without the secret when the credentials are rejected', async () => {
    const app = start({ clientSecret: 'rotated-away-secret-99' });

    const response = await app.request('/messages');
    const text = await response.text();

    expect(response.status).toBe(502);
    expect(JSON.parse(text)).toEqual({
      error: 'Twilio credentials were rejected (invalid_client, Twilio error 322402)',
    });
    expect(text).not.toContain('rotated-away-secret-99');
    expect(server.stats().apiRequests).toBe(0);
    expect(logged).toEqual([
      'GET /messages: 502 Twilio credentials were rejected (invalid_client, Twilio error 322402)',
    ]);
  });

  it('answers 503 JSON when the token service is down', async () => {
    server.setFaults({ token: { status: 503 } });

    const response = await start().request('/token-info');

    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      error: 'Twilio token service unavailable (server_error)',
    });
  });

  it('answers unknown routes with a JSON 404', async () => {
    const response = await start().request('/nope');

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'Not Found' });
  });
});
