/**
 * `@twilio-oauth/core`: OAuth 2.0 client-credentials tokens for Twilio's Token
 * API (and any RFC 6749 server) — exchange, cache, refresh ahead, single
 * flight, retries and an authenticated `fetch`. Web-standard APIs only.
 *
 * @packageDocumentation
 */

export { secretBoundKey } from './credential';
export { DEFAULT_ALLOWED_HOSTS, DEFAULTS, MAX_TIMER_MS } from './defaults';
export {
  DEFAULT_API_BASE_URL,
  type EnvSource,
  settingsFromEnv,
  type TwilioEnvSettings,
} from './env';
export {
  HostNotAllowedError,
  httpStatusForError,
  InvalidOptionsError,
  publicErrorMessage,
  TokenRequestError,
  TwilioOAuthError,
} from './errors';
export { MemoryTokenStore } from './memory-store';
export { credentialKey, DEFAULT_TOKEN_URL } from './options';
export { requestToken } from './request-token';
export { TokenManager } from './token-manager';
export type {
  AccessToken,
  ClientAuthMethod,
  GetTokenOptions,
  RequestTokenOptions,
  RetryOptions,
  StoredToken,
  TokenErrorCode,
  TokenEvent,
  TokenHandle,
  TokenInfo,
  TokenManagerOptions,
  TokenState,
  TokenStore,
} from './types';
