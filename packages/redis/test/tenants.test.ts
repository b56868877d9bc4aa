// A fleet shares one Redis: a tenant who knows another's client id must still
// never get that tenant's token (issue 14, item 1), encrypted or not.
import { TokenManager } from '@twilio-oauth/core';
import { type MockServer, startMockServer } from '@twilio-oauth/mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisTokenStore } from '../src/index';
import {
  deleteKeys,
  REDIS_URL,
  sharedRedisAvailable,
  testClient,
  uniquePrefix,
} from './helpers/redis';

const available = await sharedRedisAvailable();
const VICTIM = { clientId: 'OQvictim0001', clientSecret: 'victim-secret-8d1f2a' };

describe.skipIf(!available)('tenants sharing a Redis store', () => {
  let server: MockServer;
  const client = testClient(REDIS_URL);
  const prefix = uniquePrefix();
  beforeAll(async () => {
    server = await startMockServer({ clients: [VICTIM] });
  });
  afterAll(async () => {
    await deleteKeys(client, prefix);
    client.disconnect();
    await server.close();
  });

  for (const encrypted of [false, true]) {
    it(`a wrong secret with the victim's client id gets invalid_client, never the token (${encrypted ? 'encrypted' : 'plain'})`, async () => {
      server.reset();
      const encryptionKey = encrypted
        ? globalThis.crypto.getRandomValues(new Uint8Array(32))
        : undefined;
      const store = () =>
        new RedisTokenStore({ client, keyPrefix: `${prefix}${encrypted}:`, encryptionKey });
      const options = { tokenUrl: server.tokenUrl, retry: { maxAttempts: 1 } };
      const victim = new TokenManager({ ...VICTIM, ...options, store: store() });
      const token = await victim.getToken();
      await victim.settled();
      const attacker = new TokenManager({
        clientId: VICTIM.clientId,
        clientSecret: 'attacker-guess',
        ...options,
        store: store(),
      });
      const error = await attacker.getToken().catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'TokenRequestError', code: 'invalid_client' });
      expect(JSON.stringify(error)).not.toContain(token.accessToken);
      // A second process of the victim's fleet still shares the victim's entry.
      const sibling = new TokenManager({ ...VICTIM, ...options, store: store() });
      expect((await sibling.getToken()).accessToken).toBe(token.accessToken);
      expect(server.stats().tokensIssued).toBe(1);
      await Promise.all([victim.close(), attacker.close(), sibling.close()]);
    });
  }
});
