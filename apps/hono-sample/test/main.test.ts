import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startMockServer } from '@twilio-oauth/mock-server';
import { afterEach, describe, expect, it } from 'vitest';

// The built app, started the way `pnpm start` and the demo start it.
const main = fileURLToPath(new URL('../dist/main.mjs', import.meta.url));

interface Started {
  readonly child: ChildProcess;
  readonly url: string;
  readonly lines: string[];
  readonly exit: Promise<number | null>;
}

const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});

/** Spawns the app with only `env` (and PATH) and waits for its "listening on" line. */
function startMain(env: Record<string, string>): Promise<Started> {
  if (!existsSync(main)) throw new Error('dist/main.mjs is missing: build the app first');
  const child = spawn(process.execPath, [main], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
      const match = /^hono-sample listening on (http:\/\/\S+)$/m.exec(stdout);
      if (match?.[1]) resolve({ child, url: match[1], lines: stdout.trim().split('\n'), exit });
    });
    void exit.then((code) => reject(new Error(`exited with ${code} before listening: ${stderr}`)));
  });
}

describe('dist/main.mjs', () => {
  it('starts the mock server itself when no credentials are set, and exits 0 on SIGTERM', async () => {
    const app = await startMain({ PORT: '0' });

    expect(app.lines).toHaveLength(2);
    expect(app.lines[0]).toMatch(/^hono-sample: no TWILIO_CLIENT_ID .* mock server at http:\/\//);
    expect(app.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(`${app.url}/health`)).json()).toEqual({ status: 'ok' });
    const messages = await fetch(`${app.url}/messages`);
    expect(messages.status).toBe(200);

    app.child.kill('SIGTERM');
    expect(await app.exit).toBe(0);
  });

  it('uses the TWILIO_* variables when they are set', async () => {
    const client = { clientId: 'OQmain', clientSecret: 'main-secret-2b7f' };
    await using server = await startMockServer({ clients: [client] });
    const app = await startMain({
      PORT: '0',
      HOST: '127.0.0.1',
      TWILIO_CLIENT_ID: client.clientId,
      TWILIO_CLIENT_SECRET: client.clientSecret,
      TWILIO_ACCOUNT_SID: server.accountSid,
      TWILIO_TOKEN_URL: server.tokenUrl,
      TWILIO_API_BASE_URL: server.apiBaseUrl,
    });

    expect(app.lines).toEqual([`hono-sample listening on ${app.url}`]);
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => fetch(`${app.url}/messages`)),
    );
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(server.stats().byClient[client.clientId]?.tokenRequests).toBe(1);

    app.child.kill('SIGINT');
    expect(await app.exit).toBe(0);
  });

  it('refuses to start with half the credentials, naming the missing variable', async () => {
    await expect(startMain({ PORT: '0', TWILIO_CLIENT_ID: 'OQhalf' })).rejects.toThrow(
      /exited with 1 .*TWILIO_CLIENT_SECRET is not set/,
    );
  });
});
