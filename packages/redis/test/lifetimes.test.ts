// Twilio token lifetimes from 1 minute to 30 days: the Redis entry lives exactly as long.
import { secretBoundKey, TokenManager } from '@twilio-oauth/core';
import { type MockServer, startMockServer } from '@twilio-oauth/mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisTokenStore } from '../src/index';
import { redisKeys } from '../src/keys';
import {
  deleteKeys,
  REDIS_URL,
  sharedRedisAvailable,
  testClient,
  uniquePrefix,
} from './helpers/redis';

const available = await sharedRedisAvailable();

describe.skipIf(!available)('token lifetimes in Redis', () => {
  const client = testClient(REDIS_URL);
  const prefix = uniquePrefix();
  afterAll(async () => {
    await deleteKeys(client, prefix);
    client.disconnect();
  });

  for (const seconds of [60, 2_592_000]) {
    describe(`${seconds} s tokens`, () => {
      let server: MockServer;
      beforeAll(async () => {
        server = await startMockServer({ tokenTtlSeconds: seconds });
      });
      afterAll(() => server.close());

      it('are stored with a PX of the remaining lifetime and shared by a second process', async () => {
        const [credentials] = server.clients;
        const options = { ...credentials, tokenUrl: server.tokenUrl };
        const store = () => new RedisTokenStore({ client, keyPrefix: prefix });
        const first = new TokenManager({ ...options, store: store() });
        const token = await first.getToken();
        await first.settled();
        const key = await secretBoundKey(first.key, credentials.clientSecret);
        const pttl = await client.pttl((await redisKeys(prefix, key)).token);
        expect(pttl).toBeGreaterThan(seconds * 1000 - 5_000);
        expect(pttl).toBeLessThanOrEqual(seconds * 1000);
        const second = new TokenManager({ ...options, store: store() });
        expect((await second.getToken()).accessToken).toBe(token.accessToken);
        expect(server.stats().tokensIssued).toBe(1);
        await Promise.all([first.close(), second.close()]);
      });
    });
  }
});
