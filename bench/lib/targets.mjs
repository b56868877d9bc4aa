import { round } from './stats.mjs';

const fmt = (value, digits = 3) => String(round(value, digits));

/**
 * The issue's targets, checked against one results set. Each entry says what
 * was measured; `met` is null where the section was not run. Misses carry the
 * measured gap and, where the results show it, why.
 */
export function evaluateTargets(results) {
  const targets = [];
  const add = (section, target, actual, met, note = '') =>
    targets.push({ section, target, actual, met, note });

  const { core, peers, orgs, frameworks, fleet, memory, workers } = results.sections;
  if (orgs) {
    const what = 'Organizations API through @twilio-oauth/twilio';
    addOneToken(add, { section: 'orgs', results: orgs, peer: 'twilio-orgs-bridge', what });
  }

  if (core) {
    const c = core.cached;
    const budget = c.floorNs * 1.2;
    add(
      'core',
      'cached getToken() ≤ 1.2 × floor (bare await of a resolved value)',
      `${c.getTokenNs} ns vs floor ${c.floorNs} ns = ${c.ratioToFloor}×`,
      c.ratioToFloor <= 1.2,
      c.ratioToFloor <= 1.2
        ? ''
        : `over by ${fmt(c.getTokenNs - budget, 1)} ns (${fmt(c.ratioToFloor / 1.2, 2)}× the budget ` +
            `of ${fmt(budget, 1)} ns). The hot path is the floor plus one clock read to check ` +
            `freshness; Date.now() alone costs ${c.clockReadNs} ns on this VM, more than the ` +
            `${fmt(budget - c.floorNs, 1)} ns allowance.`,
    );
    if (c.getTokenTelemetryNs !== undefined) {
      const met = c.telemetryRatioToFloor <= 3;
      add(
        'core',
        'cached getToken() with the OpenTelemetry listener ≤ 3 × floor',
        `${c.getTokenTelemetryNs} ns vs floor ${c.floorNs} ns = ${c.telemetryRatioToFloor}× ` +
          `(no listener ${c.ratioToFloor}×, no-op listener ${c.noopListenerRatioToFloor}×)`,
        met,
        met
          ? ''
          : `over by ${fmt(c.getTokenTelemetryNs - c.floorNs * 3, 1)} ns: a listener makes the ` +
              `cached call read the clock and build one event (${fmt(c.getTokenNoopListenerNs - c.getTokenNs, 1)} ns ` +
              `with a no-op listener); recording the lookup adds ` +
              `${fmt(c.getTokenTelemetryNs - c.getTokenNoopListenerNs, 1)} ns on top.`,
      );
    }
    add(
      'core',
      `${core.coldCallers.callers} concurrent cold getToken() → 1 token request`,
      `${core.coldCallers.tokenRequestsMax} (max of ${core.coldCallers.runs} runs)`,
      core.coldCallers.tokenRequestsMax === 1,
    );
  }

  if (peers) {
    const ours = peers.peers.find((p) => p.peer === 'ours');
    for (const key of ['sequential', 'concurrent']) {
      const [, max] = ours.scenarios[key].tokenRequestsRange;
      add('peers', `ours: ${peers.calls} ${key} cold calls → 1 token request`, `${max}`, max === 1);
    }
    const cold = peers.coldVsStatic;
    const coldLimit = cold.limitDiffMs + 0.1;
    add(
      'peers',
      `ours, 50 ms token endpoint: mean per call ≤ static + 50 ms/${cold.calls} + 0.1 ms`,
      `${cold.oursMeanMs} ms vs static ${cold.staticMeanMs} ms: +${cold.diffMs} ms ` +
        `(limit +${fmt(coldLimit, 2)} ms)`,
      cold.diffMs <= coldLimit,
      cold.diffMs <= coldLimit
        ? ''
        : `over by ${fmt(cold.diffMs - coldLimit, 3)} ms (difference of the medians: ` +
            `${cold.diffOfMediansMs} ms). The limit counts the token request as exactly 50 ms; a bare ` +
            `one (plain fetch, same fault) took ${cold.rawTokenRequestMs} ms here, i.e. ` +
            `${fmt((cold.rawTokenRequestMs - 50) / cold.calls, 3)} ms per call of the 0.1 ms allowance ` +
            'before any client code runs.',
    );
    addTwilioBridge(add, peers);
    const steady = peers.steady;
    add(
      'peers',
      'ours, steady state (token held, one refresh ahead during the run): ≤ static + 0.05 ms',
      `${steady.oursMeanMs} ms vs static ${steady.staticMeanMs} ms: ${signed(steady.diffMs)} ms`,
      steady.diffMs <= 0.05,
      steady.diffMs <= 0.05
        ? ''
        : `over by ${fmt(steady.diffMs - 0.05, 3)} ms (difference of the medians: ` +
            `${steady.diffOfMediansMs} ms); blocks of the same run differ by more than that, see ` +
            'latest.json and the load in the header.',
    );
    const others = peers.peers.filter((p) => p.peer !== 'ours' && p.cachedGetNs !== null);
    const slowerPeers = others.filter((p) => p.cachedGetNs <= ours.cachedGetNs);
    add(
      'peers',
      "cached getToken() faster than every peer's cached get (same run)",
      `ours ${ours.cachedGetNs} ns; ${others.map((p) => `${p.peer} ${p.cachedGetNs} ns`).join(', ')}`,
      slowerPeers.length === 0,
      slowerPeers.length === 0
        ? ''
        : `not faster than ${slowerPeers.map((p) => p.peer).join(', ')}`,
    );
  }

  if (frameworks) {
    for (const f of frameworks.frameworks) {
      // What our adapter costs beyond what any middleware costs in the framework (Nest's module
      // installs no middleware: its baseline is bare).
      const baseline = f.noop ? 'a no-op middleware' : 'bare (its module adds no middleware)';
      for (const [route, c] of [
        ['GET /ping, ignoring Twilio', f],
        ['GET /token, cached getToken() through the handle vs the manager', f.token],
      ]) {
        if (!c?.adapterVsNoop) continue;
        const v = c.adapterVsNoop;
        add(
          'frameworks',
          `${f.framework}: adapter ≥ 0.97 × ${baseline} requests/s (${route})`,
          `${v.ratio} (${v.adapterRps} vs ${v.noopRps ?? v.bareRps} req/s)`,
          v.ratio >= 0.97,
          v.ratio >= 0.97
            ? ''
            : `under by ${fmt(0.97 - v.ratio, 3)}; per-round ratios (${v.ratios.length} rounds) ` +
                `between ${v.ratioQuartiles.join(' and ')} (quartiles), pooled ${v.pooledRatio}, ` +
                `per server CPU-second ${v.cpuRatio}; an identical bare server scored ` +
                `${c.control.ratio} (${c.control.ratioQuartiles.join('–')}) against bare in the same run`,
        );
      }
    }
    const h = frameworks.honoInProcess;
    if (h?.handleOverDirect !== undefined) {
      add(
        'frameworks',
        'hono in process: a route using c.var.twilio.getToken() within 2% of the same route awaiting the manager',
        `${h.adapterHandleNs} vs ${h.adapterDirectNs} ns/request: ${h.handleOverDirect}× (median of per-round ratios)`,
        h.handleOverDirect <= 1.02,
      );
      add(
        'frameworks',
        'hono in process: a route ignoring Twilio, adapter installed, within 2% of a no-op middleware',
        `${h.adapterNs} vs ${h.noopMiddlewareNs} ns/request: ${h.adapterOverNoop}× (median of per-round ratios)`,
        h.adapterOverNoop <= 1.02,
      );
    }
  }

  if (fleet) {
    const stores = Object.entries(fleet.fleet).filter(([mode]) => mode !== 'memory');
    for (const [client, f] of stores) {
      add(
        'fleet',
        `fleet of ${f.processes} on ${client}: 1 token request per lifetime`,
        `${f.tokenRequestsPerLifetime} (memory only: ${fleet.fleet.memory.tokenRequestsPerLifetime})`,
        f.tokenRequestsPerLifetime === 1,
      );
    }
    if (stores.length === 0)
      add('fleet', 'fleet with Redis: 1 token request per lifetime', 'Redis not available', null);
    for (const [client, hit] of Object.entries(fleet.hitCost ?? {})) {
      add(
        'fleet',
        `cache hit with the store on ${client} stays a memory hit (≈ plain cached get)`,
        `${hit.redisStoreNs} ns vs plain ${hit.plainNs} ns (${hit.ratioToPlain}×), ${hit.storeReadsDuringHits} store reads`,
        hit.storeReadsDuringHits === 0 && hit.ratioToPlain <= 1.2,
      );
    }
  }

  const scale = results.sections['fleet-scale'];
  if (scale?.clients) {
    for (const [client, r] of Object.entries(scale.clients)) {
      add(
        'fleet-scale',
        `${r.managers} managers on ${client} renewing together: 1 token request`,
        `${r.renewalTokenRequests}; ${r.commandsPerManager} Redis commands per manager; slowest caller ${r.slowestWaitMs} ms`,
        r.renewalTokenRequests === 1,
      );
    }
  }

  if (memory) {
    const t = memory.tenants;
    const full = t.count >= 10_000;
    add(
      'memory',
      '10 000 managers (each holding a token) < 50 MB of heap',
      full
        ? `${t.withTokensMiB} MiB (${t.bytesPerManagerWithToken} B each; ${t.createdMiB} MiB before tokens)`
        : `${t.withTokensMiB} MiB for ${t.count} managers`,
      // A few hundred managers carry fixed costs (sockets, compiled code) that 10 000 dilute.
      full ? t.withTokensMiB * 1024 * 1024 < 50e6 : null,
      full ? '' : 'not judged on a smoke run',
    );
    const l = memory.telemetry;
    if (l) {
      add(
        'memory',
        `one telemetry listener, ${l.clientIds.toLocaleString('en')} refused client ids: bounded (< 2 MiB kept)`,
        `${signed(l.retainedMiB)} MiB (${l.bytesPerClientId} B per client id)`,
        // The default maxCredentials (1 000) states, well under 1 KiB each; unbounded was ~0.7 KiB per id.
        full ? l.retainedMiB < 2 : null,
        full ? '' : 'not judged on a smoke run',
      );
    }
    const d = memory.day;
    add(
      'memory',
      `a day of token rotations: flat heap (start vs end within ${d.flatLimitKiB} KiB)`,
      `${d.heapStartKiB} → ${d.heapEndKiB} KiB (${signed(d.growthKiB)} KiB over ${d.rotations} rotations; ` +
        `trend ${signed(d.slopeKiBPerHour)} KiB/h)`,
      Math.abs(d.growthKiB) <= d.flatLimitKiB,
    );
  }
  if (workers) {
    const { durableObject, memory: alone } = workers.fleet;
    add(
      'workers',
      `${durableObject.isolates} Workers isolates with the Durable Object store: 1 token request per lifetime`,
      `${durableObject.tokenRequestsPerLifetime} (isolate memory only: ${alone.tokenRequestsPerLifetime})`,
      durableObject.tokenRequestsPerLifetime === 1,
    );
    const n = workers.newIsolate;
    add(
      'workers',
      'a new isolate gets the held token in one object round trip, no token request',
      `+${n.addedMs} ms over a memory hit, ${n.tokenRequests} token requests`,
      n.tokenRequests === 0,
    );
  }
  return targets;
}

