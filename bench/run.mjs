#!/usr/bin/env node
// Orchestrator of `pnpm bench`: runs the sections, prints a table, writes
// results/latest.{md,json} and results/chart.svg.
//
//   node --expose-gc run.mjs [--smoke] [--only=core,peers,orgs,frameworks,fleet,fleet-scale,memory,workers] [--out=DIR]
//   node run.mjs --from=results/latest.json   (rewrites the Markdown and SVG from saved figures)
//
// --smoke: tiny counts and durations (seconds in all), used by run.test.mjs so the
// benchmarks cannot rot; it writes to --out (default: a temp directory), never to results/.
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { load, machineInfo } from './lib/machine.mjs';
import { toMarkdown } from './lib/report.mjs';
import { round } from './lib/stats.mjs';
import { peersChart } from './lib/svg.mjs';
import { evaluateTargets } from './lib/targets.mjs';

const SECTIONS = {
  core: () => import('./suites/core.mjs').then((m) => m.runCore),
  peers: () => import('./suites/peers.mjs').then((m) => m.runPeers),
  orgs: () => import('./suites/orgs.mjs').then((m) => m.runOrgs),
  frameworks: () => import('./suites/frameworks.mjs').then((m) => m.runFrameworks),
  fleet: () => import('./suites/fleet.mjs').then((m) => m.runFleet),
  'fleet-scale': () => import('./suites/fleet-scale.mjs').then((m) => m.runFleetScale),
  memory: () => import('./suites/memory.mjs').then((m) => m.runMemory),
  workers: () => import('./suites/workers.mjs').then((m) => m.runWorkers),
};

const log = (message) => console.error(`[bench] ${message}`);

const { values } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: process.env.BENCH_SMOKE === '1' },
    only: { type: 'string' },
    out: { type: 'string' },
    from: { type: 'string' },
  },
});

if (values.from) {
  const saved = JSON.parse(await readFile(values.from, 'utf8'));
  saved.targets = evaluateTargets(saved);
  const dir = values.out ?? dirname(values.from);
  await writeOutputs(dir, saved);
  process.exit(0);
}

const only = values.only ? values.only.split(',').map((s) => s.trim()) : Object.keys(SECTIONS);
for (const name of only) {
  if (!(name in SECTIONS)) {
    console.error(`unknown section "${name}"; known: ${Object.keys(SECTIONS).join(', ')}`);
    process.exit(2);
  }
}
const smoke = values.smoke;
const outDir =
  values.out ??
  (smoke
    ? await mkdtemp(join(tmpdir(), 'twilio-oauth-bench-'))
    : fileURLToPath(new URL('./results/', import.meta.url)));

const started = process.hrtime.bigint();
const results = {
  mode: smoke ? 'smoke' : 'full',
  machine: machineInfo(),
  load: { start: load(), end: null },
  durationS: null,
  sections: {},
  targets: [],
};
log(
  `${results.mode} run of ${only.join(', ')} on ${results.machine.cpu} ×${results.machine.cores}, load ${results.load.start.join(' ')}`,
);

for (const name of only) {
  const sectionStart = process.hrtime.bigint();
  const loadStart = load();
  const run = await SECTIONS[name]();
  const section = await run({ smoke, log });
  results.sections[name] = {
    ...section,
    load: { start: loadStart, end: load() },
    durationS: round(Number(process.hrtime.bigint() - sectionStart) / 1e9, 1),
  };
}
results.load.end = load();
results.durationS = round(Number(process.hrtime.bigint() - started) / 1e9, 1);
results.targets = evaluateTargets(results);

await writeOutputs(outDir, results);

/** Writes latest.json, latest.md and chart.svg into `dir`; prints the Markdown. */
async function writeOutputs(dir, figures) {
  const markdown = toMarkdown(figures);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'latest.json'), `${JSON.stringify(figures, null, 2)}\n`);
  await writeFile(join(dir, 'latest.md'), markdown);
  const svg = peersChart(figures);
  if (svg) await writeFile(join(dir, 'chart.svg'), svg);
  console.log(markdown);
  log(`wrote ${join(dir, 'latest.md')}, latest.json${svg ? ', chart.svg' : ''}`);
}
