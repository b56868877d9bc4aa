import '@twilio-oauth/twilio';
import { twilioClientFactory } from '@twilio-oauth/twilio';
import type { Twilio } from 'twilio';
import { describe, expectTypeOf, it } from 'vitest';
import { TwilioOAuthModule } from './twilio-oauth.module';
import type { TwilioOAuthService } from './twilio-oauth.service';

describe('TwilioOAuthService.client', () => {
  it('is the SDK Twilio client once @twilio-oauth/twilio is in the program', () => {
    expectTypeOf<TwilioOAuthService['client']>().toEqualTypeOf<Twilio>();
  });

  it('takes the factory of @twilio-oauth/twilio as client', () => {
    const client = twilioClientFactory({ accountSid: `AC${'0'.repeat(32)}` });
    expectTypeOf(TwilioOAuthModule.forRoot).toBeCallableWith({
      clientId: 'id',
      clientSecret: 's',
      client,
    });
  });
});
