// The BUILT app (dist/main.mjs), run as `pnpm start` runs it.
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { type MockServer, startMockServer } from '@twilio-oauth/mock-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../dist/main.mjs', import.meta.url));
const CLIENT = {
  clientId: 'OQfedcba9876543210fedcba9876543210',
  clientSecret: 'main-test-secret-41c2',
};

type Child = ChildProcessByStdio<null, Readable, Readable>;

interface Run {
  child: Child;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running: Child[] = [];

/** Starts dist/main.mjs with exactly `vars` (plus PATH), none of the caller's TWILIO_* variables. */
function run(vars: Record<string, string>): Run {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', ...vars },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Resolves with the URL from the "listening" line; rejects if the app exits first. */
function listening(app: Run): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = /^nest-sample listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(app.stdout());
      if (match?.[1]) resolve(match[1]);
    };
    app.child.stdout.on('data', check);
    app.exited.then(({ code }) =>
      reject(new Error(`exited with ${code} before listening: ${app.stderr()}`)),
    );
  });
}

let mock: MockServer;

beforeAll(async () => {
  mock = await startMockServer({ clients: [CLIENT] });
});
afterAll(() => mock.close());
afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  mock.reset();
});

const getJson = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
};

// Each test boots a Node process with Nest: generous timeouts for a busy machine.
describe('node dist/main.mjs', { timeout: 60_000 }, () => {
  it('without credentials starts the mock server itself, says so, and exits 0 on SIGTERM', async () => {
    const app = run({});
    const url = await listening(app);
    const lines = app.stdout().trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^nest-sample: .*started the Twilio mock server at http:\/\/127\.0\.0\.1:\d+/,
    );
    expect(lines[1]).toBe(`nest-sample listening on ${url}`);

    expect(await getJson(`${url}/health`)).toEqual({ status: 200, json: { status: 'ok' } });
    expect(await getJson(`${url}/token-info`)).toMatchObject({
      status: 200,
      json: { state: 'fresh' },
    });
    expect(await getJson(`${url}/messages`)).toMatchObject({ status: 200, json: { messages: [] } });
    // The mock's organization app serves /org/users.
    expect(await getJson(`${url}/org/users`)).toEqual({ status: 200, json: { users: [] } });

    app.child.kill('SIGTERM');
    expect(await app.exited).toEqual({ code: 0, signal: null });
    expect(app.stderr()).toBe('');
  });

  it('with credentials uses the configured Token API and API, prints one line, exits 0 on SIGINT', async () => {
    const app = run({
      TWILIO_CLIENT_ID: CLIENT.clientId,
      TWILIO_CLIENT_SECRET: CLIENT.clientSecret,
      TWILIO_ACCOUNT_SID: mock.accountSid,
      TWILIO_TOKEN_URL: mock.tokenUrl,
      TWILIO_API_BASE_URL: mock.apiBaseUrl,
    });
    const url = await listening(app);
    expect(app.stdout()).toBe(`nest-sample listening on ${url}\n`);

    const sent = await fetch(`${url}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to: '+15005550006', from: '+15005550001', body: 'from main' }),
    });
    expect(sent.status).toBe(201);
    expect(mock.messages()).toMatchObject([{ body: 'from main' }]);
    expect(mock.stats().byClient[CLIENT.clientId]).toMatchObject({
      tokenRequests: 1,
      apiRequests: 1,
    });

    app.child.kill('SIGINT');
    expect(await app.exited).toEqual({ code: 0, signal: null });
  });

  it('with TWILIO_ORG_* serves /org/users on the organization app', async () => {
    const org = {
      clientId: 'OQorgmain',
      clientSecret: 'main-org-secret-7d',
      organizationSid: `OR${'9'.repeat(32)}`,
    };
    const orgMock = await startMockServer({ clients: [CLIENT, org] });
    try {
      const app = run({
        TWILIO_CLIENT_ID: CLIENT.clientId,
        TWILIO_CLIENT_SECRET: CLIENT.clientSecret,
        TWILIO_ACCOUNT_SID: orgMock.accountSid,
        TWILIO_ORG_CLIENT_ID: org.clientId,
        TWILIO_ORG_CLIENT_SECRET: org.clientSecret,
        TWILIO_ORG_SID: org.organizationSid,
        TWILIO_TOKEN_URL: orgMock.tokenUrl,
        TWILIO_API_BASE_URL: orgMock.apiBaseUrl,
      });
      const url = await listening(app);
      expect(await getJson(`${url}/org/users`)).toEqual({ status: 200, json: { users: [] } });
      expect(orgMock.stats().byClient[org.clientId]).toMatchObject({ tokenRequests: 1 });
      app.child.kill('SIGTERM');
      expect(await app.exited).toEqual({ code: 0, signal: null });
    } finally {
      await orgMock.close();
    }
  });

  it('with half the credentials exits 1 naming the missing variable', async () => {
    const app = run({ TWILIO_CLIENT_ID: CLIENT.clientId });
    expect(await app.exited).toEqual({ code: 1, signal: null });
    expect(app.stderr()).toContain('TWILIO_CLIENT_SECRET is not set');
    expect(app.stdout()).toBe('');
  });

  it('with a token URL the manager refuses exits 1 naming the option, not the secret', async () => {
    const app = run({
      TWILIO_CLIENT_ID: CLIENT.clientId,
      TWILIO_CLIENT_SECRET: CLIENT.clientSecret,
      TWILIO_ACCOUNT_SID: mock.accountSid,
      TWILIO_TOKEN_URL: 'http://oauth.example.com/v2/token',
    });
    expect(await app.exited).toEqual({ code: 1, signal: null });
    expect(app.stderr()).toContain('nest-sample: Invalid option "tokenUrl"');
    expect(app.stderr()).not.toContain(CLIENT.clientSecret);
    expect(mock.stats().tokenRequests).toBe(0);
  });
});
