export type { AccessToken, TokenHandle, TokenManagerOptions } from '@twilio-oauth/core';
export { TwilioOAuthHttpError, twilioOAuthErrorHandler } from './errors';
export { twilioOAuth } from './middleware';
export type {
  TwilioOAuthConfig,
  TwilioOAuthExtras,
  TwilioOAuthMiddleware,
  TwilioOAuthOptionsFactory,
  TwilioOAuthSharedManagerOptions,
} from './types';
