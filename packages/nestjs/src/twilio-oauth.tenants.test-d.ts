import type { IncomingMessage } from 'node:http';
import type { TokenHandle, TokenManager, TokenManagerOptions } from '@twilio-oauth/core';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type TwilioOAuthHandle,
  TwilioOAuthModule,
  type TwilioOAuthRequest,
  type TwilioOAuthService,
  type TwilioOAuthTenants,
} from './index';

declare const options: TokenManagerOptions;
declare const twilio: TwilioOAuthTenants;
declare const service: TwilioOAuthService;
declare const manager: TokenManager;
/** What Express's `Request` and Fastify's `raw` are built on. */
declare const nodeRequest: IncomingMessage;

describe('the per-request form', () => {
  it('takes forRequest, with its parameter typed as the app’s request', () => {
    TwilioOAuthModule.forRoot({ forRequest: () => options });
    TwilioOAuthModule.forRoot({
      forRequest: (req) => ({ ...options, clientId: String(req.headers['x-tenant']) }),
      isGlobal: true,
    });
    TwilioOAuthModule.forRoot({
      forRequest: (_req: IncomingMessage & { user: string }) => options,
    });
    TwilioOAuthModule.forRootAsync({
      perRequest: true,
      useFactory: () => ({ forRequest: () => options }),
    });
  });

  it('refuses credentials or a manager beside forRequest', () => {
    // @ts-expect-error credentials would lose to those forRequest returns
    TwilioOAuthModule.forRoot({ forRequest: () => options, clientId: 'OQx' });
    // @ts-expect-error a shared manager and forRequest are two forms
    TwilioOAuthModule.forRoot({ forRequest: () => options, manager });
  });

  it('gives the handle of a Node request on either platform', () => {
    expectTypeOf(twilio.forRequest(nodeRequest)).toExtend<TokenHandle>();
    expectTypeOf(twilio.forRequest(nodeRequest)).toEqualTypeOf<TwilioOAuthHandle>();
    expectTypeOf<IncomingMessage>().toExtend<TwilioOAuthRequest>();
  });

  it('keeps the two forms apart: no service method of one credential on the per-request one', () => {
    expectTypeOf<TwilioOAuthTenants>().not.toHaveProperty('getToken');
    expectTypeOf<TwilioOAuthService>().not.toHaveProperty('forRequest');
    expectTypeOf(service.getToken).returns.resolves.toHaveProperty('accessToken');
  });
});
