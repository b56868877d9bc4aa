import { InvalidOptionsError, MAX_TIMER_MS } from '@twilio-oauth/core';

/** Per-request timeout of SDK calls when `timeoutMs` is not given, as the SDK's own default. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** What {@link twilioClient} needs of a manager: its authenticated `fetch`. */
export interface TwilioFetcher {
  /** `fetch` with the bearer token set, for allowed hosts only (as `TokenManager.fetch`). */
  fetch(input: URL, init?: RequestInit): Promise<Response>;
}

/**
 * Options of {@link twilioClient}: the account SID and the SDK client options that still apply
 * when every request goes through the manager.
 */
export interface TwilioClientOptions {
  /**
   * The account the SDK's resources belong to: `AC` followed by 32 hex digits. Required for
   * account resources (`client.messages`, …); an organization app that only calls
   * `client.previewIam` (the Organizations API) may leave it out.
   */
  readonly accountSid?: string;
  /**
   * Sends every request the SDK makes to `https://*.twilio.com` to this base URL instead, path
   * and query kept — e.g. the mock server's `apiBaseUrl`. The manager's `allowedHosts` must name
   * its host. Default: none (requests go to Twilio).
   */
  readonly apiBaseUrl?: string;
  /** Twilio region, e.g. `au1` (the SDK's `region`; it also reads `TWILIO_REGION`). */
  readonly region?: string;
  /** Twilio edge location, e.g. `sydney` (the SDK's `edge`; it also reads `TWILIO_EDGE`). */
  readonly edge?: string;
  /** Appended to the SDK's `User-Agent`, e.g. `['my-app/1.2.0']`. */
  readonly userAgentExtensions?: readonly string[];
  /** `'debug'` logs each request and response, without any credential (SDK's `logLevel`). */
  readonly logLevel?: string;
  /**
   * Timeout of one SDK request, in milliseconds, token wait included: from 1 to 2^31 − 1, the
   * longest a timer takes (as the core's own `timeoutMs`).
   * @defaultValue {@link DEFAULT_TIMEOUT_MS}
   */
  readonly timeoutMs?: number;
}

/** Options after validation, with defaults applied. */
export interface ResolvedOptions {
  readonly accountSid: string | undefined;
  readonly apiBaseUrl: URL | undefined;
  readonly region: string | undefined;
  readonly edge: string | undefined;
  readonly userAgentExtensions: string[];
  readonly logLevel: string | undefined;
  readonly timeoutMs: number;
}

const ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;
const LOCATION = /^[a-z0-9-]+$/;
const KNOWN = new Set([
  'accountSid',
  'apiBaseUrl',
  'region',
  'edge',
  'userAgentExtensions',
  'logLevel',
  'timeoutMs',
]);

/** SDK options that make no sense here, with the reason given to the caller. */
const NOT_APPLICABLE: Record<string, string> = {
  httpClient: 'every request goes through the manager',
  username: 'the manager authenticates every request',
  password: 'the manager authenticates every request',
  authToken: 'the manager authenticates every request',
  env: 'pass the values themselves',
  timeout: 'use timeoutMs',
  lazyLoading: 'the SDK always loads lazily here',
  validationClient: 'request signing (PKCV) needs the SDK transport',
  autoRetry: "retry 429 answers in your code or with the manager's fetch",
  maxRetries: "retry 429 answers in your code or with the manager's fetch",
  maxRetryDelay: "retry 429 answers in your code or with the manager's fetch",
  keepAlive: "connections belong to the manager's fetch",
  keepAliveMsecs: "connections belong to the manager's fetch",
  maxSockets: "connections belong to the manager's fetch",
  maxTotalSockets: "connections belong to the manager's fetch",
  maxFreeSockets: "connections belong to the manager's fetch",
  scheduling: "connections belong to the manager's fetch",
  ca: "TLS settings belong to the manager's fetch",
};

const fail = (option: string, problem: string): never => {
  throw new InvalidOptionsError(option, problem);
};

const optionalString = (value: unknown, option: string, pattern?: RegExp) => {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') return fail(option, 'must be a non-empty string');
  if (pattern && !pattern.test(value)) return fail(option, `must match ${pattern}`);
  return value;
};

/**
 * Checks the manager and the options of `twilioClient` without changing either.
 *
 * @throws {InvalidOptionsError} naming the first wrong option (never echoing a value).
 */
export function resolveOptions(manager: unknown, options: unknown): ResolvedOptions {
  if (typeof (manager as TwilioFetcher | undefined)?.fetch !== 'function') {
    fail('manager', 'must be a TokenManager (or any object with a fetch method)');
  }
  if (typeof options !== 'object' || options === null) {
    return fail('options', 'must be an object');
  }
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    const reason = NOT_APPLICABLE[key];
    if (reason) fail(key, `not supported by twilioClient: ${reason}`);
    if (!KNOWN.has(key)) fail(key, 'unknown option');
  }
  const { accountSid } = o;
  if (
    accountSid !== undefined &&
    (typeof accountSid !== 'string' || !ACCOUNT_SID.test(accountSid))
  ) {
    const hint =
      typeof accountSid === 'string' && accountSid.startsWith('SK')
        ? ' (this looks like an API key SID)'
        : '';
    fail('accountSid', `must be "AC" followed by 32 hex digits${hint}`);
  }
  return {
    accountSid: accountSid as string | undefined,
    apiBaseUrl: baseUrl(o.apiBaseUrl),
    region: optionalString(o.region, 'region', LOCATION),
    edge: optionalString(o.edge, 'edge', LOCATION),
    userAgentExtensions: extensions(o.userAgentExtensions),
    logLevel: optionalString(o.logLevel, 'logLevel'),
    timeoutMs: timeout(o.timeoutMs),
  };
}

function baseUrl(value: unknown): URL | undefined {
  const text = optionalString(value, 'apiBaseUrl');
  if (text === undefined) return undefined;
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    return fail('apiBaseUrl', 'must be an absolute http: or https: URL');
  }
  if (url.search || url.hash || url.username || url.password) {
    return fail('apiBaseUrl', 'must not carry a query, fragment or credentials');
  }
  return url;
}

function extensions(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && /^[^\r\n]+$/.test(v))) {
    return fail('userAgentExtensions', 'must be an array of single-line strings');
  }
  return [...value];
}

/** As the core checks its `timeoutMs`: a finite number of milliseconds from 1 to MAX_TIMER_MS. */
function timeout(value: unknown): number {
  if (value === undefined) return DEFAULT_TIMEOUT_MS;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 1 || value > MAX_TIMER_MS) {
    return fail('timeoutMs', `must be a finite number from 1 to ${MAX_TIMER_MS}`);
  }
  return value;
}
