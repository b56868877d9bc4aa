import type { webcrypto } from 'node:crypto';
import type { StoredToken, TokenStore } from '@twilio-oauth/core';
import type { Redis as UpstashRedis } from '@upstash/redis';
import type { Redis as UpstashRedisWorkers } from '@upstash/redis/cloudflare';
import type { Cluster, Redis } from 'ioredis';
import type { Redis as Valkey, Cluster as ValkeyCluster } from 'iovalkey';
import type { createClient, createCluster } from 'redis';
import type { createClient as createClient4 } from 'redis4';
import type { createClient as createClient6, createCluster as createCluster6 } from 'redis6';
import { describe, expectTypeOf, it } from 'vitest';
import type {
  EncryptionKey,
  RedisStoreError,
  RedisTokenStore,
  RedisTokenStoreOptions,
  StoreError,
} from './index';
import type { UpstashTokenStore, UpstashTokenStoreOptions } from './upstash';

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

  it('takes iovalkey, node-redis v4, v5 and v6 (client and cluster) and Upstash clients', () => {
    type Client = RedisTokenStoreOptions['client'];
    expectTypeOf<Valkey>().toExtend<Client>();
    expectTypeOf<ValkeyCluster>().toExtend<Client>();
    expectTypeOf<ReturnType<typeof createClient>>().toExtend<Client>();
    expectTypeOf<ReturnType<typeof createCluster>>().toExtend<Client>();
    expectTypeOf<ReturnType<typeof createClient6>>().toExtend<Client>();
    expectTypeOf<ReturnType<typeof createClient4>>().toExtend<Client>();
    expectTypeOf<ReturnType<typeof createCluster6>>().toExtend<Client>();
    expectTypeOf<UpstashRedis>().toExtend<Client>();
    expectTypeOf<UpstashRedisWorkers>().toExtend<Client>();
  });

  it('refuses objects that only look like a key-value store', () => {
    type Client = RedisTokenStoreOptions['client'];
    type KeyValue = {
      get(key: string): Promise<string | null>;
      set(key: string, value: string): Promise<unknown>;
      del(key: string): Promise<number>;
    };
    expectTypeOf<KeyValue>().not.toExtend<Client>();
    expectTypeOf<Map<string, string>>().not.toExtend<Client>();
    expectTypeOf<string>().not.toExtend<Client>();
  });

  it('narrows the Upstash entry to Upstash clients', () => {
    type Client = UpstashTokenStoreOptions['client'];
    expectTypeOf<UpstashRedis>().toExtend<Client>();
    expectTypeOf<Redis>().not.toExtend<Client>();
    expectTypeOf<ReturnType<typeof createClient>>().not.toExtend<Client>();
    expectTypeOf<UpstashTokenStore>().toExtend<TokenStore>();
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
