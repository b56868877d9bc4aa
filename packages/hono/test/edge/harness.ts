import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type MockServer, startMockServer } from '@twilio-oauth/mock-server';
import { afterAll, afterEach, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { lifecycleTests } from './lifecycle';
import {
  EdgeSession,
  type EdgeTarget,
  EXPIRES_AFTER_MS,
  LANES,
  TOKEN_TTL_SECONDS,
} from './session';

export type { EdgeTarget } from './session';

/** What the fixture app reads from its bindings (`c.env`). */
export type EdgeBindings = Record<
  | 'GOOD_CLIENT_ID'
  | 'GOOD_CLIENT_SECRET'
  | 'BAD_CLIENT_ID'
  | 'BAD_CLIENT_SECRET'
  | 'TOKEN_URL'
  | 'API_BASE_URL'
  | 'ACCOUNT_SID',
  string
>;

export const fixture = (name: string): string =>
  fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

const GOOD = { clientId: 'OQedge', clientSecret: 'edge-secret-5d2e81' };
const BAD = { clientId: 'OQunknown', clientSecret: 'unknown-secret-a7c340' };

// CI sets this: a runtime that cannot start there is a failure, not a skip.
const required = process.env.TWILIO_OAUTH_EDGE_REQUIRED === '1';

/**
 * The behaviour every edge runtime must show, run against the mock server on
 * loopback: lazy handle, single flight within one isolate, 502 without secrets, and
 * a token's whole life across requests (./lifecycle), with the isolate's clock and
 * the mock's moved together. Every test that gets a token also renews it.
 */
export function describeEdgeRuntime(
  runtime: string,
  start: (bindings: EdgeBindings) => Promise<EdgeTarget>,
): void {
  describe(`@twilio-oauth/hono on ${runtime}`, () => {
    let server: MockServer;
    let target: EdgeTarget | undefined;
    let startError: unknown;

    beforeAll(async () => {
      if (!existsSync(fixture('../../../dist/index.mjs'))) {
        throw new Error('dist/index.mjs is missing: build the package before the edge tests');
      }
      // One client per lifecycle lane, each with its own manager in the isolate.
      const lanes = LANES.map((lane) => ({ ...GOOD, clientId: `${GOOD.clientId}-${lane}` }));
      server = await startMockServer({
        clients: [GOOD, ...lanes],
        tokenTtlSeconds: TOKEN_TTL_SECONDS,
      });
      try {
        target = await start({
          GOOD_CLIENT_ID: GOOD.clientId,
          GOOD_CLIENT_SECRET: GOOD.clientSecret,
          BAD_CLIENT_ID: BAD.clientId,
          BAD_CLIENT_SECRET: BAD.clientSecret,
          TOKEN_URL: server.tokenUrl,
          API_BASE_URL: server.apiBaseUrl,
          ACCOUNT_SID: server.accountSid,
        });
      } catch (error) {
        startError = error;
      }
    }, 60_000);

    // A failed test must not leave its faults to the next one.
    afterEach(() => server?.setFaults({}));

    afterAll(async () => {
      await target?.close();
      await server?.close();
    });

    let session: EdgeSession | undefined;
    const running = (ctx: TestContext): EdgeSession => {
      if (target) {
        session ??= new EdgeSession(server, target, GOOD.clientId);
        return session;
      }
      // The first line is enough for a skip; a failure keeps the whole error as cause.
      const reason = `${runtime} could not be started: ${String(startError).split('\n')[0]}`;
      if (required) throw new Error(reason, { cause: startError });
      console.warn(`skipping: ${reason} (set TWILIO_OAUTH_EDGE_REQUIRED=1 to fail instead)`);
      return ctx.skip(reason);
    };

    it('makes no token request for unused requests, one for concurrent ones, then reuses and renews it', async (ctx) => {
      const edge = running(ctx);
      const goodRequests = () => edge.tokenRequests(GOOD.clientId);

      const unused = await Promise.all(
        Array.from({ length: 5 }, () => edge.edge.request('/good/health')),
      );
      expect(unused.map((r) => r.status)).toEqual(Array(5).fill(200));
      expect(goodRequests()).toBe(0);

      const concurrent = await Promise.all(
        Array.from({ length: 20 }, () => edge.token('/good/token')),
      );
      expect(concurrent.map((r) => r.status)).toEqual(Array(20).fill(200));
      expect(goodRequests()).toBe(1);
      const expiries = new Set(concurrent.map((b) => b.expiresAt));
      expect(expiries.size).toBe(1);
      expect(concurrent.every((b) => b.headerMatches === true)).toBe(true);

      // A later request of the same isolate reuses the cached token.
      expect((await edge.token('/good/token')).status).toBe(200);
      expect(goodRequests()).toBe(1);

      // Once it expired, a later request renews it (one request).
      await edge.advance(EXPIRES_AFTER_MS + 1_000);
      const renewed = await edge.token('/good/token');
      expect(renewed.status).toBe(200);
      expect(renewed.expiresAt).toBeGreaterThan([...expiries][0] as number);
      expect(goodRequests()).toBe(2);
    });

    it('sends the bearer token to the API through c.var.twilio.fetch(), before and after a renewal', async (ctx) => {
      const edge = running(ctx);
      const apiRequests = () => server.stats().byClient[GOOD.clientId]?.apiRequests ?? 0;

      const before = apiRequests();
      const response = await edge.edge.request('/good/messages');
      expect(await response.json()).toEqual({ status: 200 });
      expect(apiRequests()).toBe(before + 1);

      // The mock refuses the expired token by then: the renewed one is sent.
      const requests = edge.tokenRequests(GOOD.clientId);
      await edge.advance(EXPIRES_AFTER_MS + 1_000);
      const renewed = await edge.edge.request('/good/messages');
      expect(await renewed.json()).toEqual({ status: 200 });
      expect(apiRequests()).toBe(before + 2);
      expect(edge.tokenRequests(GOOD.clientId)).toBe(requests + 1);
    });

    it('answers 502 without the secret when the credentials are rejected', async (ctx) => {
      const edge = running(ctx);

      const response = await edge.edge.request('/bad/token');
      const body = await response.text();

      expect(response.status).toBe(502);
      expect(JSON.parse(body)).toEqual({
        error: 'Twilio credentials were rejected (invalid_client, Twilio error 322402)',
        code: 'invalid_client',
        twilioCode: 322402,
      });
      expect(body).not.toContain(BAD.clientSecret);
    });

    lifecycleTests(running);
  });
}
