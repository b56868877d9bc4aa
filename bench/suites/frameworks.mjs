import { startMockServer } from '@twilio-oauth/mock-server';
import autocannon from 'autocannon';
import { startWorker } from '../lib/ipc.mjs';
import { median, round } from '../lib/stats.mjs';
import { mockTarget } from '../lib/target.mjs';

const SERVER = new URL('./frameworks.server.mjs', import.meta.url);
const FRAMEWORKS = ['express', 'hono', 'nest'];

/**
 * Frameworks: requests/s of GET /ping on each framework bare and with our
 * adapter installed (manager holding a cached token; the route never calls
 * Twilio). Servers run in child processes; autocannon here loads them on
 * loopback, alternating bare and adapter, and the ratio is the median of the
 * per-round ratios.
 */
export async function runFrameworks({ smoke, log }) {
  // Many short alternations rather than a few long runs: bursts of other work on the shared
  // machine then spoil single rounds, which the median discards.
  const rounds = smoke ? 1 : 10;
  // autocannon runs last at least a second (it samples once a second): smoke skips the warm-up.
  const durationS = smoke ? 1 : 2;
  const warmupS = smoke ? 0 : 1;
  const connections = 32;
  const mock = await startMockServer();
  const target = mockTarget(mock);
  const results = [];
  try {
    for (const framework of FRAMEWORKS) {
      log(`frameworks: ${framework}`);
      const started = await Promise.allSettled([
        startServer(framework, false, target),
        startServer(framework, true, target),
      ]);
      const failed = started.find((s) => s.status === 'rejected');
      if (failed) {
        await Promise.all(started.map((s) => s.value?.close()));
        throw failed.reason;
      }
      const [bare, adapted] = started.map((s) => s.value);
      try {
        const check = await fetch(`http://127.0.0.1:${adapted.port}/check`);
        if (check.status !== 200)
          throw new Error(`${framework} adapter /check answered ${check.status}`);
        await check.body?.cancel();
        mock.reset();
        if (warmupS > 0) {
          for (const server of [bare, adapted]) await load(server, warmupS, connections);
        }
        const rps = { bare: [], adapter: [] };
        const perCpu = { bare: [], adapter: [] };
        const ratios = [];
        const cpuRatios = [];
        for (let r = 0; r < rounds; r++) {
          // ABBA order: neither variant always runs right after the other's load.
          const order = r % 2 ? ['adapter', 'bare'] : ['bare', 'adapter'];
          const got = {};
          for (const variant of order) {
            const server = variant === 'bare' ? bare : adapted;
            got[variant] = await load(server, durationS, connections);
            rps[variant].push(got[variant].rps);
            perCpu[variant].push(got[variant].perCpuSecond);
          }
          ratios.push(got.adapter.rps / got.bare.rps);
          cpuRatios.push(got.adapter.perCpuSecond / got.bare.perCpuSecond);
        }
        results.push({
          framework,
          bareRps: Math.round(median(rps.bare)),
          adapterRps: Math.round(median(rps.adapter)),
          ratio: round(median(ratios), 3),
          ratios: ratios.map((ratio) => round(ratio, 3)),
          // Requests per CPU-second of the server process: what the adapter costs, less
          // sensitive than requests/s to other processes taking the CPU away.
          bareReqPerCpuSecond: Math.round(median(perCpu.bare)),
          adapterReqPerCpuSecond: Math.round(median(perCpu.adapter)),
          cpuRatio: round(median(cpuRatios), 3),
          // Under load the adapter must not have asked for a token: it was cached.
          tokenRequestsUnderLoad: mock.stats().tokenRequests,
        });
      } finally {
        await bare.close();
        await adapted.close();
      }
    }
    log('frameworks: hono in-process (app.fetch)');
    const worker = startWorker(SERVER);
    let honoInProcess;
    try {
      const ns = await worker.call('honoInProcess', {
        target,
        ...(smoke ? { rounds: 1, timeMs: 50, batch: 20 } : { rounds: 5, timeMs: 500, batch: 100 }),
      });
      honoInProcess = {
        bareNs: Math.round(ns.bare),
        noopMiddlewareNs: Math.round(ns.noopMiddleware),
        adapterNs: Math.round(ns.adapter),
        ratio: round(ns.bare / ns.adapter, 3),
      };
    } finally {
      await worker.close();
    }
    return { rounds, runSeconds: durationS, connections, frameworks: results, honoInProcess };
  } finally {
    await mock.close();
  }
}

async function startServer(framework, adapter, target) {
  const worker = startWorker(SERVER);
  try {
    const { port } = await worker.call('start', { framework, adapter, target });
    return { port, cpu: () => worker.call('cpu'), close: () => worker.close() };
  } catch (error) {
    await worker.close();
    throw error;
  }
}

async function load(server, durationS, connections) {
  const cpuBefore = await server.cpu();
  const result = await autocannon({
    url: `http://127.0.0.1:${server.port}/ping`,
    connections,
    duration: durationS,
  });
  const cpuSeconds = ((await server.cpu()) - cpuBefore) / 1e6;
  const failures = result.errors + result.timeouts + result.non2xx;
  if (failures > 0) throw new Error(`load on port ${server.port}: ${failures} failed requests`);
  const total = result.requests.total;
  return {
    rps: total / ((result.finish - result.start) / 1000),
    perCpuSecond: total / cpuSeconds,
  };
}
