import { startMockServer } from '@twilio-oauth/mock-server';
import { startFleetServers } from '../lib/fleet-servers.mjs';
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
 * memory and with @twilio-oauth/redis on each client (ioredis, node-redis,
 * iovalkey, Upstash through its REST fixture, and the ioredis and node-redis
 * cluster clients on a three-master Redis Cluster); then the cost of a cache hit
 * with the store on each client, and the Redis reads during those hits.
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
  const servers = hasRedis ? await startFleetServers(REDIS_URL) : undefined;
  try {
    const kinds = servers?.kinds ?? {};
    const modes = ['memory', ...Object.keys(kinds)];
    const fleet = {};
    for (const [i, mode] of modes.entries()) {
      log(`fleet: ${mode}, ${lifetimes} token lifetimes`);
      const redis =
        mode === 'memory'
          ? undefined
          : { kind: kinds[mode], endpoints: servers.endpoints, keyPrefix: `${prefix}${i}:` };
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

    const hitCost = {};
    for (const [label, kind] of Object.entries(kinds)) {
      log(`fleet: cache-hit cost with the store on ${label}`);
      const { results, storeReadsDuringHits } = await workers[0].call('hitCost', {
        kind,
        endpoints: servers.endpoints,
        keyPrefix: `${prefix}hit:`,
        ...(smoke
          ? { rounds: 1, timeMs: 50, batch: 100 }
          : { rounds: 5, timeMs: 300, batch: 1_000 }),
      });
      hitCost[label] = {
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
      hitCost: hasRedis ? hitCost : null,
    };
  } finally {
    await Promise.all(workers.map((worker) => worker.close()));
    await servers?.close();
    await mock.close();
    if (hasRedis) await deleteKeys(prefix);
  }
}
