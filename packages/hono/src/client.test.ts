// c.var.twilio.client: the official SDK through the request's manager, one client per manager.
import { type MockServer, startMockServer } from '@twilio-oauth/mock-server';
import { twilioClientFactory } from '@twilio-oauth/twilio';
import { Hono } from 'hono';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { twilioOAuth } from './index';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer();
});
afterAll(() => mock.close());

describe('c.var.twilio.client', () => {
  let middleware: { close(): Promise<void> } | undefined;
  afterEach(async () => {
    await middleware?.close();
    mock.reset();
  });

  const app = (clientSecret?: string) => {
    const factory = vi.fn(
      twilioClientFactory({ accountSid: mock.accountSid, apiBaseUrl: mock.apiBaseUrl }),
    );
    const base = mock.clientOptions();
    const twilio = twilioOAuth(
      { ...base, clientSecret: clientSecret ?? base.clientSecret, retry: { maxAttempts: 1 } },
      { sdkClient: factory },
    );
    middleware = twilio;
    const hono = new Hono()
      .use(twilio)
      .post('/messages', async (c) => {
        const { to, from, body } = await c.req.json<{ to: string; from: string; body: string }>();
        const message = await c.var.twilio.client.messages.create({ to, from, body });
        return c.json({ sid: message.sid }, 201);
      })
      .get('/messages', async (c) => {
        const messages = await c.var.twilio.client.messages.list({ limit: 20 });
        return c.json(messages.map((m) => m.body));
      })
      .get('/health', (c) => c.json({ ok: true }));
    return { factory, hono };
  };

  it('sends and lists through one manager: one client, one token', async () => {
    const { factory, hono } = app();
    const sent = await hono.request('/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to: '+15005550006', from: '+15005550001', body: 'hi' }),
    });
    expect(sent.status).toBe(201);
    const lists = await Promise.all(Array.from({ length: 10 }, () => hono.request('/messages')));
    expect(lists.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(await lists[0]?.json()).toEqual(['hi']);
    expect(factory).toHaveBeenCalledTimes(1);
    expect(mock.stats()).toMatchObject({ tokenRequests: 1, apiRequests: 11 });
  });

  it('routes that never touch the client build none and cost no token', async () => {
    const { factory, hono } = app();
    expect((await hono.request('/health')).status).toBe(200);
    expect(factory).not.toHaveBeenCalled();
    expect(mock.stats().tokenRequests).toBe(0);
  });

  it('a rejected credential is a 502, never the secret', async () => {
    const { hono } = app('wrong-secret-value');
    const response = await hono.request('/messages');
    expect(response.status).toBe(502);
    expect(await response.text()).not.toContain('wrong-secret-value');
    expect(mock.stats().apiRequests).toBe(0);
  });
});
