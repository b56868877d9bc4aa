// An attacker who knows a victim's client id (ids are not secrets: they appear in every
// event key and log line) and can choose the options of a request — the per-request form
// every multi-tenant app uses — or reach the shared Redis, must never get the victim's
// token: every way in ends at the token endpoint with invalid_client (issue 14).
import 'reflect-metadata';
import { Controller, Get, Inject, Req } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  MemoryTokenStore,
  TokenManager,
  type TokenManagerOptions,
  type TokenStore,
} from '@twilio-oauth/core';
import { twilioOAuth as expressTwilioOAuth, twilioOAuthErrorHandler } from '@twilio-oauth/express';
import { twilioOAuth as honoTwilioOAuth } from '@twilio-oauth/hono';
import type { MockServer } from '@twilio-oauth/mock-server';
import {
  TwilioOAuthModule,
  type TwilioOAuthRequest,
  TwilioOAuthTenants,
} from '@twilio-oauth/nestjs';
import { RedisTokenStore } from '@twilio-oauth/redis';
import express from 'express';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_ID, CLIENT_SECRET, messagesUrl, startMock } from './helpers/mock';
import { REDIS_URL, redisClient, sharedRedisAvailable, uniquePrefix } from './helpers/redis';
import { section, writeResults } from './helpers/results';

const ATTACKER_SECRET = 'attacker-guess-31f0c2';
/** Requests each of the victim and the attacker sends in the per-request pool rows. */
const ROUNDS = 10;
const rows = section(
  56,
  'Multi-tenant isolation',
  `One victim tenant (client id ${CLIENT_ID.slice(0, 8)}…) gets a token through a shared store; then an attacker who knows that client id sends a request whose per-request options name it with a wrong secret, through each adapter's per-request form and through a shared Redis. "Token requests" counts what reached the mock for the attacker.`,
);
const redisUp = await sharedRedisAvailable();

let mock: MockServer;
beforeAll(async () => {
  mock = await startMock();
});
afterAll(async () => {
  await mock.close();
});

/** Per-request options, from headers, as a multi-tenant app would pick them. */
const tenantOptions = (store: TokenStore, id: string, secret: string) => ({
  clientId: id,
  clientSecret: secret,
  tokenUrl: mock.tokenUrl,
  allowedHosts: ['127.0.0.1'],
  retry: { maxAttempts: 1 },
  store,
});

interface Tenant {
  readonly id: string;
  readonly secret: string;
}
const victim: Tenant = { id: CLIENT_ID, secret: CLIENT_SECRET };
const attacker: Tenant = { id: CLIENT_ID, secret: ATTACKER_SECRET };

async function expectIsolated(
  label: string,
  call: (tenant: Tenant) => Promise<{ status: number; body: string }>,
) {
  mock.reset();
  const first = await call(victim);
  expect(first.status, `${label}: victim`).toBe(200);
  const before = mock.stats();
  const stolen = await call(attacker);
  const after = mock.stats();
  expect(stolen.status, `${label}: attacker`).toBe(502);
  expect(stolen.body, label).toContain('invalid_client');
  // The attacker's request went to the token endpoint with its own secret, and no API call
  // was made with the victim's token on its behalf.
  expect(after.tokenRequests - before.tokenRequests, label).toBe(1);
  expect(after.tokensIssued, label).toBe(before.tokensIssued);
  expect(after.apiRequests, label).toBe(before.apiRequests);
  // The victim keeps its token.
  expect((await call(victim)).status, `${label}: victim again`).toBe(200);
  expect(mock.stats().tokensIssued, label).toBe(1);
  rows.rows.push({
    fault: label,
    callers: 'victim 200 · attacker 502 `invalid_client` · victim 200 again',
    tokenRequests: '1 (the attacker’s own, refused)',
    recovery: 'no token issued to the attacker; no API call made with the victim’s token',
  });
}

