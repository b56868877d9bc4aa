import {
  HostNotAllowedError,
  InvalidOptionsError,
  TokenManager,
  type TokenManagerOptions,
  TokenRequestError,
} from '@twilio-oauth/core';
import { type MockServer, startMockServer } from '@twilio-oauth/mock-server';
import express5, { type ErrorRequestHandler, type Request } from 'express';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { frameworks, listen, messagesPath, type RunningApp, route } from '../test/helpers';
import { TwilioOAuthHttpError, twilioOAuthErrorHandler } from './errors';
import type { TwilioOAuthHandle, TwilioOAuthMiddleware } from './index';
import { twilioOAuth } from './middleware';

const tenantA = { clientId: `OQ${'a'.repeat(32)}`, clientSecret: 'tenant-a-Secret-9f8e7d6c5b4a' };
const tenantB = { clientId: `OQ${'b'.repeat(32)}`, clientSecret: 'tenant-b-Secret-1a2b3c4d5e6f' };
const secrets = [tenantA.clientSecret, tenantB.clientSecret];
// Small retry settings keep the failure tests fast.
const retry = { maxAttempts: 2, baseDelayMs: 0 };
const allowedHosts = ['127.0.0.1'];

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ clients: [tenantA, tenantB] });
});
afterAll(() => mock.close());

const options = (overrides: Partial<TokenManagerOptions> = {}): TokenManagerOptions => ({
  ...tenantA,
  tokenUrl: mock.tokenUrl,
  allowedHosts,
  retry,
  ...overrides,
});

const expectNoSecret = (body: string): void => {
  for (const secret of secrets) expect(body).not.toContain(secret);
};

