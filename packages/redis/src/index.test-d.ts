import type { webcrypto } from 'node:crypto';
import type { StoredToken, TokenStore } from '@twilio-oauth/core';
import type { Cluster, Redis } from 'ioredis';
import { describe, expectTypeOf, it } from 'vitest';
import type {
  EncryptionKey,
  RedisStoreError,
  RedisTokenStore,
  RedisTokenStoreOptions,
  StoreError,
} from './index';

describe('public types', () => {
  it('is a TokenStore with a lock', () => {
    expectTypeOf<RedisTokenStore>().toExtend<TokenStore>();
    expectTypeOf<RedisTokenStore['acquireLock']>().toEqualTypeOf<
      (key: string, ttlMs: number) => Promise<(() => Promise<void>) | undefined>
    >();
    expectTypeOf<RedisTokenStore['get']>().returns.toEqualTypeOf<
      Promise<StoredToken | undefined>
    >();
  });

  it('takes a standalone or a Cluster ioredis client', () => {
    expectTypeOf<Redis>().toExtend<RedisTokenStoreOptions['client']>();
    expectTypeOf<Cluster>().toExtend<RedisTokenStoreOptions['client']>();
    expectTypeOf<{ get(): void }>().not.toExtend<RedisTokenStoreOptions['client']>();
  });

  it('takes keys as bytes, base64 or CryptoKey, and nothing else', () => {
    expectTypeOf<Uint8Array>().toExtend<EncryptionKey>();
    expectTypeOf<Buffer>().toExtend<EncryptionKey>();
    expectTypeOf<string>().toExtend<EncryptionKey>();
    expectTypeOf<webcrypto.CryptoKey>().toExtend<EncryptionKey>();
    expectTypeOf<number>().not.toExtend<EncryptionKey>();
    expectTypeOf<ArrayBuffer>().not.toExtend<EncryptionKey>();
  });

  it('exposes the failed operation on its errors', () => {
    expectTypeOf<RedisStoreError['operation']>().toEqualTypeOf<
      'get' | 'set' | 'delete' | 'lock' | 'release'
    >();
    expectTypeOf<RedisStoreError['code']>().toEqualTypeOf<'store_timeout' | 'store_error'>();
    expectTypeOf<RedisStoreError>().toExtend<StoreError>();
  });
});