describe('an attacker with a victim’s client id and a wrong secret', () => {
  it.each([
    ['Express `(req) => options`', () => expressApp],
    ['Hono `(c) => options`', () => honoApp],
    ['Nest `forRoot({ forRequest })`', () => nestApp],
  ] as const)('through %s, sharing one store', async (label, factory) => {
    const store = new MemoryTokenStore();
    const app = await factory()((id, secret) => tenantOptions(store, id, secret));
    try {
      await expectIsolated(`${label}, shared MemoryTokenStore`, app.call);
    } finally {
      await app.close();
    }
  });

  it.skipIf(!redisUp)('through a shared Redis, encrypted or not', async () => {
    const client = redisClient(REDIS_URL);
    try {
      for (const encryptionKey of [
        undefined,
        globalThis.crypto.getRandomValues(new Uint8Array(32)),
      ]) {
        const keyPrefix = uniquePrefix();
        // Each "process" has its own manager and its own store client view of one Redis.
        const managerOf = (t: Tenant) =>
          new TokenManager(
            tenantOptions(
              new RedisTokenStore({ client, keyPrefix, encryptionKey }),
              t.id,
              t.secret,
            ),
          );
        const managers: TokenManager[] = [];
        const label = `Redis store${encryptionKey ? ' (AES-GCM)' : ''}, separate processes`;
        await expectIsolated(label, async (t) => {
          const manager = managerOf(t);
          managers.push(manager);
          try {
            const upstream = await manager.fetch(messagesUrl(mock));
            await manager.settled();
            return { status: upstream.status, body: await upstream.text() };
          } catch (error) {
            return { status: 502, body: String((error as Error).message) };
          }
        });
        await Promise.all(managers.map((m) => m.close()));
        const keys = await client.keys(`${keyPrefix}*`);
        if (keys.length > 0) await client.del(...keys);
      }
    } finally {
      client.disconnect();
    }
  });
});

// Issue 24: the per-request pools bind a manager to the secret read for the request. Every
// adapter, both secret kinds (a string, and a new closure per request — the natural way to
// write it), both orders; the attacker sends as many requests as the victim.
const pools = section(
  57,
  'Per-request pools: one tenant, one manager',
  `Each adapter's per-request form, without a store: the victim and an attacker who names the victim's client id with a wrong secret take turns, ${ROUNDS} requests each, the secret given as a string or as a new function per request. "Token requests" counts everything that reached the mock.`,
);

type Kind = 'string' | 'function';
/** The options a multi-tenant app derives from a request: its own closure each time. */
const perRequest = (id: string, secret: string, kind: Kind) => ({
  clientId: id,
  clientSecret: kind === 'string' ? secret : () => secret,
  tokenUrl: mock.tokenUrl,
  allowedHosts: ['127.0.0.1'],
  retry: { maxAttempts: 1 },
  // Longer than the test: the count below must not depend on how fast the machine is.
  failFastMs: 600_000,
});

type Call = (tenant: Tenant) => Promise<{ status: number; body: string }>;
interface App {
  readonly call: Call;
  close(): Promise<void>;
}
/** The options an app derives from the tenant a request names (headers `x-client-id`, `x-secret`). */
type OptionsOf = (id: string, secret: string) => TokenManagerOptions;
const headersOf = (t: Tenant) => ({ 'x-client-id': t.id, 'x-secret': t.secret });

