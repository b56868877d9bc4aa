import { TokenManager, type TokenManagerOptions, TokenRequestError } from '@twilio-oauth/core';
import { type MockServer, startMockServer } from '@twilio-oauth/mock-server';
import { Hono, type MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { twilioOAuth } from './index';
import type { TwilioOAuthEnv } from './types';

const ALICE = { clientId: 'OQalice', clientSecret: 'alice-secret-4f1c9a' };
const BOB = { clientId: 'OQbob', clientSecret: 'bob-secret-77e0d2' };
// Small retry settings keep the failure tests fast.
const FAST_RETRY = { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 };

let server: MockServer;
const managers: TokenManager[] = [];

beforeEach(async () => {
  server = await startMockServer({ clients: [ALICE, BOB], tokenTtlSeconds: 3600 });
});

afterEach(async () => {
  await Promise.all(managers.splice(0).map((manager) => manager.close()));
  await server.close();
});

const optionsFor = (
  client: { clientId: string; clientSecret: string },
  extra: Partial<TokenManagerOptions> = {},
): TokenManagerOptions => ({
  ...client,
  tokenUrl: server.tokenUrl,
  allowedHosts: ['127.0.0.1'],
  retry: FAST_RETRY,
  ...extra,
});

const messagesUrl = () =>
  `${server.apiBaseUrl}/2010-04-01/Accounts/${server.accountSid}/Messages.json`;

/**
 * A real app whose routes record the tokens they saw in `seen` (the responses never
 * carry a token) and whose errors land in `errors`.
 */
function buildApp(middleware: MiddlewareHandler) {
  const seen: string[] = [];
  const errors: unknown[] = [];
  const app = new Hono<TwilioOAuthEnv & { Bindings: Record<string, string> }>()
    .use(middleware)
    .get('/health', (c) => c.json({ status: 'ok' }))
    .get('/token', async (c) => {
      const token = await c.var.twilio.getToken();
      seen.push(token.accessToken);
      return c.json({ expiresAt: token.expiresAt });
    })
    .get('/header', async (c) => {
      const header = await c.var.twilio.getAuthorizationHeader();
      seen.push(header);
      return c.json({ ok: header.startsWith('Bearer ') });
    })
    .get('/messages', async (c) => {
      const response = await c.var.twilio.fetch(messagesUrl());
      return c.json(await response.json(), response.status === 200 ? 200 : 500);
    });
  app.onError((error, c) => {
    errors.push(error);
    return error instanceof HTTPException
      ? c.json({ error: error.message }, error.status)
      : c.json({ error: 'internal' }, 500);
  });
  return { app, seen, errors };
}

describe('twilioOAuth(options)', () => {
  it('makes one token request for many concurrent requests and reuses the token', async () => {
    const { app, seen } = buildApp(twilioOAuth(optionsFor(ALICE)));

    const responses = await Promise.all(Array.from({ length: 25 }, () => app.request('/token')));

    expect(responses.map((r) => r.status)).toEqual(Array(25).fill(200));
    expect(server.stats().tokenRequests).toBe(1);
    expect(new Set(seen).size).toBe(1);

    expect((await app.request('/header')).status).toBe(200);
    expect(seen.at(-1)).toBe(`Bearer ${seen[0]}`);
    expect(server.stats().tokenRequests).toBe(1);
  });

  it('costs no token request when the route does not use c.var.twilio', async () => {
    const { app } = buildApp(twilioOAuth(optionsFor(ALICE)));

    const response = await app.request('/health');

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
    expect(server.stats().tokenRequests).toBe(0);
  });

  it('sends the bearer on fetch() and recovers once from a 401 with a new token', async () => {
    const { app } = buildApp(twilioOAuth(optionsFor(ALICE)));
    expect((await app.request('/messages')).status).toBe(200);
    expect(server.stats().tokensIssued).toBe(1);

    server.revokeTokens();
    const response = await app.request('/messages');

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ messages: [] });
    const stats = server.stats();
    expect(stats.rejectedApiRequests).toBe(1);
    expect(stats.tokensIssued).toBe(2);
    expect(stats.apiRequests).toBe(3);
  });

  it('keeps working when a method is detached from c.var.twilio', async () => {
    const app = new Hono().use(twilioOAuth(optionsFor(ALICE))).get('/detached', async (c) => {
      const { fetch } = c.var.twilio;
      const response = await fetch(messagesUrl());
      return c.json({ status: response.status });
    });

    expect(await (await app.request('/detached')).json()).toEqual({ status: 200 });
  });

  it('answers 502 without secrets when the credentials are rejected', async () => {
    const { app, errors, seen } = buildApp(
      twilioOAuth(optionsFor({ clientId: ALICE.clientId, clientSecret: 'wrong-secret-93ab' })),
    );

    const response = await app.request('/token');
    const body = await response.text();

    expect(response.status).toBe(502);
    expect(JSON.parse(body)).toEqual({
      error: 'Twilio credentials were rejected (invalid_client, Twilio error 322402)',
    });
    expect(body).not.toContain('wrong-secret-93ab');
    expect(seen).toEqual([]);
    // OAuth errors are final: no retry.
    expect(server.stats().tokenRequests).toBe(1);

    const [error] = errors;
    expect(error).toBeInstanceOf(HTTPException);
    const cause = (error as HTTPException).cause;
    expect(cause).toBeInstanceOf(TokenRequestError);
    expect(cause).toMatchObject({ code: 'invalid_client', status: 400, twilioCode: 322402 });
  });

  it('lets Hono’s default error handler answer the mapped status, OAuth code and Twilio code', async () => {
    const app = new Hono()
      .use(twilioOAuth(optionsFor({ clientId: 'OQnobody', clientSecret: 'nobody-secret-1d' })))
      .get('/token', async (c) => c.json((await c.var.twilio.getToken()).expiresAt));

    const response = await app.request('/token');
    const body = await response.text();

    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(JSON.parse(body)).toEqual({
      error: 'Twilio credentials were rejected (invalid_client, Twilio error 322402)',
      code: 'invalid_client',
      twilioCode: 322402,
    });
    expect(body).not.toContain('nobody-secret-1d');
  });

  it('answers 503 when the token endpoint fails with 5xx, after the configured retries', async () => {
    server.setFaults({ token: { status: 503 } });
    const { app, errors } = buildApp(twilioOAuth(optionsFor(ALICE)));

    const response = await app.request('/token');

    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      error: 'Twilio token service unavailable (server_error)',
    });
    expect(server.stats().tokenRequests).toBe(FAST_RETRY.maxAttempts);
    expect((errors[0] as HTTPException).cause).toMatchObject({
      code: 'server_error',
      attempts: FAST_RETRY.maxAttempts,
    });
  });

  it('answers 503 when the token endpoint times out', async () => {
    server.setFaults({ token: { hang: true } });
    const { app } = buildApp(
      twilioOAuth(optionsFor(ALICE, { timeoutMs: 100, retry: { maxAttempts: 1 } })),
    );

    const response = await app.request('/header');
    const body = await response.text();

    expect(response.status).toBe(503);
    expect(JSON.parse(body)).toEqual({ error: 'Twilio token service unavailable (timeout)' });
    expect(body).not.toContain(ALICE.clientSecret);
  });

  it('maps token failures met inside fetch() and leaves other errors as 500', async () => {
    server.setFaults({ token: { status: 503 } });
    const { app, errors } = buildApp(twilioOAuth(optionsFor(ALICE)));
    expect((await app.request('/messages')).status).toBe(503);
    expect(server.stats().apiRequests).toBe(0);

    server.setFaults({});
    const outside = new Hono<TwilioOAuthEnv>();
    outside.use(twilioOAuth(optionsFor(ALICE)));
    outside.get('/elsewhere', async (c) => {
      await c.var.twilio.fetch('https://example.com/steal');
      return c.text('unreachable');
    });
    outside.onError((error, c) => {
      errors.push(error);
      return c.text('internal', 500);
    });

    expect((await outside.request('/elsewhere')).status).toBe(500);
    expect(errors.at(-1)).toMatchObject({ name: 'HostNotAllowedError', host: 'example.com' });
  });

  it('shares one handle across requests for options and { manager } (nothing per request)', async () => {
    const manager = new TokenManager(optionsFor(ALICE));
    managers.push(manager);
    for (const middleware of [twilioOAuth(optionsFor(ALICE)), twilioOAuth({ manager })]) {
      const handles = new Set<unknown>();
      const app = new Hono().use(middleware).get('/', (c) => {
        handles.add(c.var.twilio);
        return c.text('ok');
      });
      await Promise.all([app.request('/'), app.request('/'), app.request('/')]);
      expect(handles.size).toBe(1);
      await middleware.close();
    }
    // { manager } is the app's: close() left it open.
    expect((await manager.getToken()).tokenType).toBe('Bearer');
  });

  it('throws at creation on invalid options, naming the option and not the secret', () => {
    let thrown: unknown;
    try {
      twilioOAuth({
        clientId: ALICE.clientId,
        clientSecret: ALICE.clientSecret,
        tokenUrl: 'ftp://x',
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ name: 'InvalidOptionsError', option: 'tokenUrl' });
    expect(String(thrown)).not.toContain(ALICE.clientSecret);

    expect(() => twilioOAuth({ clientId: ALICE.clientId, clientSecret: '' })).toThrow(
      /clientSecret/,
    );
  });
});

