/** Twilio OAuth client credentials. */
export interface Credentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

/** An organization OAuth app: its credentials and the organization it administers. */
export interface OrgCredentials extends Credentials {
  /** `OR` + 32 hex digits. */
  readonly organizationSid: string;
}

/** What the sample reads from its environment. */
export interface SampleConfig {
  /** Absent when neither `TWILIO_CLIENT_ID` nor `TWILIO_CLIENT_SECRET` is set: the mock server is started. */
  readonly credentials: Credentials | undefined;
  readonly accountSid: string | undefined;
  /** Absent when none of `TWILIO_ORG_*` is set: the `/org` routes then answer 501. */
  readonly organization: OrgCredentials | undefined;
  readonly tokenUrl: string;
  readonly apiBaseUrl: string;
  readonly port: number;
  readonly host: string;
}

export const DEFAULT_PORT = 3001;

/** Reads the sample's configuration; empty variables count as unset. */
export function readConfig(env: NodeJS.ProcessEnv): SampleConfig {
  const get = (name: string): string | undefined => env[name]?.trim() || undefined;
  const clientId = get('TWILIO_CLIENT_ID');
  const clientSecret = get('TWILIO_CLIENT_SECRET');
  if ((clientId === undefined) !== (clientSecret === undefined)) {
    const missing = clientId === undefined ? 'TWILIO_CLIENT_ID' : 'TWILIO_CLIENT_SECRET';
    throw new Error(
      `${missing} is not set: set both TWILIO_CLIENT_ID and TWILIO_CLIENT_SECRET, or neither to use the mock server`,
    );
  }
  const credentials = clientId && clientSecret ? { clientId, clientSecret } : undefined;
  const accountSid = get('TWILIO_ACCOUNT_SID');
  if (credentials && accountSid === undefined) {
    throw new Error('TWILIO_ACCOUNT_SID is not set: it is required with TWILIO_CLIENT_ID');
  }
  return {
    credentials,
    accountSid,
    organization: organization(get),
    tokenUrl: url(
      'TWILIO_TOKEN_URL',
      get('TWILIO_TOKEN_URL') ?? 'https://oauth.twilio.com/v2/token',
    ),
    apiBaseUrl: url('TWILIO_API_BASE_URL', get('TWILIO_API_BASE_URL') ?? 'https://api.twilio.com'),
    port: port(get('PORT')),
    host: get('HOST') ?? '127.0.0.1',
  };
}

const ORG_VARIABLES = ['TWILIO_ORG_CLIENT_ID', 'TWILIO_ORG_CLIENT_SECRET', 'TWILIO_ORG_SID'];

/** The organization app: all three `TWILIO_ORG_*` variables, or none of them. */
function organization(get: (name: string) => string | undefined): OrgCredentials | undefined {
  const [clientId, clientSecret, organizationSid] = ORG_VARIABLES.map(get);
  const missing = ORG_VARIABLES.filter((name) => get(name) === undefined);
  if (missing.length === ORG_VARIABLES.length) return undefined;
  if (missing.length > 0 || !clientId || !clientSecret || !organizationSid) {
    throw new Error(
      `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set: set all of ${ORG_VARIABLES.join(', ')} for the /org routes, or none`,
    );
  }
  if (!/^OR[0-9a-f]{32}$/i.test(organizationSid)) {
    throw new Error('TWILIO_ORG_SID must be "OR" followed by 32 hex digits');
  }
  return { clientId, clientSecret, organizationSid };
}

function url(name: string, value: string): string {
  if (!URL.canParse(value)) throw new Error(`${name} is not a valid URL`);
  return value.replace(/\/+$/, '');
}

function port(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PORT;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65_535)
    throw new Error('PORT must be an integer from 0 to 65535');
  return n;
}
