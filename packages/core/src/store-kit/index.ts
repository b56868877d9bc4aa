/**
 * `@twilio-oauth/core/store-kit`: what every shared token store of this project
 * is built from, written once: the AES-GCM token codec with key rotation, the
 * store error with a safe `cause`, the command deadline, the duration option
 * check and the least-recently-used trim. Web-standard APIs only.
 *
 * For store authors (`@twilio-oauth/redis`, `@twilio-oauth/cloudflare`); an app
 * needs none of it.
 *
 * @packageDocumentation
 */
export { callWithin, type DeadlineOptions } from './deadline';
export type { EncryptionKey, WebCryptoKey } from './key-ring';
export { trimLeastRecent } from './lru';
export { checkMillis, type MillisOption } from './options';
export { StoreError, type StoreErrorCode } from './store-error';
export { TokenCodec, type TokenEncryptionOptions } from './token-codec';
