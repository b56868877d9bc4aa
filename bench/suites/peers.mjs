import { startMockServer } from '@twilio-oauth/mock-server';
import { startWorker } from '../lib/ipc.mjs';
import { pairedRatio } from '../lib/measure.mjs';
import { FORWARDING_NOTE } from '../lib/nock-forward.mjs';
import { PEERS } from '../lib/peers.mjs';
import {
  initPeerWorkers,
  peerOpener,
  runRounds,
  SCENARIO,
  SLOW_TOKEN,
  summarizePeer,
  TOKEN_DELAY_MS,
} from '../lib/rounds.mjs';
import { median, round } from '../lib/stats.mjs';
import { mockTarget } from '../lib/target.mjs';
import { TWILIO_BRIDGE_PEERS } from '../lib/twilio-bridge-peers.mjs';
import { TWILIO_PEERS } from '../lib/twilio-peers.mjs';
import { bridgeVsStockStatic } from './peers-twilio.mjs';

const WORKER = new URL('./peers.worker.mjs', import.meta.url);

/** Peers in table order; `worker` says which child holds them (twilio's has nock installed). */
const ORDER = [
  ['ours', 'main'],
  ['badgateway', 'main'],
  ['simple-oauth2', 'main'],
  ['twilio', 'twilio'],
  ['twilio-bridge', 'main'],
  ['static', 'main'],
  ['twilio-static', 'twilio'],
  ['twilio-sdk-static', 'main'],
];

/**
 * Scenarios every peer runs, each from a new (cold) client unless `warm`: the
 * mock is reset before each run, so `stats().tokenRequests` is that run's.
 */
const SCENARIOS = [
  SCENARIO.sequential,
  SCENARIO.concurrent,
  SCENARIO.sequentialSlowToken,
  SCENARIO.concurrentSlowToken,
  SCENARIO.steadySlowToken,
];

/**
 * Against peers: the same Messages.json work through each client against one
 * mock server (token requests counted by the mock), the mean time per call with
 * a 50 ms token endpoint, ours in steady state against a static bearer, and
 * every peer's cached get in one run with the floor.
 */
export async function runPeers({ smoke, log }) {
  const calls = smoke ? 10 : 100;
  const rounds = smoke ? 1 : 3;
  const mock = await startMockServer();
  const target = mockTarget(mock);
  const workers = { main: startWorker(WORKER), twilio: startWorker(WORKER) };
  try {
    await initPeerWorkers(workers, target);
    const open = peerOpener({ workers, order: ORDER, mock });

    const runOnce = (peer, scenario, n) =>
      open(peer, async (worker, id) => {
        if (scenario.warm) await worker.call('sequential', { id, calls: 1 });
        mock.reset();
        mock.setFaults(scenario.faults);
        const { elapsedMs } = await worker.call(scenario.mode, { id, calls: n });
        const { tokenRequests, apiRequests, rejectedApiRequests } = mock.stats();
        return { elapsedMs, tokenRequests, apiRequests, rejectedApiRequests };
      });

    const plan = { order: ORDER, scenarios: SCENARIOS, rounds, calls, log };
    const raw = await runRounds('peers', plan, runOnce);

    log('peers: ours vs static bearer, 50 ms token endpoint (cold, then steady)');
    const pairing = smoke ? { blocks: 4, calls: 10 } : { blocks: 40, calls: 100 };
    const coldVsStatic = await pairedWithStatic(workers.main, mock, { cold: true, ...pairing });
    const steady = await pairedWithStatic(workers.main, mock, { cold: false, ...pairing });
    log('peers: twilio SDK through the bridge vs the stock SDK with a static bearer');
    const twilioBridge = await bridgeVsStockStatic(
      workers.main,
      mock,
      smoke ? { blocks: 4, calls: 10 } : { blocks: 30, calls: 100 },
    );
    log('peers: cached gets');
    const cachedGet = await workers.main.call(
      'cachedGets',
      smoke ? { rounds: 1, timeMs: 50, batch: 100 } : { rounds: 15, timeMs: 150, batch: 1_000 },
    );

    const labels = { ...PEERS, ...TWILIO_PEERS, ...TWILIO_BRIDGE_PEERS };
    const peers = ORDER.map(([peer]) => {
      const scenarios = summarizePeer(raw[peer], calls, (runs) => ({
        rejectedApiRequests: runs.reduce((sum, run) => sum + run.rejectedApiRequests, 0),
      }));
      const cached = cachedGet[peer];
      return {
        peer,
        label: labels[peer].label,
        reference: peer === 'static' || peer === 'twilio-static' || peer === 'twilio-sdk-static',
        scenarios,
        cachedGetNs: cached ? round(cached.nsPerOp, 1) : null,
        // Within-round ratio to the floor: the machine's speed changes between rounds.
        cachedGetToFloor: cached ? round(pairedRatio(cached, cachedGet.floor), 3) : null,
        cachedGetRoundsNs: cached ? cached.roundsNs.map((ns) => round(ns, 1)) : null,
        cachedGetNote: cached?.note ?? null,
      };
    });
    return {
      calls,
      rounds,
      tokenDelayMs: TOKEN_DELAY_MS,
      forwarding: FORWARDING_NOTE,
      peers,
      cachedGetFloorNs: round(cachedGet.floor.nsPerOp, 1),
      cachedGetFloorRoundsNs: cachedGet.floor.roundsNs.map((ns) => round(ns, 1)),
      coldVsStatic,
      steady,
      twilioBridge,
    };
  } finally {
    await Promise.all(Object.values(workers).map((worker) => worker.close()));
    await mock.close();
  }
}

