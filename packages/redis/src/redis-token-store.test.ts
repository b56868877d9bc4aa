import { inspect } from 'node:util';
import { credentialKey, type StoredToken } from '@twilio-oauth/core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  deleteKeys,
  REDIS_URL,
  sharedRedisAvailable,
  testClient,
  uniquePrefix,
} from '../test/helpers/redis';
import { RedisStoreError } from './errors';
import { redisKeys } from './keys';
import { RedisTokenStore } from './redis-token-store';

const available = await sharedRedisAvailable();
const TOKEN_URL = 'https://oauth.twilio.com/v2/token';
const randomKey = () => globalThis.crypto.getRandomValues(new Uint8Array(32));

let n = 0;
/** A credential key of its own for each test, so tests never see each other's entries. */
const freshCredential = () => credentialKey(TOKEN_URL, `OQ${process.pid}x${++n}`);

const tokenFor = (label: string): StoredToken => ({
  accessToken: `eyJ.${label}.${globalThis.crypto.randomUUID()}`,
  tokenType: 'Bearer',
  issuedAt: 1_700_000_000_000,
  expiresAt: 1_700_003_600_000,
});

describe.skipIf(!available)('RedisTokenStore on a real Redis', () => {
  const prefix = uniquePrefix();
  const client = testClient(REDIS_URL);
  const store = new RedisTokenStore({ client, keyPrefix: prefix });
  const keysOf = (credential: string) => redisKeys(prefix, credential);

  afterAll(async () => {
    await deleteKeys(client, prefix);
    client.disconnect();
  });

  describe('get / set / delete', () => {
    it('round-trips a token under the hashed key, expiring with PX', async () => {
      const key = freshCredential();
      const token = tokenFor('roundtrip');
      await expect(store.get(key)).resolves.toBeUndefined();
      await store.set(key, token, 60_000);
      await expect(store.get(key)).resolves.toEqual(token);

      const { token: redisKey } = await keysOf(key);
      const ttl = await client.pttl(redisKey);
      expect(ttl).toBeGreaterThan(55_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
      expect(await client.keys(`${prefix}*OQ*`)).toEqual([]);
    });

    it('rounds a fractional ttl up and stores nothing for an expired token', async () => {
      const key = freshCredential();
      const { token: redisKey } = await keysOf(key);
      // Redis refuses a fractional PX; the store rounds up rather than shortening the entry.
      await store.set(key, tokenFor('fraction'), 59_999.2);
      const ttl = await client.pttl(redisKey);
      expect(ttl).toBeGreaterThan(55_000);
      expect(ttl).toBeLessThanOrEqual(60_000);

      const expired = freshCredential();
      await store.set(expired, tokenFor('expired'), 0);
      await store.set(expired, tokenFor('expired'), -5_000);
      expect(await client.exists((await keysOf(expired)).token)).toBe(0);
      await expect(store.set(expired, tokenFor('nan'), Number.NaN)).rejects.toThrow(RangeError);
    });

    it('overwrites, and delete removes the entry but not a lock', async () => {
      const key = freshCredential();
      await store.set(key, tokenFor('first'), 60_000);
      const second = tokenFor('second');
      await store.set(key, second, 60_000);
      await expect(store.get(key)).resolves.toEqual(second);

      const release = await store.acquireLock(key, 60_000);
      await store.delete(key);
      await expect(store.get(key)).resolves.toBeUndefined();
      expect(await client.exists((await keysOf(key)).lock)).toBe(1);
      await release?.();
      await expect(store.delete(freshCredential())).resolves.toBeUndefined();
    });

    it('keeps credentials and prefixes apart', async () => {
      const key = freshCredential();
      const token = tokenFor('apart');
      await store.set(key, token, 60_000);
      await expect(store.get(freshCredential())).resolves.toBeUndefined();
      const otherPrefix = new RedisTokenStore({ client, keyPrefix: `${prefix}other:` });
      await expect(otherPrefix.get(key)).resolves.toBeUndefined();
    });
  });

  describe('encryption at rest', () => {
    it('never stores the token in clear, and uses a fresh IV per write', async () => {
      const encrypted = new RedisTokenStore({
        client,
        keyPrefix: prefix,
        encryptionKey: randomKey(),
      });
      const key = freshCredential();
      const token = tokenFor('secret');
      const { token: redisKey } = await keysOf(key);

      await encrypted.set(key, token, 60_000);
      const first = await client.get(redisKey);
      await encrypted.set(key, token, 60_000);
      const second = await client.get(redisKey);

      for (const raw of [first, second]) {
        expect(raw).not.toBeNull();
        expect(raw).not.toContain(token.accessToken);
        expect(raw).not.toContain(token.accessToken.split('.')[2]);
        expect(Object.keys(JSON.parse(raw ?? '{}')).sort()).toEqual(['ct', 'iv', 'kid', 'v']);
      }
      expect(JSON.parse(first ?? '').iv).not.toBe(JSON.parse(second ?? '').iv);
      await expect(encrypted.get(key)).resolves.toEqual(token);
      // A store without the key cannot read it, and does not crash either.
      await expect(store.get(key)).resolves.toBeUndefined();
    });

    it('refuses a value moved to another credential’s key', async () => {
      const encrypted = new RedisTokenStore({
        client,
        keyPrefix: prefix,
        encryptionKey: randomKey(),
      });
      const victim = freshCredential();
      const attacker = freshCredential();
      await encrypted.set(attacker, tokenFor('attacker'), 60_000);
      const moved = await client.get((await keysOf(attacker)).token);
      await client.set((await keysOf(victim)).token, moved ?? '', 'PX', 60_000);
      await expect(encrypted.get(victim)).resolves.toBeUndefined();
    });

    it('refuses a plain value planted under an encrypted store’s key', async () => {
      const encrypted = new RedisTokenStore({
        client,
        keyPrefix: prefix,
        encryptionKey: randomKey(),
      });
      const key = freshCredential();
      await store.set(key, tokenFor('planted'), 60_000);
      await expect(encrypted.get(key)).resolves.toBeUndefined();
    });

    it('rotates keys: old values still read, new values use the new key', async () => {
      const oldKey = randomKey();
      const newKey = randomKey();
      const before = new RedisTokenStore({ client, keyPrefix: prefix, encryptionKey: oldKey });
      const during = new RedisTokenStore({
        client,
        keyPrefix: prefix,
        encryptionKey: Buffer.from(newKey).toString('base64'),
        decryptionKeys: [Buffer.from(oldKey).toString('base64')],
      });
      const after = new RedisTokenStore({ client, keyPrefix: prefix, encryptionKey: newKey });
      const key = freshCredential();
      const { token: redisKey } = await keysOf(key);

      const oldToken = tokenFor('old');
      await before.set(key, oldToken, 60_000);
      const oldKid = JSON.parse((await client.get(redisKey)) ?? '').kid;
      await expect(during.get(key)).resolves.toEqual(oldToken);
      await expect(after.get(key)).resolves.toBeUndefined();

      const newToken = tokenFor('new');
      await during.set(key, newToken, 60_000);
      expect(JSON.parse((await client.get(redisKey)) ?? '').kid).not.toBe(oldKid);
      await expect(after.get(key)).resolves.toEqual(newToken);
      await expect(before.get(key)).resolves.toBeUndefined();
    });
  });

  describe('garbage in Redis is a miss, never a crash', () => {
    const encrypted = new RedisTokenStore({
      client,
      keyPrefix: prefix,
      encryptionKey: randomKey(),
    });
    const values = [
      'not json',
      '',
      '{"v":1,"accessToken":42}',
      '{"v":1,"kid":"zzzzzzzz","iv":"AAAAAAAAAAAAAAAA","ct":"AAAAAAAAAAAAAAAAAAAAAAAAAAAA"}',
      '\u0000\u0001\u0002',
      'x'.repeat(100_000),
    ];
    it.each(values.map((value) => [value.slice(0, 40), value]))('%j', async (_, value) => {
      const key = freshCredential();
      await client.set((await keysOf(key)).token, value, 'PX', 60_000);
      await expect(store.get(key)).resolves.toBeUndefined();
      await expect(encrypted.get(key)).resolves.toBeUndefined();
      // And the next write repairs it.
      const token = tokenFor('repair');
      await store.set(key, token, 60_000);
      await expect(store.get(key)).resolves.toEqual(token);
    });

    it('a value of the wrong Redis type rejects with a RedisStoreError, then set repairs it', async () => {
      const key = freshCredential();
      await client.hset((await keysOf(key)).token, 'accessToken', 'x');
      const error = await store.get(key).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RedisStoreError);
      expect(error).toMatchObject({ code: 'store_error', operation: 'get' });
      expect((error as Error).message).toMatch(/WRONGTYPE/);
      const token = tokenFor('after-wrongtype');
      await store.set(key, token, 60_000);
      await expect(store.get(key)).resolves.toEqual(token);
    });
  });

  describe('acquireLock', () => {
    it('is granted to one caller at a time, with a TTL and a random owner', async () => {
      const key = freshCredential();
      const { lock } = await keysOf(key);
      const release = await store.acquireLock(key, 30_000);
      expect(release).toBeTypeOf('function');
      await expect(store.acquireLock(key, 30_000)).resolves.toBeUndefined();

      const ttl = await client.pttl(lock);
      expect(ttl).toBeGreaterThan(25_000);
      expect(ttl).toBeLessThanOrEqual(30_000);
      // A random UUID (122 random bits): no other caller can guess it and release the lock.
      expect(await client.get(lock)).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );

      await release?.();
      expect(await client.exists(lock)).toBe(0);
      const again = await store.acquireLock(key, 30_000);
      expect(again).toBeTypeOf('function');
      await again?.();
    });

    it('grants exactly one of many concurrent attempts across stores', async () => {
      const key = freshCredential();
      const stores = Array.from(
        { length: 5 },
        () => new RedisTokenStore({ client, keyPrefix: prefix }),
      );
      const attempts = await Promise.all(
        Array.from({ length: 50 }, (_, i) => stores[i % 5]?.acquireLock(key, 30_000)),
      );
      const granted = attempts.filter((release) => typeof release === 'function');
      expect(granted).toHaveLength(1);
      await granted[0]?.();
    });

    it('is released only by its owner, and releasing twice is harmless', async () => {
      const key = freshCredential();
      const { lock } = await keysOf(key);
      const first = await store.acquireLock(key, 30_000);
      // The first holder's lock expires (simulated by removing it) and another process takes over.
      await client.del(lock);
      const second = await store.acquireLock(key, 30_000);
      expect(second).toBeTypeOf('function');
      const secondOwner = await client.get(lock);

      await first?.();
      await first?.();
      expect(await client.get(lock)).toBe(secondOwner);
      await expect(store.acquireLock(key, 30_000)).resolves.toBeUndefined();

      await second?.();
      expect(await client.exists(lock)).toBe(0);
    });

    it('holds a lock of at least 1 ms whatever ttl it is asked for', async () => {
      const key = freshCredential();
      const release = await store.acquireLock(key, 0.3);
      expect(release).toBeTypeOf('function');
      await release?.();
    });
  });

  describe('errors', () => {
    it('reject with a RedisStoreError that names the operation and holds no token', async () => {
      const closed = testClient(REDIS_URL, { lazyConnect: true });
      closed.disconnect();
      const broken = new RedisTokenStore({ client: closed, keyPrefix: prefix });
      const token = tokenFor('never-leaks');
      const key = freshCredential();
      const failures = await Promise.all([
        broken.get(key).catch((e: unknown) => e),
        broken.set(key, token, 60_000).catch((e: unknown) => e),
        broken.delete(key).catch((e: unknown) => e),
        broken.acquireLock(key, 1_000).catch((e: unknown) => e),
      ]);
      expect(failures.map((e) => (e as RedisStoreError).operation)).toEqual([
        'get',
        'set',
        'delete',
        'lock',
      ]);
      for (const error of failures) {
        expect(error).toBeInstanceOf(RedisStoreError);
        expect(error).toMatchObject({ name: 'RedisStoreError', code: 'store_error' });
        // The client's error is kept only as its name (and code): never its message or arguments.
        expect(Object.keys((error as Error).cause as object)).toEqual(['name']);
        for (const text of [
          String(error),
          JSON.stringify(error),
          inspect(error, { depth: 5, showHidden: true }),
        ]) {
          expect(text).not.toContain(token.accessToken);
        }
      }
    });
  });
});