describe('twilioOAuth((c) => options)', () => {
  type Bindings = { CLIENT_ID: string; CLIENT_SECRET: string };

  const fromEnv = () =>
    twilioOAuth<{ Bindings: Bindings }>((c) =>
      optionsFor({ clientId: c.env.CLIENT_ID, clientSecret: c.env.CLIENT_SECRET }),
    );
  const envOf = (client: typeof ALICE): Bindings => ({
    CLIENT_ID: client.clientId,
    CLIENT_SECRET: client.clientSecret,
  });

  it('gets one token per client id from per-request env and reuses it across requests', async () => {
    const tokensOf = new Map<string, Set<string>>();
    const app = new Hono<{ Bindings: Bindings }>().use(fromEnv()).get('/token', async (c) => {
      const { accessToken } = await c.var.twilio.getToken();
      const tokens = tokensOf.get(c.env.CLIENT_ID) ?? new Set();
      tokensOf.set(c.env.CLIENT_ID, tokens.add(accessToken));
      return c.text('ok');
    });
    const request = (client: typeof ALICE) => app.request('/token', {}, envOf(client));

    const first = await Promise.all([ALICE, BOB, ALICE, BOB, ALICE].map(request));
    const second = await Promise.all([BOB, ALICE].map(request));

    expect([...first, ...second].map((r) => r.status)).toEqual(Array(7).fill(200));
    const stats = server.stats();
    expect(stats.tokenRequests).toBe(2);
    expect(stats.byClient[ALICE.clientId]?.tokenRequests).toBe(1);
    expect(stats.byClient[BOB.clientId]?.tokenRequests).toBe(1);
    const [alice] = tokensOf.get(ALICE.clientId) ?? [];
    const [bob] = tokensOf.get(BOB.clientId) ?? [];
    expect(tokensOf.get(ALICE.clientId)?.size).toBe(1);
    expect(tokensOf.get(BOB.clientId)?.size).toBe(1);
    expect(alice).toBeDefined();
    expect(alice).not.toBe(bob);
  });

  it('keeps one pool per middleware: apps with different options never replace each other', async () => {
    // Same credential, other settings: a module-wide pool would swap managers on every request.
    const withEvents = (events: string[], extra: Partial<TokenManagerOptions>) =>
      twilioOAuth<{ Bindings: Bindings }>((c) =>
        optionsFor(
          { clientId: c.env.CLIENT_ID, clientSecret: c.env.CLIENT_SECRET },
          { onEvent: (event) => events.push(event.type), ...extra },
        ),
      );
    const aEvents: string[] = [];
    const bEvents: string[] = [];
    const a = buildApp(withEvents(aEvents, {}));
    const b = buildApp(withEvents(bEvents, { retry: { maxAttempts: 1 } }));

    for (let i = 0; i < 5; i++) {
      expect((await a.app.request('/token', {}, envOf(ALICE))).status).toBe(200);
      expect((await b.app.request('/token', {}, envOf(ALICE))).status).toBe(200);
    }

    expect(server.stats().tokenRequests).toBe(2);
    expect(new Set(a.seen).size).toBe(1);
    expect(new Set(b.seen).size).toBe(1);
    for (const events of [aEvents, bEvents]) {
      expect(events.filter((type) => type === 'token.issued')).toHaveLength(1);
      expect(events.filter((type) => type === 'cache.hit')).toHaveLength(4);
    }
  });

  it('close() closes the managers of its own pool only', async () => {
    const a = fromEnv();
    const b = fromEnv();
    const appA = buildApp(a);
    const appB = buildApp(b);
    expect((await appA.app.request('/token', {}, envOf(ALICE))).status).toBe(200);
    expect((await appB.app.request('/token', {}, envOf(ALICE))).status).toBe(200);

    await a.close();

    expect((await appA.app.request('/token', {}, envOf(ALICE))).status).toBe(503);
    expect((await appB.app.request('/token', {}, envOf(ALICE))).status).toBe(200);
    await b.close();
  });

  it('computes options lazily: never for unused requests, once for a request using it', async () => {
    const factory = vi.fn((c: { env: Bindings }) =>
      optionsFor({ clientId: c.env.CLIENT_ID, clientSecret: c.env.CLIENT_SECRET }),
    );
    const app = new Hono<{ Bindings: Bindings }>()
      .use(twilioOAuth<{ Bindings: Bindings }>(factory))
      .get('/health', (c) => c.text('ok'))
      .get('/twice', async (c) => {
        await c.var.twilio.getToken();
        await c.var.twilio.getAuthorizationHeader();
        return c.text('ok');
      });

    expect((await app.request('/health', {}, envOf(ALICE))).status).toBe(200);
    expect(factory).not.toHaveBeenCalled();
    expect(server.stats().tokenRequests).toBe(0);

    expect((await app.request('/twice', {}, envOf(ALICE))).status).toBe(200);
    expect(factory).toHaveBeenCalledTimes(1);
  });

  it('answers 500, not 502/503, when the options are invalid', async () => {
    const { app, errors } = buildApp(fromEnv());

    const response = await app.request(
      '/token',
      {},
      { CLIENT_ID: ALICE.clientId, CLIENT_SECRET: '' },
    );

    expect(response.status).toBe(500);
    expect(errors[0]).toMatchObject({ name: 'InvalidOptionsError', option: 'clientSecret' });
    expect(server.stats().tokenRequests).toBe(0);
  });

  it('answers 502 for a tenant whose credentials are rejected, without its secret', async () => {
    const { app } = buildApp(fromEnv());

    const response = await app.request(
      '/token',
      {},
      { CLIENT_ID: 'OQmallory', CLIENT_SECRET: 'mallory-secret-0b' },
    );
    const body = await response.text();

    expect(response.status).toBe(502);
    expect(body).not.toContain('mallory-secret-0b');
    expect((await app.request('/token', {}, envOf(ALICE))).status).toBe(200);
  });
});

