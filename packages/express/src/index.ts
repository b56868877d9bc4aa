// The core names this package's signatures use, and the handle type, re-exported the same way
// by every adapter.
export type {
  AccessToken,
  GetTokenOptions,
  TokenInfo,
  TokenManagerOptions,
} from '@twilio-oauth/core';
export { TokenManager, TokenRequestError } from '@twilio-oauth/core';
export type { FailureLogger, TwilioOAuthHandle } from '@twilio-oauth/core/adapter';
export { TwilioOAuthHttpError, twilioOAuthErrorHandler } from './errors';
export { twilioOAuth } from './middleware';
export type {
  TwilioOAuthConfig,
  TwilioOAuthMiddleware,
  TwilioOAuthMiddlewareOptions,
  TwilioOAuthOptionsFactory,
  TwilioOAuthRequestKey,
  TwilioOAuthSharedManagerOptions,
} from './types';
