#!/usr/bin/env node
// `pnpm demo`: starts the mock Twilio and the three sample apps on free ports,
// exercises each app, prints what happened and exits 0 — or exits 1 with the
// reason. With TWILIO_CLIENT_ID, TWILIO_CLIENT_SECRET and TWILIO_ACCOUNT_SID
// set, the apps talk to real Twilio instead (and no message is sent unless
// DEMO_TO and DEMO_FROM are set too).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { httpClient } from './demo-http.mjs';
import { exerciseOrg, orgEnv, orgSetup } from './demo-org.mjs';
import { runTwilioScenes } from './demo-twilio.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const STEP_TIMEOUT_MS = 20_000;
const APPS = [
  { name: 'express-sample', adapter: '@twilio-oauth/express' },
  { name: 'hono-sample', adapter: '@twilio-oauth/hono' },
  { name: 'nest-sample', adapter: '@twilio-oauth/nestjs' },
];

const useRealTwilio = Boolean(
  process.env.TWILIO_CLIENT_ID &&
    process.env.TWILIO_CLIENT_SECRET &&
    process.env.TWILIO_ACCOUNT_SID,
);
const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code, text) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
const log = (text) => process.stdout.write(`${text}\n`);
const step = (app, text) => log(`  ${paint('2', `[${app}]`)} ${text}`);

const children = new Set();
let mock;

async function main() {
  log(paint('1', 'twilio-oauth demo'));
  const env = { ...process.env };
  const credentialsByApp = new Map();
  // Mock mode: an organization with an organization OAuth app per app that serves /org/users.
  const org = useRealTwilio ? undefined : orgSetup();
  const orgClientByApp = new Map(org?.clients.map((c) => [c.app, c]));

  if (useRealTwilio) {
    log('Mode: real Twilio (TWILIO_CLIENT_ID, TWILIO_CLIENT_SECRET, TWILIO_ACCOUNT_SID are set).');
  } else {
    const { startMockServer } = await import(
      pathToFileURL(join(root, 'packages/mock-server/dist/index.mjs')).href
    );
    // One OAuth client per app, so the mock can count token requests per app.
    const clients = APPS.map((app) => ({
      clientId: `OQ${randomBytes(16).toString('hex')}`,
      clientSecret: `demo-secret-${randomBytes(24).toString('base64url')}`,
      app: app.name,
    }));
    mock = await startMockServer({
      clients: [
        ...clients.map(({ clientId, clientSecret }) => ({ clientId, clientSecret })),
        ...org.clients.map(({ clientId, clientSecret, organizationSid }) => ({
          clientId,
          clientSecret,
          organizationSid,
        })),
      ],
    });
    for (const c of clients) credentialsByApp.set(c.app, c);
    log(`Mode: local mock Twilio at ${mock.url} (no network, no real messages).`);
  }

  const results = [];
  for (const app of APPS) {
    const appEnv = { ...env, PORT: '0', HOST: '127.0.0.1' };
    if (!useRealTwilio) {
      const c = credentialsByApp.get(app.name);
      Object.assign(appEnv, {
        TWILIO_CLIENT_ID: c.clientId,
        TWILIO_CLIENT_SECRET: c.clientSecret,
        TWILIO_ACCOUNT_SID: mock.accountSid,
        TWILIO_TOKEN_URL: mock.tokenUrl,
        TWILIO_API_BASE_URL: mock.apiBaseUrl,
      });
      const orgClient = orgClientByApp.get(app.name);
      if (orgClient) Object.assign(appEnv, orgEnv(orgClient));
    }
    log(`\n${paint('1', app.name)} (${app.adapter})`);
    const started = await startApp(app.name, appEnv);
    step(app.name, `listening on ${started.url}`);
    const http = httpClient(app.name, started.url, STEP_TIMEOUT_MS);
    const result = await exercise(app.name, http);
    await showMetrics(app.name, started.url);
    const orgClient = orgClientByApp.get(app.name);
    if (orgClient) {
      await exerciseOrg(app.name, http, {
        step,
        userName: `admin@${app.name}.example.com`,
        roleSid: org.roleSid,
        scope: mock.accountSid,
      });
    } else if (!useRealTwilio) {
      step(app.name, 'Organizations: not in this sample (see express-sample and nest-sample)');
    }
    const stats = mock?.stats().byClient ?? {};
    const byClient = stats[credentialsByApp.get(app.name)?.clientId];
    const byOrgClient = stats[orgClient?.clientId];
    results.push({
      app: app.name,
      tokenRequests: byClient ? String(byClient.tokenRequests) : 'n/a',
      apiCalls: byClient ? String(byClient.apiRequests) : String(result.apiCalls),
      orgTokenRequests: byOrgClient ? String(byOrgClient.tokenRequests) : '-',
      orgCalls: byOrgClient ? String(byOrgClient.organizationsRequests) : '-',
      requests: String(http.requests),
      result: 'ok',
    });
    await stopApp(started.child);
    step(app.name, 'stopped');
  }

  log(`\n${paint('1', 'Summary')}`);
  printTable(results, [
    ['app', 'App'],
    ['requests', 'HTTP requests to app'],
    ['tokenRequests', 'Token requests'],
    ['apiCalls', 'Twilio API calls'],
    ['orgTokenRequests', 'Org app token requests'],
    ['orgCalls', 'Organizations API calls'],
    ['result', 'Result'],
  ]);
  log(
    useRealTwilio
      ? '\nEach app fetched its token once and reused it for every Twilio call.'
      : '\nEach app made one token request for all of its Twilio calls, including 20 concurrent ones;' +
          '\nthe organization app beside it, one more for all of its Organizations calls.',
  );
  if (!useRealTwilio) await runTwilioScenes(root, { log, paint, printTable });
}

