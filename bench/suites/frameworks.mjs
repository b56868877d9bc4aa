import { startMockServer } from '@twilio-oauth/mock-server';
import autocannon from 'autocannon';
import { startWorker } from '../lib/ipc.mjs';
import { median, quantile, round } from '../lib/stats.mjs';
import { mockTarget } from '../lib/target.mjs';

const SERVER = new URL('./frameworks.server.mjs', import.meta.url);
/**
 * Servers per framework. `control` is a second, identical bare server: how far it lands from
 * `bare` is this machine's noise between two processes doing the same work. `noop` (a middleware
 * that only calls next) separates what any middleware costs in the framework from what ours
 * adds; Nest's module installs no middleware, so there it has nothing to separate.
 */
const FRAMEWORKS = {
  express: ['bare', 'control', 'noop', 'adapter'],
  hono: ['bare', 'control', 'noop', 'adapter'],
  nest: ['bare', 'control', 'adapter'],
};

/** Paths under load: one that ignores Twilio, one that awaits a cached token. */
const PATHS = { ping: '/ping', token: '/token' };

/**
 * Frameworks: requests/s of GET /ping (never calls Twilio) and GET /token (a cached
 * `getToken()`: through the adapter's handle with the adapter, from the manager itself
 * otherwise) on each framework bare, with a no-op middleware and with our adapter installed.
 * Servers run in child processes; autocannon here loads them on loopback, one after the other
 * in rotating order, for many short rounds; ratios are medians of per-round ratios.
 */
export async function runFrameworks({ smoke, log }) {
  // Many short alternations rather than a few long runs: this VM's CPUs change speed from one
  // moment to the next (other tenants, other work), so runs next to each other see about the
  // same machine, and the median over many rounds discards the bursts.
  const rounds = smoke ? 2 : 24;
  const durationS = smoke ? 0.2 : 0.4;
  const warmupS = smoke ? 0.2 : 1;
  const connections = 32;
  const mock = await startMockServer();
  const target = mockTarget(mock);
  const results = [];
  try {
    for (const [framework, variants] of Object.entries(FRAMEWORKS)) {
      log(`frameworks: ${framework} (${variants.join(', ')})`);
      const started = await Promise.allSettled(
        variants.map((name) => startServer(framework, name === 'control' ? 'bare' : name, target)),
      );
      const failed = started.find((s) => s.status === 'rejected');
      if (failed) {
        await Promise.all(started.map((s) => s.value?.close()));
        throw failed.reason;
      }
      const servers = Object.fromEntries(variants.map((v, i) => [v, started[i].value]));
      try {
        const check = await fetch(`http://127.0.0.1:${servers.adapter.port}/check`);
        const { expiresAt } = await check.json();
        if (check.status !== 200 || !(expiresAt > Date.now())) {
          throw new Error(`${framework} adapter /check answered ${check.status}`);
        }
        mock.reset();
        for (const v of variants) {
          for (const path of Object.values(PATHS))
            await load(servers[v], path, warmupS, connections);
        }
        const runs = Object.fromEntries(
          Object.keys(PATHS).map((p) => [p, Object.fromEntries(variants.map((v) => [v, []]))]),
        );
        for (let r = 0; r < rounds; r++) {
          // Rotating the order: no variant always runs first, or right after another.
          const order = variants.map((_, i) => variants[(i + r) % variants.length]);
          if (r % 2) order.reverse();
          for (const [p, path] of Object.entries(PATHS)) {
            for (const v of order) {
              runs[p][v].push(await load(servers[v], path, durationS, connections));
            }
          }
        }
        const versus = (path) => ({
          ...compare(runs[path], 'adapter', 'bare'),
          control: compare(runs[path], 'control', 'bare'),
          // Nest's module installs no middleware: there bare is the no-op baseline.
          noop: runs[path].noop ? compare(runs[path], 'noop', 'bare') : null,
          adapterVsNoop: compare(runs[path], 'adapter', runs[path].noop ? 'noop' : 'bare'),
        });
        const ping = versus('ping');
        results.push({
          framework,
          ...ping,
          noopRps: runs.ping.noop ? Math.round(median(runs.ping.noop.map((run) => run.rps))) : null,
          // GET /token: the handle's cached getToken() against the manager's, same variants.
          token: versus('token'),
          // Under load the adapter must not have asked for a token: it was cached.
          tokenRequestsUnderLoad: mock.stats().tokenRequests,
        });
      } finally {
        await Promise.all(Object.values(servers).map((server) => server.close()));
      }
    }
    log('frameworks: hono in-process (app.fetch)');
    const worker = startWorker(SERVER);
    let honoInProcess;
    try {
      const inProcessRounds = smoke ? 1 : 15;
      const measured = await worker.call('honoInProcess', {
        target,
        ...(smoke
          ? { rounds: inProcessRounds, timeMs: 50, batch: 20 }
          : { rounds: inProcessRounds, timeMs: 300, batch: 100 }),
      });
      const ns = measured.ns;
      honoInProcess = {
        rounds: inProcessRounds,
        bareNs: Math.round(ns.bare),
        noopMiddlewareNs: Math.round(ns.noopMiddleware),
        adapterNs: Math.round(ns.adapter),
        noopDirectNs: Math.round(ns.noopDirect),
        adapterDirectNs: Math.round(ns.adapterDirect),
        adapterHandleNs: Math.round(ns.adapterHandle),
        ratio: round(ns.bare / ns.adapter, 3),
        handleOverDirect: round(measured.handleOverDirect, 3),
        handleOverNoopDirect: round(measured.handleOverNoopDirect, 3),
        adapterOverNoop: round(measured.adapterOverNoop, 3),
        noopOverBare: round(measured.noopOverBare, 3),
        roundsNs: measured.roundsNs,
      };
    } finally {
      await worker.close();
    }
    return { rounds, runSeconds: durationS, connections, frameworks: results, honoInProcess };
  } finally {
    await mock.close();
  }
}

