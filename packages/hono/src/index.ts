/**
 * `@twilio-oauth/hono`: a lazy `c.var.twilio` (`getToken()`, `getAuthorizationHeader()`,
 * `fetch()`) backed by `@twilio-oauth/core`, on Node, Cloudflare Workers, Bun and Deno.
 *
 * @packageDocumentation
 */

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
export { twilioOAuth } from './middleware';
export type {
  TwilioOAuthConfig,
  TwilioOAuthEnv,
  TwilioOAuthMiddleware,
  TwilioOAuthMiddlewareOptions,
  TwilioOAuthOptionsFactory,
  TwilioOAuthSharedManagerOptions,
  TwilioOAuthVariables,
} from './types';
