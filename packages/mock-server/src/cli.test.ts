import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'tsdown';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The test runs the real executable (shebang included), built from src into a temp dir so that
// it does not depend on, or race with, the package's own dist/.
const packageDir = resolve(import.meta.dirname, '..');
let outDir: string;
let cli: string;

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'twilio-oauth-mock-cli-'));
  await build({
    config: false,
    cwd: packageDir,
    entry: ['src/cli.ts'],
    outDir,
    format: 'esm',
    fixedExtension: true,
    platform: 'node',
    dts: false,
    logLevel: 'silent',
    report: false,
  });
  cli = join(outDir, 'cli.mjs');
});
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

interface Run {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout contains `text`. */
  waitFor(text: string): Promise<void>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(args: string[]): Run {
  const child = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters: (() => void)[] = [];
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    for (const waiter of waiters) waiter();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exit,
    waitFor: (text) =>
      new Promise((done, fail) => {
        const check = () => {
          if (out.includes(text)) done();
        };
        waiters.push(check);
        check();
        void exit.then(() => fail(new Error(`exited before printing ${text}: ${err}`)));
      }),
  };
}

const line = (output: string, label: string): string => {
  const match = new RegExp(`${label}\\s+(\\S+)`).exec(output);
  if (!match?.[1]) throw new Error(`no "${label}" line in:\n${output}`);
  return match[1];
};

describe('twilio-oauth-mock CLI', () => {
  it('prints URLs and generated credentials that work, and exits 0 on SIGTERM', async () => {
    const proc = run([]);
    await proc.waitFor('Press Ctrl+C');
    const output = proc.stdout();
    const tokenUrl = line(output, 'token URL:');
    const clientId = line(output, 'client id:');
    const clientSecret = line(output, 'client secret:');
    expect(tokenUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v2\/token$/);
    expect(line(output, 'API base URL:')).toBe(tokenUrl.replace('/v2/token', ''));
    expect(line(output, 'account SID:')).toMatch(/^AC[0-9a-f]{32}$/);
    const res = await fetch(tokenUrl, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret,
      }),
    });
    expect(res.status).toBe(200);
    proc.child.kill('SIGTERM');
    expect(await proc.exit).toEqual({ code: 0, signal: null });
    expect(proc.stdout()).toContain('Stopped (SIGTERM)');
  });

  it('uses the given flags, does not print a given secret, and exits 0 on SIGINT', async () => {
    const sid = `AC${'0f'.repeat(16)}`;
    const proc = run([
      '--client-id',
      'cli-id',
      '--client-secret',
      'cli-secret-xyz',
      '--ttl',
      '77',
      '--account-sid',
      sid,
    ]);
    await proc.waitFor('Press Ctrl+C');
    expect(line(proc.stdout(), 'account SID:')).toBe(sid);
    expect(proc.stdout()).not.toContain('cli-secret-xyz');
    const res = await fetch(line(proc.stdout(), 'token URL:'), {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'cli-id',
        client_secret: 'cli-secret-xyz',
      }),
    });
    expect(await res.json()).toMatchObject({ expires_in: 77 });
    proc.child.kill('SIGINT');
    expect(await proc.exit).toEqual({ code: 0, signal: null });
  });

  it('keeps running and still exits 0 when its stdout reader goes away', async () => {
    const proc = run([]);
    await proc.waitFor('Press Ctrl+C');
    const tokenUrl = line(proc.stdout(), 'token URL:');
    proc.child.stdout?.destroy();
    expect((await fetch(tokenUrl, { method: 'POST' })).status).toBe(400);
    // Stopping writes one more line, into the closed pipe.
    proc.child.kill('SIGTERM');
    expect(await proc.exit).toEqual({ code: 0, signal: null });
  });

  it('exits 2 with the usage for a bad flag', async () => {
    const proc = run(['--port', 'eighty']);
    expect(await proc.exit).toEqual({ code: 2, signal: null });
    expect(proc.stderr()).toContain('--port must be an integer');
    expect(proc.stderr()).toContain('Usage: twilio-oauth-mock');
  });

  it('prints the usage and exits 0 for --help', async () => {
    const proc = run(['--help']);
    expect(await proc.exit).toEqual({ code: 0, signal: null });
    expect(proc.stdout()).toContain('Usage: twilio-oauth-mock');
  });
});
