// Results as Markdown: written to results/latest.md and printed on stdout.
import { peerFindings } from './findings.mjs';
import { orgsSection } from './report-orgs.mjs';

function table(headers, rows) {
  const line = (cells) => `| ${cells.map((c) => String(c ?? '—')).join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

const ok = (met) => (met === null ? 'not run' : met ? 'met' : '**missed**');
const loadOf = (section) =>
  `load ${section.load.start.join(' / ')} → ${section.load.end.join(' / ')}`;
const int = (n) => (n === null || n === undefined ? '—' : Math.round(n).toLocaleString('en-US'));

function coreSection(core) {
  const c = core.cached;
  return [
    `## Core (${loadOf(core)}, ${core.durationS} s)`,
    '',
    'Cached path, in one tinybench run in one process: each sample awaits the operation 1 000 times',
    'in a row (timer cost amortised); ns/op = median over short rounds (tasks rotated) of the per-round median.',
    '',
    table(
      ['operation', 'ns/op', 'ops/s'],
      [
        ['floor: `await` of an already-resolved promise', c.floorNs, int(c.floorOpsPerSec)],
        ['`manager.getToken()`, token cached', c.getTokenNs, int(c.getTokenOpsPerSec)],
        [
          '`manager.getAuthorizationHeader()`, token cached',
          c.getAuthorizationHeaderNs,
          int(1e9 / c.getAuthorizationHeaderNs),
        ],
        ['`Date.now()` alone (not awaited)', c.clockReadNs, int(1e9 / c.clockReadNs)],
        ...(c.getTokenTelemetryNs === undefined
          ? []
          : [
              [
                '`manager.getToken()` with a no-op `onEvent`, token cached',
                c.getTokenNoopListenerNs,
                int(1e9 / c.getTokenNoopListenerNs),
              ],
              [
                '`manager.getToken()` with `twilioOAuthTelemetry()` (real metrics SDK), token cached',
                c.getTokenTelemetryNs,
                int(1e9 / c.getTokenTelemetryNs),
              ],
            ]),
      ],
    ),
    '',
    `getToken() / floor = **${c.ratioToFloor}×** (median over ${c.roundsNs.floor.length} rounds of the ratio within each round; ` +
      `per-round ns range: floor ${Math.min(...c.roundsNs.floor)}–${Math.max(...c.roundsNs.floor)}, ` +
      `getToken ${Math.min(...c.roundsNs.getToken)}–${Math.max(...c.roundsNs.getToken)}; every round in latest.json).`,
    ...(c.getTokenTelemetryNs === undefined
      ? []
      : [
          '',
          `With the OpenTelemetry listener: **${c.telemetryRatioToFloor}× the floor**, ${c.telemetryRatioToGetToken}× ` +
            `getToken() without a listener; a no-op listener alone: ${c.noopListenerRatioToFloor}× the floor ` +
            `(same rounds; ${int(c.telemetryLookupsCounted)} lookups counted by the SDK at the end).`,
        ]),
    '',
    `${int(core.coldCallers.callers)} concurrent cold \`getToken()\` callers on a new manager: ` +
      `**${core.coldCallers.tokenRequestsMax} token request** (per run: ${core.coldCallers.tokenRequestsPerRun.join(', ')}), ` +
      `${core.coldCallers.distinctTokensMax} distinct token handed out, median ${core.coldCallers.medianMs} ms for all of them.`,
  ].join('\n');
}

