import '@twilio-oauth/twilio';
import { twilioClientFactory } from '@twilio-oauth/twilio';
import { Hono } from 'hono';
import type { Twilio } from 'twilio';
import { describe, expectTypeOf, it } from 'vitest';
import { twilioOAuth } from './index';

describe('c.var.twilio.client', () => {
  it('is the SDK Twilio client once @twilio-oauth/twilio is in the program', () => {
    const client = twilioClientFactory({ accountSid: `AC${'0'.repeat(32)}` });
    new Hono()
      .use(twilioOAuth({ clientId: 'id', clientSecret: 's' }, { sdkClient: client }))
      .get('/', (c) => {
        expectTypeOf(c.var.twilio.client).toEqualTypeOf<Twilio>();
        return c.text('ok');
      });
  });
});
