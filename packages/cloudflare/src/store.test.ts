import { InvalidOptionsError, type TokenEvent, TokenManager } from '@twilio-oauth/core';
import { type MockServer, startMockServer } from '@twilio-oauth/mock-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { memoryNamespace } from '../test/memory-namespace';
import { durableObjectStore, TokenBrokerError } from './store';
import type { TokenBrokerNamespace } from './types';

const CLIENT = { clientId: 'OQstore', clientSecret: 'store-secret-8e1d2c' };
const TOKEN = { accessToken: 'eyJ.token', tokenType: 'Bearer', expiresAt: 2e12, issuedAt: 1e12 };
const KEY = btoa(String.fromCharCode(...new Uint8Array(32).fill(7)));

describe('durableObjectStore', () => {
  let server: MockServer;

  beforeAll(async () => {
    server = await startMockServer({ clients: [CLIENT] });
  });
  beforeEach(() => server.reset());
  afterAll(() => server.close());

  /** A manager per simulated isolate, all on one store (one namespace). */
  const isolate = (store: ReturnType<typeof durableObjectStore>, events: TokenEvent[] = []) =>
    new TokenManager({
      ...CLIENT,
      tokenUrl: server.tokenUrl,
      store,
      onEvent: (event) => events.push(event),
    });

  it('returns the same store for the same namespace and options, a new one when they change', () => {
    const { namespace } = memoryNamespace();
    const store = durableObjectStore(namespace);
    expect(durableObjectStore(namespace)).toBe(store);
    expect(durableObjectStore(namespace, {})).toBe(store);
    const sealed = durableObjectStore(namespace, { encryptionKey: KEY });
    expect(sealed).not.toBe(store);
    expect(durableObjectStore(namespace, { encryptionKey: KEY })).toBe(sealed);
    expect(durableObjectStore(namespace)).toBe(store); // both kept, for routes that differ
    expect(durableObjectStore(memoryNamespace().namespace)).not.toBe(sealed);
    // Key bytes decoded afresh per request name the same key.
    const bytes = () => new Uint8Array(32).fill(3);
    const fromBytes = durableObjectStore(namespace, { encryptionKey: bytes() });
    expect(durableObjectStore(namespace, { encryptionKey: bytes() })).toBe(fromBytes);
    expect(durableObjectStore(namespace, { encryptionKey: bytes().fill(4) })).not.toBe(fromBytes);
    // So does a list of older keys made per request.
    const rotating = () => ({ encryptionKey: KEY, decryptionKeys: [bytes()] });
    expect(durableObjectStore(namespace, rotating())).toBe(
      durableObjectStore(namespace, rotating()),
    );
  });

  it('opens values of an older key (rotation) and seals new ones with the current key', async () => {
    const { namespace } = memoryNamespace();
    const oldKey = new Uint8Array(32).fill(5);
    await durableObjectStore(namespace, { encryptionKey: oldKey }).set(
      'credential-r',
      TOKEN,
      60_000,
    );
    const rotated = durableObjectStore(namespace, { encryptionKey: KEY, decryptionKeys: [oldKey] });
    expect(await rotated.get('credential-r')).toEqual(TOKEN);
    await rotated.set('credential-r', TOKEN, 60_000);
    expect(await durableObjectStore(namespace, { encryptionKey: KEY }).get('credential-r')).toEqual(
      TOKEN,
    );
    expect(() => durableObjectStore(namespace, { decryptionKeys: [oldKey] })).toThrow(
      /"decryptionKeys"/,
    );
  });

  it('rejects what is not a namespace binding and invalid options, naming them', () => {
    const missing = undefined as unknown as TokenBrokerNamespace;
    expect(() => durableObjectStore(missing)).toThrow(InvalidOptionsError);
    expect(() => durableObjectStore(missing)).toThrow(/"namespace".*wrangler\.toml/);
    const { namespace } = memoryNamespace();
    expect(() => durableObjectStore(namespace, { timeoutMs: -1 })).toThrow(/"timeoutMs"/);
    expect(() => durableObjectStore(namespace, { lockWaitMs: 61_000 })).toThrow(/"lockWaitMs"/);
    const short = btoa('sixteen-byte-key');
    expect(() => durableObjectStore(namespace, { encryptionKey: short })).toThrow(
      /"encryptionKey".*got 16 bytes/,
    );
    try {
      durableObjectStore(namespace, { encryptionKey: short });
    } catch (error) {
      expect(String(error)).not.toContain(short);
    }
  });

  it('two isolates cold at once: one token request; the waiter is answered by its lock call, no polling', async () => {
    const { namespace, calls } = memoryNamespace();
    const store = durableObjectStore(namespace);
    const a = isolate(store);
    const b = isolate(store);

    const tokens = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).getToken()),
    );
    await Promise.all([a.settled(), b.settled()]);

    expect(server.stats().tokenRequests).toBe(1);
    expect(new Set(tokens.map((t) => t.accessToken)).size).toBe(1);
    // Each isolate: one read, one lock call; the holder reads once more, writes, unlocks.
    // The waiter's read after its lock call came from that call's answer.
    expect(calls.sort()).toEqual(['get', 'get', 'get', 'lock', 'lock', 'set', 'unlock']);
    await Promise.all([a.close(), b.close()]);
  });

  it('a holder whose token request fails lets go: a waiting isolate takes the lock and fetches', async () => {
    const { namespace, calls } = memoryNamespace();
    const store = durableObjectStore(namespace);
    const options = { retry: { maxAttempts: 1 } };
    const a = new TokenManager({ ...CLIENT, ...options, tokenUrl: server.tokenUrl, store });
    const b = new TokenManager({ ...CLIENT, ...options, tokenUrl: server.tokenUrl, store });
    server.setFaults({ token: { status: 503, times: 1 } });

    const [first, second] = await Promise.allSettled([a.getToken(), b.getToken()]);

    // Whichever held the lock first failed; the other was handed the lock and succeeded.
    const outcomes = [first.status, second.status].sort();
    expect(outcomes).toEqual(['fulfilled', 'rejected']);
    expect(server.stats().tokenRequests).toBe(2);
    await Promise.all([a.settled(), b.settled()]);
    expect(calls.filter((c) => c === 'unlock')).toHaveLength(2);
    await Promise.all([a.close(), b.close()]);
  });

  it('a third isolate, later, gets the token in one call', async () => {
    const { namespace, calls } = memoryNamespace();
    const store = durableObjectStore(namespace);
    const first = isolate(store);
    const held = await first.getToken();
    await first.settled();
    calls.length = 0;

    const events: TokenEvent[] = [];
    const later = isolate(store, events);
    expect((await later.getToken()).accessToken).toBe(held.accessToken);
    expect(calls).toEqual(['get']);
    expect(events.map((e) => e.type)).toEqual(['cache.miss', 'cache.hit']);
    expect(server.stats().tokenRequests).toBe(1);
  });

  it('with encryptionKey the object holds ciphertext bound to the key, and a wrong key reads a miss', async () => {
    const { namespace, storages } = memoryNamespace();
    const store = durableObjectStore(namespace, { encryptionKey: KEY });
    await store.set('credential-1', TOKEN, 60_000);
    const [stored] = [...storages.values()].map((s) => JSON.stringify([...s.values.values()]));
    expect(stored).not.toContain(TOKEN.accessToken);
    expect(await store.get('credential-1')).toEqual(TOKEN);

    const otherKey = btoa(String.fromCharCode(...new Uint8Array(32).fill(9)));
    expect(
      await durableObjectStore(namespace, { encryptionKey: otherKey }).get('credential-1'),
    ).toBe(undefined);
    // Nor does a plain value pass when a key is set.
    await durableObjectStore(namespace).set('credential-2', TOKEN, 60_000);
    expect(await durableObjectStore(namespace, { encryptionKey: KEY }).get('credential-2')).toBe(
      undefined,
    );
    expect(await durableObjectStore(namespace).get('credential-2')).toEqual(TOKEN);
  });

  it('rejects with store_timeout when the object does not answer, then skips the lock', async () => {
    let fetches = 0;
    const silent: TokenBrokerNamespace = {
      idFromName: (name) => name,
      get: () => ({
        fetch: () => {
          fetches++;
          return new Promise(() => {});
        },
      }),
    };
    const store = durableObjectStore(silent, { timeoutMs: 20 });
    const error = await store.get('credential-secret-bound-id').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenBrokerError);
    expect(error).toMatchObject({ code: 'store_timeout', operation: 'get' });
    expect(String(error)).not.toContain('credential-secret-bound-id');
    await expect(store.acquireLock('credential-secret-bound-id', 1_000)).rejects.toMatchObject({
      code: 'store_error',
      operation: 'lock',
    });
    expect(fetches).toBe(1);
  });

  it('an object that throws: the manager fetches on its own and reports store.error', async () => {
    const throwing: TokenBrokerNamespace = {
      idFromName: (name) => name,
      get: () => ({ fetch: () => Promise.reject(new Error('Durable Object reset')) }),
    };
    const events: TokenEvent[] = [];
    const manager = isolate(durableObjectStore(throwing), events);
    await manager.getToken();
    await manager.settled();
    const errors = events.filter((e) => e.type === 'store.error');
    expect(errors.map((e) => e.type === 'store.error' && e.operation)).toEqual([
      'get',
      'lock',
      'set',
    ]);
    expect(errors[0]).toMatchObject({ error: { code: 'store_error', name: 'TokenBrokerError' } });
    // The object's own error reaches the event only as its name: never its message.
    const cause = errors[0]?.type === 'store.error' ? errors[0].error.cause : undefined;
    expect(cause).toMatchObject({ name: 'Error' });
    expect(String(cause)).not.toContain('Durable Object reset');
    expect(server.stats().tokenRequests).toBe(1);
  });
});