function peersSection(peers) {
  const s = (p, key) => p.scenarios[key];
  const req = (p, key) => {
    const [min, max] = s(p, key).tokenRequestsRange;
    return min === max ? String(max) : `${s(p, key).tokenRequests} (${min}–${max})`;
  };
  const name = (p) => (p.reference ? `_${p.label}_` : p.label);
  const n = peers.calls;
  return [
    `## Against peers (${loadOf(peers)}, ${peers.durationS} s)`,
    '',
    `Same work for every peer: GET Messages.json (PageSize=50), JSON parsed, against one mock server on loopback.`,
    `Each scenario starts from a new client (cold) unless "token held"; medians of ${peers.rounds} rounds; the mock is reset before each run.`,
    `Reference rows (italic) use a bearer fetched once, without any OAuth client. ${peers.forwarding}`,
    '',
    '### Token requests',
    '',
    table(
      [
        'peer',
        `${n} sequential`,
        `${n} concurrent`,
        `${n} seq, token +${peers.tokenDelayMs} ms`,
        `${n} conc, token +${peers.tokenDelayMs} ms`,
        `${n} seq, token held, +${peers.tokenDelayMs} ms`,
      ],
      peers.peers.map((p) => [
        name(p),
        req(p, 'sequential'),
        req(p, 'concurrent'),
        req(p, 'sequentialSlowToken'),
        req(p, 'concurrentSlowToken'),
        req(p, 'steadySlowToken'),
      ]),
    ),
    '',
    '### Time',
    '',
    table(
      [
        'peer',
        `mean ms/call, ${n} seq`,
        `wall ms, ${n} concurrent`,
        `mean ms/call, ${n} seq, token +${peers.tokenDelayMs} ms`,
        `wall ms, ${n} conc, token +${peers.tokenDelayMs} ms`,
        `mean ms/call, token held, +${peers.tokenDelayMs} ms`,
        'cached get, ns',
      ],
      peers.peers.map((p) => [
        name(p),
        s(p, 'sequential').meanMsPerCall,
        s(p, 'concurrent').totalMs,
        s(p, 'sequentialSlowToken').meanMsPerCall,
        s(p, 'concurrentSlowToken').totalMs,
        s(p, 'steadySlowToken').meanMsPerCall,
        p.cachedGetNs === null
          ? null
          : `${p.cachedGetNs} (${p.cachedGetToFloor.toFixed(2)}× floor)`,
      ]),
    ),
    '',
    `Cached get: one tinybench run with the floor (${peers.cachedGetFloorNs} ns); ` +
      peers.peers
        .filter((p) => p.cachedGetNote)
        .map((p) => `${p.peer}: ${p.cachedGetNote}`)
        .join('; ') +
      '.',
    '',
    '### Ours against a static bearer, same process, alternating blocks, token endpoint +50 ms',
    '',
    table(
      [
        'run',
        'blocks × calls',
        'static ms/call',
        'ours ms/call',
        'ours − static: median of pairs (difference of medians)',
        'limit',
        'token requests',
      ],
      [
        [
          'cold manager per block',
          `${peers.coldVsStatic.blocks} × ${peers.coldVsStatic.calls}`,
          peers.coldVsStatic.staticMeanMs,
          peers.coldVsStatic.oursMeanMs,
          `${peers.coldVsStatic.diffMs} (${peers.coldVsStatic.diffOfMediansMs})`,
          `+${peers.coldVsStatic.limitDiffMs} (+0.1 allowed)`,
          `${peers.coldVsStatic.tokenRequests} per block (a bare token request with the fault: ${peers.coldVsStatic.rawTokenRequestMs} ms)`,
        ],
        [
          'token held; refresh ahead mid-run',
          `${peers.steady.blocks} × ${peers.steady.calls}`,
          peers.steady.staticMeanMs,
          peers.steady.oursMeanMs,
          `${peers.steady.diffMs} (${peers.steady.diffOfMediansMs})`,
          '+0 (+0.05 allowed)',
          `${peers.steady.tokenRequests} (background; block with it: ${peers.steady.blockWithRefreshMs} ms/call)`,
        ],
      ],
    ),
    ...(peers.twilioBridge ? ['', twilioBridgeTable(peers.twilioBridge)] : []),
  ].join('\n');
}

function twilioBridgeTable(t) {
  return [
    '### twilio SDK through @twilio-oauth/twilio against the stock SDK with a static bearer',
    '',
    'Both on loopback without interception, same worker, alternating blocks, tokens held. Stock:',
    "the SDK's own RequestClient (axios) with a fixed Authorization header, what an auth token costs.",
    '',
    table(
      [
        'blocks × calls',
        'stock ms/call',
        'bridge ms/call',
        'bridge ÷ stock: median of pairs (quartiles; of medians)',
        'token requests',
      ],
      [
        [
          `${t.blocks} × ${t.calls}`,
          t.stockMeanMs,
          t.bridgeMeanMs,
          `${t.ratio}× (${t.ratioQuartiles.join('–')}; ${t.ratioOfMedians}×)`,
          String(t.tokenRequests),
        ],
      ],
    ),
  ].join('\n');
}

