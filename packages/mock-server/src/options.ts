import { randomBytes } from 'node:crypto';
import type { MockClient, MockServerOptions, TokenErrorFormat } from './types';

/** Options with every default filled in. */
export interface ResolvedOptions {
  readonly port: number;
  readonly host: string;
  readonly clients: readonly [MockClient, ...MockClient[]];
  readonly tokenTtlSeconds: number;
  readonly tokenErrorFormat: TokenErrorFormat;
  readonly accountSid: string;
  readonly now: () => number;
}

/** Longest token lifetime, in seconds: 30 days, Twilio's own upper bound. */
export const MAX_TOKEN_TTL_SECONDS = 2_592_000;

/** What the REST API accepts as an account SID. */
export const ACCOUNT_SID_PATTERN = /^AC[0-9a-fA-F]{32}$/;

/** An organization SID, as `MockClient.organizationSid` takes it. */
export const ORGANIZATION_SID_PATTERN = /^OR[0-9a-fA-F]{32}$/;

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

/** A random `AC` + 32 hex account SID. */
export const generateAccountSid = (): string => `AC${hex(16)}`;

/** A random client: id `OQ` + 32 hex (the shape of Twilio OAuth client ids), 43-char secret. */
export const generateClient = (): MockClient => ({
  clientId: `OQ${hex(16)}`,
  clientSecret: randomBytes(32).toString('base64url'),
});

const fail = (option: string, requirement: string): never => {
  throw new TypeError(`Invalid option "${option}": ${requirement}`);
};

const isPositiveInteger = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value > 0;

function resolveClients(clients: unknown): [MockClient, ...MockClient[]] {
  if (clients === undefined) return [Object.freeze(generateClient())];
  if (!Array.isArray(clients) || clients.length === 0) {
    return fail('clients', 'must be a non-empty array of { clientId, clientSecret }');
  }
  const [first, ...rest] = clients as unknown[];
  const seen = new Set<string>();
  const resolveClient = (client: unknown, index: number): MockClient => {
    const where = `clients[${index}]`;
    if (typeof client !== 'object' || client === null) {
      return fail(where, 'must be an object { clientId, clientSecret }');
    }
    const { clientId, clientSecret, organizationSid } = client as Record<string, unknown>;
    if (typeof clientId !== 'string' || clientId.length === 0) {
      return fail(`${where}.clientId`, 'must be a non-empty string');
    }
    // The secret itself is never echoed, only what is wrong with it.
    if (typeof clientSecret !== 'string' || clientSecret.length === 0) {
      return fail(`${where}.clientSecret`, 'must be a non-empty string');
    }
    if (seen.has(clientId)) return fail(`${where}.clientId`, 'is a duplicate');
    seen.add(clientId);
    if (organizationSid === undefined) return Object.freeze({ clientId, clientSecret });
    if (typeof organizationSid !== 'string' || !ORGANIZATION_SID_PATTERN.test(organizationSid)) {
      return fail(`${where}.organizationSid`, 'must be "OR" followed by 32 hex digits');
    }
    return Object.freeze({ clientId, clientSecret, organizationSid });
  };
  return [
    resolveClient(first, 0),
    ...rest.map((client, index) => resolveClient(client, index + 1)),
  ];
}

/**
 * Fills in defaults and validates options, without mutating the caller's object.
 *
 * @throws {TypeError} naming the first invalid option.
 */
export function resolveOptions(options: MockServerOptions = {}): ResolvedOptions {
  if (typeof options !== 'object' || options === null) fail('options', 'must be an object');
  const {
    port = 0,
    host = '127.0.0.1',
    tokenTtlSeconds = 3600,
    tokenErrorFormat = 'twilio',
    accountSid = generateAccountSid(),
    now = Date.now,
  } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    fail('port', 'must be an integer from 0 to 65535');
  }
  if (typeof host !== 'string' || host.length === 0) fail('host', 'must be a non-empty string');
  if (!isPositiveInteger(tokenTtlSeconds) || tokenTtlSeconds > MAX_TOKEN_TTL_SECONDS) {
    fail('tokenTtlSeconds', `must be an integer from 1 to ${MAX_TOKEN_TTL_SECONDS} (seconds)`);
  }
  if (tokenErrorFormat !== 'twilio' && tokenErrorFormat !== 'oauth') {
    fail('tokenErrorFormat', 'must be "twilio" or "oauth"');
  }
  if (typeof accountSid !== 'string' || !ACCOUNT_SID_PATTERN.test(accountSid)) {
    fail('accountSid', 'must be "AC" followed by 32 hex digits');
  }
  if (typeof now !== 'function') fail('now', 'must be a function returning epoch milliseconds');
  return {
    port,
    host,
    clients: Object.freeze(resolveClients(options.clients)),
    tokenTtlSeconds,
    tokenErrorFormat,
    accountSid,
    now,
  };
}
