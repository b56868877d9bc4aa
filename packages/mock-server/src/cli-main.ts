import type { EventEmitter } from 'node:events';
import { parseArgs } from 'node:util';
import { ACCOUNT_SID_PATTERN, generateClient, MAX_TOKEN_TTL_SECONDS } from './options';
import { startMockServer } from './server';
import type { MockServer, MockServerOptions } from './types';

/** Usage text of `twilio-oauth-mock`. */
export const USAGE = `Usage: twilio-oauth-mock [options]

Starts a local Twilio Token API + Messages API emulator and prints its URLs and credentials.
Stops on SIGINT / SIGTERM.

Options:
  --port <n>              port to listen on (default 0: a free port)
  --host <addr>           interface to bind (default 127.0.0.1)
  --client-id <id>        accepted client_id (default: generated)
  --client-secret <s>     accepted client_secret (default: generated)
  --ttl <seconds>         token lifetime, expires_in, 1 to 2592000 (default 3600)
  --token-errors <format> Token API errors: twilio (default) or oauth (RFC 6749)
  --account-sid <sid>     account SID to print (default: generated AC + 32 hex)
  -h, --help              show this help
`;

/** Result of parsing the command line. */
export type CliArgs =
  | { readonly kind: 'run'; readonly options: MockServerOptions; readonly secretGiven: boolean }
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly message: string };

const isUint = (value: string): boolean => /^\d{1,10}$/.test(value);

/** Parses and validates `argv` (without the node and script paths). Never throws. */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'client-id': { type: 'string' },
        'client-secret': { type: 'string' },
        ttl: { type: 'string' },
        'token-errors': { type: 'string' },
        'account-sid': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    // parseArgs messages name the flag, not its value, so they are safe to print.
    return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  }
  if (values.help) return { kind: 'help' };
  const str = (name: string): string | undefined => {
    const value = values[name];
    return typeof value === 'string' ? value : undefined;
  };
  const port = str('port');
  if (port !== undefined && (!isUint(port) || Number(port) > 65_535)) {
    return { kind: 'error', message: '--port must be an integer from 0 to 65535' };
  }
  const ttl = str('ttl');
  if (
    ttl !== undefined &&
    (!isUint(ttl) || Number(ttl) < 1 || Number(ttl) > MAX_TOKEN_TTL_SECONDS)
  ) {
    return {
      kind: 'error',
      message: `--ttl must be an integer from 1 to ${MAX_TOKEN_TTL_SECONDS} (seconds)`,
    };
  }
  const tokenErrors = str('token-errors');
  if (tokenErrors !== undefined && tokenErrors !== 'twilio' && tokenErrors !== 'oauth') {
    return { kind: 'error', message: '--token-errors must be "twilio" or "oauth"' };
  }
  const accountSid = str('account-sid');
  if (accountSid !== undefined && !ACCOUNT_SID_PATTERN.test(accountSid)) {
    return { kind: 'error', message: '--account-sid must be "AC" followed by 32 hex digits' };
  }
  const host = str('host');
  if (host === '') return { kind: 'error', message: '--host must not be empty' };
  const clientId = str('client-id');
  const clientSecret = str('client-secret');
  if (clientId === '') return { kind: 'error', message: '--client-id must not be empty' };
  if (clientSecret === '') return { kind: 'error', message: '--client-secret must not be empty' };
  const generated = generateClient();
  return {
    kind: 'run',
    secretGiven: clientSecret !== undefined,
    options: {
      ...(port === undefined ? {} : { port: Number(port) }),
      ...(host === undefined ? {} : { host }),
      ...(ttl === undefined ? {} : { tokenTtlSeconds: Number(ttl) }),
      ...(tokenErrors === undefined ? {} : { tokenErrorFormat: tokenErrors }),
      ...(accountSid === undefined ? {} : { accountSid }),
      clients: [
        {
          clientId: clientId ?? generated.clientId,
          clientSecret: clientSecret ?? generated.clientSecret,
        },
      ],
    },
  };
}

/** What the banner prints; the secret only when it was generated (the user has no other way). */
export function formatBanner(server: MockServer, secretGiven: boolean): string {
  const [client] = server.clients;
  const secret = secretGiven ? '(as given with --client-secret)' : (client?.clientSecret ?? '');
  return [
    `twilio-oauth mock server listening on ${server.url}`,
    `  token URL:      ${server.tokenUrl}`,
    `  API base URL:   ${server.apiBaseUrl}`,
    `  account SID:    ${server.accountSid}`,
    `  client id:      ${client?.clientId ?? ''}`,
    `  client secret:  ${secret}`,
    `  admin:          ${server.url}/__mock/stats (GET), /__mock/faults (GET|POST),`,
    '                  /__mock/reset (POST), /__mock/revoke (POST)',
    '',
    "Environment for settingsFromEnv() of '@twilio-oauth/core' (the quickstarts, the sample apps):",
    `  TWILIO_TOKEN_URL=${server.tokenUrl}`,
    `  TWILIO_ALLOWED_HOSTS=${new URL(server.apiBaseUrl).hostname}`,
    `  TWILIO_API_BASE_URL=${server.apiBaseUrl}`,
    `  TWILIO_ACCOUNT_SID=${server.accountSid}`,
    `  TWILIO_CLIENT_ID=${client?.clientId ?? ''}`,
    ...(secretGiven ? [] : [`  TWILIO_CLIENT_SECRET=${secret}`]),
    '',
    'Press Ctrl+C to stop.',
    '',
  ].join('\n');
}

/** Where the CLI writes and which signals stop it; injectable for tests. */
export interface CliEnvironment {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly signals: Pick<EventEmitter, 'once' | 'off'>;
  /** Called once the server listens (tests use it to talk to the server). */
  readonly onListening?: (server: MockServer) => void;
}

/**
 * Runs the CLI until SIGINT or SIGTERM. Resolves the exit code: 0 after a clean stop, 1 when
 * the server cannot start, 2 for bad flags (with the usage on stderr).
 */
export async function runCli(argv: readonly string[], env: CliEnvironment): Promise<number> {
  const args = parseCliArgs(argv);
  if (args.kind === 'help') {
    env.stdout.write(USAGE);
    return 0;
  }
  if (args.kind === 'error') {
    env.stderr.write(`twilio-oauth-mock: ${args.message}\n\n${USAGE}`);
    return 2;
  }
  let server: MockServer;
  try {
    server = await startMockServer(args.options);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    env.stderr.write(`twilio-oauth-mock: could not start: ${message}\n`);
    return 1;
  }
  env.stdout.write(formatBanner(server, args.secretGiven));
  env.onListening?.(server);
  const signal = await new Promise<string>((resolve) => {
    const stop = (name: string) => () => {
      env.signals.off('SIGINT', onInt);
      env.signals.off('SIGTERM', onTerm);
      resolve(name);
    };
    const onInt = stop('SIGINT');
    const onTerm = stop('SIGTERM');
    env.signals.once('SIGINT', onInt);
    env.signals.once('SIGTERM', onTerm);
  });
  await server.close();
  env.stdout.write(`Stopped (${signal}).\n`);
  return 0;
}