function frameworksSection(frameworks) {
  const vs = (c) => (c ? `${c.ratio} (${c.ratioQuartiles.join('–')})` : 'n/a');
  const rows = frameworks.frameworks.flatMap((f) =>
    [
      ['GET /ping', f],
      ['GET /token', f.token],
    ]
      .filter(([, c]) => c)
      .map(([route, c]) => [
        f.framework,
        route,
        int(c.bareRps),
        int(c.noop?.noopRps),
        int(c.adapterRps),
        c.adapterVsNoop ? `**${vs(c.adapterVsNoop)}**${f.noop ? '' : ' ¹'}` : 'n/a',
        `${c.ratio} (${c.ratioQuartiles.join('–')})`,
        vs(c.noop),
        vs(c.control),
        c.cpuRatio,
        f.tokenRequestsUnderLoad,
      ]),
  );
  return [
    `## Frameworks (${loadOf(frameworks)}, ${frameworks.durationS} s)`,
    '',
    'GET /ping answers {"ok":true} and never calls Twilio; GET /token answers a cached token\'s expiry, through the',
    "adapter's handle (`req.twilio`, `c.var.twilio`, Nest's injected service) in the adapter variant and from the manager",
    'itself in the others. Adapter: our middleware (Nest: our module, service injected) sharing a manager that holds a',
    'cached token. No-op: a middleware that only calls next, to show what any middleware costs in that framework.',
    `Servers in child processes; autocannon (${frameworks.connections} connections, ${frameworks.runSeconds} s per run) from here, variants in rotating order over ${frameworks.rounds} rounds;`,
    'ratios are medians of per-round ratios (quartiles in brackets).',
    '',
    table(
      [
        'framework',
        'route',
        'bare req/s',
        'no-op req/s',
        'adapter req/s',
        '**adapter / no-op**',
        'adapter / bare',
        'no-op / bare',
        'control / bare (noise)',
        'adapter / bare per server CPU-second',
        'token requests under load',
      ],
      rows,
    ),
    '',
    "¹ Nest's module installs no middleware: its baseline is bare. Per server CPU-second: requests served per",
    'CPU-second of the server process (median of rounds), less exposed than requests/s to other processes on the shared CPUs.',
    ...honoInProcessLines(frameworks.honoInProcess),
  ].join('\n');
}

function honoInProcessLines(h) {
  if (!h) return [];
  if (h.handleOverDirect === undefined) {
    // Results written before the handle route was measured.
    return [
      '',
      `Hono in process (\`app.fetch()\`): bare ${int(h.bareNs)} ns/request, no-op middleware ${int(h.noopMiddlewareNs)} ns, adapter ${int(h.adapterNs)} ns.`,
    ];
  }
  return [
    '',
    `Hono in process (\`app.fetch()\`, no socket; tinybench, tasks rotated over ${int(h.rounds)} rounds; ratios are medians of per-round ratios, time over time):`,
    '',
    table(
      ['request', 'ns/request', 'against', 'ratio'],
      [
        ['GET /ping, bare', int(h.bareNs), '', ''],
        ['GET /ping, no-op middleware', int(h.noopMiddlewareNs), 'bare', h.noopOverBare],
        ['GET /ping, adapter', int(h.adapterNs), 'no-op middleware', `**${h.adapterOverNoop}**`],
        ['GET /token awaiting the manager, no-op middleware', int(h.noopDirectNs), '', ''],
        ['GET /token awaiting the manager, adapter installed', int(h.adapterDirectNs), '', ''],
        [
          'GET /token through `c.var.twilio.getToken()`',
          int(h.adapterHandleNs),
          'awaiting the manager, adapter installed (no-op middleware)',
          `**${h.handleOverDirect}** (${h.handleOverNoopDirect})`,
        ],
      ],
    ),
  ];
}

