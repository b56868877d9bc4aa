// Testing an app that uses the module (issue 26): overriding the service alone, or pointing the
// module at the mock, is enough — the app's own options factory (which reads configuration a
// test does not have) never runs.
import 'reflect-metadata';
import { Controller, Get, Inject, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { type MockServer, startMockServer } from '@twilio-oauth/mock-server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  getTwilioOAuthOptionsToken,
  TWILIO_TOKEN_MANAGER,
  TwilioOAuthModule,
  TwilioOAuthService,
} from './index';

/** Stands for `@nestjs/config`'s ConfigService: `getOrThrow` of a key nobody set throws. */
@Injectable()
class Config {
  getOrThrow(key: string): string {
    throw new TypeError(`Configuration key "${key}" does not exist`);
  }
}

@Module({ providers: [Config], exports: [Config] })
class ConfigModule {}

const factory = vi.fn((config: Config) => ({
  clientId: config.getOrThrow('TWILIO_CLIENT_ID'),
  clientSecret: config.getOrThrow('TWILIO_CLIENT_SECRET'),
}));

@Controller()
class TokenController {
  constructor(@Inject(TwilioOAuthService) private readonly twilio: TwilioOAuthService) {}
  @Get('token')
  async token() {
    return { expiresAt: (await this.twilio.getToken()).expiresAt };
  }
}

/** The app's module as an app writes it: options from configuration. */
@Module({
  imports: [
    TwilioOAuthModule.forRootAsync({
      imports: [ConfigModule],
      inject: [Config],
      useFactory: factory,
    }),
  ],
  controllers: [TokenController],
})
class AppModule {}

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer();
});
afterAll(() => mock.close());

describe('testing an app that imports TwilioOAuthModule.forRootAsync', () => {
  it('without an override, the missing configuration fails the start (the case to avoid)', async () => {
    await expect(Test.createTestingModule({ imports: [AppModule] }).compile()).rejects.toThrow(
      /Configuration key "TWILIO_CLIENT_ID"/,
    );
  });

  it('overriding the service alone is enough: the options factory never runs', async () => {
    factory.mockClear();
    const fake = {
      getToken: vi.fn(async () => ({ accessToken: 'fake', tokenType: 'Bearer', expiresAt: 42 })),
    };
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
      .overrideProvider(TwilioOAuthService)
      .useValue(fake)
      .compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    try {
      expect(await moduleRef.get(TokenController).token()).toEqual({ expiresAt: 42 });
      expect(factory).not.toHaveBeenCalled();
      expect(moduleRef.get(TWILIO_TOKEN_MANAGER)).toBeUndefined(); // the fake has no manager
    } finally {
      await app.close();
    }
  });

  it('pointing the module at the mock is enough: a real token, no configuration read', async () => {
    factory.mockClear();
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
      .overrideProvider(getTwilioOAuthOptionsToken())
      .useValue(mock.clientOptions())
      .compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    try {
      const { expiresAt } = await moduleRef.get(TokenController).token();
      expect(expiresAt).toBeGreaterThan(Date.now());
      expect(mock.stats().tokenRequests).toBe(1);
      expect(factory).not.toHaveBeenCalled();
    } finally {
      await app.close();
    }
  });
});
