import type { TokenManager } from '@twilio-oauth/core';
import type { SdkClient, SdkClientFactory, TwilioOAuthHandle } from '@twilio-oauth/core/adapter';
import type twilio from 'twilio';
import type { Twilio } from 'twilio';
import { describe, expectTypeOf, it } from 'vitest';
import {
  scimTypeOf,
  type TwilioClientOptions,
  type TwilioFetcher,
  twilioClient,
  twilioClientFactory,
} from './index';

describe('public types', () => {
  it('returns the SDK Twilio client', () => {
    expectTypeOf(twilioClient).returns.toEqualTypeOf<Twilio>();
    expectTypeOf(twilioClient).returns.toEqualTypeOf<twilio.Twilio>();
    expectTypeOf<ReturnType<Twilio['messages']['create']>>().resolves.toHaveProperty('sid');
  });

  it('takes a TokenManager (or anything with its fetch)', () => {
    expectTypeOf<TokenManager>().toExtend<TwilioFetcher>();
    expectTypeOf<{ fetch: typeof fetch }>().toExtend<TwilioFetcher>();
    expectTypeOf<{ getToken(): Promise<string> }>().not.toExtend<TwilioFetcher>();
    expectTypeOf(twilioClient).parameter(0).toEqualTypeOf<TwilioFetcher>();
  });

  it('every option is optional (accountSid only for account resources)', () => {
    expectTypeOf<{ accountSid: string }>().toExtend<TwilioClientOptions>();
    expectTypeOf<{ apiBaseUrl: string }>().toExtend<TwilioClientOptions>();
    expectTypeOf<{ accountSid: number }>().not.toExtend<TwilioClientOptions>();
    expectTypeOf<TwilioClientOptions['timeoutMs']>().toEqualTypeOf<number | undefined>();
  });

  it('reads a SCIM error type from anything an SDK call rejects with', () => {
    expectTypeOf(scimTypeOf).parameter(0).toEqualTypeOf<unknown>();
    expectTypeOf(scimTypeOf).returns.toEqualTypeOf<string | undefined>();
  });

  it("makes the adapters' client the SDK Twilio type, and fits their client option", () => {
    expectTypeOf<SdkClient>().toEqualTypeOf<Twilio>();
    expectTypeOf<TwilioOAuthHandle['client']>().toEqualTypeOf<Twilio>();
    expectTypeOf(twilioClientFactory({ accountSid: 'AC' })).toExtend<SdkClientFactory>();
  });
});
