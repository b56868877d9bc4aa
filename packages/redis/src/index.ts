export type { EncryptionKey, WebCryptoKey } from '@twilio-oauth/core/store-kit';
export { StoreError, type StoreErrorCode } from '@twilio-oauth/core/store-kit';
export type {
  IORedisClient,
  NodeRedisClient,
  RedisClient,
  UpstashRedisClient,
} from './clients/index';
export { RedisStoreError, type RedisStoreOperation } from './errors';
export {
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_KEY_PREFIX,
  type RedisTokenStoreOptions,
} from './options';
export { RedisTokenStore } from './redis-token-store';
export { RedisStoreBase } from './store';
