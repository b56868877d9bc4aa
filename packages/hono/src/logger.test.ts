import { InvalidOptionsError } from '@twilio-oauth/core';
import { type MockServer, startMockServer } from '@twilio-oauth/mock-server';
import { Hono } from 'hono';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { twilioOAuth } from './index';
import type { TwilioOAuthMiddlewareOptions } from './types';

const TENANT = { clientId: 'OQlogged', clientSecret: 'logged-Secret-3b2a1c0d' };
const WRONG_SECRET = 'wrong-Secret-6666-never-logged';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ clients: [TENANT] });
});
afterAll(() => mock.close());
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
  mock.reset();
});

/** An app whose requests pick their secret with a header (per-request form). */
function start(options?: TwilioOAuthMiddlewareOptions) {
  const middleware = twilioOAuth(
    (c) => ({
      ...TENANT,
      clientSecret: c.req.header('x-secret') ?? '',
      tokenUrl: mock.tokenUrl,
      allowedHosts: ['127.0.0.1'],
      retry: { maxAttempts: 1 },
      // Each request reaches the mock, so that every change of state is seen at once.
      failFastMs: 0,
    }),
    options,
  );
  closers.push(middleware.close);
  const app = new Hono().use(middleware).get('/token', async (c) => {
    await c.var.twilio.getToken();
    return c.body(null, 204);
  });
  return async (secret: string) =>
    (await app.request('/token', { headers: { 'x-secret': secret } })).status;
}

describe('token failures reach the logger once', () => {
  it('writes a line per change of state, not per request, and nothing secret', async () => {
    const lines: string[] = [];
    const call = start({
      logger: {
        warn: (line) => void lines.push(`warn ${line}`),
        info: (line) => void lines.push(`info ${line}`),
      },
    });

    for (let i = 0; i < 5; i++) expect(await call(WRONG_SECRET)).toBe(502);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^warn twilio-oauth: Twilio credentials were rejected \(invalid_client/,
    );
    expect(lines[0]).toContain(`${mock.tokenUrl} ${TENANT.clientId}`);

    mock.setFaults({ token: { status: 503 } });
    for (let i = 0; i < 3; i++) expect(await call(TENANT.clientSecret)).toBe(503);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(
      /^warn twilio-oauth: Twilio token service unavailable \(server_error\)/,
    );

    mock.setFaults({});
    for (let i = 0; i < 3; i++) expect(await call(TENANT.clientSecret)).toBe(204);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(/^info twilio-oauth: token issued again for .* \(recovered from/);

    for (const line of lines) {
      expect(line).not.toContain(WRONG_SECRET);
      expect(line).not.toContain(TENANT.clientSecret);
      expect(line).not.toMatch(/ey[A-Za-z0-9_-]{10,}\./);
    }
  });

  it('writes to the console by default, and nothing with logger: false', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      expect(await start()(WRONG_SECRET)).toBe(502);
      expect(warn).toHaveBeenCalledOnce();
      expect(String(warn.mock.calls[0]?.[0])).toContain('invalid_client');
      warn.mockClear();
      expect(await start({ logger: false })(WRONG_SECRET)).toBe(502);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it('refuses a logger without warn() and info() at creation, naming the option', () => {
    expect(() => twilioOAuth(TENANT, { logger: { info() {} } as never })).toThrow(
      InvalidOptionsError,
    );
    expect(() => twilioOAuth(TENANT, { logger: 'console' as never })).toThrow(/"logger"/);
  });
});
