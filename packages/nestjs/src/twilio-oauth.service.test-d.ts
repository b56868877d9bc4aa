import type { INestApplicationContext } from '@nestjs/common';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import type {
  AccessToken,
  GetTokenOptions,
  TokenHandle,
  TokenManager,
  TokenManagerOptions,
} from '@twilio-oauth/core';
import { describe, expectTypeOf, it } from 'vitest';
import {
  InjectTwilioTokenManager,
  TWILIO_OAUTH_MODULE_OPTIONS,
  TWILIO_TOKEN_MANAGER,
  TwilioOAuthModule,
  type TwilioOAuthModuleOptions,
  type TwilioOAuthOptionsFactory,
  TwilioOAuthService,
} from './index';
import { TwilioOAuthHealthIndicator } from './terminus';

declare const app: INestApplicationContext;
declare const options: TokenManagerOptions;
declare const manager: TokenManager;

describe('injected TwilioOAuthService', () => {
  it('resolves by class type to the service type', () => {
    expectTypeOf(app.get(TwilioOAuthService)).toEqualTypeOf<TwilioOAuthService>();
  });

  it('is a core TokenHandle with the three members', () => {
    expectTypeOf<TwilioOAuthService>().toExtend<TokenHandle>();
    expectTypeOf<TwilioOAuthService['getToken']>().parameters.toEqualTypeOf<
      [options?: GetTokenOptions]
    >();
    expectTypeOf<TwilioOAuthService['getToken']>().returns.toEqualTypeOf<Promise<AccessToken>>();
    expectTypeOf<TwilioOAuthService['getAuthorizationHeader']>().returns.toEqualTypeOf<
      Promise<string>
    >();
    expectTypeOf<TwilioOAuthService['fetch']>().parameters.toEqualTypeOf<
      Parameters<TokenHandle['fetch']>
    >();
    expectTypeOf<TwilioOAuthService['fetch']>().returns.toEqualTypeOf<Promise<Response>>();
  });

  it('does not expose the manager it wraps', () => {
    // @ts-expect-error private
    app.get(TwilioOAuthService).manager;
  });
});

describe('module options', () => {
  it('forRoot takes manager options or a shared manager, plus isGlobal', () => {
    TwilioOAuthModule.forRoot(options);
    TwilioOAuthModule.forRoot({ ...options, isGlobal: true });
    TwilioOAuthModule.forRoot({ manager });
    TwilioOAuthModule.forRoot({ manager, isGlobal: true });
  });

  it('rejects a shared manager mixed with credentials, and missing credentials', () => {
    // @ts-expect-error the shared manager's credentials would silently win
    TwilioOAuthModule.forRoot({ manager, clientSecret: 'x' });
    // @ts-expect-error clientSecret is required
    TwilioOAuthModule.forRoot({ clientId: 'x' });
  });

  it('forRootAsync factories must produce module options', () => {
    TwilioOAuthModule.forRootAsync({ useFactory: () => options, isGlobal: true });
    TwilioOAuthModule.forRootAsync({ useFactory: async () => ({ manager }) });
    // @ts-expect-error not module options
    TwilioOAuthModule.forRootAsync({ useFactory: () => ({ clientId: 1 }) });

    class Factory implements TwilioOAuthOptionsFactory {
      createTwilioOAuthOptions(): TwilioOAuthModuleOptions {
        return options;
      }
    }
    TwilioOAuthModule.forRootAsync({ useClass: Factory });
    TwilioOAuthModule.forRootAsync({ useExisting: Factory });
    class NotAFactory {
      create() {
        return options;
      }
    }
    // @ts-expect-error the factory method is createTwilioOAuthOptions
    TwilioOAuthModule.forRootAsync({ useClass: NotAFactory });
  });
});

describe('injection tokens', () => {
  it('are unique symbols, and the decorator fits constructor parameters and properties', () => {
    expectTypeOf(TWILIO_TOKEN_MANAGER).toBeSymbol();
    expectTypeOf(TWILIO_OAUTH_MODULE_OPTIONS).toBeSymbol();
    expectTypeOf(InjectTwilioTokenManager()).toEqualTypeOf<
      PropertyDecorator & ParameterDecorator
    >();
  });
});

describe('health indicator', () => {
  it('keeps the key in the result type', () => {
    const indicator = app.get(TwilioOAuthHealthIndicator);
    expectTypeOf(indicator.isHealthy('twilio')).toEqualTypeOf<
      Promise<HealthIndicatorResult<'twilio'>>
    >();
  });
});