/**
 * Ours against a static bearer in the same process, in alternating blocks of
 * `calls` sequential calls with the 50 ms token endpoint on; figures are
 * medians over blocks, the difference the median of per-pair differences.
 *
 * - cold: every ours block starts from a new manager (one 50 ms token request
 *   per block); the limit is static + 50 ms / calls.
 * - steady: one manager holds its token throughout; halfway its clock is moved
 *   into the refresh-ahead window, so one background refresh (50 ms) runs while
 *   calls go on; the limit is the static time itself.
 */
async function pairedWithStatic(worker, mock, { cold, blocks, calls }) {
  const staticId = 'pair-static';
  await worker.call('open', { id: staticId, peer: 'static' });
  let oursId = 'pair-ours';
  if (!cold) await worker.call('open', { id: oursId, peer: 'ours', clock: true });
  try {
    // Warm both paths (connections, compiled code) before anything is timed.
    await worker.call('sequential', { id: staticId, calls });
    if (!cold) await worker.call('sequential', { id: oursId, calls });
    const staticMs = [];
    const oursMs = [];
    const tokenRequests = [];
    mock.reset();
    mock.setFaults(SLOW_TOKEN);
    for (let block = 0; block < blocks; block++) {
      if (cold) {
        oursId = `pair-ours-${block}`;
        await worker.call('open', { id: oursId, peer: 'ours' });
      } else if (block === blocks >> 1) {
        // Token lifetime 3600 s, refresh ahead 300 s: 3 301 s on is stale, not yet expired.
        await worker.call('shiftClock', { id: oursId, ms: 3_301_000 });
      }
      // Alternating which goes first cancels any advantage of running second.
      const pair = block % 2 ? [oursId, staticId] : [staticId, oursId];
      for (const id of pair) {
        const before = mock.stats().tokenRequests;
        const { elapsedMs } = await worker.call('sequential', { id, calls });
        if (id === staticId) staticMs.push(elapsedMs / calls);
        else {
          oursMs.push(elapsedMs / calls);
          if (cold) await worker.call('close', { id });
          tokenRequests.push(mock.stats().tokenRequests - before);
        }
      }
    }
    if (!cold) await worker.call('settled', { id: oursId });
    const rawTokenMs = cold ? median(await worker.call('rawToken', { times: 5 })) : undefined;
    const diffs = oursMs.map((ms, i) => ms - staticMs[i]);
    const { rejectedApiRequests } = mock.stats();
    return {
      blocks,
      calls,
      staticMeanMs: round(median(staticMs), 4),
      oursMeanMs: round(median(oursMs), 4),
      diffMs: round(median(diffs), 4),
      diffOfMediansMs: round(median(oursMs) - median(staticMs), 4),
      blocksMs: {
        static: staticMs.map((ms) => round(ms, 4)),
        ours: oursMs.map((ms) => round(ms, 4)),
      },
      limitDiffMs: cold ? TOKEN_DELAY_MS / calls : 0,
      ...(cold
        ? { rawTokenRequestMs: round(rawTokenMs, 2) }
        : { blockWithRefreshMs: round(oursMs[blocks >> 1], 4) }),
      tokenRequests: cold ? median(tokenRequests) : tokenRequests.reduce((a, b) => a + b, 0),
      rejectedApiRequests,
    };
  } finally {
    mock.setFaults({});
    await worker.call('close', { id: staticId });
    if (!cold) await worker.call('close', { id: oursId });
  }
}
