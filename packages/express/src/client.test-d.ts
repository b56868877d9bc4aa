import type { Request } from 'express';
import type { Twilio } from 'twilio';
import { describe, expectTypeOf, it } from 'vitest';
import '@twilio-oauth/twilio';
import { twilioClientFactory } from '@twilio-oauth/twilio';
import { twilioOAuth } from './index';

describe('req.twilio.client', () => {
  it('is the SDK Twilio client once @twilio-oauth/twilio is in the program', () => {
    expectTypeOf<Request['twilio']['client']>().toEqualTypeOf<Twilio>();
  });

  it('takes the factory of @twilio-oauth/twilio as the sdkClient option', () => {
    const client = twilioClientFactory({ accountSid: `AC${'0'.repeat(32)}` });
    expectTypeOf(twilioOAuth).toBeCallableWith(
      { clientId: 'id', clientSecret: 's' },
      { sdkClient: client },
    );
  });
});
