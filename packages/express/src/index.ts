export type { AccessToken, TokenHandle, TokenManagerOptions } from '@twilio-oauth/core';
export type { FailureLogger } from '@twilio-oauth/core/adapter';
export { TwilioOAuthHttpError, twilioOAuthErrorHandler } from './errors';
export { twilioOAuth } from './middleware';
export type {
  TwilioOAuthConfig,
  TwilioOAuthMiddleware,
  TwilioOAuthMiddlewareOptions,
  TwilioOAuthOptionsFactory,
  TwilioOAuthSharedManagerOptions,
} from './types';
