import { InvalidOptionsError, type TokenManagerOptions } from '@twilio-oauth/core';
import { type MockServer, startMockServer } from '@twilio-oauth/mock-server';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { frameworks, listen, type RunningApp, route } from '../test/helpers';
import { twilioOAuthErrorHandler } from './errors';
import { twilioOAuth } from './middleware';
import type { TwilioOAuthMiddleware, TwilioOAuthMiddlewareOptions } from './types';

const tenant = { clientId: `OQ${'c'.repeat(32)}`, clientSecret: 'tenant-c-Secret-77aa88bb99cc' };
const WRONG_SECRET = 'wrong-Secret-5555-never-logged';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ clients: [tenant] });
});
afterAll(() => mock.close());

/** A logger that keeps its lines, as pino or winston would take them. */
const recorder = () => {
  const lines: string[] = [];
  const logger = {
    warn: vi.fn((line: string) => void lines.push(`warn ${line}`)),
    info: vi.fn((line: string) => void lines.push(`info ${line}`)),
  };
  return { lines, logger };
};

describe.each(frameworks)('token failures reach the logger once on %s', (_name, express) => {
  let running: RunningApp | undefined;
  let middleware: TwilioOAuthMiddleware | undefined;
  afterEach(async () => {
    await running?.close();
    await middleware?.close();
    running = middleware = undefined;
    mock.reset();
  });

  /** An app whose requests pick their secret with a header (per-request form). */
  async function start(options?: TwilioOAuthMiddlewareOptions) {
    const manager = (secret: string): TokenManagerOptions => ({
      ...tenant,
      clientSecret: secret,
      tokenUrl: mock.tokenUrl,
      allowedHosts: ['127.0.0.1'],
      retry: { maxAttempts: 1 },
      // Each request reaches the mock, so that every change of state is seen at once.
      failFastMs: 0,
    });
    middleware = twilioOAuth((req) => manager(String(req.headers['x-secret'])), options);
    const app = express();
    app.use(middleware);
    app.get(
      '/token',
      route(async (req, res) => {
        await req.twilio.getToken();
        res.sendStatus(204);
      }),
    );
    app.use(twilioOAuthErrorHandler());
    running = await listen(app);
    const { url } = running;
    return (secret: string) =>
      fetch(`${url}/token`, { headers: { 'x-secret': secret } }).then((res) => res.status);
  }

  it('writes a line per change of state, not per request, and nothing secret', async () => {
    const { lines, logger } = recorder();
    const call = await start({ logger });

    for (let i = 0; i < 5; i++) expect(await call(WRONG_SECRET)).toBe(502);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^warn twilio-oauth: Twilio credentials were rejected \(invalid_client/,
    );
    expect(lines[0]).toContain(`${mock.tokenUrl} ${tenant.clientId}`);
    expect(lines[0]).toContain('502');

    mock.setFaults({ token: { status: 503 } });
    for (let i = 0; i < 3; i++) expect(await call(tenant.clientSecret)).toBe(503);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(
      /^warn twilio-oauth: Twilio token service unavailable \(server_error\)/,
    );

    mock.setFaults({});
    for (let i = 0; i < 3; i++) expect(await call(tenant.clientSecret)).toBe(204);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(/^info twilio-oauth: token issued again for .* \(recovered from/);

    for (const line of lines) {
      expect(line).not.toContain(WRONG_SECRET);
      expect(line).not.toContain(tenant.clientSecret);
      expect(line).not.toMatch(/ey[A-Za-z0-9_-]{10,}\./);
    }
  });

  it('writes to the console by default, and nothing with logger: false', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const call = await start();
      expect(await call(WRONG_SECRET)).toBe(502);
      expect(warn).toHaveBeenCalledOnce();
      expect(String(warn.mock.calls[0]?.[0])).toContain('invalid_client');
      await running?.close();
      await middleware?.close();

      warn.mockClear();
      const quiet = await start({ logger: false });
      expect(await quiet(WRONG_SECRET)).toBe(502);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});

describe('the logger option', () => {
  it('is refused at creation when it has no warn() and info(), naming it', () => {
    const options = { clientId: tenant.clientId, clientSecret: tenant.clientSecret };
    expect(() => twilioOAuth(options, { logger: { warn() {} } as never })).toThrow(
      InvalidOptionsError,
    );
    expect(() => twilioOAuth(options, { logger: console.log as never })).toThrow(/"logger"/);
  });
});
