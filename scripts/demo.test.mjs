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
  for (const app of ['express-sample', 'hono-sample', 'nest-sample']) {
    // One token request per app, however many Twilio calls it made.
    expect(stdout).toMatch(new RegExp(`\\| ${app} +\\| 24 +\\| 1 +\\| 22 +\\| ok +\\|`));
  }
  // The express sample's OpenTelemetry metrics, read from its Prometheus route.
  expect(stdout).toMatch(
    /\[express-sample\] GET \/metrics +→ twilio_oauth_token_requests_total\{outcome="issued"\} 1\n/,
  );
  expect(stdout).toMatch(
    /twilio_oauth_cache_lookups_total\{result="fresh",source="memory"\} \d+\n/,
  );
  expect(stdout).toMatch(/twilio_oauth_token_time_to_expiry \d+/);
  expect(stdout).toContain('Demo finished: every step passed.');
  // Neither the generated secrets nor any JWT-shaped token is ever printed.
  expect(stdout).not.toContain('demo-secret-');
  expect(stdout).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
}, 120_000);
