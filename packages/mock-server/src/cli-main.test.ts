import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { issueToken } from '../test/helpers';
import { parseCliArgs, runCli, USAGE } from './cli-main';
import type { MockServer } from './types';

const SID = `AC${'a1'.repeat(16)}`;

describe('parseCliArgs', () => {
  it('maps every flag to an option', () => {
    const args = parseCliArgs([
      '--port=4010',
      '--host',
      '0.0.0.0',
      '--client-id',
      'me',
      '--client-secret',
      'pw',
      '--ttl',
      '60',
      '--account-sid',
      SID,
      '--token-errors',
      'oauth',
    ]);
    expect(args).toEqual({
      kind: 'run',
      secretGiven: true,
      options: {
        port: 4010,
        host: '0.0.0.0',
        tokenTtlSeconds: 60,
        tokenErrorFormat: 'oauth',
        accountSid: SID,
        clients: [{ clientId: 'me', clientSecret: 'pw' }],
      },
    });
  });

  it('generates whatever credential is not given', () => {
    const args = parseCliArgs(['--client-id', 'me']);
    if (args.kind !== 'run') throw new Error(`expected run, got ${args.kind}`);
    expect(args.secretGiven).toBe(false);
    expect(args.options.clients?.[0]?.clientId).toBe('me');
    expect(args.options.clients?.[0]?.clientSecret.length).toBeGreaterThanOrEqual(32);
    const none = parseCliArgs([]);
    if (none.kind !== 'run') throw new Error(`expected run, got ${none.kind}`);
    expect(none.options.clients?.[0]?.clientId).toMatch(/^OQ[0-9a-f]{32}$/);
  });

  it('recognises --help and -h', () => {
    expect(parseCliArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseCliArgs(['-h'])).toEqual({ kind: 'help' });
  });

  it.each([
    [['--nope'], /nope/],
    [['extra'], /extra/],
    [['--port'], /port/],
    [['--port', 'abc'], /--port/],
    [['--port', '70000'], /--port/],
    [['--port', '-1'], /port/],
    [['--ttl', '0'], /--ttl/],
    [['--ttl', '1.5'], /--ttl/],
    [['--ttl', '2592001'], /--ttl must be an integer from 1 to 2592000/],
    [['--token-errors', 'rfc'], /--token-errors/],
    [['--account-sid', 'AC1'], /--account-sid/],
    [['--host', ''], /--host/],
    [['--client-id', ''], /--client-id/],
    [['--client-secret', ''], /--client-secret/],
  ])('rejects %j', (argv, message) => {
    const args = parseCliArgs(argv);
    expect(args.kind).toBe('error');
    if (args.kind === 'error') expect(args.message).toMatch(message);
  });

  it('never echoes a secret in an error', () => {
    const args = parseCliArgs(['--client-secret', 'TOPSECRET', '--ttl', 'x']);
    expect(JSON.stringify(args)).not.toContain('TOPSECRET');
  });
});

/** Runs the CLI until a signal is emitted on `signals`; resolves once it listens. */
async function startCli(argv: string[]) {
  const signals = new EventEmitter();
  const stdout = captured();
  let listening: MockServer | undefined;
  const running = runCli(argv, {
    stdout,
    stderr: captured(),
    signals,
    onListening: (s) => {
      listening = s;
    },
  });
  await new Promise<void>((resolve) => {
    const check = () => (listening ? resolve() : setImmediate(check));
    check();
  });
  if (!listening) throw new Error('not listening');
  return { server: listening, stdout, signals, running };
}

function captured() {
  let text = '';
  return { write: (chunk: string) => (text += chunk), text: () => text };
}

describe('--organization-sid', () => {
  const ORG = `OR${'b2'.repeat(16)}`;

  it('adds a generated organization app of that organization beside the account app', () => {
    const args = parseCliArgs(['--client-id', 'me', '--organization-sid', ORG]);
    if (args.kind !== 'run') throw new Error(args.kind);
    const [account, org, ...rest] = args.options.clients ?? [];
    expect(account?.clientId).toBe('me');
    expect(account?.organizationSid).toBeUndefined();
    expect(org).toMatchObject({ clientId: expect.stringMatching(/^OQ/), organizationSid: ORG });
    expect(rest).toEqual([]);
  });

  it('refuses a malformed sid, naming the flag', () => {
    expect(parseCliArgs(['--organization-sid', 'OR1'])).toEqual({
      kind: 'error',
      message: '--organization-sid must be "OR" followed by 32 hex digits',
    });
  });

  it("prints the organization app's lines for the README examples", async () => {
    const { server, stdout, signals, running } = await startCli(['--organization-sid', ORG]);
    const org = server.clients[1];
    expect(stdout.text()).toContain(`  TWILIO_ORG_CLIENT_ID=${org?.clientId}`);
    expect(stdout.text()).toContain(`  TWILIO_ORG_CLIENT_SECRET=${org?.clientSecret}`);
    expect(stdout.text()).toContain(`  TWILIO_ORG_SID=${ORG}`);
    signals.emit('SIGTERM');
    expect(await running).toBe(0);
  });
});

describe('runCli', () => {
  it('prints usage on stderr and resolves 2 for bad flags', async () => {
    const stdout = captured();
    const stderr = captured();
    const code = await runCli(['--bogus'], { stdout, stderr, signals: new EventEmitter() });
    expect(code).toBe(2);
    expect(stderr.text()).toContain(USAGE);
    expect(stdout.text()).toBe('');
  });

  it('prints usage on stdout and resolves 0 for --help', async () => {
    const stdout = captured();
    expect(
      await runCli(['--help'], { stdout, stderr: captured(), signals: new EventEmitter() }),
    ).toBe(0);
    expect(stdout.text()).toBe(USAGE);
  });

  it('resolves 1 when the port is taken', async () => {
    const { server: first, signals, running } = await startCli([]);
    const stderr = captured();
    const port = String(first.port);
    expect(
      await runCli(['--port', port], { stdout: captured(), stderr, signals: new EventEmitter() }),
    ).toBe(1);
    expect(stderr.text()).toMatch(/could not start.*EADDRINUSE/);
    signals.emit('SIGTERM');
    expect(await running).toBe(0);
  });

  it.each(['SIGTERM', 'SIGINT'])('serves until %s, then closes and resolves 0', async (signal) => {
    const { server, stdout, signals, running } = await startCli([
      '--client-id',
      'me',
      '--client-secret',
      'pw-given',
      '--ttl',
      '90',
    ]);
    expect(stdout.text()).toContain(`token URL:      ${server.tokenUrl}`);
    expect(stdout.text()).toContain('client id:      me');
    expect(stdout.text()).not.toContain('pw-given');
    await issueToken(server);
    signals.emit(signal);
    expect(await running).toBe(0);
    expect(signals.listenerCount('SIGINT') + signals.listenerCount('SIGTERM')).toBe(0);
    expect(stdout.text()).toContain(`Stopped (${signal})`);
    await expect(fetch(server.tokenUrl)).rejects.toThrow(TypeError);
  });
});
