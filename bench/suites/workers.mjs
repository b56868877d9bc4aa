import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMockServer } from '@twilio-oauth/mock-server';
import { Miniflare } from 'miniflare';
import { bundleWorker } from '../../scripts/bundle-worker.mjs';
import { median, round } from '../lib/stats.mjs';

const ISOLATES = 4;
const TOKEN_TTL_S = 3_600;
const STEP_MS = 300_000;
const CLIENT = { clientId: 'OQbenchworkers', clientSecret: 'bench-workers-secret-4b7e' };

/**
 * Workers: N isolates of one Worker in workerd (miniflare: one Worker script per
 * isolate, separate module memory) on one injected clock shared with the mock
 * server. Token requests per token lifetime with each isolate on its own and with
 * the Durable Object store; then what the first token costs a new isolate when
 * another one already holds it (one object round trip, no token request).
 */
export async function runWorkers({ smoke, log }) {
  const lifetimes = smoke ? 2 : 4;
  const rounds = smoke ? 1 : 6;
  const dir = await bundle();
  let offsetMs = 0;
  const mock = await startMockServer({
    clients: [CLIENT],
    tokenTtlSeconds: TOKEN_TTL_S,
    now: () => Date.now() + offsetMs,
  });
  try {
    const fleet = {};
    for (const mode of ['memory', 'durableObject']) {
      log(`workers: ${ISOLATES} isolates, ${mode}, ${lifetimes} token lifetimes`);
      offsetMs = 0;
      mock.reset();
      const isolates = await start(dir, mock, mode === 'durableObject');
      try {
        const ticks = lifetimes * (TOKEN_TTL_S / (STEP_MS / 1000));
        for (let tick = 0; tick < ticks; tick++) {
          await Promise.all(isolates.workers.map((w) => post(w, `/clock?offsetMs=${offsetMs}`)));
          await Promise.all(
            isolates.workers.flatMap((w) => [0, 1, 2].map(() => get(w, '/twilio/token'))),
          );
          offsetMs += STEP_MS;
        }
        const seen = await Promise.all(isolates.workers.map((w) => get(w, '/seen')));
        const generations = seen.map((s) => s.distinctTokens);
        const { tokenRequests } = mock.stats();
        fleet[mode] = {
          isolates: ISOLATES,
          simulatedHours: round((ticks * STEP_MS) / 3_600_000, 1),
          tokenGenerations: Math.max(...generations),
          tokenRequests,
          tokenRequestsPerLifetime: round(tokenRequests / Math.max(...generations), 2),
        };
      } finally {
        await isolates.dispose();
      }
    }

    log(`workers: first token of a new isolate, ${rounds} rounds of ${ISOLATES - 1} isolates`);
    const firstMs = { durableObject: [], memory: [] };
    const warmMs = [];
    const roundTripMs = [];
    let tokenRequestsFromObject = 0;
    for (let r = 0; r < rounds; r++) {
      for (const mode of ['durableObject', 'memory']) {
        offsetMs = 0;
        const isolates = await start(dir, mock, mode === 'durableObject');
        try {
          const [holder, ...fresh] = isolates.workers;
          await get(holder, '/twilio/token');
          const before = mock.stats().tokenRequests;
          for (const worker of fresh) {
            await get(worker, '/health'); // the isolate is up; its memory holds no token
            firstMs[mode].push(await timed(() => get(worker, '/twilio/token')));
            if (mode === 'durableObject')
              warmMs.push(await timed(() => get(worker, '/twilio/token')));
          }
          if (mode === 'durableObject') {
            tokenRequestsFromObject += mock.stats().tokenRequests - before;
            // Steady cost of one object call, timed inside the isolate (50 calls in a row).
            roundTripMs.push((await get(holder, '/probe?calls=50')).msPerCall);
          }
        } finally {
          await isolates.dispose();
        }
      }
    }
    const first = median(firstMs.durableObject);
    const warm = median(warmMs);
    return {
      tokenTtlSeconds: TOKEN_TTL_S,
      stepSeconds: STEP_MS / 1000,
      fleet,
      newIsolate: {
        samples: firstMs.durableObject.length,
        firstFromObjectMs: round(first, 2),
        firstOwnTokenRequestMs: round(median(firstMs.memory), 2),
        warmMs: round(warm, 2),
        addedMs: round(first - warm, 2),
        objectRoundTripMs: round(median(roundTripMs), 2),
        tokenRequests: tokenRequestsFromObject,
      },
    };
  } finally {
    await mock.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function bundle() {
  const dir = await mkdtemp(join(tmpdir(), 'twilio-oauth-bench-workers-'));
  await bundleWorker({
    entry: fileURLToPath(new URL('./workers.worker.mjs', import.meta.url)),
    outDir: dir,
  });
  return dir;
}

/** One workerd with ISOLATES Worker scripts; `w0` hosts the broker class. */
async function start(dir, mock, useStore) {
  const names = Array.from({ length: ISOLATES }, (_, i) => `w${i}`);
  const mf = new Miniflare({
    workers: names.map((name, i) => ({
      name,
      modules: true,
      modulesRoot: dir,
      scriptPath: join(dir, 'worker.mjs'),
      compatibilityDate: '2025-09-01',
      bindings: {
        CLIENT_ID: CLIENT.clientId,
        CLIENT_SECRET: CLIENT.clientSecret,
        TOKEN_URL: mock.tokenUrl,
        USE_STORE: useStore ? '1' : '0',
      },
      durableObjects: {
        TWILIO_TOKENS: {
          className: 'TwilioTokenBroker',
          useSQLite: true,
          ...(i === 0 ? {} : { scriptName: 'w0' }),
        },
      },
    })),
  });
  await mf.ready;
  const workers = await Promise.all(names.map((name) => mf.getWorker(name)));
  return { workers, dispose: () => mf.dispose() };
}

async function get(worker, path) {
  const response = await worker.fetch(`http://bench.test${path}`);
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${text}`);
  return JSON.parse(text);
}

const post = (worker, path) =>
  worker.fetch(`http://bench.test${path}`, { method: 'POST' }).then((r) => r.text());

async function timed(run) {
  const start = performance.now();
  await run();
  return performance.now() - start;
}
