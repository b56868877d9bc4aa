/**
 * `@twilio-oauth/cloudflare`: one Twilio OAuth token for every isolate of a
 * Cloudflare Worker — {@link TwilioTokenBroker}, a Durable Object holding the token
 * and a lock per credential, and {@link durableObjectStore}, the
 * `@twilio-oauth/core` token store that talks to it. Web-standard APIs only.
 *
 * @packageDocumentation
 */

export type { EncryptionKey, WebCryptoKey } from '@twilio-oauth/core/store-kit';
export { StoreError, type StoreErrorCode } from '@twilio-oauth/core/store-kit';
export { TwilioTokenBroker } from './broker';
export {
  DEFAULT_BROKER_LOCK_WAIT_MS,
  DEFAULT_BROKER_TIMEOUT_MS,
  type DurableObjectStoreOptions,
  type DurableObjectTokenStore,
  durableObjectStore,
  TokenBrokerError,
} from './store';
export type {
  BrokerResponse,
  BrokerState,
  BrokerStorage,
  BrokerStub,
  TokenBrokerNamespace,
} from './types';
