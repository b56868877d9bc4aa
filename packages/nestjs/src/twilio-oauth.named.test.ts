// Two credentials side by side: an organization app as a named instance beside the account app.
import 'reflect-metadata';
import { Controller, Get, Inject, Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { TokenManager } from '@twilio-oauth/core';
import { type MockServer, startMockServer } from '@twilio-oauth/mock-server';
import { twilioClientFactory } from '@twilio-oauth/twilio';
import type { Twilio } from 'twilio';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGES_URL, platforms, probeProviders, startApp } from '../test/harness';
import {
  getTwilioClientToken,
  getTwilioOAuthServiceToken,
  getTwilioTokenManagerToken,
  InjectTwilioClient,
  InjectTwilioOAuth,
  InjectTwilioTokenManager,
  TWILIO_TOKEN_MANAGER,
  TwilioOAuthModule,
  TwilioOAuthService,
} from './index';

const ACCOUNT = { clientId: `OQ${'a'.repeat(32)}`, clientSecret: 'account-Secret-5e6f7a8b' };
const ORG = { clientId: `OQ${'0'.repeat(31)}9`, clientSecret: 'org-Secret-1c2d3e4f' };

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ clients: [ACCOUNT, ORG], tokenTtlSeconds: 3600 });
});
afterAll(() => mock.close());
afterEach(() => mock.reset());

const optionsOf = (client: typeof ACCOUNT) => ({
  ...client,
  tokenUrl: mock.tokenUrl,
  allowedHosts: [new URL(mock.apiBaseUrl).hostname],
  retry: { maxAttempts: 1 },
});
const sdkClient = () =>
  twilioClientFactory({ accountSid: mock.accountSid, apiBaseUrl: mock.apiBaseUrl });

@Controller()
class BothController {
  constructor(
    private readonly account: TwilioOAuthService,
    @InjectTwilioOAuth('org') private readonly org: TwilioOAuthService,
    @InjectTwilioClient('org') private readonly orgClient: Twilio,
    @Inject(MESSAGES_URL) private readonly messagesUrl: string,
  ) {}

  @Get('both')
  async both() {
    const [a, b] = await Promise.all([
      this.account.fetch(this.messagesUrl),
      this.org.fetch(this.messagesUrl),
    ]);
    const listed = await this.orgClient.messages.list({ limit: 1 });
    const [ta, tb] = await Promise.all([this.account.getToken(), this.org.getToken()]);
    return { statuses: [a.status, b.status], listed: listed.length, same: ta === tb };
  }
}

@Injectable()
class Managers {
  constructor(
    @InjectTwilioTokenManager() readonly account: TokenManager,
    @InjectTwilioTokenManager('org') readonly org: TokenManager,
  ) {}
}

describe.each(platforms)('a named instance beside the default one on $name', (platform) => {
  it('gives each its own manager and token, on the Messages API and through the SDK', async () => {
    const running = await startApp(platform, {
      imports: [
        TwilioOAuthModule.forRoot(optionsOf(ACCOUNT)),
        TwilioOAuthModule.forRoot({ name: 'org', ...optionsOf(ORG), sdkClient: sdkClient() }),
      ],
      controllers: [BothController],
      providers: [...probeProviders(mock), Managers],
    });
    try {
      for (let i = 0; i < 3; i++) {
        const res = await running.get('/both');
        expect(res.status).toBe(200);
        expect(res.json).toEqual({ statuses: [200, 200], listed: 0, same: false });
      }
      const { byClient, tokenRequests } = mock.stats();
      expect(tokenRequests).toBe(2);
      expect(byClient[ACCOUNT.clientId]).toMatchObject({ tokenRequests: 1, apiRequests: 3 });
      expect(byClient[ORG.clientId]).toMatchObject({ tokenRequests: 1, apiRequests: 6 });
      const managers = running.app.get(Managers);
      expect(managers.org).not.toBe(managers.account);
      expect(running.app.get(getTwilioOAuthServiceToken())).toBe(
        running.app.get(TwilioOAuthService),
      );
      expect(running.app.get(getTwilioTokenManagerToken())).toBe(
        running.app.get(TWILIO_TOKEN_MANAGER),
      );
    } finally {
      await running.app.close();
    }
  });
});

describe('named instances', () => {
  it('close each manager they built on shutdown, and leave the default unchanged', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        TwilioOAuthModule.forRoot(optionsOf(ACCOUNT)),
        TwilioOAuthModule.forRootAsync({ name: 'org', useFactory: () => optionsOf(ORG) }),
      ],
    }).compile();
    const org = moduleRef.get<TwilioOAuthService>(getTwilioOAuthServiceToken('org'));
    const account = moduleRef.get(TwilioOAuthService);
    expect(org).toBeInstanceOf(TwilioOAuthService);
    expect(org).not.toBe(account);
    await Promise.all([org.getToken(), account.getToken()]);
    const orgManager = moduleRef.get<TokenManager>(getTwilioTokenManagerToken('org'));
    const accountManager = moduleRef.get<TokenManager>(TWILIO_TOKEN_MANAGER);
    await moduleRef.close();
    for (const manager of [orgManager, accountManager]) {
      await expect(manager.getToken()).rejects.toMatchObject({ code: 'closed' });
    }
    expect(mock.stats().tokenRequests).toBe(2);
  });

  it('are overridden in tests through their public token', async () => {
    const fake = { getToken: async () => ({ accessToken: 'fake' }) };
    const moduleRef = await Test.createTestingModule({
      imports: [TwilioOAuthModule.forRoot({ name: 'org', ...optionsOf(ORG) })],
    })
      .overrideProvider(getTwilioOAuthServiceToken('org'))
      .useValue(fake)
      .compile();
    expect(moduleRef.get(getTwilioOAuthServiceToken('org'))).toBe(fake);
    expect(() => moduleRef.get(getTwilioClientToken('org'))).toThrow();
    await moduleRef.close();
    expect(mock.stats().tokenRequests).toBe(0);
  });

  it('fail the start naming the option of the instance that is wrong', async () => {
    const start = Test.createTestingModule({
      imports: [
        TwilioOAuthModule.forRoot(optionsOf(ACCOUNT)),
        TwilioOAuthModule.forRoot({ name: 'org', ...optionsOf(ORG), timeoutMs: -1 }),
      ],
    }).compile();
    await expect(start).rejects.toThrow(/Invalid option "timeoutMs"/);
  });
});
