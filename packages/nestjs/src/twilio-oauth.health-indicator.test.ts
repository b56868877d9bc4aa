import 'reflect-metadata';
import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import type { MockServer } from '@twilio-oauth/mock-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CLIENT_SECRET,
  managerOptions,
  type Platform,
  platforms,
  type RunningApp,
  startApp,
  startMock,
} from '../test/harness';
import { TwilioOAuthHealthIndicator } from './twilio-oauth.health-indicator';
import { TwilioOAuthModule } from './twilio-oauth.module';
import type { TwilioOAuthModuleOptions } from './twilio-oauth-options.interface';

@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly twilio: TwilioOAuthHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.twilio.isHealthy('twilio')]);
  }
}

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

describe.each(platforms)('TwilioOAuthHealthIndicator on $name', (platform: Platform) => {
  let clock = Date.now();
  const start = (
    options: TwilioOAuthModuleOptions = { ...managerOptions(mock), now: () => clock },
  ) =>
    startApp(platform, {
      imports: [TerminusModule.forRoot({ logger: false }), TwilioOAuthModule.forRoot(options)],
      controllers: [HealthController],
      providers: [TwilioOAuthHealthIndicator],
    });

  it('is up once a token is held, and asks the token service only when none is', async () => {
    clock = Date.now();
    running = await start();
    const first = await running.get('/health');
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({
      status: 'ok',
      info: { twilio: { status: 'up', state: 'fresh', expiresAt: expect.any(String) } },
    });
    expect(mock.stats().tokenRequests).toBe(1);

    for (let i = 0; i < 3; i++) expect((await running.get('/health')).status).toBe(200);
    expect(mock.stats().tokenRequests).toBe(1);

    // A token inside the refresh-ahead window is still valid: reported without a refresh.
    clock += (3600 - 200) * 1000;
    const stale = await running.get('/health');
    expect(stale.json).toMatchObject({ info: { twilio: { status: 'up', state: 'stale' } } });
    expect(mock.stats().tokenRequests).toBe(1);

    // Past expiry the indicator gets a new token.
    clock += 3600 * 1000;
    const renewed = await running.get('/health');
    expect(renewed.json).toMatchObject({ info: { twilio: { status: 'up', state: 'fresh' } } });
    expect(mock.stats().tokenRequests).toBe(2);
  });

  it('is down with a safe message when no token can be had', async () => {
    const wrongSecret = `${CLIENT_SECRET}-wrong`;
    running = await start({ ...managerOptions(mock), clientSecret: wrongSecret });
    const res = await running.get('/health');
    expect(res.status).toBe(503);
    expect(res.json).toMatchObject({
      status: 'error',
      error: {
        twilio: {
          status: 'down',
          message: 'Twilio credentials were rejected (invalid_client, Twilio error 322402)',
        },
      },
    });
    expect(res.text).not.toContain(wrongSecret);
  });

  it('is down while the token service is unavailable', async () => {
    running = await start();
    mock.setFaults({ token: { status: 503 } });
    const res = await running.get('/health');
    expect(res.status).toBe(503);
    expect(res.json).toMatchObject({
      error: {
        twilio: { status: 'down', message: 'Twilio token service unavailable (server_error)' },
      },
    });
  });
});
