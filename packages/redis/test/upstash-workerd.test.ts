// The Upstash store where Upstash is used: the built `@twilio-oauth/redis/upstash`
// entry bundled into a Worker (no `node:` import can load there) and run in workerd
// through miniflare, two isolates, against the REST fixture in front of a real redis-server.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type MockServer, startMockServer } from '@twilio-oauth/mock-server';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWorker } from '../../../scripts/bundle-worker.mjs';
import { type OwnRedis, redisServerAvailable, startOwnRedis } from './helpers/redis';
import { startUpstashRest, type UpstashRest } from './helpers/upstash-rest.mjs';

const available = redisServerAvailable();
const ISOLATES = ['w0', 'w1'];

describe.skipIf(!available)('UpstashTokenStore on workerd (miniflare)', () => {
  let redis: OwnRedis;
  let upstash: UpstashRest;
  let server: MockServer;
  let dir: string;
  let mf: Miniflare;

  const get = async <T>(isolate: number, path: string): Promise<T> => {
    const worker = await mf.getWorker(ISOLATES[isolate % ISOLATES.length] ?? 'w0');
    const response = await worker.fetch(`http://upstash.test${path}`, { method: 'POST' });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  };

  beforeAll(async () => {
    redis = await startOwnRedis();
    upstash = await startUpstashRest(redis.url);
    server = await startMockServer({ tokenTtlSeconds: 600 });
    dir = await mkdtemp(join(tmpdir(), 'twilio-oauth-upstash-'));
    await bundleWorker({
      entry: fileURLToPath(new URL('./fixtures/upstash-worker.mjs', import.meta.url)),
      outDir: dir,
    });
    const [credentials] = server.clients;
    mf = new Miniflare({
      workers: ISOLATES.map((name) => ({
        name,
        modules: true,
        modulesRoot: dir,
        scriptPath: join(dir, 'worker.mjs'),
        compatibilityDate: '2025-09-01',
        bindings: {
          CLIENT_ID: credentials?.clientId ?? '',
          CLIENT_SECRET: credentials?.clientSecret ?? '',
          TOKEN_URL: server.tokenUrl,
          UPSTASH_URL: upstash.url,
          UPSTASH_TOKEN: upstash.token,
          STORE_KEY: btoa(String.fromCharCode(...new Uint8Array(32).fill(7))),
        },
      })),
    });
    await mf.ready;
  }, 60_000);

  afterAll(async () => {
    await mf?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
    await server?.close();
    await upstash?.close();
    await redis?.dispose();
  });

  it('the built entry and its chunks import no Node built-in', async () => {
    const dist = fileURLToPath(new URL('../dist/', import.meta.url));
    const entry = await readFile(join(dist, 'upstash.mjs'), 'utf8');
    const chunks = (await readdir(dist)).filter((name) => name.endsWith('.mjs'));
    for (const name of chunks) {
      expect(await readFile(join(dist, name), 'utf8')).not.toMatch(
        /from ['"]node:|require\(['"]node:/,
      );
    }
    expect(entry).not.toMatch(/ioredis|['"]redis['"]|iovalkey/);
  });

  it('40 concurrent cold requests over two isolates: one token request, one token', async () => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => get<{ fingerprint: string }>(i, '/token')),
    );
    expect(new Set(answers.map((answer) => answer.fingerprint)).size).toBe(1);
    expect(server.stats().tokenRequests).toBe(1);
    expect(upstash.stats.requests['/pipeline']).toBeGreaterThan(0);
    const events = await Promise.all(
      ISOLATES.map((_, i) => get<Record<string, number>>(i, '/events')),
    );
    expect(events.map((e) => e['store.error'] ?? 0)).toEqual([0, 0]);
  });

  it('after expiry, the next burst makes one more request: the renewal is shared too', async () => {
    await Promise.all(ISOLATES.map((_, i) => get(i, `/clock?offsetMs=${601_000}`)));
    server.setClock(() => Date.now() + 601_000);
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => get<{ fingerprint: string }>(i, '/token')),
    );
    expect(new Set(answers.map((answer) => answer.fingerprint)).size).toBe(1);
    expect(server.stats().tokenRequests).toBe(2);
    server.setClock(Date.now);
  });
});
