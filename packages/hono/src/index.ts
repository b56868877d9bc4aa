/**
 * `@twilio-oauth/hono`: Hono middleware that gives every request a lazy
 * `c.var.twilio` (`getToken()`, `getAuthorizationHeader()`, `fetch()`) backed by
 * `@twilio-oauth/core`, on Node, Cloudflare Workers, Bun and Deno.
 *
 * @packageDocumentation
 */

export type {
  AccessToken,
  GetTokenOptions,
  TokenInfo,
  TokenManagerOptions,
} from '@twilio-oauth/core';
// Re-exported so that `twilioOAuth({ manager })` and checks on an error's `cause`
// need no second import (with pnpm, no second dependency either).
export { TokenManager, TokenRequestError } from '@twilio-oauth/core';
export type { FailureLogger } from '@twilio-oauth/core/adapter';
export { twilioOAuth } from './middleware';
export type {
  TwilioHandle,
  TwilioOAuthConfig,
  TwilioOAuthEnv,
  TwilioOAuthMiddleware,
  TwilioOAuthMiddlewareOptions,
  TwilioOAuthOptionsFactory,
  TwilioOAuthSharedManagerOptions,
  TwilioOAuthVariables,
} from './types';
