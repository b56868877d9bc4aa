// End-to-end: `pnpm demo` against the mock server, as a newcomer runs it.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function runDemo(env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'scripts/demo.mjs')], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

test('the demo runs all three apps against the mock server and exits 0', async () => {
  const env = { ...process.env, NO_COLOR: '1' };
  for (const name of ['TWILIO_CLIENT_ID', 'TWILIO_CLIENT_SECRET', 'TWILIO_ACCOUNT_SID']) {
    delete env[name];
  }
  const { code, stdout, stderr } = await runDemo(env);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  expect(stdout).toContain('Mode: local mock Twilio');
  // One token request per app, however many Twilio calls it made; in the samples that serve
  // /org/users, one more for the organization app's five Organizations calls.
  for (const app of ['express-sample', 'nest-sample']) {
    expect(stdout).toMatch(
      new RegExp(`\\| ${app} +\\| 28 +\\| 1 +\\| 22 +\\| 1 +\\| 5 +\\| ok +\\|`),
    );
    // The Organizations scene: provision (then again: 409 → the same user), assign, list.
    const user = `admin@${app}\\.example\\.com`;
    const scene = new RegExp(
      [
        `\\[${app}\\] POST /org/users +→ 201 provisioned ${user} as (US[0-9a-f]{32})`,
        `\\[${app}\\] POST /org/users +→ 200 already there \\(Twilio said 409 uniqueness\\): \\1`,
        `\\[${app}\\] POST /org/users/:id/roles +→ 201 IY[0-9a-f]{32}: IX[0-9a-f]{32} on AC[0-9a-f]{32}`,
        `\\[${app}\\] GET /org/users +→ \\d user\\(s\\): .*${user}`,
      ].join('\\n.*'),
    );
    expect(stdout).toMatch(scene);
  }
  expect(stdout).toMatch(/\| hono-sample +\| 24 +\| 1 +\| 22 +\| - +\| - +\| ok +\|/);
  // The express sample's OpenTelemetry metrics, read from its Prometheus route.
  expect(stdout).toMatch(
    /\[express-sample\] GET \/metrics +→ twilio_oauth_token_requests_total\{outcome="issued"\} 1\n/,
  );
  expect(stdout).toMatch(
    /twilio_oauth_cache_lookups_total\{result="fresh",source="memory"\} \d+\n/,
  );
  expect(stdout).toMatch(/twilio_oauth_token_time_to_expiry \d+/);
  // The twilio SDK scenes: a token request per call with its own provider, one through ours…
  expect(stdout).toMatch(/\| SDK, its own OAuth provider +\| 50 +\| 50 +\| \d+ +\|/);
  expect(stdout).toMatch(/\| SDK through @twilio-oauth\/twilio +\| 50 +\| 1 +\| \d+ +\|/);
  // …and with the token endpoint down, every call through ours still succeeds.
  expect(stdout).toMatch(/\| SDK, its own OAuth provider +\| 0\/20 +\|/);
  expect(stdout).toMatch(/\| SDK through @twilio-oauth\/twilio +\| 20\/20 +\|/);
  expect(stdout).toContain('Demo finished: every step passed.');
  // Neither the generated secrets nor any JWT-shaped token is ever printed.
  expect(stdout).not.toContain('demo-secret-');
  expect(stdout).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
}, 120_000);