function fleetSection(fleet) {
  const rows = Object.entries(fleet.fleet).map(([mode, f]) => [
    mode === 'memory' ? 'memory only' : `@twilio-oauth/redis on ${mode}`,
    f.processes,
    f.simulatedHours,
    `${f.tokenGenerations}${f.generationsAgree ? '' : ' (processes disagree)'}`,
    f.tokenRequests,
    `**${f.tokenRequestsPerLifetime}**`,
  ]);
  const hits = Object.entries(fleet.hitCost ?? {}).map(([client, h]) => [
    client,
    `**${h.redisStoreNs}**`,
    h.plainNs,
    `${h.ratioToPlain}×`,
    h.floorNs,
    h.storeReadsDuringHits,
  ]);
  return [
    `## Fleet (${loadOf(fleet)}, ${fleet.durationS} s)`,
    '',
    `8 processes on one simulated clock (steps of ${fleet.stepSeconds} s, token lifetime ${fleet.tokenTtlSeconds} s, refresh ahead 300 s), Redis: ${fleet.redis ?? 'not available'}; Upstash through the REST fixture of the Redis tests in front of it; the Cluster clients on a three-master Redis Cluster started for the run.`,
    '',
    table(
      [
        'store',
        'processes',
        'simulated h',
        'token generations',
        'token requests',
        'requests per lifetime',
      ],
      rows,
    ),
    '',
    hits.length > 0
      ? table(
          [
            'cache hit, store on',
            'ns/op',
            'plain manager ns/op',
            'ratio',
            'floor ns',
            'Redis reads during the hits',
          ],
          hits,
        )
      : 'Cache hit with the Redis store: not measured (no Redis).',
  ].join('\n');
}

function fleetScaleSection(scale) {
  if (scale.skipped) return `## Fleet at scale\n\nNot measured: ${scale.skipped}.`;
  const rows = Object.entries(scale.clients).map(([client, r]) => [
    client,
    r.managers,
    `**${r.renewalTokenRequests}**`,
    `${r.redisCommands}${r.restCommands === undefined ? '' : ` (${r.restCommands} over REST)`}`,
    r.commandsPerManager,
    Object.entries(r.byCommand)
      .map(([name, n]) => `${name} ${n}`)
      .join(', '),
    r.medianWaitMs,
    r.p95WaitMs,
    `**${r.slowestWaitMs}**`,
  ]);
  return [
    `## Fleet at scale (${loadOf(scale)}, ${scale.durationS} s)`,
    '',
    `${scale.managers} managers in one process, each on its own connection, hold one token and reach its expiry together (token lifetime ${scale.tokenTtlSeconds} s, clock moved past it). For that renewal: token requests, the store's commands as the Redis servers count them (INFO commandstats, which also counts the GET and DEL run inside the lock's release script), and each caller's wait for its renewed token.`,
    '',
    table(
      [
        'client',
        'managers',
        'token requests',
        'Redis commands',
        'per manager',
        'by command',
        'median wait ms',
        'p95 wait ms',
        'slowest wait ms',
      ],
      rows,
    ),
  ].join('\n');
}

function workersSection(workers) {
  const rows = Object.entries(workers.fleet).map(([mode, f]) => [
    mode === 'durableObject' ? '@twilio-oauth/cloudflare (Durable Object)' : 'isolate memory only',
    f.isolates,
    f.simulatedHours,
    f.tokenGenerations,
    f.tokenRequests,
    `**${f.tokenRequestsPerLifetime}**`,
  ]);
  const n = workers.newIsolate;
  return [
    `## Workers (${loadOf(workers)}, ${workers.durationS} s)`,
    '',
    `Isolates of one Worker in workerd (miniflare, one Worker script per isolate) on one injected clock shared with the mock server ` +
      `(steps of ${workers.stepSeconds} s, token lifetime ${workers.tokenTtlSeconds} s, 3 requests per isolate per step).`,
    '',
    table(
      [
        'store',
        'isolates',
        'simulated h',
        'token generations',
        'token requests',
        'requests per lifetime',
      ],
      rows,
    ),
    '',
    `First token of a new isolate while another one holds it (median of ${n.samples}): ` +
      `**${n.firstFromObjectMs} ms** from the Durable Object (${n.tokenRequests} token requests), ` +
      `vs ${n.warmMs} ms for the next request from memory: **+${n.addedMs} ms**, one object round trip on loopback ` +
      `(a bare object call, warm: ${n.objectRoundTripMs} ms; the rest is the new isolate's first call and code path). ` +
      `Without the store the new isolate makes its own token request: ${n.firstOwnTokenRequestMs} ms against the mock server on loopback ` +
      `(Twilio's Token API is a network round trip away).`,
  ].join('\n');
}

