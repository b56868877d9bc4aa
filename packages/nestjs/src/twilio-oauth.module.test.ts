import 'reflect-metadata';
import { inspect } from 'node:util';
import { Injectable, type LoggerService, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { InvalidOptionsError, TokenManager } from '@twilio-oauth/core';
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
import { InjectTwilioTokenManager } from './twilio-oauth.decorators';
import { TwilioOAuthModule } from './twilio-oauth.module';
import { TwilioOAuthService } from './twilio-oauth.service';
import type {
  TwilioOAuthModuleOptions,
  TwilioOAuthOptionsFactory,
} from './twilio-oauth-options.interface';

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

/** Stands for a configuration module such as @nestjs/config. */
@Injectable()
class Settings {
  reads = 0;
  twilio(): TwilioOAuthModuleOptions {
    this.reads++;
    return managerOptions(mock);
  }
}

@Injectable()
class OptionsFromSettings implements TwilioOAuthOptionsFactory {
  constructor(private readonly settings: Settings) {}
  createTwilioOAuthOptions() {
    return this.settings.twilio();
  }
}

@Module({ providers: [Settings, OptionsFromSettings], exports: [Settings, OptionsFromSettings] })
class SettingsModule {}

/** A consumer in a module that does not import TwilioOAuthModule itself. */
@Injectable()
class Consumer {
  constructor(
    readonly twilio: TwilioOAuthService,
    @InjectTwilioTokenManager() readonly manager: TokenManager,
  ) {}
}

@Module({ providers: [Consumer], exports: [Consumer] })
class FeatureModule {}

describe.each(platforms)('TwilioOAuthModule on $name', (platform: Platform) => {
  const start = (imports: Parameters<typeof startApp>[1]['imports']) =>
    startApp(platform, {
      imports,
      controllers: [ProbeController],
      providers: probeProviders(mock),
    });

  const expectOneToken = async (app: RunningApp) => {
    const res = await app.get('/token');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ tokenType: 'Bearer', expiresAt: expect.any(Number) });
    expect(mock.stats().byClient[CLIENT_ID]?.tokensIssued).toBe(1);
  };

  it('forRoot(options) provides a working service', async () => {
    running = await start([TwilioOAuthModule.forRoot(managerOptions(mock))]);
    await expectOneToken(running);
  });

  it('forRootAsync({ useFactory, inject, imports }) computes options from injected providers', async () => {
    running = await start([
      TwilioOAuthModule.forRootAsync({
        imports: [SettingsModule],
        inject: [Settings],
        useFactory: (settings: Settings) => settings.twilio(),
      }),
    ]);
    await expectOneToken(running);
  });

  it('forRootAsync({ useFactory }) may be async', async () => {
    running = await start([
      TwilioOAuthModule.forRootAsync({ useFactory: async () => managerOptions(mock) }),
    ]);
    await expectOneToken(running);
  });

  it('forRootAsync({ useClass }) instantiates the factory class with its dependencies', async () => {
    running = await start([
      TwilioOAuthModule.forRootAsync({ imports: [SettingsModule], useClass: OptionsFromSettings }),
    ]);
    await expectOneToken(running);
  });

  it('forRootAsync({ useExisting }) reuses the imported factory instance', async () => {
    running = await start([
      SettingsModule,
      TwilioOAuthModule.forRootAsync({
        imports: [SettingsModule],
        useExisting: OptionsFromSettings,
      }),
    ]);
    await expectOneToken(running);
    // The options came from the instance SettingsModule exports, not from a second one.
    expect(running.app.get(Settings).reads).toBe(1);
  });

  it('is not global unless asked: another module cannot inject the service', async () => {
    await expect(
      Test.createTestingModule({
        imports: [TwilioOAuthModule.forRoot(managerOptions(mock)), FeatureModule],
      }).compile(),
    ).rejects.toThrow(/TwilioOAuthService/);
  });

  it.each([
    ['forRoot', () => TwilioOAuthModule.forRoot({ ...managerOptions(mock), isGlobal: true })],
    [
      'forRootAsync',
      () =>
        TwilioOAuthModule.forRootAsync({ useFactory: () => managerOptions(mock), isGlobal: true }),
    ],
  ])(
    '%s({ isGlobal: true }) makes the service and manager injectable everywhere',
    async (_, module) => {
      running = await start([module(), FeatureModule]);
      const consumer = running.app.get(Consumer);
      await expect(consumer.twilio.getToken()).resolves.toMatchObject({ tokenType: 'Bearer' });
      // The decorator injects the very manager behind the service.
      expect(consumer.manager).toBe(running.app.get(TWILIO_TOKEN_MANAGER));
      expect(consumer.manager.tokenInfo()?.state).toBe('fresh');
      expect(mock.stats().tokenRequests).toBe(1);
    },
  );

  it('app.close() closes the manager it created', async () => {
    running = await start([TwilioOAuthModule.forRoot(managerOptions(mock))]);
    await expectOneToken(running);
    const manager = running.app.get<TokenManager>(TWILIO_TOKEN_MANAGER);
    const service = running.app.get(TwilioOAuthService);
    await running.app.close();
    running = undefined;
    await expect(manager.getToken()).rejects.toMatchObject({ code: 'closed' });
    // A job still holding the service after shutdown gets a 503, not a fresh token request.
    await expect(service.getToken()).rejects.toMatchObject({ status: 503 });
    expect(mock.stats().tokenRequests).toBe(1);
  });

  it('{ manager } shares an existing manager and leaves it open on app.close()', async () => {
    const shared = new TokenManager(managerOptions(mock));
    try {
      running = await start([TwilioOAuthModule.forRoot({ manager: shared })]);
      expect(running.app.get(TWILIO_TOKEN_MANAGER)).toBe(shared);
      await expectOneToken(running);
      expect(shared.tokenInfo()?.state).toBe('fresh');
      await running.app.close();
      running = undefined;
      await expect(shared.getToken()).resolves.toMatchObject({ tokenType: 'Bearer' });
      expect(mock.stats().tokenRequests).toBe(1);
    } finally {
      await shared.close();
    }
  });

  it('{ manager } also works from forRootAsync', async () => {
    const shared = new TokenManager(managerOptions(mock));
    try {
      running = await start([
        TwilioOAuthModule.forRootAsync({ useFactory: () => ({ manager: shared }) }),
      ]);
      expect(running.app.get(TWILIO_TOKEN_MANAGER)).toBe(shared);
    } finally {
      await shared.close();
    }
  });
});

