// Runs the bundled core in a child Node process, where nothing but our own
// code can hold the event loop: an unclosed manager must not keep the process
// alive, and after close() no Timeout may be left.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer, tokenBody } from './token-server';

let dir: string;
let server: TestServer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'twilio-oauth-core-'));
  const result = await build({
    input: fileURLToPath(new URL('../src/index.ts', import.meta.url)),
    platform: 'neutral',
    write: false,
    logLevel: 'silent',
    output: { format: 'esm' },
  });
  await writeFile(join(dir, 'core.mjs'), result.output[0]?.code ?? '');
  server = await startServer();
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** Runs `body` (top-level await allowed) with `requestToken`, `TokenManager` and `tokenUrl` in scope. */
async function run(name: string, body: string) {
  const file = join(dir, `${name}.mjs`);
  await writeFile(
    file,
    `import { requestToken, TokenManager } from './core.mjs';\nconst tokenUrl = ${JSON.stringify(server.tokenUrl)};\n${body}\n`,
  );
  const started = performance.now();
  const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) =>
    execFile(process.execPath, [file], { timeout: 10_000 }, (error, stdout) =>
      error ? reject(error) : resolve({ stdout }),
    ),
  );
  return { stdout: stdout.trim(), ms: performance.now() - started };
}

describe('in a real process', () => {
  it('close() leaves no Timeout behind', async () => {
    const { stdout } = await run(
      'closed',
      `const m = new TokenManager({ clientId: 'id', clientSecret: 's', tokenUrl });
       await m.getToken();
       await m.getToken(); // arms the hot-path timer
       await m.close();
       console.log(JSON.stringify(process.getActiveResourcesInfo()));`,
    );
    expect(JSON.parse(stdout)).not.toContain('Timeout');
  });

  it('an unclosed manager holding a token does not keep the process alive', async () => {
    const { stdout, ms } = await run(
      'unclosed',
      `const m = new TokenManager({ clientId: 'id', clientSecret: 's', tokenUrl });
       await m.getToken();
       await m.getToken();
       console.log(m.tokenInfo().state, JSON.stringify(process.getActiveResourcesInfo()));`,
    );
    const [state, resources] = stdout.split(' ');
    expect(state).toBe('fresh');
    expect(JSON.parse(resources ?? '[]')).not.toContain('Timeout');
    // Exits on its own, long before any token timer (1 h) or request timeout (10 s).
    expect(ms).toBeLessThan(5_000);
  });

  it('a script awaiting a retry is kept alive through the backoff wait', async () => {
    const before = server.requests.length;
    server.onToken = (n) =>
      n === before + 1 ? { status: 503, headers: { 'retry-after': '1' } } : { body: tokenBody(n) };
    const { stdout } = await run(
      'retry',
      `const t = await requestToken({ clientId: 'id', clientSecret: 's', tokenUrl, retry: { maxRetryAfterMs: 200 } });
       console.log(t.accessToken);`,
    );
    expect(stdout).toBe(`token-${before + 2}`);
  });
});
