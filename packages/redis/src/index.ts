export type { CryptoKey, EncryptionKey } from './encryption';
export {
  RedisStoreError,
  type RedisStoreErrorCode,
  type RedisStoreOperation,
} from './errors';
export {
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_KEY_PREFIX,
  type RedisTokenStoreOptions,
} from './options';
export { RedisTokenStore } from './redis-token-store';
