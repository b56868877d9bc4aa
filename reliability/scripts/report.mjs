#!/usr/bin/env node
// Renders docs/reliability.md from the JSON the suite writes to reliability/results/
// (one file per test file). Run the whole suite first: `pnpm --filter reliability report`
// does both. Refuses to render from a partial run.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const resultsDir = join(here, '..', 'results');
const target = join(here, '..', '..', 'docs', 'reliability.md');

const EXPECTED = [
  'allowed-hosts',
  'fault-matrix',
  'handles',
  'hostile-token',
  'multi-tenant',
  'options',
  'redis-failover',
  'redis-faults',
  'response-parser',
  'secret-rotation',
  'soak',
];

let files;
try {
  files = readdirSync(resultsDir).filter((name) => name.endsWith('.json'));
} catch {
  files = [];
}
const missing = EXPECTED.filter((name) => !files.includes(`${name}.json`));
if (missing.length > 0) {
  console.error(`report: no results for ${missing.join(', ')}; run the whole suite first`);
  process.exit(1);
}

const sections = files
  .flatMap((name) => JSON.parse(readFileSync(join(resultsDir, name), 'utf8')))
  .sort((a, b) => a.order - b.order);
const empty = sections.filter((s) => s.rows.length === 0).map((s) => s.title);
if (empty.length > 0) {
  console.error(`report: sections without rows (skipped or failed tests?): ${empty.join(', ')}`);
  process.exit(1);
}

/** One Markdown table cell: no raw pipes or line breaks. */
const cell = (text) =>
  String(text)
    .replace(/\|/g, '\\|')
    .replace(/\s*\n\s*/g, ' ');

const out = [
  '# Reliability and security results',
  '',
  'Generated from the results of the `reliability` test suite (`reliability/test/`) by',
  '`pnpm --filter reliability report`, which runs the suite and then',
  '`reliability/scripts/report.mjs`. Every row states what the tests asserted, end to end,',
  'over real HTTP on loopback (the mock Twilio server), real Express 5, Hono and NestJS',
  'applications, the Hono application as a Worker in workerd (miniflare), and a real Redis.',
  'Rows marked **open bug** come from tests written as they',
  'should pass and kept as `it.fails` until the bug is fixed.',
  '',
];

for (const section of sections) {
  out.push(`## ${section.title}`, '');
  if (section.intro) out.push(section.intro, '');
  out.push('| Condition | What callers saw | Token requests | Recovery |', '|---|---|---|---|');
  for (const row of section.rows) {
    const fault = row.bug ? `**open bug:** ${row.fault}` : row.fault;
    out.push(
      `| ${cell(fault)} | ${cell(row.callers)} | ${cell(row.tokenRequests)} | ${cell(row.recovery)} |`,
    );
  }
  out.push('');
}

const bugs = sections.flatMap((s) => s.rows.filter((row) => row.bug).map((row) => ({ s, row })));
out.push('## Open bugs', '');
if (bugs.length === 0) out.push('None.', '');
for (const { s, row } of bugs) out.push(`- ${s.title}: ${row.fault} — ${row.bug}.`);
out.push('');

writeFileSync(target, out.join('\n'));
console.log(`report: wrote ${target} (${sections.length} sections, ${bugs.length} open bugs)`);
