import { median, round } from './stats.mjs';

/** The delay of the slow token endpoint in the `…SlowToken` scenarios. */
export const TOKEN_DELAY_MS = 50;
export const SLOW_TOKEN = { token: { delayMs: TOKEN_DELAY_MS } };

/**
 * The scenarios a client section runs, by key: each from a new (cold) client unless `warm` (one
 * call before the timed ones), with the mock's `faults` in force.
 */
export const SCENARIO = {
  sequential: { key: 'sequential', mode: 'sequential', faults: {} },
  concurrent: { key: 'concurrent', mode: 'concurrent', faults: {} },
  sequentialSlowToken: { key: 'sequentialSlowToken', mode: 'sequential', faults: SLOW_TOKEN },
  concurrentSlowToken: { key: 'concurrentSlowToken', mode: 'concurrent', faults: SLOW_TOKEN },
  steadySlowToken: { key: 'steadySlowToken', mode: 'sequential', faults: SLOW_TOKEN, warm: true },
};

/**
 * Initialises the two peer workers for `target`: `main` (no interception) and `twilio` (nock
 * forwarding Twilio's hosts to the mock).
 */
export async function initPeerWorkers(workers, target) {
  await workers.main.call('init', { target });
  await workers.twilio.call('init', { target, twilio: true });
}

/**
 * `open(peer, body)`: opens `peer` as a new client in the worker `order` names for it, runs
 * `body(worker, id)`, then clears the mock's faults and closes the client, whatever happened.
 */
export function peerOpener({ workers, order, mock }) {
  let runId = 0;
  return async (peer, body) => {
    const worker = workers[order.find(([name]) => name === peer)[1]];
    const id = `${peer}#${runId++}`;
    await worker.call('open', { id, peer });
    try {
      return await body(worker, id);
    } finally {
      mock.setFaults({});
      await worker.call('close', { id });
    }
  };
}

/**
 * Runs every scenario for every peer of `order` (`[peer, worker]` pairs) through
 * `runOnce(peer, scenario, calls)`: first one untimed
 * pass of the first scenario (so that every client, and the mock, run JIT-compiled code), then
 * `rounds` rounds, the starting peer rotated each round so that drift in machine load favours
 * nobody. Resolves `raw[peer][scenario.key]`, the runs in order.
 */
export async function runRounds(section, { order, scenarios, rounds, calls, log }, runOnce) {
  const peers = order.map(([peer]) => peer);
  log(`${section}: warm-up`);
  for (const peer of peers) await runOnce(peer, scenarios[0], Math.min(calls, 20));
  const raw = Object.fromEntries(
    peers.map((peer) => [peer, Object.fromEntries(scenarios.map((s) => [s.key, []]))]),
  );
  for (let r = 0; r < rounds; r++) {
    log(`${section}: round ${r + 1}/${rounds}`);
    for (let i = 0; i < peers.length; i++) {
      const peer = peers[(i + r) % peers.length];
      for (const scenario of scenarios) {
        raw[peer][scenario.key].push(await runOnce(peer, scenario, calls));
      }
    }
  }
  return raw;
}

/**
 * One peer's figures per scenario: `summarizeRuns` of its runs, plus what `extra(runs)` adds.
 */
export function summarizePeer(runsByScenario, calls, extra) {
  return Object.fromEntries(
    Object.entries(runsByScenario).map(([key, runs]) => [
      key,
      { ...summarizeRuns(runs, calls), ...extra(runs) },
    ]),
  );
}

/** Medians over one peer's runs of one scenario: token requests (with their range) and time. */
export function summarizeRuns(runs, calls) {
  const tokenRequests = runs.map((run) => run.tokenRequests);
  return {
    tokenRequests: median(tokenRequests),
    tokenRequestsRange: [Math.min(...tokenRequests), Math.max(...tokenRequests)],
    totalMs: round(median(runs.map((run) => run.elapsedMs)), 2),
    meanMsPerCall: round(median(runs.map((run) => run.elapsedMs / calls)), 3),
  };
}
