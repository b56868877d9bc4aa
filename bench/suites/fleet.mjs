import { startMockServer } from '@twilio-oauth/mock-server';
import { startWorker } from '../lib/ipc.mjs';
import { pairedRatio } from '../lib/measure.mjs';
import { deleteKeys, REDIS_URL, redisAvailable, uniquePrefix } from '../lib/redis.mjs';
import { round } from '../lib/stats.mjs';
import { mockTarget } from '../lib/target.mjs';

const WORKER = new URL('./fleet.worker.mjs', import.meta.url);
const PROCESSES = 8;
const TOKEN_TTL_S = 3_600;
const STEP_MS = 300_000;

/**
 * Fleet: 8 processes on one simulated clock (driven from here, shared with the
 * mock server), token requests per token lifetime with each process on its own
 * memory and with @twilio-oauth/redis; then the cost of a cache hit with the
 * Redis store configured.
 */
export async function runFleet({ smoke, log }) {
  const lifetimes = smoke ? 2 : 6;
  let simNow = Date.UTC(2030, 0, 1);
  const mock = await startMockServer({ tokenTtlSeconds: TOKEN_TTL_S, now: () => simNow });
  const target = mockTarget(mock);
  const hasRedis = await redisAvailable();
  const prefix = uniquePrefix('fleet');
  log(`fleet: starting ${PROCESSES} processes`);
  const workers = await Promise.all(Array.from({ length: PROCESSES }, () => startWorker(WORKER)));
  try {
    const modes = hasRedis ? ['memory', 'redis'] : ['memory'];
    const fleet = {};
    for (const mode of modes) {
      log(`fleet: ${mode}, ${lifetimes} token lifetimes`);
      const redis =
        mode === 'redis' ? { url: REDIS_URL, keyPrefix: `${prefix}${mode}:` } : undefined;
      await Promise.all(workers.map((w) => w.call('init', { target, now: simNow, redis })));
      mock.reset();
      // Refresh ahead (300 s) makes a token's useful life 3 300 s: 11 steps of 300 s.
      const ticks = lifetimes * 11;
      for (let tick = 0; tick < ticks; tick++) {
        await Promise.all(workers.map((w) => w.call('tick', { now: simNow, calls: 5 })));
        simNow += STEP_MS;
      }
      const reports = await Promise.all(workers.map((w) => w.call('report')));
      const generations = reports.map((report) => report.distinctTokens);
      const { tokenRequests } = mock.stats();
      fleet[mode] = {
        processes: PROCESSES,
        simulatedHours: round((ticks * STEP_MS) / 3_600_000, 1),
        tokenGenerations: Math.max(...generations),
        generationsAgree: Math.min(...generations) === Math.max(...generations),
        tokenRequests,
        tokenRequestsPerLifetime: round(tokenRequests / Math.max(...generations), 2),
      };
    }

    let hitCost = null;
    if (hasRedis) {
      log('fleet: cache-hit cost with the Redis store');
      const { results, storeReadsDuringHits } = await workers[0].call('hitCost', {
        redisUrl: REDIS_URL,
        keyPrefix: `${prefix}hit:`,
        ...(smoke
          ? { rounds: 1, timeMs: 50, batch: 100 }
          : { rounds: 5, timeMs: 500, batch: 1_000 }),
      });
      hitCost = {
        floorNs: round(results.floor.nsPerOp, 1),
        plainNs: round(results.plain.nsPerOp, 1),
        redisStoreNs: round(results.redisStore.nsPerOp, 1),
        ratioToPlain: round(pairedRatio(results.redisStore, results.plain), 3),
        storeReadsDuringHits,
      };
    }
    return {
      redis: hasRedis ? REDIS_URL.replace(/\/\/[^@/]*@/, '//') : null,
      tokenTtlSeconds: TOKEN_TTL_S,
      stepSeconds: STEP_MS / 1000,
      fleet,
      hitCost,
    };
  } finally {
    await Promise.all(workers.map((worker) => worker.close()));
    await mock.close();
    if (hasRedis) await deleteKeys(prefix);
  }
}