async function expressApp(optionsOf: OptionsOf): Promise<App> {
  const app = express();
  const middleware = expressTwilioOAuth((req) =>
    optionsOf(String(req.headers['x-client-id']), String(req.headers['x-secret'])),
  );
  app.use(middleware);
  app.get('/messages', async (req, res, next) => {
    try {
      const upstream = await req.twilio.fetch(messagesUrl(mock));
      res.status(upstream.status).send(await upstream.text());
    } catch (error) {
      next(error);
    }
  });
  app.use(twilioOAuthErrorHandler());
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  return {
    call: async (t) => {
      const res = await fetch(`http://127.0.0.1:${port}/messages`, { headers: headersOf(t) });
      return { status: res.status, body: await res.text() };
    },
    close: async () => {
      await middleware.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

async function honoApp(optionsOf: OptionsOf): Promise<App> {
  const middleware = honoTwilioOAuth((c) =>
    optionsOf(c.req.header('x-client-id') ?? '', c.req.header('x-secret') ?? ''),
  );
  const app = new Hono().use(middleware).get('/messages', async (c) => {
    const upstream = await c.var.twilio.fetch(messagesUrl(mock));
    return c.body(await upstream.text(), upstream.status as 200);
  });
  return {
    call: async (t) => {
      const res = await app.request('/messages', { headers: headersOf(t) });
      return { status: res.status, body: await res.text() };
    },
    close: () => middleware.close(),
  };
}

async function nestApp(optionsOf: OptionsOf): Promise<App> {
  const header = (req: TwilioOAuthRequest, name: string) => String(req.headers[name] ?? '');
  @Controller()
  class MessagesController {
    // Explicit: the test transform emits no decorator metadata.
    constructor(@Inject(TwilioOAuthTenants) private readonly twilio: TwilioOAuthTenants) {}
    @Get('messages')
    async messages(@Req() req: TwilioOAuthRequest) {
      return (await this.twilio.forRequest(req).fetch(messagesUrl(mock))).text();
    }
  }
  const moduleRef = await Test.createTestingModule({
    imports: [
      TwilioOAuthModule.forRoot({
        forRequest: (req) => optionsOf(header(req, 'x-client-id'), header(req, 'x-secret')),
      }),
    ],
    controllers: [MessagesController],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return {
    call: async (t) => {
      const res = await fetch(`http://127.0.0.1:${port}/messages`, { headers: headersOf(t) });
      return { status: res.status, body: await res.text() };
    },
    close: () => app.close(),
  };
}

describe.each([
  ['Express `(req) => options`', expressApp],
  ['Hono `(c) => options`', honoApp],
  ['Nest `forRoot({ forRequest })`', nestApp],
] as const)(
  '%s: a wrong secret never reaches, replaces or evicts the tenant’s manager',
  (label, make) => {
    it.each([
      ['string', 'victim first'],
      ['string', 'attacker first'],
      ['function', 'victim first'],
      ['function', 'attacker first'],
    ] as const)('secret as a %s, %s', async (kind, order) => {
      mock.reset();
      const app = await make((id, secret) => perRequest(id, secret, kind));
      try {
        const turns = order === 'victim first' ? [victim, attacker] : [attacker, victim];
        const statuses = { victim: new Set<number>(), attacker: new Set<number>() };
        for (let round = 0; round < ROUNDS; round++) {
          for (const tenant of turns) {
            const { status, body } = await app.call(tenant);
            if (tenant === attacker) expect(body).toContain('invalid_client');
            statuses[tenant === victim ? 'victim' : 'attacker'].add(status);
          }
        }
        expect([...statuses.victim]).toEqual([200]);
        expect([...statuses.attacker]).toEqual([502]);
        // One token for the victim, one refused request for the attacker: no churn, no
        // request per incoming request, whatever the order.
        expect(mock.stats()).toMatchObject({ tokenRequests: 2, tokensIssued: 1 });
        expect(mock.stats().apiRequests).toBe(ROUNDS);
        pools.rows.push({
          fault: `${label}, secret as a ${kind === 'string' ? 'string' : 'new function per request'}, ${order}`,
          callers: `victim 200 ×${ROUNDS} · attacker 502 \`invalid_client\` ×${ROUNDS}`,
          tokenRequests: '2 (the victim’s one token; the attacker’s one refused request)',
          recovery: 'victim never lost its manager or token; the attacker failed fast',
        });
      } finally {
        await app.close();
      }
    });
  },
);

afterAll(() => writeResults('multi-tenant', [rows, pools]));
