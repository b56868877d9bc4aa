/**
 * `@twilio-oauth/redis/upstash`: the token store on `@upstash/redis` (Redis over
 * HTTP) for edge and serverless runtimes, with no Node built-in and no type of
 * a TCP client: Workers, Vercel Edge, Netlify, Deno Deploy.
 *
 * @packageDocumentation
 */
import type { UpstashRedisClient } from './clients/index';
import { commandsOf } from './clients/index';
import type { RedisTokenStoreOptions } from './options';
import { RedisStoreBase } from './store';

export type { EncryptionKey, WebCryptoKey } from '@twilio-oauth/core/store-kit';
export { StoreError, type StoreErrorCode } from '@twilio-oauth/core/store-kit';
export type { UpstashRedisClient } from './clients/index';
export { RedisStoreError, type RedisStoreOperation } from './errors';
export { DEFAULT_COMMAND_TIMEOUT_MS, DEFAULT_KEY_PREFIX } from './options';
export { RedisStoreBase } from './store';

/** Options of {@link UpstashTokenStore}: those of `RedisTokenStore`, with an Upstash client. */
export type UpstashTokenStoreOptions = RedisTokenStoreOptions<UpstashRedisClient>;

/**
 * `RedisTokenStore` on an `@upstash/redis` client only: the same keys, lock,
 * encryption and `commandTimeoutMs`, from an entry that loads on any runtime
 * with `fetch` and WebCrypto.
 *
 * @throws {InvalidOptionsError} when `client` is not an `@upstash/redis` client,
 *   or another option is invalid (named, never echoed).
 *
 * @example
 * import { Redis } from '@upstash/redis/cloudflare';
 * import { UpstashTokenStore } from '@twilio-oauth/redis/upstash';
 *
 * const store = new UpstashTokenStore({
 *   client: Redis.fromEnv(env),
 *   encryptionKey: env.TOKEN_STORE_KEY,
 * });
 */
export class UpstashTokenStore extends RedisStoreBase {
  /** @param options - see {@link UpstashTokenStoreOptions}. */
  constructor(options: UpstashTokenStoreOptions) {
    super(options, (client) => commandsOf(client, ['upstash']));
  }
}
