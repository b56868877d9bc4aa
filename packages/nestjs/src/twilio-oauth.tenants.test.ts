import 'reflect-metadata';
import {
  Controller,
  Get,
  Inject,
  type LoggerService,
  Req,
  ServiceUnavailableException,
} from '@nestjs/common';
import { InvalidOptionsError, type TokenManagerOptions } from '@twilio-oauth/core';
import { type MockServer, startMockServer } from '@twilio-oauth/mock-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  MESSAGES_URL,
  type Platform,
  ProbeController,
  platforms,
  probeProviders,
  type RunningApp,
  startApp,
} from '../test/harness';
import { TwilioOAuthModule } from './twilio-oauth.module';
import { TwilioOAuthService } from './twilio-oauth.service';
import { TwilioOAuthTenants } from './twilio-oauth.tenants';
import type {
  TwilioOAuthModuleOptions,
  TwilioOAuthRequest,
} from './twilio-oauth-options.interface';

const TENANTS = {
  acme: {
    clientId: 'OQ0000000000000000000000000000acme',
    clientSecret: 'acme-Secret-1f2e3d4c5b6a',
  },
  umbrella: {
    clientId: 'OQ00000000000000000000000umbrella',
    clientSecret: 'umbrella-Secret-9a8b7c6d',
  },
};
const WRONG_SECRET = 'wrong-Secret-nest-4444-never-shown';
const SECRETS = [WRONG_SECRET, TENANTS.acme.clientSecret, TENANTS.umbrella.clientSecret];

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ clients: Object.values(TENANTS), tokenTtlSeconds: 3600 });
});
afterAll(() => mock.close());

/** The tenant from `x-tenant`, its secret overridden by `x-secret` (as an attacker would). */
const forRequest = (req: TwilioOAuthRequest): TokenManagerOptions => {
  const tenant = TENANTS[String(req.headers['x-tenant']) as keyof typeof TENANTS];
  const secret = req.headers['x-secret'];
  return {
    ...tenant,
    ...(typeof secret === 'string' ? { clientSecret: secret } : {}),
    tokenUrl: mock.tokenUrl,
    allowedHosts: [new URL(mock.apiBaseUrl).hostname],
    retry: { maxAttempts: 1 },
    // Each request reaches the mock, so that every change of state is seen at once.
    failFastMs: 0,
  };
};

/** A controller of a multi-tenant app: the request's handle, from a singleton service. */
@Controller()
class TenantController {
  constructor(
    private readonly tenants: TwilioOAuthTenants,
    @Inject(MESSAGES_URL) private readonly messagesUrl: string,
  ) {}

  @Get('messages')
  async messages(@Req() req: TwilioOAuthRequest) {
    const res = await this.tenants.forRequest(req).fetch(this.messagesUrl);
    return { status: res.status };
  }
}

/** A Nest `LoggerService` that keeps what it is given. */
const recorder = () => {
  const lines: { level: string; message: string; context: unknown }[] = [];
  const keep = (level: string) => (message: unknown, context?: unknown) =>
    void lines.push({ level, message: String(message), context });
  const logger: LoggerService = {
    log: keep('log'),
    warn: keep('warn'),
    error: keep('error'),
    debug: () => undefined,
    verbose: () => undefined,
  };
  return { lines, logger };
};

