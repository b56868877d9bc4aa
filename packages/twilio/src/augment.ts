import type {} from '@twilio-oauth/core/adapter';
import type { Twilio } from 'twilio';

// With this package in the program, `handle.client` of every adapter (req.twilio.client, c.var.twilio.client,
// TwilioOAuthService.client) is the SDK's Twilio type.
declare module '@twilio-oauth/core/adapter' {
  interface TwilioOAuthClients {
    client: Twilio;
  }
}