/** "`calls` sequential / concurrent cold calls → 1 token request" for one peer of a section. */
function addOneToken(add, { section, results, peer, what }) {
  const entry = results.peers.find((p) => p.peer === peer);
  if (!entry) return;
  for (const key of ['sequential', 'concurrent']) {
    const [, max] = entry.scenarios[key].tokenRequestsRange;
    add(
      section,
      `${what}: ${results.calls} ${key} cold calls → 1 token request`,
      `${max}`,
      max === 1,
    );
  }
}

function addTwilioBridge(add, peers) {
  const what = 'twilio SDK through @twilio-oauth/twilio';
  addOneToken(add, { section: 'peers', results: peers, peer: 'twilio-bridge', what });
  const t = peers.twilioBridge;
  if (!t) return;
  add(
    'peers',
    'twilio SDK through @twilio-oauth/twilio: mean per call ≤ 1.0 × the stock SDK with a static credential',
    `${t.bridgeMeanMs} ms vs ${t.stockMeanMs} ms = ${t.ratio}× (quartiles ${t.ratioQuartiles.join('–')})`,
    t.ratio <= 1,
    t.ratio <= 1
      ? ''
      : `over by ${fmt(t.ratio - 1, 3)}×; ratio of the medians ${t.ratioOfMedians}×, per-block figures in latest.json.`,
  );
}

function signed(value) {
  return value > 0 ? `+${value}` : String(value);
}
