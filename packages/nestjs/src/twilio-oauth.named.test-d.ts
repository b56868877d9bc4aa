import type { Type } from '@nestjs/common';
import type { TokenManagerOptions } from '@twilio-oauth/core';
import { describe, expectTypeOf, it } from 'vitest';
import {
  getTwilioClientToken,
  getTwilioOAuthServiceToken,
  InjectTwilioClient,
  InjectTwilioOAuth,
  InjectTwilioTokenManager,
  TwilioOAuthModule,
  type TwilioOAuthModuleAsyncOptions,
  type TwilioOAuthService,
} from './index';

declare const options: TokenManagerOptions;

describe('named instances', () => {
  it('take a name in forRoot and forRootAsync', () => {
    TwilioOAuthModule.forRoot({ name: 'org', ...options });
    TwilioOAuthModule.forRootAsync({ name: 'org', useFactory: () => options });
    expectTypeOf<TwilioOAuthModuleAsyncOptions['name']>().toEqualTypeOf<string | undefined>();
    // @ts-expect-error a name is a string
    TwilioOAuthModule.forRoot({ name: 1, ...options });
  });

  it('have tokens and decorators per name, the default one without', () => {
    expectTypeOf(getTwilioOAuthServiceToken).returns.toEqualTypeOf<
      symbol | Type<TwilioOAuthService>
    >();
    expectTypeOf(getTwilioClientToken('org')).toEqualTypeOf<symbol>();
    for (const decorator of [InjectTwilioOAuth, InjectTwilioClient, InjectTwilioTokenManager]) {
      expectTypeOf(decorator).parameters.toEqualTypeOf<[name?: string]>();
      expectTypeOf(decorator('org')).toExtend<ParameterDecorator>();
    }
  });
});
