// Smoke test: every benchmark section runs with tiny counts (run.mjs --smoke) and must
// produce sane figures, so that `pnpm bench` cannot rot. Timings are not judged here.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { redisAvailable } from './lib/redis.mjs';

const run = promisify(execFile);
const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));

let out;
let hasRedis;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'twilio-oauth-bench-test-'));
  // Throws when REDIS_REQUIRED=1 and Redis is missing: CI must not skip the Redis figures.
  hasRedis = await redisAvailable();
});
afterAll(() => rm(out, { recursive: true, force: true }));

/** Runs one section in smoke mode; resolves with its results and the written files. */
async function smoke(section) {
  const dir = join(out, section);
  await run(
    process.execPath,
    ['--expose-gc', 'run.mjs', '--smoke', `--only=${section}`, `--out=${dir}`],
    {
      cwd: BENCH_DIR,
      timeout: 55_000,
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  const results = JSON.parse(await readFile(join(dir, 'latest.json'), 'utf8'));
  const markdown = await readFile(join(dir, 'latest.md'), 'utf8');
  return { results, markdown, dir, section: results.sections[section] };
}

const positive = (value) => expect(Number.isFinite(value) && value > 0).toBe(true);

describe('pnpm bench --smoke', () => {
  test('core: one token request for all cold callers; finite ns/op', async () => {
    const { section, results, markdown } = await smoke('core');
    expect(results.mode).toBe('smoke');
    expect(results.machine.cores).toBeGreaterThan(0);
    expect(section.coldCallers.tokenRequestsMax).toBe(1);
    expect(section.coldCallers.distinctTokensMax).toBe(1);
    positive(section.cached.floorNs);
    positive(section.cached.getTokenNs);
    positive(section.cached.ratioToFloor);
    positive(section.cached.getTokenNoopListenerNs);
    positive(section.cached.getTokenTelemetryNs);
    positive(section.cached.telemetryRatioToFloor);
    // Every cached call of the telemetry task was a lookup the SDK saw.
    expect(section.cached.telemetryLookupsCounted).toBeGreaterThan(200);
    expect(markdown).toContain('| floor: `await` of an already-resolved promise |');
    expect(markdown).toContain('With the OpenTelemetry listener:');
    expect(
      results.targets.find((t) => t.section === 'core' && /→ 1 token request/.test(t.target)).met,
    ).toBe(true);
  });

  test('peers: token requests per peer as documented; chart written', async () => {
    const { section, dir } = await smoke('peers');
    const by = Object.fromEntries(section.peers.map((p) => [p.peer, p.scenarios]));
    const n = section.calls;
    expect(by.ours.sequential.tokenRequestsRange).toEqual([1, 1]);
    expect(by.ours.concurrent.tokenRequestsRange).toEqual([1, 1]);
    expect(by.ours.steadySlowToken.tokenRequests).toBe(0);
    expect(by.badgateway.concurrent.tokenRequests).toBe(1);
    // No single flight in the hand-written cache; a token request per call in the SDK.
    expect(by['simple-oauth2'].concurrent.tokenRequests).toBe(n);
    expect(by.twilio.sequential.tokenRequests).toBe(n);
    expect(by.static.sequential.tokenRequests).toBe(0);
    // The SDK through the bridge: one token for all cold calls; its reference holds one.
    expect(by['twilio-bridge'].sequential.tokenRequestsRange).toEqual([1, 1]);
    expect(by['twilio-bridge'].concurrent.tokenRequestsRange).toEqual([1, 1]);
    expect(by['twilio-sdk-static'].sequential.tokenRequests).toBe(0);
    expect(section.twilioBridge.tokenRequests).toBe(0);
    expect(section.twilioBridge.rejectedApiRequests).toBe(0);
    positive(section.twilioBridge.ratio);
    for (const peer of section.peers) {
      for (const scenario of Object.values(peer.scenarios)) {
        expect(scenario.rejectedApiRequests).toBe(0);
        positive(scenario.meanMsPerCall);
      }
    }
    expect(section.coldVsStatic.tokenRequests).toBe(1);
    expect(section.steady.tokenRequests).toBe(1);
    positive(section.steady.oursMeanMs);
    for (const peer of ['ours', 'badgateway', 'simple-oauth2', 'twilio']) {
      positive(section.peers.find((p) => p.peer === peer).cachedGetNs);
    }
    const svg = await readFile(join(dir, 'chart.svg'), 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('twilio 6.3.1 SDK, ClientCredentialProvider');
  });

  test("orgs: the bridge makes one token request, the SDK's OrgsCredentialProvider one per call", async () => {
    const { section, markdown } = await smoke('orgs');
    const by = Object.fromEntries(section.peers.map((p) => [p.peer, p.scenarios]));
    const n = section.calls;
    expect(by['twilio-orgs-bridge'].sequential.tokenRequestsRange).toEqual([1, 1]);
    expect(by['twilio-orgs-bridge'].concurrent.tokenRequestsRange).toEqual([1, 1]);
    expect(by['twilio-orgs-bridge'].steadySlowToken.tokenRequests).toBe(0);
    expect(by['twilio-orgs'].sequential.tokenRequests).toBe(n);
    expect(by['twilio-orgs-static'].sequential.tokenRequests).toBe(0);
    for (const peer of section.peers) {
      for (const scenario of Object.values(peer.scenarios)) {
        expect(scenario.rejected).toBe(0);
        expect(scenario.organizationsRequests).toBe(n);
        positive(scenario.meanMsPerCall);
      }
    }
    expect(markdown).toContain('## Organizations API through the twilio SDK');
  });

  test('frameworks: each app served requests bare and with the adapter, no token request under load', async () => {
    const { section, results } = await smoke('frameworks');
    expect(section.frameworks.map((f) => f.framework)).toEqual(['express', 'hono', 'nest']);
    for (const f of section.frameworks) {
      positive(f.bareRps);
      positive(f.adapterRps);
      positive(f.ratio);
      positive(f.control.ratio);
      positive(f.adapterVsNoop.ratio);
      // The route that uses the handle, against the one awaiting the manager itself.
      positive(f.token.adapterRps);
      positive(f.token.adapterVsNoop.ratio);
      expect(f.tokenRequestsUnderLoad).toBe(0);
    }
    for (const key of ['handleOverDirect', 'adapterOverNoop', 'noopOverBare']) {
      positive(section.honoInProcess[key]);
    }
    expect(results.targets.filter((t) => t.section === 'frameworks')).toHaveLength(8);
  });

  test('fleet: 8 requests per lifetime alone, 1 with Redis; a Redis-backed hit stays in memory', async () => {
    const { section } = await smoke('fleet');
    expect(section.fleet.memory.tokenRequestsPerLifetime).toBe(8);
    expect(section.fleet.memory.generationsAgree).toBe(true);
    if (hasRedis) {
      for (const client of ['ioredis', 'node-redis', 'iovalkey', 'upstash']) {
        expect(section.fleet[client].tokenRequestsPerLifetime).toBe(1);
        expect(section.fleet[client].generationsAgree).toBe(true);
        expect(section.hitCost[client].storeReadsDuringHits).toBe(0);
        positive(section.hitCost[client].redisStoreNs);
      }
    } else {
      expect(section.fleet.ioredis).toBeUndefined();
    }
  });

  test('fleet-scale: managers renewing together make one token request on every client', async () => {
    const { section, markdown } = await smoke('fleet-scale');
    if (section.skipped) return;
    expect(Object.keys(section.clients)).toEqual(
      expect.arrayContaining(['ioredis', 'node-redis', 'iovalkey', 'upstash']),
    );
    for (const row of Object.values(section.clients)) {
      expect(row.renewalTokenRequests).toBe(1);
      positive(row.redisCommands);
      positive(row.slowestWaitMs);
    }
    expect(markdown).toContain('## Fleet at scale');
  });

  test('workers: 1 token request per lifetime with the Durable Object store, none for a new isolate', async () => {
    const { section, markdown } = await smoke('workers');
    expect(section.fleet.durableObject.tokenRequestsPerLifetime).toBe(1);
    expect(section.fleet.memory.tokenRequestsPerLifetime).toBe(section.fleet.memory.isolates);
    expect(section.newIsolate.tokenRequests).toBe(0);
    positive(section.newIsolate.firstFromObjectMs);
    expect(markdown).toContain('## Workers');
  });

  test('memory: managers hold their tokens; the day rotates tokens with no rejected call', async () => {
    const { section } = await smoke('memory');
    // One extra request: the warm-up manager.
    expect(section.tenants.tokenRequests).toBe(section.tenants.count + 1);
    positive(section.tenants.withTokensMiB);
    expect(section.telemetry.tokenRequests).toBe(section.telemetry.clientIds + 1);
    expect(Number.isFinite(section.telemetry.retainedMiB)).toBe(true);
    expect(section.day.rotations).toBeGreaterThan(10);
    expect(section.day.rejectedApiRequests).toBe(0);
    expect(Number.isFinite(section.day.growthKiB)).toBe(true);
  });
});