describe.each(platforms)('TwilioOAuthModule per tenant on $name', (platform: Platform) => {
  let running: RunningApp | undefined;
  afterEach(async () => {
    await running?.app.close();
    running = undefined;
    mock.reset();
  });

  const start = async (
    module = TwilioOAuthModule.forRoot({ forRequest }),
    logger?: LoggerService,
  ) => {
    running = await startApp(
      platform,
      { imports: [module], controllers: [TenantController], providers: probeProviders(mock) },
      { logger },
    );
    const { url } = running;
    return async (headers: Record<string, string>) => {
      const res = await fetch(`${url}/messages`, { headers });
      return { status: res.status, text: await res.text() };
    };
  };

  it('gets one token per tenant, reused across requests', async () => {
    const call = await start();
    for (let i = 0; i < 3; i++) {
      for (const tenant of ['acme', 'umbrella']) {
        const res = await call({ 'x-tenant': tenant });
        expect(res.status).toBe(200);
        expect(JSON.parse(res.text)).toEqual({ status: 200 });
      }
    }
    const { byClient, tokenRequests } = mock.stats();
    expect(tokenRequests).toBe(2);
    expect(byClient[TENANTS.acme.clientId]).toMatchObject({ tokenRequests: 1, apiRequests: 3 });
    expect(byClient[TENANTS.umbrella.clientId]).toMatchObject({ tokenRequests: 1, apiRequests: 3 });
  });

  it('answers 502 with the Twilio code for a wrong secret, never the secret or the victim’s token', async () => {
    const call = await start();
    expect((await call({ 'x-tenant': 'acme' })).status).toBe(200);
    const res = await call({ 'x-tenant': 'acme', 'x-secret': WRONG_SECRET });
    expect(res.status).toBe(502);
    expect(JSON.parse(res.text)).toMatchObject({
      statusCode: 502,
      message: expect.stringContaining('invalid_client'),
      code: 'invalid_client',
      twilioCode: expect.any(Number),
    });
    for (const secret of SECRETS) expect(res.text).not.toContain(secret);
    expect(mock.stats().tokensIssued).toBe(1);
    expect((await call({ 'x-tenant': 'acme' })).status).toBe(200);
  });

  it('is configured through forRootAsync too, and validated at boot', async () => {
    const call = await start(
      TwilioOAuthModule.forRootAsync({
        perRequest: true,
        useFactory: async () => ({ forRequest }),
      }),
    );
    expect((await call({ 'x-tenant': 'umbrella' })).status).toBe(200);
    await running?.app.close();
    running = undefined;

    // The registration says which service is provided: a factory must return that form.
    await expect(
      start(TwilioOAuthModule.forRootAsync({ useFactory: async () => ({ forRequest }) })),
    ).rejects.toThrow(/Invalid option "forRequest": needs forRootAsync\(\{ perRequest: true/);
    await expect(
      start(
        TwilioOAuthModule.forRootAsync({
          perRequest: true,
          useFactory: () => forRequest({ headers: { 'x-tenant': 'acme' } }),
        }),
      ),
    ).rejects.toThrow(/Invalid option "forRequest": missing/);

    const bad = (options: unknown) => start(TwilioOAuthModule.forRoot(options as never));
    await expect(bad({ forRequest: 'acme' })).rejects.toThrow(
      new InvalidOptionsError('forRequest', 'must be a function (request) => options'),
    );
    await expect(bad({ forRequest, clientSecret: WRONG_SECRET })).rejects.toThrow(
      new InvalidOptionsError('clientSecret', 'cannot be combined with "forRequest"'),
    );
  });

  it('closes every pooled manager on application shutdown', async () => {
    const call = await start();
    expect((await call({ 'x-tenant': 'acme' })).status).toBe(200);
    const twilio = running?.app.get(TwilioOAuthTenants) as TwilioOAuthTenants;
    // A handle whose manager was resolved before the shutdown: the manager itself is closed.
    const held = twilio.forRequest({ headers: { 'x-tenant': 'acme' } });
    await held.getToken();
    // No service without a credential of its own: its types cannot promise what would throw.
    expect(() => running?.app.get(TwilioOAuthService)).toThrow();

    await running?.app.close();
    running = undefined;
    for (const handle of [held, twilio.forRequest({ headers: { 'x-tenant': 'umbrella' } })]) {
      const error = await handle.getToken().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ServiceUnavailableException);
      expect((error as Error).cause).toMatchObject({ code: 'closed' });
    }
    expect(mock.stats().tokenRequests).toBe(1);
  });

  it('logs through Nest’s Logger once per change of state, with no secret', async () => {
    const { lines, logger } = recorder();
    const call = await start(undefined, logger);
    const ours = () => lines.filter((line) => line.context === 'TwilioOAuth');

    for (let i = 0; i < 5; i++) {
      expect((await call({ 'x-tenant': 'acme', 'x-secret': WRONG_SECRET })).status).toBe(502);
    }
    expect(ours()).toHaveLength(1);
    expect(ours()[0]).toMatchObject({ level: 'warn' });
    expect(ours()[0]?.message).toContain(`${mock.tokenUrl} ${TENANTS.acme.clientId}`);
    expect(ours()[0]?.message).toContain('invalid_client');

    mock.setFaults({ token: { status: 503 } });
    for (let i = 0; i < 3; i++) expect((await call({ 'x-tenant': 'acme' })).status).toBe(503);
    expect(ours()).toHaveLength(2);
    expect(ours()[1]).toMatchObject({ level: 'warn' });
    expect(ours()[1]?.message).toContain('token service unavailable (server_error)');

    mock.setFaults({});
    for (let i = 0; i < 3; i++) expect((await call({ 'x-tenant': 'acme' })).status).toBe(200);
    expect(ours()).toHaveLength(3);
    expect(ours()[2]).toMatchObject({ level: 'log' });
    expect(ours()[2]?.message).toContain('recovered from token service unavailable');

    for (const { message } of lines) {
      for (const secret of SECRETS) expect(message).not.toContain(secret);
    }
  });

  it('logs the static form’s failures the same way', async () => {
    const { lines, logger } = recorder();
    running = await startApp(
      platform,
      {
        imports: [
          TwilioOAuthModule.forRoot({
            ...forRequest({ headers: { 'x-tenant': 'umbrella' } }),
            clientSecret: WRONG_SECRET,
          }),
        ],
        controllers: [ProbeController],
        providers: probeProviders(mock),
      },
      { logger },
    );
    for (let i = 0; i < 3; i++) expect((await running.get('/token')).status).toBe(502);
    const ours = lines.filter((line) => line.context === 'TwilioOAuth');
    expect(ours).toHaveLength(1);
    expect(ours[0]?.message).toContain(TENANTS.umbrella.clientId);
    expect(ours[0]?.message).not.toContain(WRONG_SECRET);
  });
});

describe('the per-request options type', () => {
  it('accepts a parameter typed as the platform’s request', () => {
    const options: TwilioOAuthModuleOptions = {
      forRequest: (req: TwilioOAuthRequest & { user: { tenant: string } }) =>
        forRequest({ headers: { 'x-tenant': req.user.tenant } }),
    };
    expect(typeof options.forRequest).toBe('function');
  });
});
