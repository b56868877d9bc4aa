import { commandsOf } from './clients/index';
import type { RedisTokenStoreOptions } from './options';
import { RedisStoreBase } from './store';

/**
 * A {@link TokenStore} on Redis, so that a fleet of processes shares one token
 * per credential and fetches it once, through the client the app already has
 * (see {@link RedisTokenStoreOptions.client}).
 *
 * - Entries expire in Redis with the token (`SET ... PX`).
 * - `acquireLock` is `SET NX PX` with a random owner value, released by a
 *   compare-and-delete script: while one process fetches, the others wait for
 *   the store to fill.
 * - With `encryptionKey`, values are AES-256-GCM encrypted (WebCrypto) and bound
 *   to their Redis key.
 * - A Redis value that is not a well-formed entry reads as a miss; a Redis that
 *   errors or does not answer within `commandTimeoutMs` makes the call reject
 *   with {@link RedisStoreError}, which the token manager reports as a
 *   `store.error` event while it keeps serving from its own memory.
 *
 * Keys are `${keyPrefix}{${hash}}:token` and `...:lock`, where `hash` is a
 * truncated SHA-256 of the credential key (never the secret); the shared hash
 * tag keeps both in one Redis Cluster slot.
 *
 * @throws {InvalidOptionsError} at construction, naming the invalid option
 *   (`client`, `keyPrefix`, `encryptionKey`, `decryptionKeys[i]`, `commandTimeoutMs`).
 *   A client it cannot use (a plain object with `get` and `set`, say) is refused.
 *   Key material is never echoed.
 *
 * @example
 * import { TokenManager } from '@twilio-oauth/core';
 * import { RedisTokenStore } from '@twilio-oauth/redis';
 * import { Redis } from 'ioredis';
 *
 * const store = new RedisTokenStore({
 *   client: new Redis(process.env.REDIS_URL!),
 *   encryptionKey: process.env.TOKEN_STORE_KEY!, // 32 bytes, base64
 * });
 * const manager = new TokenManager({ clientId, clientSecret, store });
 */
export class RedisTokenStore extends RedisStoreBase {
  /** @param options - see {@link RedisTokenStoreOptions}. */
  constructor(options: RedisTokenStoreOptions) {
    super(options, (client) => commandsOf(client, ['ioredis', 'node-redis', 'upstash']));
  }
}
