import 'reflect-metadata';
import { BadGatewayException, ServiceUnavailableException } from '@nestjs/common';
import { TokenManager, type TokenManagerOptions, TokenRequestError } from '@twilio-oauth/core';
import { adapterKernel } from '@twilio-oauth/core/adapter';
import type { MockServer } from '@twilio-oauth/mock-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  managerOptions,
  type Platform,
  ProbeController,
  platforms,
  probeProviders,
  type RunningApp,
  startApp,
  startMock,
} from '../test/harness';
import { TWILIO_TOKEN_MANAGER } from './twilio-oauth.constants';
import { toHttpException } from './twilio-oauth.exceptions';
import { TwilioOAuthModule } from './twilio-oauth.module';
import { TwilioOAuthService } from './twilio-oauth.service';
import type { TwilioOAuthModuleOptions } from './twilio-oauth-options.interface';

let mock: MockServer;
let running: RunningApp | undefined;

beforeAll(async () => {
  mock = await startMock();
});
afterAll(() => mock.close());
afterEach(async () => {
  await running?.app.close();
  running = undefined;
  mock.reset();
});

describe.each(platforms)('TwilioOAuthService on $name', (platform: Platform) => {
  const start = (options: TwilioOAuthModuleOptions = managerOptions(mock)) =>
    startApp(platform, {
      imports: [TwilioOAuthModule.forRoot(options)],
      controllers: [ProbeController],
      providers: probeProviders(mock),
    });

  /** The token the app holds now, to check that no response carries it. */
  const heldToken = async (app: RunningApp) =>
    (await app.app.get<TokenManager>(TWILIO_TOKEN_MANAGER).getToken()).accessToken;

  it('concurrent requests on a cold start share one token request', async () => {
    running = await start();
    const app = running;
    const answers = await Promise.all(Array.from({ length: 40 }, () => app.get('/header')));
    for (const answer of answers)
      expect(answer).toMatchObject({ status: 200, json: { scheme: 'Bearer' } });
    expect(mock.stats().tokenRequests).toBe(1);
    const token = await heldToken(app);
    for (const answer of answers) expect(answer.text).not.toContain(token);
  });

  it('fetch() calls the Twilio API with the bearer token', async () => {
    mock.setFaults({});
    running = await start();
    const res = await running.get('/messages');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 200, body: { messages: expect.any(Array) } });
    expect(mock.stats()).toMatchObject({
      tokenRequests: 1,
      apiRequests: 1,
      rejectedApiRequests: 0,
    });
  });

  it('an API 401 (revoked token) is retried once with a new token', async () => {
    running = await start();
    expect((await running.get('/messages')).status).toBe(200);
    const before = await heldToken(running);
    mock.revokeTokens();
    const res = await running.get('/messages');
    expect(res).toMatchObject({ status: 200, json: { status: 200 } });
    expect(mock.stats()).toMatchObject({
      tokenRequests: 2,
      apiRequests: 3,
      rejectedApiRequests: 1,
    });
    expect(await heldToken(running)).not.toBe(before);
  });

  it('rejected credentials answer 502 with a safe message and no secret', async () => {
    const wrongSecret = `${CLIENT_SECRET}-but-wrong`;
    running = await start({ ...managerOptions(mock), clientSecret: wrongSecret });
    for (const path of ['/token', '/header', '/messages']) {
      const res = await running.get(path);
      expect(res.status).toBe(502);
      expect(res.json).toEqual({
        statusCode: 502,
        error: 'Bad Gateway',
        message: 'Twilio credentials were rejected (invalid_client, Twilio error 322402)',
        code: 'invalid_client',
        twilioCode: 322402,
      });
      expect(res.text).not.toContain(wrongSecret);
    }
    // OAuth errors are final: no retry, and the refusal holds for the fail-fast window, so
    // three calls cost one token request; the API never saw a call.
    expect(mock.stats()).toMatchObject({ tokenRequests: 1, apiRequests: 0 });
  });

  it('an unavailable token service answers 503 after the (quick) retries', async () => {
    // No fail-fast window (core's tests cover it): the recovery below is immediate.
    running = await start({ ...managerOptions(mock), failFastMs: 0 });
    mock.setFaults({ token: { status: 503 } });
    const res = await running.get('/token');
    expect(res.status).toBe(503);
    expect(res.json).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'Twilio token service unavailable (server_error)',
      code: 'server_error',
    });
    expect(res.text).not.toContain(CLIENT_SECRET);
    expect(mock.stats().tokenRequests).toBe(2);

    // Once the service is back, the next request succeeds.
    mock.setFaults({});
    expect((await running.get('/token')).status).toBe(200);
  });

  it('a timeout of the token service answers 503', async () => {
    running = await start({ ...managerOptions(mock), timeoutMs: 50, retry: { maxAttempts: 1 } });
    mock.setFaults({ token: { hang: true } });
    const res = await running.get('/header');
    expect(res).toMatchObject({
      status: 503,
      json: { message: 'Twilio token service unavailable (timeout)' },
    });
  });

  it('a host outside allowedHosts is a 500 (a bug, not a token failure) and nothing is sent', async () => {
    running = await start();
    const res = await running.get('/elsewhere');
    expect(res.status).toBe(500);
    expect(res.json).toEqual({ statusCode: 500, message: 'Internal server error' });
    expect(mock.stats().tokenRequests).toBe(0);
  });
});

describe('TwilioOAuthService rejections', () => {
  const service = (options: TokenManagerOptions) =>
    new TwilioOAuthService(adapterKernel(options, { toHttpError: toHttpException, logger: false }));

  it('BadGatewayException carries the core error as cause', async () => {
    const twilio = service({ ...managerOptions(mock), clientSecret: 'nope' });
    const error = await twilio.getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadGatewayException);
    const cause = (error as BadGatewayException).cause;
    expect(cause).toBeInstanceOf(TokenRequestError);
    expect(cause).toMatchObject({
      code: 'invalid_client',
      status: 400,
      twilioCode: 322402,
      retryable: false,
    });
    await twilio.onApplicationShutdown();
  });

  it('ServiceUnavailableException carries the core error as cause', async () => {
    mock.setFaults({ token: { status: 429, retryAfterSeconds: 0 } });
    const twilio = service(managerOptions(mock));
    const error = await twilio.getAuthorizationHeader().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableException);
    expect((error as ServiceUnavailableException).getStatus()).toBe(503);
    expect((error as ServiceUnavailableException).cause).toMatchObject({ code: 'rate_limited' });
    await twilio.onApplicationShutdown();
  });

  it('other errors pass through unchanged', async () => {
    const twilio = service(managerOptions(mock));
    await expect(twilio.fetch('https://example.com/')).rejects.toMatchObject({
      name: 'HostNotAllowedError',
    });
    await twilio.onApplicationShutdown();
  });

  it('leaves a shared manager open on shutdown', async () => {
    const manager = new TokenManager(managerOptions(mock));
    const twilio = new TwilioOAuthService(
      adapterKernel({ manager }, { toHttpError: toHttpException, logger: false }),
    );
    await twilio.onApplicationShutdown();
    await expect(manager.getToken()).resolves.toMatchObject({ tokenType: 'Bearer' });
    expect(mock.stats().byClient[CLIENT_ID]?.tokensIssued).toBe(1);
    await manager.close();
  });
});