function startApp(name, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'apps', name, 'dist/main.mjs')], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`${name} did not start within ${STEP_TIMEOUT_MS} ms:\n${output}`)),
      STEP_TIMEOUT_MS,
    );
    const onData = (chunk) => {
      output += chunk;
      const match = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1] });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('exit', (code) => {
      children.delete(child);
      clearTimeout(timer);
      reject(new Error(`${name} exited with code ${code} before listening:\n${output}`));
    });
  });
}

function stopApp(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      children.delete(child);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function exercise(name, http) {
  const { call, expectStatus } = http;
  let apiCalls = 0;

  const health = await call('GET', '/health');
  expectStatus(health, 200, 'GET /health');
  step(name, 'GET /health        → 200 ok');

  const info = await call('GET', '/token-info');
  expectStatus(info, 200, 'GET /token-info');
  if ('accessToken' in info.json || 'access_token' in info.json) {
    throw new Error(`${name} GET /token-info returned a token`);
  }
  step(name, `GET /token-info    → ${info.json.state}, expires in ${info.json.expiresInSeconds} s`);

  const list = await call('GET', '/messages');
  expectStatus(list, 200, 'GET /messages');
  apiCalls += 1;
  step(name, `GET /messages      → ${list.json.messages?.length ?? 0} message(s)`);

  const to = useRealTwilio ? process.env.DEMO_TO : '+15005550006';
  const from = useRealTwilio ? process.env.DEMO_FROM : '+15005550001';
  if (to && from) {
    const sent = await call('POST', '/messages', { to, from, body: `Hello from ${name}` });
    expectStatus(sent, 201, 'POST /messages');
    apiCalls += 1;
    step(name, `POST /messages     → 201 ${sent.json.sid} (${sent.json.status})`);
  } else {
    step(name, 'POST /messages     → skipped (set DEMO_TO and DEMO_FROM to send a real message)');
  }

  const burst = await Promise.all(Array.from({ length: 20 }, () => call('GET', '/messages')));
  for (const res of burst) expectStatus(res, 200, 'GET /messages (concurrent)');
  apiCalls += burst.length;
  step(name, `20 × GET /messages → all 200 (concurrently)`);
  return { apiCalls };
}

/** The OpenTelemetry metrics the demo prints, from an app's Prometheus `/metrics` route. */
const METRICS = [
  'twilio_oauth_token_requests_total',
  'twilio_oauth_token_request_duration_sum',
  'twilio_oauth_cache_lookups_total',
  'twilio_oauth_token_time_to_expiry',
];

/** Prints a few of the app's token metrics, if it serves `GET /metrics` (the express sample does). */
async function showMetrics(name, base) {
  const response = await fetch(new URL('/metrics', base), {
    signal: AbortSignal.timeout(STEP_TIMEOUT_MS),
  });
  const text = await response.text();
  if (response.status === 404) return;
  if (response.status !== 200) throw new Error(`${name} GET /metrics: answered ${response.status}`);
  const lines = text
    .split('\n')
    .filter((line) => METRICS.some((metric) => line.startsWith(`${metric}{`)))
    // The scope label is the same on every line: left out for reading.
    .map((line) => line.replace(/,?otel_scope_name="[^"]*"/, '').replace('{}', ''));
  if (lines.length === 0) throw new Error(`${name} GET /metrics: no twilio_oauth metrics`);
  const [first, ...rest] = lines;
  step(name, `GET /metrics       → ${first}`);
  const indent = ' '.repeat(`  [${name}] GET /metrics       → `.length);
  for (const line of rest) log(`${indent}${line}`);
}

function printTable(rows, columns) {
  const widths = columns.map(([key, title]) =>
    Math.max(title.length, ...rows.map((row) => row[key].length)),
  );
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  log(line(columns.map(([, title]) => title)));
  log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) log(line(columns.map(([key]) => row[key])));
}

async function cleanup() {
  await Promise.all([...children].map((child) => stopApp(child)));
  await mock?.close();
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    cleanup().finally(() => process.exit(130));
  });
}

main()
  .then(cleanup)
  .then(() => {
    log(`\n${paint('32', 'Demo finished: every step passed.')}`);
    process.exit(0);
  })
  .catch(async (error) => {
    process.stderr.write(`\n${paint('31', 'Demo failed:')} ${error.message}\n`);
    await cleanup().catch(() => {});
    process.exit(1);
  });
