// The one store suite every client runs against its real server: the same
// keys, values, lock and failure handling whichever client the app has.
import { credentialKey, type StoredToken, TokenManager } from '@twilio-oauth/core';
import type { MockServer } from '@twilio-oauth/mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStoreError, RedisTokenStore } from '../src/index';
import { redisKeys } from '../src/keys';
import type { TestClient } from './helpers/clients';

/** Direct access to the server behind the client under test, to check what the store wrote. */
export interface Inspector {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<unknown>;
  pttl(key: string): Promise<number>;
}

export interface SuiteSetup {
  /** A new connection of the client under test. */
  readonly open: () => Promise<TestClient>;
  readonly inspect: () => Inspector;
  readonly server: () => MockServer;
  /** Freezes the server (nothing answers) until the returned function is called. */
  readonly freeze?: () => Promise<() => Promise<void>>;
}

const TOKEN_URL = 'https://oauth.twilio.com/v2/token';
const randomKey = () => globalThis.crypto.getRandomValues(new Uint8Array(32));
let n = 0;
const freshCredential = () => credentialKey(TOKEN_URL, `OQsuite${process.pid}x${++n}`);
const tokenFor = (label: string): StoredToken => ({
  accessToken: `eyJ.${label}.${globalThis.crypto.randomUUID()}`,
  tokenType: 'Bearer',
  issuedAt: 1_700_000_000_000,
  expiresAt: 1_700_003_600_000,
});

export function storeSuite(name: string, setup: SuiteSetup): void {
  describe(`${name}: the shared store suite`, () => {
    const prefix = `suite-${globalThis.crypto.randomUUID().slice(0, 8)}:`;
    const opened: TestClient[] = [];
    let store: RedisTokenStore;
    const open = async () => {
      const connection = await setup.open();
      opened.push(connection);
      return connection.client;
    };

    beforeAll(async () => {
      store = new RedisTokenStore({ client: await open(), keyPrefix: prefix });
    });
    afterAll(async () => {
      await Promise.all(opened.map((connection) => connection.close()));
    });

    it('round-trips a token under its hashed, hash-tagged key, expiring with PX', async () => {
      const key = freshCredential();
      const token = tokenFor('roundtrip');
      await expect(store.get(key)).resolves.toBeUndefined();
      await store.set(key, token, 60_000);
      await expect(store.get(key)).resolves.toEqual(token);
      const { token: redisKey } = await redisKeys(prefix, key);
      expect(redisKey).toMatch(/^suite-.{8}:\{[0-9a-f]{32}\}:token$/);
      const ttl = await setup.inspect().pttl(redisKey);
      expect(ttl).toBeGreaterThan(55_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
      await store.delete(key);
      await expect(store.get(key)).resolves.toBeUndefined();
    });

    it('reads garbage as a miss', async () => {
      const key = freshCredential();
      const { token: redisKey } = await redisKeys(prefix, key);
      for (const garbage of ['not json', '{"v":1}', '42', '{"v":1,"accessToken":7}']) {
        await setup.inspect().set(redisKey, garbage);
        await expect(store.get(key)).resolves.toBeUndefined();
      }
    });

    it('encrypts with the Redis key as AAD: ciphertext only, and a copied value does not open', async () => {
      const sealed = new RedisTokenStore({
        client: await open(),
        keyPrefix: prefix,
        encryptionKey: randomKey(),
      });
      const [a, b] = [freshCredential(), freshCredential()];
      const token = tokenFor('sealed');
      await sealed.set(a, token, 60_000);
      await expect(sealed.get(a)).resolves.toEqual(token);
      const [keysA, keysB] = await Promise.all([redisKeys(prefix, a), redisKeys(prefix, b)]);
      const raw = (await setup.inspect().get(keysA.token)) ?? '';
      expect(raw).not.toContain(token.accessToken);
      expect(Object.keys(JSON.parse(raw)).sort()).toEqual(['ct', 'iv', 'kid', 'v']);
      await setup.inspect().set(keysB.token, raw);
      await expect(sealed.get(b)).resolves.toBeUndefined();
    });

    it('grants the lock to one of many stores (SET NX PX) and lets only its owner release it', async () => {
      const key = freshCredential();
      const { lock } = await redisKeys(prefix, key);
      const clients = await Promise.all([open(), open(), open()]);
      const stores = clients.map((client) => new RedisTokenStore({ client, keyPrefix: prefix }));
      const attempts = await Promise.all(stores.map((s) => s.acquireLock(key, 30_000)));
      const winners = attempts.filter((release) => release !== undefined);
      expect(winners).toHaveLength(1);
      const ttl = await setup.inspect().pttl(lock);
      expect(ttl).toBeGreaterThan(25_000);

      // The lock expires and another process takes it: the first holder must not release that one.
      await setup.inspect().set(lock, 'another-owner');
      await winners[0]?.();
      expect(await setup.inspect().get(lock)).toBe('another-owner');
    });

    it('a fleet of managers, each on its own connection: one token request per lifetime', async () => {
      const server = setup.server();
      server.reset();
      const [credentials] = server.clients;
      let offsetMs = 0;
      server.setClock(() => Date.now() + offsetMs);
      const clients = await Promise.all(Array.from({ length: 4 }, () => open()));
      const managers = clients.map(
        (client) =>
          new TokenManager({
            clientId: credentials?.clientId ?? '',
            clientSecret: credentials?.clientSecret ?? '',
            tokenUrl: server.tokenUrl,
            store: new RedisTokenStore({
              client,
              keyPrefix: prefix,
              encryptionKey: randomKey().fill(1),
            }),
            now: () => Date.now() + offsetMs,
          }),
      );
      try {
        const wave = async () => {
          const tokens = await Promise.all(
            managers.flatMap((manager) => Array.from({ length: 25 }, () => manager.getToken())),
          );
          return new Set(tokens.map((token) => token.accessToken));
        };
        expect((await wave()).size).toBe(1);
        expect(server.stats().tokenRequests).toBe(1);
        offsetMs = 3_601_000;
        expect((await wave()).size).toBe(1);
        expect(server.stats().tokenRequests).toBe(2);
      } finally {
        await Promise.all(managers.map((manager) => manager.close()));
        server.setClock(Date.now);
      }
    });

    const { freeze } = setup;
    // Cluster runs give no freeze: the single-server runs cover the timeout on every client.
    if (freeze) {
      it('a frozen server costs each call commandTimeoutMs at most (store_timeout)', async () => {
        const quick = new RedisTokenStore({
          client: await open(),
          keyPrefix: prefix,
          commandTimeoutMs: 150,
        });
        const key = freshCredential();
        const thaw = await freeze();
        try {
          const started = performance.now();
          const errors = await Promise.all([
            quick.get(key).catch((e: unknown) => e),
            quick.set(key, tokenFor('frozen'), 60_000).catch((e: unknown) => e),
            quick.acquireLock(key, 1_000).catch((e: unknown) => e),
          ]);
          expect(performance.now() - started).toBeLessThan(1_000);
          for (const error of errors) {
            expect(error).toBeInstanceOf(RedisStoreError);
            expect(error).toMatchObject({ code: 'store_timeout' });
          }
        } finally {
          await thaw();
        }
      });
    }
  });
}
