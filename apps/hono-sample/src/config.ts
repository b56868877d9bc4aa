import { DEFAULT_API_BASE_URL } from './twilio-api';

/** Twilio's Token API, the default of `TWILIO_TOKEN_URL`. */
export const DEFAULT_TOKEN_URL = 'https://oauth.twilio.com/v2/token';
/** hono-sample's port unless `PORT` says otherwise (`0` picks a free one). */
export const DEFAULT_PORT = 3002;

/** What the Node sample reads from its environment. */
export interface SampleConfig {
  /** Absent when neither `TWILIO_CLIENT_ID` nor `TWILIO_CLIENT_SECRET` is set: the mock server runs. */
  readonly credentials: { readonly clientId: string; readonly clientSecret: string } | undefined;
  readonly accountSid: string | undefined;
  readonly tokenUrl: string;
  readonly apiBaseUrl: string;
  readonly port: number;
  readonly host: string;
}

/**
 * Reads `TWILIO_CLIENT_ID`, `TWILIO_CLIENT_SECRET`, `TWILIO_ACCOUNT_SID`,
 * `TWILIO_TOKEN_URL`, `TWILIO_API_BASE_URL`, `PORT` and `HOST`. Empty values count
 * as unset.
 *
 * @throws {Error} naming the variable that is missing or malformed (never its value).
 */
export function readConfig(env: Readonly<Record<string, string | undefined>>): SampleConfig {
  const read = (name: string) => env[name]?.trim() || undefined;
  const clientId = read('TWILIO_CLIENT_ID');
  const clientSecret = read('TWILIO_CLIENT_SECRET');
  if (!clientId !== !clientSecret) {
    throw new Error(
      `${clientId ? 'TWILIO_CLIENT_SECRET' : 'TWILIO_CLIENT_ID'} is not set: set both ` +
        'TWILIO_CLIENT_ID and TWILIO_CLIENT_SECRET, or neither to use the local mock server',
    );
  }
  const accountSid = read('TWILIO_ACCOUNT_SID');
  if (clientId && !accountSid) {
    throw new Error('TWILIO_ACCOUNT_SID is not set: it is required with TWILIO_CLIENT_ID');
  }
  return {
    credentials: clientId && clientSecret ? { clientId, clientSecret } : undefined,
    accountSid,
    tokenUrl: absoluteUrl('TWILIO_TOKEN_URL', read('TWILIO_TOKEN_URL') ?? DEFAULT_TOKEN_URL),
    apiBaseUrl: absoluteUrl(
      'TWILIO_API_BASE_URL',
      read('TWILIO_API_BASE_URL') ?? DEFAULT_API_BASE_URL,
    ).replace(/\/+$/, ''),
    port: portNumber(read('PORT')),
    host: read('HOST') ?? '127.0.0.1',
  };
}

function absoluteUrl(name: string, value: string): string {
  if (!URL.canParse(value)) throw new Error(`${name} is not an absolute URL`);
  return value;
}

function portNumber(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PORT;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) {
    throw new Error('PORT must be an integer from 0 to 65535');
  }
  return port;
}
