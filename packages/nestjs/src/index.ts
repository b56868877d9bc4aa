// Core types that appear in this package's signatures, so users need no direct import of core.
export type {
  AccessToken,
  GetTokenOptions,
  TokenInfo,
  TokenManager,
  TokenManagerOptions,
} from '@twilio-oauth/core';
export {
  TWILIO_CLIENT,
  TWILIO_OAUTH_MODULE_OPTIONS,
  TWILIO_TOKEN_MANAGER,
} from './twilio-oauth.constants.js';
export { InjectTwilioClient, InjectTwilioTokenManager } from './twilio-oauth.decorators.js';
export { TwilioOAuthModule } from './twilio-oauth.module.js';
export { TwilioOAuthService } from './twilio-oauth.service.js';
export type {
  TwilioOAuthModuleAsyncOptions,
  TwilioOAuthModuleExtras,
  TwilioOAuthModuleForRootOptions,
  TwilioOAuthModuleOptions,
  TwilioOAuthOptionsFactory,
  TwilioOAuthPerRequestOptions,
  TwilioOAuthRequest,
  TwilioOAuthSharedManagerOptions,
} from './twilio-oauth-options.interface.js';