/** How variant `a` did against `b`, round by round (runs of the same round are neighbours). */
function compare(runs, a, b) {
  const ratios = runs[a].map((run, i) => run.rps / runs[b][i].rps);
  const cpuRatios = runs[a].map((run, i) => run.perCpuSecond / runs[b][i].perCpuSecond);
  const total = (variant) => runs[variant].reduce((sum, run) => sum + run.requests, 0);
  const rps = (variant) => Math.round(median(runs[variant].map((run) => run.rps)));
  const perCpu = (variant) => Math.round(median(runs[variant].map((run) => run.perCpuSecond)));
  return {
    [`${b}Rps`]: rps(b),
    [`${a}Rps`]: rps(a),
    ratio: round(median(ratios), 3),
    ratioQuartiles: [round(quantile(ratios, 0.25), 3), round(quantile(ratios, 0.75), 3)],
    // Everything `a` served over everything `b` served, in the same total time.
    pooledRatio: round(total(a) / total(b), 3),
    // Requests per CPU-second of the server process: less sensitive than requests/s to other
    // processes taking the CPU away.
    [`${b}ReqPerCpuSecond`]: perCpu(b),
    [`${a}ReqPerCpuSecond`]: perCpu(a),
    cpuRatio: round(median(cpuRatios), 3),
    ratios: ratios.map((ratio) => round(ratio, 3)),
  };
}

async function startServer(framework, variant, target) {
  const worker = startWorker(SERVER);
  try {
    const { port } = await worker.call('start', { framework, variant, target });
    return { port, cpu: () => worker.call('cpu'), close: () => worker.close() };
  } catch (error) {
    await worker.close();
    throw error;
  }
}

async function load(server, path, durationS, connections) {
  const cpuBefore = await server.cpu();
  const result = await autocannon({
    url: `http://127.0.0.1:${server.port}${path}`,
    connections,
    duration: durationS,
    // Sampling every 100 ms (default: every second) lets a run last less than a second.
    sampleInt: 100,
  });
  const cpuSeconds = ((await server.cpu()) - cpuBefore) / 1e6;
  const failures = result.errors + result.timeouts + result.non2xx;
  if (failures > 0) throw new Error(`load on port ${server.port}: ${failures} failed requests`);
  const total = result.requests.total;
  return {
    requests: total,
    rps: total / ((result.finish - result.start) / 1000),
    perCpuSecond: total / cpuSeconds,
  };
}