describe('bad configuration fails bootstrap', () => {
  const SECRET = CLIENT_SECRET;

  /** Every way the error could reach a log or a client. */
  const renderings = (error: unknown) => [
    String(error),
    JSON.stringify(error),
    inspect(error, { depth: 5 }),
    error instanceof Error ? (error.stack ?? '') : '',
  ];

  const cases: Array<[string, () => TwilioOAuthModuleOptions, string]> = [
    ['empty clientId', () => ({ ...managerOptions(mock), clientId: '' }), 'clientId'],
    [
      'missing clientSecret',
      () => ({ clientId: CLIENT_ID }) as TwilioOAuthModuleOptions,
      'clientSecret',
    ],
    [
      'plain http token URL off loopback',
      () => ({ ...managerOptions(mock), tokenUrl: 'http://oauth.example.com/v2/token' }),
      'tokenUrl',
    ],
    [
      'zero retry attempts',
      () => ({ ...managerOptions(mock), retry: { maxAttempts: 0 } }),
      'retry.maxAttempts',
    ],
    ['a manager that is not one', () => ({ manager: {} }) as TwilioOAuthModuleOptions, 'manager'],
  ];

  it.each(cases)('forRoot with %s names the option, not the secret', async (_, options, option) => {
    const error = await Test.createTestingModule({
      imports: [TwilioOAuthModule.forRoot(options())],
    })
      .compile()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect(error).toMatchObject({ option });
    expect((error as Error).message).toContain(option);
    for (const text of renderings(error)) expect(text).not.toContain(SECRET);
  });

  it('forRootAsync with a factory returning nothing fails naming "options"', async () => {
    await expect(
      Test.createTestingModule({
        imports: [
          TwilioOAuthModule.forRootAsync({
            useFactory: () => undefined as unknown as TwilioOAuthModuleOptions,
          }),
        ],
      }).compile(),
    ).rejects.toMatchObject({ name: 'InvalidOptionsError', option: 'options' });
  });

  it('{ manager } combined with credentials fails naming the credential', async () => {
    const shared = new TokenManager(managerOptions(mock));
    try {
      const options = {
        manager: shared,
        clientSecret: SECRET,
      } as unknown as TwilioOAuthModuleOptions;
      const error = await Test.createTestingModule({
        imports: [TwilioOAuthModule.forRoot(options)],
      })
        .compile()
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'InvalidOptionsError', option: 'clientSecret' });
      for (const text of renderings(error)) expect(text).not.toContain(SECRET);
    } finally {
      await shared.close();
    }
  });

  it('NestFactory.create rejects, and what Nest logs names the option, not the secret', async () => {
    const logged: string[] = [];
    const capture = (...parts: unknown[]) => {
      logged.push(parts.map((p) => (typeof p === 'string' ? p : inspect(p))).join(' '));
    };
    const logger: LoggerService = { log: capture, error: capture, warn: capture };

    @Module({
      imports: [
        TwilioOAuthModule.forRootAsync({
          useFactory: () => ({ ...managerOptions(mock), tokenUrl: 'ftp://oauth.example.com' }),
        }),
      ],
    })
    class AppModule {}

    const error = await NestFactory.create(AppModule, new ExpressAdapter(), {
      abortOnError: false,
      logger,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'InvalidOptionsError', option: 'tokenUrl' });
    expect(logged.join('\n')).not.toContain(SECRET);
    for (const text of renderings(error)) expect(text).not.toContain(SECRET);
  });
});