function memorySection(memory) {
  const t = memory.tenants;
  const l = memory.telemetry;
  const d = memory.day;
  return [
    `## Memory (${loadOf(memory)}, ${memory.durationS} s)`,
    '',
    `Child process with --expose-gc; heapUsed after full collections.`,
    '',
    table(
      ['measure', 'heap'],
      [
        [
          `${int(t.count)} managers, distinct credentials, created`,
          `${t.createdMiB} MiB (${t.bytesPerManager} B each)`,
        ],
        [
          `… each holding a token (${int(t.tokenRequests)} token requests)`,
          `**${t.withTokensMiB} MiB** (${t.bytesPerManagerWithToken} B each)`,
        ],
        [
          '… after closing and dropping them',
          `${t.afterCloseMiB} MiB above the baseline of ${t.baselineMiB} MiB`,
        ],
        ...(l
          ? [
              [
                `one telemetry listener (\`twilioOAuthTelemetry()\`), ${int(l.clientIds)} refused client ids, a manager each (closed)`,
                `**${l.retainedMiB > 0 ? '+' : ''}${l.retainedMiB} MiB** kept (${l.bytesPerClientId} B per client id; ${l.baselineMiB} → ${l.afterMiB} MiB)`,
              ],
            ]
          : []),
        [
          `${d.simulatedHours} h of rotations: start → end`,
          `${d.heapStartKiB} → ${d.heapEndKiB} KiB (**${d.growthKiB > 0 ? '+' : ''}${d.growthKiB} KiB**, trend ${d.slopeKiBPerHour} KiB/h)`,
        ],
      ],
    ),
    '',
    `Day: token lifetime ${d.tokenTtlSeconds} s, one API call per ${d.stepSeconds} s of injected clock (mock server on the same clock): ` +
      `${int(d.apiCalls)} calls, ${d.rotations} rotations, ${d.rejectedApiRequests} rejected. Hourly heap (KiB): ${d.heapHourlyKiB.join(', ')}.`,
  ].join('\n');
}

function targetsSection(targets) {
  return [
    '## Targets',
    '',
    table(
      ['section', 'target', 'measured', 'result', 'why / by how much'],
      targets.map((t) => [t.section, t.target, t.actual, ok(t.met), t.note]),
    ),
  ].join('\n');
}

/** The whole results set as Markdown. */
export function toMarkdown(results) {
  const m = results.machine;
  const { core, peers, orgs, frameworks, fleet, memory, workers } = results.sections;
  const scale = results.sections['fleet-scale'];
  return [
    `# twilio-oauth benchmarks — ${results.mode} run`,
    '',
    `${m.date} · ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB · Node ${m.node} (${m.platform})`,
    `Load average (1/5/15 min) at start ${results.load.start.join(' / ')}, at end ${results.load.end.join(' / ')}; ` +
      `the machine is shared with other work, so timings carry that noise. The load figures include this benchmark's own processes ` +
      `(about 2 while the frameworks are under load, up to 9 in the fleet). Total ${results.durationS} s.`,
    '',
    targetsSection(results.targets),
    ...(core ? ['', coreSection(core)] : []),
    ...(peers ? ['', peersSection(peers)] : []),
    ...(orgs ? ['', orgsSection(orgs)] : []),
    ...(frameworks ? ['', frameworksSection(frameworks)] : []),
    ...(fleet ? ['', fleetSection(fleet)] : []),
    ...(scale ? ['', fleetScaleSection(scale)] : []),
    ...(memory ? ['', memorySection(memory)] : []),
    ...(workers ? ['', workersSection(workers)] : []),
    '',
    peerFindings(peers),
    '',
  ].join('\n');
}
