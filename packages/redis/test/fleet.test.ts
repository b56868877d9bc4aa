// Eight real processes, each with its own TokenManager and its own client (every
// kind the store accepts, Upstash through its REST fixture, side by side), share
// one encrypted RedisTokenStore: the fleet makes one token request per token lifetime.
import { type MockServer, startMockServer } from '@twilio-oauth/mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_KINDS } from './helpers/clients';
import {
  deleteKeys,
  REDIS_URL,
  sharedRedisAvailable,
  testClient,
  uniquePrefix,
} from './helpers/redis';
import { startUpstashRest, type UpstashRest } from './helpers/upstash-rest.mjs';
import { type Message, startWorker, type Worker } from './helpers/workers';

const available = await sharedRedisAvailable();
const FLEET_SIZE = 8;
const CALLERS_PER_PROCESS = 100;
const TOKEN_TTL_SECONDS = 3_600;

interface WaveResult {
  readonly tokens: string[];
  readonly served: number;
  readonly failed: number;
  readonly storeErrors: number;
  readonly lastStoreError?: string;
}

describe.skipIf(!available)(`a fleet of ${FLEET_SIZE} processes on one RedisTokenStore`, () => {
  const prefix = uniquePrefix();
  const client = testClient(REDIS_URL);
  const encryptionKey = Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(32))).toString(
    'base64',
  );
  // One clock offset for the mock server and every process: moving it past a
  // token's expiry replaces waiting for it.
  let offsetMs = 0;
  let server: MockServer;
  let upstash: UpstashRest;
  let workers: Worker[] = [];
  const kindOf = (i: number) => CLIENT_KINDS[i % CLIENT_KINDS.length];

  beforeAll(async () => {
    server = await startMockServer({
      now: () => Date.now() + offsetMs,
      tokenTtlSeconds: TOKEN_TTL_SECONDS,
    });
    upstash = await startUpstashRest(REDIS_URL);
    const [credentials] = server.clients;
    workers = Array.from({ length: FLEET_SIZE }, () => startWorker('fleet-worker.mjs'));
    for (const [i, worker] of workers.entries()) {
      worker.send({
        type: 'init',
        clientKind: kindOf(i),
        redisUrl: REDIS_URL,
        upstash: { url: upstash.url, token: upstash.token },
        keyPrefix: prefix,
        encryptionKey,
        tokenUrl: server.tokenUrl,
        clientId: credentials?.clientId,
        clientSecret: credentials?.clientSecret,
      });
    }
    await Promise.all(workers.map((worker) => worker.next('ready')));
  }, 30_000);

  afterAll(async () => {
    for (const worker of workers) {
      if (worker.child.connected) worker.send({ type: 'exit' });
    }
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.child.exitCode !== null) resolve();
            else worker.child.once('exit', () => resolve());
            setTimeout(() => worker.kill().then(resolve), 5_000).unref();
          }),
      ),
    );
    await server?.close();
    await upstash?.close();
    await deleteKeys(client, prefix);
    client.disconnect();
  });

  async function wave(): Promise<WaveResult[]> {
    const results = workers.map((worker) => worker.next('wave'));
    for (const worker of workers) {
      worker.send({ type: 'wave', callers: CALLERS_PER_PROCESS, offsetMs });
    }
    return (await Promise.all(results)) as (Message & WaveResult)[];
  }

  async function redisKeysOfRun(): Promise<string[]> {
    const [, keys] = await client.scan('0', 'MATCH', `${prefix}*`, 'COUNT', 1_000);
    return keys.sort();
  }

  let firstToken: string | undefined;

  it('800 concurrent cold getToken() calls make exactly one token request', async () => {
    const results = await wave();
    const tokens = new Set(results.flatMap((r) => r.tokens));
    expect(results.map((r) => r.served)).toEqual(Array(FLEET_SIZE).fill(CALLERS_PER_PROCESS));
    expect(results.map((r) => r.failed)).toEqual(Array(FLEET_SIZE).fill(0));
    expect(tokens.size).toBe(1);
    expect(server.stats().tokenRequests).toBe(1);
    expect(results.map((r) => r.lastStoreError ?? r.storeErrors)).toEqual(
      Array(FLEET_SIZE).fill(0),
    );
    // Every kind of client took part, Upstash over its REST protocol.
    expect(new Set(workers.map((_, i) => kindOf(i)))).toEqual(new Set(CLIENT_KINDS));
    expect(upstash.stats.commands).toBeGreaterThan(0);

    // One entry, encrypted, and no lock left behind.
    [firstToken] = tokens;
    const keys = await redisKeysOfRun();
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^twilio-oauth-test:.+:\{[0-9a-f]{32}\}:token$/);
    const raw = (await client.get(keys[0] ?? '')) ?? '';
    expect(raw).not.toContain(firstToken);
    expect(raw).not.toContain(firstToken?.split('.')[1]);
    expect(Object.keys(JSON.parse(raw)).sort()).toEqual(['ct', 'iv', 'kid', 'v']);
  });

  it('after the token expires, the next wave makes exactly one more', async () => {
    offsetMs = (TOKEN_TTL_SECONDS + 1) * 1_000;
    const results = await wave();
    const tokens = new Set(results.flatMap((r) => r.tokens));
    expect(results.map((r) => r.failed)).toEqual(Array(FLEET_SIZE).fill(0));
    expect(tokens.size).toBe(1);
    expect(tokens.has(firstToken ?? '')).toBe(false);
    expect(server.stats().tokenRequests).toBe(2);
    expect(await redisKeysOfRun()).toHaveLength(1);
  });
});