describe.each(frameworks)('twilioOAuth on %s', (_name, express) => {
  let running: RunningApp | undefined;
  let middleware: TwilioOAuthMiddleware | undefined;
  /** Every error that reached `next(err)`, in order. */
  const seen: unknown[] = [];

  afterEach(async () => {
    await running?.close();
    await middleware?.close();
    running = undefined;
    middleware = undefined;
    seen.length = 0;
    mock.reset();
  });

  const lastTwilioError = (): TwilioOAuthHttpError => {
    const error = seen.at(-1);
    if (!(error instanceof TwilioOAuthHttpError)) {
      throw new Error(`expected a TwilioOAuthHttpError, got ${String(error)}`);
    }
    return error;
  };

  /** A real app: the middleware, routes that use `req.twilio` (or not), then error handlers. */
  async function start(mw: TwilioOAuthMiddleware, { jsonErrors = false } = {}): Promise<string> {
    middleware = mw;
    const app = express();
    app.use(mw);
    app.get('/health', (_req, res) => {
      res.json({ status: 'ok' });
    });
    app.get(
      '/token',
      route(async (req, res) => {
        const { tokenType, expiresAt } = await req.twilio.getToken();
        res.json({ tokenType, expiresAt });
      }),
    );
    app.get(
      '/messages',
      route(async (req, res) => {
        // Detached on purpose: the handle's members must not depend on `this`.
        const { fetch: twilioFetch } = req.twilio;
        const upstream = await twilioFetch(`${mock.apiBaseUrl}${messagesPath(mock.accountSid)}`);
        res.status(upstream.status).json(await upstream.json());
      }),
    );
    app.get(
      '/elsewhere',
      route(async (req, res) => {
        const upstream = await req.twilio.fetch('https://example.com/');
        res.sendStatus(upstream.status);
      }),
    );
    app.get('/boom', () => {
      throw new Error('boom');
    });
    const record: ErrorRequestHandler = (err, _req, _res, next) => {
      seen.push(err);
      next(err);
    };
    app.use(record);
    if (jsonErrors) app.use(twilioOAuthErrorHandler());
    running = await listen(app);
    return running.url;
  }

  it('costs no token request on a route that does not use req.twilio', async () => {
    const url = await start(twilioOAuth(options()));
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${url}/health`);
      expect(await res.json()).toEqual({ status: 'ok' });
    }
    expect(mock.stats().tokenRequests).toBe(0);
  });

  it('makes one token request for 200 concurrent requests', async () => {
    const url = await start(twilioOAuth(options()));
    const responses = await Promise.all(
      Array.from({ length: 200 }, () => fetch(`${url}/messages`)),
    );
    const bodies = await Promise.all(responses.map((res) => res.text()));
    expect(responses.map((res) => res.status)).toEqual(Array(200).fill(200));
    expect(bodies.every((body) => Array.isArray(JSON.parse(body).messages))).toBe(true);
    expect(mock.stats()).toMatchObject({ tokenRequests: 1, apiRequests: 200 });
  });

  it('answers 502 through the default error handler when the credentials are rejected', async () => {
    const wrongSecret = 'wrong-Secret-0000-never-echoed';
    const url = await start(twilioOAuth(options({ clientSecret: wrongSecret })));
    const res = await fetch(`${url}/token`);
    const body = await res.text();

    expect(res.status).toBe(502);
    expect(body).not.toContain(wrongSecret);
    expectNoSecret(body);
    const error = lastTwilioError();
    expect(error).toMatchObject({
      status: 502,
      statusCode: 502,
      expose: false,
      code: 'invalid_client',
      twilioCode: 322402,
      message: 'Twilio credentials were rejected (invalid_client, Twilio error 322402)',
    });
    expect(error.cause).toBeInstanceOf(TokenRequestError);
    expect(error.cause).toMatchObject({ code: 'invalid_client', twilioCode: 322402 });
    // An OAuth error is final: no retry.
    expect(mock.stats().tokenRequests).toBe(1);
  });

  it('renders token failures as JSON with twilioOAuthErrorHandler()', async () => {
    const url = await start(twilioOAuth(options({ clientSecret: 'wrong-Secret-1111' })), {
      jsonErrors: true,
    });
    const res = await fetch(`${url}/messages`);
    const body = await res.text();

    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(JSON.parse(body)).toEqual({
      error: 'Twilio credentials were rejected (invalid_client, Twilio error 322402)',
      code: 'invalid_client',
      twilioCode: 322402,
    });
    expect(body).not.toContain('wrong-Secret-1111');
    expect(mock.stats().apiRequests).toBe(0);
  });

  it('answers 502 when the token response is invalid', async () => {
    mock.setFaults({ token: { malformed: true } });
    const url = await start(twilioOAuth(options()), { jsonErrors: true });
    const res = await fetch(`${url}/token`);

    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({
      error: 'Twilio token service sent an invalid response (invalid_response)',
      code: 'invalid_response',
    });
    expect(lastTwilioError().code).toBe('invalid_response');
  });

  it.each([
    ['a 503 page', { status: 503 }, 'server_error', undefined],
    ['429 answers', { status: 429 }, 'rate_limited', 20429],
    ['no answer within timeoutMs', { hang: true }, 'timeout', undefined],
    ['connection resets', { reset: true }, 'network_error', undefined],
  ] as const)(
    'answers 503 when the token service is down (%s)',
    async (_label, fault, code, twilioCode) => {
      mock.setFaults({ token: fault });
      const url = await start(twilioOAuth(options({ timeoutMs: 100 })), { jsonErrors: true });
      const res = await fetch(`${url}/messages`);
      const body = await res.text();

      expect(res.status).toBe(503);
      expect(JSON.parse(body)).toEqual(
        twilioCode === undefined
          ? { error: `Twilio token service unavailable (${code})`, code }
          : {
              error: `Twilio token service unavailable (${code}, Twilio error ${twilioCode})`,
              code,
              twilioCode,
            },
      );
      expectNoSecret(body);
      expect(lastTwilioError()).toMatchObject({
        status: 503,
        statusCode: 503,
        expose: false,
        code,
      });
      expect(mock.stats()).toMatchObject({ tokenRequests: retry.maxAttempts, apiRequests: 0 });
    },
  );

  it('answers 503 through the default error handler too', async () => {
    mock.setFaults({ token: { status: 503 } });
    const url = await start(twilioOAuth(options()));
    const res = await fetch(`${url}/token`);

    expect(res.status).toBe(503);
    expectNoSecret(await res.text());
  });

  it('succeeds with a new token when the API answers 401 once', async () => {
    const url = await start(twilioOAuth(options()));
    expect((await fetch(`${url}/messages`)).status).toBe(200);
    mock.revokeTokens();

    const res = await fetch(`${url}/messages`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ messages: expect.any(Array) });
    expect(mock.stats()).toMatchObject({ tokenRequests: 2, rejectedApiRequests: 1 });
  });

  it('keeps one manager per tenant with the function form, reused across requests', async () => {
    const factory = vi.fn((req: Request) => ({
      ...(req.get('x-tenant') === 'b' ? tenantB : tenantA),
      tokenUrl: mock.tokenUrl,
      allowedHosts,
      retry,
    }));
    const url = await start(twilioOAuth(factory));
    const get = (tenant: string) => fetch(`${url}/messages`, { headers: { 'x-tenant': tenant } });

    const concurrent = await Promise.all(['a', 'b', 'a', 'b', 'a'].map(get));
    const sequential = [await get('a'), await get('b')];
    for (const res of [...concurrent, ...sequential]) {
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
    expect((await fetch(`${url}/health`, { headers: { 'x-tenant': 'b' } })).status).toBe(200);

    const { byClient, tokenRequests } = mock.stats();
    expect(tokenRequests).toBe(2);
    expect(byClient[tenantA.clientId]).toMatchObject({ tokensIssued: 1, apiRequests: 4 });
    expect(byClient[tenantB.clientId]).toMatchObject({ tokensIssued: 1, apiRequests: 3 });
    // Called once per request that used req.twilio, never for /health.
    expect(factory).toHaveBeenCalledTimes(7);
  });

  it('does not call the options function on a route that does not use req.twilio', async () => {
    const factory = vi.fn(() => options());
    const url = await start(twilioOAuth(factory));
    await (await fetch(`${url}/health`)).arrayBuffer();

    expect(factory).not.toHaveBeenCalled();
    expect(mock.stats().tokenRequests).toBe(0);
  });

  it('passes invalid options from the function form on as they are (500, not 502/503)', async () => {
    const url = await start(
      twilioOAuth(() => options({ timeoutMs: -1 })),
      { jsonErrors: true },
    );
    const res = await fetch(`${url}/token`);

    expect(res.status).toBe(500);
    expect(seen.at(-1)).toBeInstanceOf(InvalidOptionsError);
    expect(seen.at(-1)).toMatchObject({ option: 'timeoutMs' });
    expectNoSecret(await res.text());
    expect(mock.stats().tokenRequests).toBe(0);
  });

  it('shares a manager passed as { manager } and leaves it open on close()', async () => {
    const manager = new TokenManager(options());
    try {
      const token = await manager.getToken();
      const url = await start(twilioOAuth({ manager }));
      const res = await fetch(`${url}/token`);

      expect(await res.json()).toEqual({ tokenType: 'Bearer', expiresAt: token.expiresAt });
      expect(mock.stats().tokenRequests).toBe(1);
      await middleware?.close();
      await expect(manager.getToken()).resolves.toEqual(token);
    } finally {
      await manager.close();
    }
  });

  it('closes the manager it built on close(): later requests answer 503', async () => {
    const url = await start(twilioOAuth(options()));
    await middleware?.close();
    const res = await fetch(`${url}/token`);

    expect(res.status).toBe(503);
    expect(lastTwilioError().code).toBe('closed');
    expect(mock.stats().tokenRequests).toBe(0);
  });

  it('does not map a refused host to 502/503 and sends it nothing', async () => {
    const url = await start(twilioOAuth(options()), { jsonErrors: true });
    const res = await fetch(`${url}/elsewhere`);

    expect(res.status).toBe(500);
    expect(seen.at(-1)).toBeInstanceOf(HostNotAllowedError);
    expect(mock.stats().apiRequests).toBe(0);
  });

  it('lets twilioOAuthErrorHandler() pass other errors on', async () => {
    const url = await start(twilioOAuth(options()), { jsonErrors: true });
    const res = await fetch(`${url}/boom`);

    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).not.toMatch(/json/);
    expect(seen.at(-1)).toMatchObject({ message: 'boom' });
  });
});

describe('twilioOAuth on Express 5 without next()', () => {
  it("answers 502 for a rejected async handler through Express 5's promise handling", async () => {
    const middleware = twilioOAuth(options({ clientSecret: 'wrong-Secret-2222' }));
    const app = express5();
    app.use(middleware);
    app.get('/token', async (req, res) => {
      res.json(await req.twilio.getToken());
    });
    const running = await listen(app);
    try {
      const res = await fetch(`${running.url}/token`);
      const body = await res.text();
      expect(res.status).toBe(502);
      expect(body).not.toContain('wrong-Secret-2222');
    } finally {
      await running.close();
      await middleware.close();
      mock.reset();
    }
  });
});

describe('twilioOAuth options', () => {
  it('validates static options at creation, naming the option and not the secret', () => {
    expect(() => twilioOAuth({ clientId: tenantA.clientId, clientSecret: '' })).toThrow(
      InvalidOptionsError,
    );
    let thrown: unknown;
    try {
      twilioOAuth(options({ timeoutMs: -5 }));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidOptionsError);
    expect(thrown).toMatchObject({ option: 'timeoutMs' });
    expect(String(thrown)).toContain('timeoutMs');
    expectNoSecret(String(thrown));
  });

  it('refuses what is neither options, { manager } nor a function', () => {
    // @ts-expect-error JavaScript callers can pass anything
    expect(() => twilioOAuth(42)).toThrow(/Invalid option "options"/);
    // @ts-expect-error JavaScript callers can pass anything
    expect(() => twilioOAuth(null)).toThrow(/Invalid option "options"/);
    // @ts-expect-error not a TokenManager
    expect(() => twilioOAuth({ manager: {} })).toThrow(
      new InvalidOptionsError('manager', 'must be a TokenManager'),
    );
  });

  it('refuses { manager } mixed with manager options', async () => {
    const manager = new TokenManager(options());
    try {
      expect(() => twilioOAuth({ manager, ...tenantB })).toThrow(
        /Invalid option "clientId": cannot be combined with "manager"/,
      );
    } finally {
      await manager.close();
    }
  });
});

declare global {
  namespace Express {
    interface Request {
      twilioOrg: TwilioOAuthHandle;
    }
  }
}

describe.each(frameworks)('two credentials side by side on %s', (_name, express) => {
  it('puts each on its own property: one token each, neither overwrites the other', async () => {
    const account = twilioOAuth(options());
    const org = twilioOAuth(options(tenantB), { as: 'twilioOrg' });
    const app = express();
    app.use(account, org);
    app.get(
      '/both',
      route(async (req, res) => {
        const url = `${mock.apiBaseUrl}${messagesPath(mock.accountSid)}`;
        const [a, b] = await Promise.all([req.twilio.fetch(url), req.twilioOrg.fetch(url)]);
        const [ta, tb] = await Promise.all([req.twilio.getToken(), req.twilioOrg.getToken()]);
        res.json({ statuses: [a.status, b.status], same: ta.accessToken === tb.accessToken });
      }),
    );
    app.get(
      '/org',
      route(async (req, res) => {
        res.json({ expiresAt: (await req.twilioOrg.getToken()).expiresAt });
      }),
    );
    const running = await listen(app);
    try {
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${running.url}/both`);
        expect(await res.json()).toEqual({ statuses: [200, 200], same: false });
      }
      expect((await fetch(`${running.url}/org`)).status).toBe(200);
      const { byClient, tokenRequests } = mock.stats();
      expect(tokenRequests).toBe(2);
      expect(byClient[tenantA.clientId]?.tokenRequests).toBe(1);
      expect(byClient[tenantB.clientId]?.tokenRequests).toBe(1);
      expect(byClient[tenantB.clientId]?.apiRequests).toBe(3);
    } finally {
      await running.close();
      await Promise.all([account.close(), org.close()]);
      mock.reset();
    }
  });
});
