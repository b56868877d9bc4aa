import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type MockServer, startMockServer } from '@twilio-oauth/mock-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bundleWorker, CLIENT, Fleet, type FleetOptions, type TokenAnswer } from './fleet';

const LIFETIME_S = 600;

describe('durableObjectStore on workerd (miniflare): one token for every isolate', () => {
  let server: MockServer;
  let bundle: Awaited<ReturnType<typeof bundleWorker>>;
  const fleets: Fleet[] = [];
  const cleanups: (() => Promise<void>)[] = [];

  const start = async (options?: FleetOptions) => {
    const fleet = new Fleet(bundle.dir, server, options);
    fleets.push(fleet);
    await fleet.ready();
    return fleet;
  };

  const tokens = (fleet: Fleet, count: number) =>
    Promise.all(
      Array.from({ length: count }, (_, i) => fleet.json<TokenAnswer>(i, '/twilio/token')),
    );

  const events = async (fleet: Fleet) =>
    Promise.all(fleet.names.map((_, i) => fleet.json<Record<string, number>>(i, '/events')));

  beforeAll(async () => {
    server = await startMockServer({ clients: [CLIENT], tokenTtlSeconds: LIFETIME_S });
    bundle = await bundleWorker();
  }, 60_000);

  afterEach(async () => {
    await Promise.all(fleets.splice(0).map((fleet) => fleet.dispose()));
    await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
    server.reset();
    server.setClock(Date.now);
  });

  afterAll(async () => {
    await bundle?.remove();
    await server?.close();
  });

  it('40 concurrent cold requests over two isolates: one token request, one token, then memory', async () => {
    const fleet = await start();

    const answers = await tokens(fleet, 40);

    expect(server.stats().tokenRequests).toBe(1);
    expect(new Set(answers.map((answer) => answer.fingerprint)).size).toBe(1);
    const [a, b] = await events(fleet);
    // One isolate fetched; the other waited in the object's lock call and got it from there.
    expect((a?.['token.issued'] ?? 0) + (b?.['token.issued'] ?? 0)).toBe(1);
    expect(a?.['store.error'] ?? b?.['store.error']).toBeUndefined();

    // Held in each isolate's memory now: more requests cost neither a token nor an object call.
    const storeCalls = (counts: Record<string, number>[]) =>
      counts.map((c) => (c['cache.hit:store'] ?? 0) + (c['cache.miss:store'] ?? 0));
    const before = storeCalls(await events(fleet));
    const again = await tokens(fleet, 20);
    expect(new Set(again.map((answer) => answer.fingerprint))).toEqual(
      new Set([answers[0]?.fingerprint]),
    );
    expect(storeCalls(await events(fleet))).toEqual(before);
    expect(server.stats().tokenRequests).toBe(1);

    const api = await Promise.all(
      [0, 1].map((i) => fleet.json<{ status: number }>(i, '/twilio/messages')),
    );
    expect(api).toEqual([{ status: 200 }, { status: 200 }]);
  });

  it('after the lifetime, one renewal serves both isolates', async () => {
    const fleet = await start();
    const [first] = await tokens(fleet, 2);
    expect(server.stats().tokenRequests).toBe(1);

    const offsetMs = LIFETIME_S * 1000;
    server.setClock(() => Date.now() + offsetMs);
    await fleet.moveClocks(offsetMs);
    const renewed = await tokens(fleet, 40);

    expect(server.stats().tokenRequests).toBe(2);
    const fingerprints = new Set(renewed.map((answer) => answer.fingerprint));
    expect(fingerprints.size).toBe(1);
    expect(fingerprints.has(first?.fingerprint ?? '')).toBe(false);
    const api = await Promise.all(
      [0, 1].map((i) => fleet.json<{ status: number }>(i, '/twilio/messages')),
    );
    expect(api).toEqual([{ status: 200 }, { status: 200 }]);
  });

  it('a refresh ahead of expiry, started in the background by one request, serves both isolates', async () => {
    const fleet = await start();
    const [first] = await tokens(fleet, 2);

    // Inside refresh-ahead (300 s before expiry): served at once, renewed in the background.
    const staleMs = (LIFETIME_S - 200) * 1000;
    server.setClock(() => Date.now() + staleMs);
    await fleet.moveClocks(staleMs);
    const served = await tokens(fleet, 10);
    expect(new Set(served.map((answer) => answer.fingerprint))).toEqual(
      new Set([first?.fingerprint]),
    );
    // Past the first token's expiry: both isolates already hold the renewed one.
    const lateMs = LIFETIME_S * 1000;
    server.setClock(() => Date.now() + lateMs);
    await fleet.moveClocks(lateMs);
    const renewed = await tokens(fleet, 20);

    expect(server.stats().tokenRequests).toBe(2);
    expect(new Set(renewed.map((answer) => answer.fingerprint)).size).toBe(1);
    expect(renewed[0]?.fingerprint).not.toBe(first?.fingerprint);
  });

  it('a restarted object serves the token from its storage: no new token request', async () => {
    const persistDir = await mkTemp();
    const first = await start({ persistDir });
    const [before] = await tokens(first, 1);
    await first.dispose();

    const second = await start({ persistDir });
    const after = await tokens(second, 20);

    expect(server.stats().tokenRequests).toBe(1);
    expect(new Set(after.map((answer) => answer.fingerprint))).toEqual(
      new Set([before?.fingerprint]),
    );
    const counts = await events(second);
    expect(counts.map((c) => c['cache.hit:store'])).toEqual([1, 1]);
  });

  it('stores the token in clear without a key, and only ciphertext with encryptionKey', async () => {
    const plainDir = await mkTemp();
    const plain = await start({ persistDir: plainDir });
    await tokens(plain, 10);
    await plain.dispose();
    expect(await filesContain(plainDir, '"accessToken"')).toBe(true);

    server.reset();
    const sealedDir = await mkTemp();
    const key = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
    const sealed = await start({ persistDir: sealedDir, bindings: { STORE_KEY: key } });
    const answers = await tokens(sealed, 20);
    expect(server.stats().tokenRequests).toBe(1);
    expect(new Set(answers.map((answer) => answer.fingerprint)).size).toBe(1);
    await sealed.dispose();
    expect(await filesContain(sealedDir, '"accessToken"')).toBe(false);
    expect(await filesContain(sealedDir, '"ct"')).toBe(true);
  });

  it('an object that throws: every request succeeds from isolate memory, store.error is reported', async () => {
    const fleet = await start({ className: 'ThrowingBroker' });

    const answers = await tokens(fleet, 40);

    expect(answers).toHaveLength(40);
    // Each isolate on its own: one token request each, then its memory.
    expect(server.stats().tokenRequests).toBe(2);
    await tokens(fleet, 10);
    expect(server.stats().tokenRequests).toBe(2);
    for (const counts of await events(fleet)) {
      expect(counts).toMatchObject({
        'store.error:get': 1,
        'store.error:lock': 1,
        'store.error:set': 1,
      });
    }
  });

  it('an object that never answers: calls give up after timeoutMs, requests succeed', async () => {
    const fleet = await start({ className: 'SilentBroker', bindings: { STORE_TIMEOUT_MS: '100' } });

    const answers = await tokens(fleet, 10);

    expect(answers).toHaveLength(10);
    expect(server.stats().tokenRequests).toBe(2);
    for (const counts of await events(fleet)) {
      expect(counts).toMatchObject({ 'store.error:get': 1, 'store.error:lock': 1 });
    }
  });

  async function mkTemp(): Promise<string> {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'twilio-oauth-do-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    return dir;
  }
});

/** Whether any file under `dir` holds `text` (the objects' SQLite files, say). */
async function filesContain(dir: string, text: string): Promise<boolean> {
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const content = await readFile(join(entry.parentPath, entry.name));
    if (content.includes(text)) return true;
  }
  return false;
}
