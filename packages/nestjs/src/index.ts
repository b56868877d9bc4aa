// The core names this package's signatures use, and the handle type, re-exported the same way
// by every adapter.
export type {
  AccessToken,
  GetTokenOptions,
  TokenInfo,
  TokenManagerOptions,
} from '@twilio-oauth/core';
export { TokenManager, TokenRequestError } from '@twilio-oauth/core';
export type { TwilioOAuthHandle } from '@twilio-oauth/core/adapter';
export {
  TWILIO_CLIENT,
  TWILIO_OAUTH_MODULE_OPTIONS,
  TWILIO_TOKEN_MANAGER,
} from './twilio-oauth.constants';
export {
  InjectTwilioClient,
  InjectTwilioOAuth,
  InjectTwilioTokenManager,
} from './twilio-oauth.decorators';
export { TwilioOAuthModule } from './twilio-oauth.module';
export { TwilioOAuthService } from './twilio-oauth.service';
export { TwilioOAuthTenants } from './twilio-oauth.tenants';
export {
  getTwilioClientToken,
  getTwilioOAuthOptionsToken,
  getTwilioOAuthServiceToken,
  getTwilioTokenManagerToken,
} from './twilio-oauth.tokens';
export type {
  TwilioOAuthModuleAsyncOptions,
  TwilioOAuthModuleExtras,
  TwilioOAuthModuleForRootOptions,
  TwilioOAuthModuleOptions,
  TwilioOAuthOptionsFactory,
  TwilioOAuthPerRequestOptions,
  TwilioOAuthRequest,
  TwilioOAuthSharedManagerOptions,
  TwilioOAuthStaticOptions,
} from './twilio-oauth-options.interface';
