// TwilioOAuthService.client and @InjectTwilioClient(): the official SDK on the module's manager.
import 'reflect-metadata';
import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { InvalidOptionsError } from '@twilio-oauth/core';
import type { MockServer } from '@twilio-oauth/mock-server';
import { twilioClientFactory } from '@twilio-oauth/twilio';
import type { Twilio } from 'twilio';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { managerOptions, startMock } from '../test/harness';
import { TWILIO_CLIENT } from './twilio-oauth.constants';
import { InjectTwilioClient } from './twilio-oauth.decorators';
import { TwilioOAuthModule } from './twilio-oauth.module';
import { TwilioOAuthService } from './twilio-oauth.service';

@Injectable()
class Sender {
  constructor(@InjectTwilioClient() readonly twilio: Twilio) {}
  send(body: string) {
    return this.twilio.messages.create({ to: '+15005550006', from: '+15005550001', body });
  }
}

let mock: MockServer;
beforeAll(async () => {
  mock = await startMock();
});
afterAll(() => mock.close());
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
  mock.reset();
});

const factoryFor = () =>
  vi.fn(twilioClientFactory({ accountSid: mock.accountSid, apiBaseUrl: mock.apiBaseUrl }));

describe('TwilioOAuthService.client', () => {
  it('forRoot with sdkClient: the service and @InjectTwilioClient() share one SDK client', async () => {
    const client = factoryFor();
    const module = await Test.createTestingModule({
      imports: [TwilioOAuthModule.forRoot({ ...managerOptions(mock), sdkClient: client })],
      providers: [Sender],
    }).compile();
    closers.push(() => module.close());
    const sender = module.get(Sender);
    const service = module.get(TwilioOAuthService);
    expect(sender.twilio).toBe(service.client);
    expect(module.get(TWILIO_CLIENT)).toBe(service.client);
    await Promise.all(Array.from({ length: 5 }, (_, i) => sender.send(`m${i}`)));
    const listed = await service.client.messages.list({ limit: 10 });
    expect(listed).toHaveLength(5);
    expect(client).toHaveBeenCalledTimes(1);
    expect(mock.stats()).toMatchObject({ tokenRequests: 1, apiRequests: 6 });
  });

  it('forRootAsync takes sdkClient beside the factory', async () => {
    const client = factoryFor();
    const module = await Test.createTestingModule({
      imports: [
        TwilioOAuthModule.forRootAsync({
          useFactory: () => managerOptions(mock),
          sdkClient: client,
        }),
      ],
    }).compile();
    closers.push(() => module.close());
    await expect(module.get(TwilioOAuthService).client.messages.list()).resolves.toEqual([]);
  });

  it("forRootAsync's useFactory may return sdkClient, built from configuration", async () => {
    const module = await Test.createTestingModule({
      imports: [
        TwilioOAuthModule.forRootAsync({
          useFactory: () => ({ ...managerOptions(mock), sdkClient: factoryFor() }),
        }),
      ],
    }).compile();
    closers.push(() => module.close());
    await expect(module.get(TwilioOAuthService).client.messages.list()).resolves.toEqual([]);
    expect(mock.stats().tokenRequests).toBe(1);
  });

  it('without sdkClient: the service says how to configure it; no provider is registered', async () => {
    const module = await Test.createTestingModule({
      imports: [TwilioOAuthModule.forRoot(managerOptions(mock))],
    }).compile();
    closers.push(() => module.close());
    expect(() => module.get(TwilioOAuthService).client).toThrow(InvalidOptionsError);
    expect(() => module.get(TWILIO_CLIENT)).toThrow();
  });
});
