import { startMockServer } from '@twilio-oauth/mock-server';
import { startWorker } from '../lib/ipc.mjs';
import { pairedRatio } from '../lib/measure.mjs';
import { median, round } from '../lib/stats.mjs';
import { mockTarget } from '../lib/target.mjs';

const WORKER = new URL('./core.worker.mjs', import.meta.url);

/**
 * Core: the cached `getToken()` against the floor (a bare `await` of a resolved
 * value) in one run — bare, with a no-op `onEvent` listener and with the
 * OpenTelemetry listener —, and how many token requests 10 000 concurrent cold
 * callers make.
 */
export async function runCore({ smoke, log }) {
  const mock = await startMockServer();
  const worker = startWorker(WORKER);
  try {
    await worker.call('init', { target: mockTarget(mock) });
    log('core: cached getToken() vs floor');
    const cached = await worker.call(
      'cached',
      smoke ? { rounds: 1, timeMs: 50, batch: 200 } : { rounds: 25, timeMs: 150, batch: 1_000 },
    );
    const callers = smoke ? 1_000 : 10_000;
    const runs = smoke ? 1 : 5;
    log(`core: ${callers} concurrent cold callers × ${runs}`);
    const cold = [];
    for (let i = 0; i < runs; i++) {
      mock.reset();
      const { elapsedMs, distinctTokens } = await worker.call('coldCallers', { callers });
      cold.push({ elapsedMs, distinctTokens, tokenRequests: mock.stats().tokenRequests });
    }
    const ratio = pairedRatio(cached.getToken, cached.floor);
    const nsOf = (task) => round(task.nsPerOp, 1);
    return {
      cached: {
        floorNs: round(cached.floor.nsPerOp, 1),
        floorOpsPerSec: Math.round(cached.floor.opsPerSec),
        getTokenNs: round(cached.getToken.nsPerOp, 1),
        getTokenOpsPerSec: Math.round(cached.getToken.opsPerSec),
        clockReadNs: round(cached.clockRead.nsPerOp, 1),
        getAuthorizationHeaderNs: round(cached.getAuthorizationHeader.nsPerOp, 1),
        ratioToFloor: round(ratio, 3),
        // With an onEvent listener: a no-op one, and @twilio-oauth/opentelemetry's (real SDK).
        getTokenNoopListenerNs: nsOf(cached.getTokenNoopListener),
        getTokenTelemetryNs: nsOf(cached.getTokenTelemetry),
        noopListenerRatioToFloor: round(pairedRatio(cached.getTokenNoopListener, cached.floor), 3),
        telemetryRatioToFloor: round(pairedRatio(cached.getTokenTelemetry, cached.floor), 3),
        telemetryRatioToGetToken: round(pairedRatio(cached.getTokenTelemetry, cached.getToken), 3),
        telemetryLookupsCounted: cached.lookupsCounted,
        roundsNs: {
          floor: cached.floor.roundsNs.map((ns) => round(ns, 1)),
          getToken: cached.getToken.roundsNs.map((ns) => round(ns, 1)),
          getTokenNoopListener: cached.getTokenNoopListener.roundsNs.map((ns) => round(ns, 1)),
          getTokenTelemetry: cached.getTokenTelemetry.roundsNs.map((ns) => round(ns, 1)),
        },
      },
      coldCallers: {
        callers,
        runs,
        tokenRequestsMax: Math.max(...cold.map((run) => run.tokenRequests)),
        tokenRequestsPerRun: cold.map((run) => run.tokenRequests),
        distinctTokensMax: Math.max(...cold.map((run) => run.distinctTokens)),
        medianMs: round(median(cold.map((run) => run.elapsedMs)), 1),
      },
    };
  } finally {
    await worker.close();
    await mock.close();
  }
}
