import { startMockServer } from '@twilio-oauth/mock-server';
import { startWorker } from '../lib/ipc.mjs';
import { round } from '../lib/stats.mjs';
import { mockTarget } from '../lib/target.mjs';
import { tenantCredentials } from '../lib/tenants.mjs';

const WORKER = new URL('./memory.worker.mjs', import.meta.url);
const MIB = 1024 * 1024;
const DAY_TOKEN_TTL_S = 300;
// Hourly samples of a steady process wander by about ±100 KiB (GC timing, sockets);
// a leak of even 0.5 KiB per rotation would pass this within the day.
const FLAT_LIMIT_KIB = 256;

/**
 * Memory: heap for managers of 10 000 distinct credentials (created, then each
 * holding a token), heap kept by one telemetry listener after 20 000 refused client
 * ids (each through its own manager, closed), and heap through a simulated day of token rotations on an
 * injected clock shared with the mock server (start vs end must be flat).
 */
export async function runMemory({ smoke, log }) {
  const tenants = smoke ? 500 : 10_000;
  const refusedIds = smoke ? 500 : 20_000;
  const hours = smoke ? 2 : Number(process.env.BENCH_DAY_HOURS ?? 24);
  const stepMs = smoke ? 60_000 : 30_000;

  const tenantMock = await startMockServer({
    clients: Array.from({ length: tenants }, (_, i) => tenantCredentials(i)),
  });
  let simNow = Date.UTC(2030, 0, 1);
  const dayMock = await startMockServer({ tokenTtlSeconds: DAY_TOKEN_TTL_S, now: () => simNow });
  const worker = startWorker(WORKER, { execArgv: ['--expose-gc'] });
  try {
    log(`memory: ${tenants} managers`);
    const heap = await worker.call('tenants', { target: mockTarget(tenantMock), count: tenants });
    const tenantTokenRequests = tenantMock.stats().tokenRequests;

    log(`memory: one telemetry listener, ${refusedIds} refused client ids`);
    tenantMock.reset();
    const listener = await worker.call('telemetry', {
      target: mockTarget(tenantMock),
      count: refusedIds,
    });
    const refusedTokenRequests = tenantMock.stats().tokenRequests;

    log(`memory: ${hours} simulated hours of rotations`);
    await worker.call('dayInit', { target: mockTarget(dayMock), now: simNow });
    const ticksPerHour = 3_600_000 / stepMs;
    // One untimed hour first (compiled code, connection pool), then the day, sampled hourly.
    for (let tick = 0; tick < ticksPerHour; tick++) {
      simNow += stepMs;
      await worker.call('dayTick', { now: simNow });
    }
    dayMock.reset();
    const samples = [await worker.call('heap')];
    for (let tick = 1; tick <= hours * ticksPerHour; tick++) {
      simNow += stepMs;
      await worker.call('dayTick', { now: simNow });
      if (tick % ticksPerHour === 0) samples.push(await worker.call('heap'));
    }
    const day = dayMock.stats();
    const start = samples[0];
    const end = samples.at(-1);
    return {
      tenants: {
        count: tenants,
        tokenRequests: tenantTokenRequests,
        createdMiB: round((heap.created - heap.baseline) / MIB, 2),
        withTokensMiB: round((heap.withTokens - heap.baseline) / MIB, 2),
        bytesPerManager: Math.round((heap.created - heap.baseline) / tenants),
        bytesPerManagerWithToken: Math.round((heap.withTokens - heap.baseline) / tenants),
        afterCloseMiB: round((heap.released - heap.baseline) / MIB, 2),
        baselineMiB: round(heap.baseline / MIB, 2),
      },
      telemetry: {
        clientIds: refusedIds,
        tokenRequests: refusedTokenRequests,
        baselineMiB: round(listener.baseline / MIB, 2),
        afterMiB: round(listener.after / MIB, 2),
        retainedMiB: round((listener.after - listener.baseline) / MIB, 2),
        bytesPerClientId: Math.round((listener.after - listener.baseline) / refusedIds),
      },
      day: {
        simulatedHours: hours,
        stepSeconds: stepMs / 1000,
        tokenTtlSeconds: DAY_TOKEN_TTL_S,
        apiCalls: day.apiRequests,
        rotations: day.tokensIssued,
        rejectedApiRequests: day.rejectedApiRequests,
        heapStartKiB: round(start / 1024, 1),
        heapEndKiB: round(end / 1024, 1),
        growthKiB: round((end - start) / 1024, 1),
        slopeKiBPerHour: round(slope(samples) / 1024, 2),
        flatLimitKiB: FLAT_LIMIT_KIB,
        heapHourlyKiB: samples.map((bytes) => round(bytes / 1024, 0)),
      },
    };
  } finally {
    await worker.close();
    await tenantMock.close();
    await dayMock.close();
  }
}

/** Least-squares slope of evenly spaced samples, per step. */
function slope(samples) {
  const n = samples.length;
  const meanX = (n - 1) / 2;
  const meanY = samples.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  samples.forEach((y, x) => {
    num += (x - meanX) * (y - meanY);
    den += (x - meanX) ** 2;
  });
  return den === 0 ? 0 : num / den;
}
