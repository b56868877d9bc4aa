// req.twilio.client: the official SDK through the request's manager, one client per manager.
import { type MockServer, startMockServer } from '@twilio-oauth/mock-server';
import { twilioClientFactory } from '@twilio-oauth/twilio';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { frameworks, listen, type RunningApp, route } from '../test/helpers';
import { twilioOAuthErrorHandler } from './errors';
import { twilioOAuth } from './middleware';
import type { TwilioOAuthMiddleware } from './types';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer();
});
afterAll(() => mock.close());

describe.each(frameworks)('req.twilio.client on %s', (_name, express) => {
  let running: RunningApp | undefined;
  let middleware: TwilioOAuthMiddleware | undefined;
  afterEach(async () => {
    await running?.close();
    await middleware?.close();
    mock.reset();
  });

  const start = async (secret?: string) => {
    const factory = vi.fn(
      twilioClientFactory({ accountSid: mock.accountSid, apiBaseUrl: mock.apiBaseUrl }),
    );
    const base = mock.clientOptions();
    middleware = twilioOAuth(
      { ...base, clientSecret: secret ?? base.clientSecret, retry: { maxAttempts: 1 } },
      { sdkClient: factory },
    );
    const app = express();
    app.use(express.json());
    app.use(middleware);
    app.post(
      '/messages',
      route(async (req, res) => {
        const { to, from, body } = req.body as { to: string; from: string; body: string };
        const message = await req.twilio.client.messages.create({ to, from, body });
        res.status(201).json({ sid: message.sid });
      }),
    );
    app.get(
      '/messages',
      route(async (req, res) => {
        const messages = await req.twilio.client.messages.list({ limit: 20 });
        res.json(messages.map((m) => m.body));
      }),
    );
    app.get('/health', (_req, res) => {
      res.json({ ok: true });
    });
    app.use(twilioOAuthErrorHandler());
    running = await listen(app);
    return { factory, url: running.url };
  };

  it('sends and lists through one manager: one client, one token', async () => {
    const { factory, url } = await start();
    const send = (body: string) =>
      fetch(`${url}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ to: '+15005550006', from: '+15005550001', body }),
      });
    expect((await send('one')).status).toBe(201);
    const lists = await Promise.all(Array.from({ length: 10 }, () => fetch(`${url}/messages`)));
    expect(lists.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(await lists[0]?.json()).toEqual(['one']);
    expect(factory).toHaveBeenCalledTimes(1);
    expect(mock.stats()).toMatchObject({ tokenRequests: 1, apiRequests: 11 });
  });

  it('routes that never touch the client build none and cost no token', async () => {
    const { factory, url } = await start();
    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect(factory).not.toHaveBeenCalled();
    expect(mock.stats().tokenRequests).toBe(0);
  });

  it('a rejected credential is a 502 with the Twilio code, never the secret', async () => {
    const { url } = await start('wrong-secret-value');
    const response = await fetch(`${url}/messages`);
    const text = await response.text();
    expect(response.status).toBe(502);
    expect(text).not.toContain('wrong-secret-value');
    expect(mock.stats().apiRequests).toBe(0);
  });
});