describe('twilioOAuth({ manager })', () => {
  it('uses the given manager and leaves it open', async () => {
    const manager = new TokenManager(optionsFor(ALICE));
    managers.push(manager);
    const { app, seen } = buildApp(twilioOAuth({ manager }));

    await Promise.all([app.request('/token'), app.request('/token')]);
    const direct = await manager.getToken();

    expect(server.stats().tokenRequests).toBe(1);
    expect(seen).toEqual([direct.accessToken, direct.accessToken]);
    expect(manager.tokenInfo()?.state).toBe('fresh');
  });

  it('refuses something that is not a manager, or a manager mixed with options', () => {
    expect(() => twilioOAuth({ manager: {} as TokenManager })).toThrow(
      expect.objectContaining({ name: 'InvalidOptionsError', option: 'manager' }),
    );
    const manager = new TokenManager(optionsFor(ALICE));
    managers.push(manager);
    const mixed = { manager, clientId: 'OQother' };
    expect(() => twilioOAuth(mixed)).toThrow(/manager/);
  });
});

describe('background refresh on Workers (executionCtx.waitUntil)', () => {
  function fakeExecutionCtx() {
    const waited: Promise<unknown>[] = [];
    return {
      waited,
      ctx: {
        waitUntil: (promise: Promise<unknown>) => {
          waited.push(promise);
        },
        passThroughOnException: () => {},
        props: {},
      },
    };
  }

  it('keeps the refresh of a stale token alive with waitUntil', async () => {
    let nowMs = Date.now();
    const { app, seen } = buildApp(twilioOAuth(optionsFor(ALICE, { now: () => nowMs })));

    const cold = fakeExecutionCtx();
    expect((await app.request('/token', {}, {}, cold.ctx)).status).toBe(200);
    await Promise.all(cold.waited);
    expect(server.stats().tokensIssued).toBe(1);

    // Inside refreshAheadSeconds (300 s) but outside expiryBufferSeconds (60 s): stale.
    nowMs += (3600 - 120) * 1000;
    const stale = fakeExecutionCtx();
    expect((await app.request('/token', {}, {}, stale.ctx)).status).toBe(200);

    expect(seen[1]).toBe(seen[0]); // served at once from the cache
    expect(stale.waited).toHaveLength(1);
    await stale.waited[0];
    expect(server.stats().tokensIssued).toBe(2);

    const after = fakeExecutionCtx();
    expect((await app.request('/token', {}, {}, after.ctx)).status).toBe(200);
    expect(seen[2]).not.toBe(seen[0]);
    expect(server.stats().tokenRequests).toBe(2);
  });

  it('does not call waitUntil when nothing is in flight (a cached token)', async () => {
    const { app } = buildApp(twilioOAuth(optionsFor(ALICE)));
    const cold = fakeExecutionCtx();
    expect((await app.request('/token', {}, {}, cold.ctx)).status).toBe(200);
    await Promise.all(cold.waited);

    const cached = fakeExecutionCtx();
    for (let i = 0; i < 3; i++) {
      expect((await app.request('/token', {}, {}, cached.ctx)).status).toBe(200);
    }

    expect(cached.waited).toEqual([]);
    expect(server.stats().tokenRequests).toBe(1);
  });

  it('keeps alive an exchange another request started that is still in flight at its response', async () => {
    server.setFaults({ token: { delayMs: 50 } });
    let started: Promise<unknown> | undefined;
    const app = new Hono()
      .use(twilioOAuth(optionsFor(ALICE)))
      .get('/token', async (c) => c.json((await c.var.twilio.getToken()).expiresAt))
      // Joins the exchange, answers before it is done.
      .get('/early', (c) => {
        started = c.var.twilio.getToken();
        return c.text('early');
      });
    const first = app.request('/token', {}, {}, fakeExecutionCtx().ctx);
    const early = fakeExecutionCtx();

    expect(await (await app.request('/early', {}, {}, early.ctx)).text()).toBe('early');
    expect(server.stats().tokensIssued).toBe(0);
    expect(early.waited).toHaveLength(1);

    await early.waited[0];
    expect(server.stats().tokensIssued).toBe(1);
    expect(server.stats().tokenRequests).toBe(1);
    expect((await first).status).toBe(200);
    await started;
  });

  it('does not call waitUntil for requests that did not use the handle', async () => {
    const { app } = buildApp(twilioOAuth(optionsFor(ALICE)));
    const fake = fakeExecutionCtx();

    expect((await app.request('/health', {}, {}, fake.ctx)).status).toBe(200);

    expect(fake.waited).toEqual([]);
  });

  it('still keeps the refresh alive when the route fails', async () => {
    let nowMs = Date.now();
    const app = new Hono()
      .use(twilioOAuth(optionsFor(ALICE, { now: () => nowMs })))
      .get('/boom', async (c) => {
        await c.var.twilio.getToken();
        throw new Error('route failed');
      });
    app.onError((_error, c) => c.text('failed', 500));
    expect((await app.request('/boom', {}, {}, fakeExecutionCtx().ctx)).status).toBe(500);

    // Stale: the route gets the held token and fails while the refresh is in flight.
    nowMs += (3600 - 120) * 1000;
    const fake = fakeExecutionCtx();
    expect((await app.request('/boom', {}, {}, fake.ctx)).status).toBe(500);
    expect(fake.waited).toHaveLength(1);
    await fake.waited[0];
    expect(server.stats().tokensIssued).toBe(2);
  });
});

