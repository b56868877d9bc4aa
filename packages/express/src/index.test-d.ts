import type { AccessToken, TokenHandle, TokenManager } from '@twilio-oauth/core';
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type TwilioOAuthConfig,
  type TwilioOAuthHandle,
  type TwilioOAuthHttpError,
  type TwilioOAuthMiddleware,
  twilioOAuth,
  twilioOAuthErrorHandler,
} from './index';

declare global {
  namespace Express {
    interface Request {
      twilioOrg: TwilioOAuthHandle;
    }
  }
}

describe('types', () => {
  it('puts a second credential on a property declared by merging, and no other', () => {
    expectTypeOf<Request['twilioOrg']>().toEqualTypeOf<TwilioOAuthHandle>();
    twilioOAuth({ clientId: 'OQorg', clientSecret: 's' }, { as: 'twilioOrg' });
    twilioOAuth({ clientId: 'OQ', clientSecret: 's' }, { as: 'twilio' });
    // @ts-expect-error not declared as a handle on Request
    twilioOAuth({ clientId: 'OQ', clientSecret: 's' }, { as: 'twilioTypo' });
    // @ts-expect-error a property of Request that is not a handle
    twilioOAuth({ clientId: 'OQ', clientSecret: 's' }, { as: 'body' });
  });

  it('types req.twilio by declaration merging', () => {
    expectTypeOf<Request['twilio']>().toExtend<TokenHandle>();
    expectTypeOf<Request['twilio']>().toEqualTypeOf<TwilioOAuthHandle>();
    expectTypeOf<Request['twilio']['getToken']>().returns.resolves.toEqualTypeOf<AccessToken>();
    expectTypeOf<Request['twilio']['getAuthorizationHeader']>().returns.resolves.toBeString();
    expectTypeOf<Request['twilio']['fetch']>().returns.resolves.toEqualTypeOf<Response>();
  });

  it('returns an Express middleware with close()', () => {
    const middleware = twilioOAuth({ clientId: 'id', clientSecret: 'secret' });
    expectTypeOf(middleware).toEqualTypeOf<TwilioOAuthMiddleware>();
    expectTypeOf(middleware).toExtend<RequestHandler>();
    expectTypeOf(middleware.close).returns.toEqualTypeOf<Promise<void>>();
    expectTypeOf(twilioOAuthErrorHandler()).toEqualTypeOf<ErrorRequestHandler>();
  });

  it('accepts options, { manager } or a function of the request', () => {
    expectTypeOf(twilioOAuth).parameter(0).toEqualTypeOf<TwilioOAuthConfig>();
    expectTypeOf<{ manager: TokenManager }>().toExtend<TwilioOAuthConfig>();
    twilioOAuth((req) => {
      expectTypeOf(req).toEqualTypeOf<Request>();
      return { clientId: String(req.headers['x-tenant']), clientSecret: 'secret' };
    });
    // @ts-expect-error clientSecret is required
    twilioOAuth({ clientId: 'id' });
    // @ts-expect-error the function must return options
    twilioOAuth(() => 'id');
  });

  it('exposes the HTTP error fields', () => {
    expectTypeOf<TwilioOAuthHttpError['status']>().toEqualTypeOf<502 | 503>();
    expectTypeOf<TwilioOAuthHttpError['statusCode']>().toEqualTypeOf<502 | 503>();
    expectTypeOf<TwilioOAuthHttpError['expose']>().toEqualTypeOf<false>();
    expectTypeOf<TwilioOAuthHttpError['code']>().toBeString();
    expectTypeOf<TwilioOAuthHttpError>().toExtend<Error>();
  });
});
