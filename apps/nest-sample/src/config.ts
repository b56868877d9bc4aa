import type { ConfigService } from '@nestjs/config';

/** What the sample reads from its environment. */
export interface SampleConfig {
  /** Both set, or both absent (then the sample starts the Twilio mock server itself). */
  readonly clientId: string | undefined;
  readonly clientSecret: string | undefined;
  /** Required with real credentials; the mock server's own when it is started. */
  readonly accountSid: string | undefined;
  /** Default Twilio's Token API. */
  readonly tokenUrl: string;
  /** Default `https://api.twilio.com`, without a trailing slash. */
  readonly apiBaseUrl: string;
  /** Default 3003; `0` picks a free port. */
  readonly port: number;
  /** Default `127.0.0.1`. */
  readonly host: string;
  /** The organization app behind `/org/users`; absent when no `TWILIO_ORG_*` is set. */
  readonly organization: OrganizationApp | undefined;
}

/** An organization OAuth app (`TWILIO_ORG_CLIENT_ID`, `…_SECRET`) and its `TWILIO_ORG_SID`. */
export interface OrganizationApp {
  readonly clientId: string;
  readonly clientSecret: string;
  /** `OR` + 32 hex digits. */
  readonly organizationSid: string;
}

/** The Twilio settings the Nest application runs with. */
export interface TwilioSettings {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly accountSid: string;
  readonly tokenUrl: string;
  readonly apiBaseUrl: string;
  /** With it, `AppModule.register` adds the named instance 'org' and `/org/users`. */
  readonly organization?: OrganizationApp | undefined;
}

/** The settings as the environment variables `AppModule` reads through `ConfigService`. */
export const twilioEnv = (twilio: TwilioSettings): Record<string, string> => ({
  TWILIO_CLIENT_ID: twilio.clientId,
  TWILIO_CLIENT_SECRET: twilio.clientSecret,
  TWILIO_ACCOUNT_SID: twilio.accountSid,
  TWILIO_TOKEN_URL: twilio.tokenUrl,
  TWILIO_API_BASE_URL: twilio.apiBaseUrl,
  ...(twilio.organization && {
    TWILIO_ORG_CLIENT_ID: twilio.organization.clientId,
    TWILIO_ORG_CLIENT_SECRET: twilio.organization.clientSecret,
    TWILIO_ORG_SID: twilio.organization.organizationSid,
  }),
});

/** The organization app's variables, all set or all unset. */
export const ORG_ENV = ['TWILIO_ORG_CLIENT_ID', 'TWILIO_ORG_CLIENT_SECRET', 'TWILIO_ORG_SID'];

/** `TWILIO_API_BASE_URL` as the app reads it: default Twilio's, without a trailing slash. */
export const apiBaseUrl = (config: ConfigService): string =>
  config.get<string>('TWILIO_API_BASE_URL', DEFAULT_API_BASE_URL).replace(/\/+$/, '');

/** Where the SDK's `*.twilio.com` hosts go: `undefined` on Twilio, else the configured API (a mock). */
export function sdkApiBaseUrl(config: ConfigService): string | undefined {
  const base = apiBaseUrl(config);
  const host = new URL(base).hostname;
  return host === 'twilio.com' || host.endsWith('.twilio.com') ? undefined : base;
}

export const DEFAULT_PORT = 3003;
const DEFAULT_TOKEN_URL = 'https://oauth.twilio.com/v2/token';
const DEFAULT_API_BASE_URL = 'https://api.twilio.com';

/**
 * Reads the sample's settings from `env`; an empty variable counts as unset. Throws with the
 * variable's name, never its value.
 */
export function readConfig(env: Readonly<Record<string, string | undefined>>): SampleConfig {
  const read = (name: string): string | undefined => env[name]?.trim() || undefined;
  const clientId = read('TWILIO_CLIENT_ID');
  const clientSecret = read('TWILIO_CLIENT_SECRET');
  if (clientId === undefined && clientSecret !== undefined) {
    throw new Error('TWILIO_CLIENT_ID is not set (set both client variables, or neither)');
  }
  if (clientId !== undefined && clientSecret === undefined) {
    throw new Error('TWILIO_CLIENT_SECRET is not set (set both client variables, or neither)');
  }
  const accountSid = read('TWILIO_ACCOUNT_SID');
  if (clientId !== undefined && accountSid === undefined) {
    throw new Error('TWILIO_ACCOUNT_SID is not set (required with TWILIO_CLIENT_ID)');
  }
  return {
    clientId,
    clientSecret,
    accountSid,
    tokenUrl: absoluteUrl('TWILIO_TOKEN_URL', read('TWILIO_TOKEN_URL') ?? DEFAULT_TOKEN_URL),
    apiBaseUrl: absoluteUrl(
      'TWILIO_API_BASE_URL',
      read('TWILIO_API_BASE_URL') ?? DEFAULT_API_BASE_URL,
    ).replace(/\/+$/, ''),
    port: portNumber(read('PORT')),
    host: read('HOST') ?? '127.0.0.1',
    organization: readOrganization(read),
  };
}

function readOrganization(read: (name: string) => string | undefined): OrganizationApp | undefined {
  const values = ORG_ENV.map(read);
  const unset = ORG_ENV.filter((_, i) => values[i] === undefined);
  if (unset.length === ORG_ENV.length) return undefined;
  const [clientId, clientSecret, organizationSid] = values;
  if (clientId === undefined || clientSecret === undefined || organizationSid === undefined) {
    throw new Error(`${unset.join(' and ')} not set (set all TWILIO_ORG_* variables, or none)`);
  }
  if (!/^OR[0-9a-fA-F]{32}$/.test(organizationSid)) {
    throw new Error('TWILIO_ORG_SID is not an organization SID ("OR" and 32 hex digits)');
  }
  return { clientId, clientSecret, organizationSid };
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