describe('two credentials side by side', () => {
  it('puts each on its own variable: one token each, neither overwrites the other', async () => {
    const account = twilioOAuth(optionsFor(ALICE));
    const org = twilioOAuth(optionsFor(BOB), { as: 'twilioOrg' });
    const app = new Hono()
      .use(account)
      .use(org)
      .get('/both', async (c) => {
        const [a, b] = await Promise.all([
          c.var.twilio.fetch(messagesUrl()),
          c.var.twilioOrg.fetch(messagesUrl()),
        ]);
        const [ta, tb] = await Promise.all([c.var.twilio.getToken(), c.var.twilioOrg.getToken()]);
        return c.json({ statuses: [a.status, b.status], same: ta.accessToken === tb.accessToken });
      });
    try {
      for (let i = 0; i < 3; i++) {
        const response = await app.request('/both');
        expect(await response.json()).toEqual({ statuses: [200, 200], same: false });
      }
      const { byClient, tokenRequests } = server.stats();
      expect(tokenRequests).toBe(2);
      expect(byClient[ALICE.clientId]).toMatchObject({ tokenRequests: 1, apiRequests: 3 });
      expect(byClient[BOB.clientId]).toMatchObject({ tokenRequests: 1, apiRequests: 3 });
    } finally {
      await Promise.all([account.close(), org.close()]);
    }
  });
});
