/**
 * A client registered with the mock Token API: the `client_id` / `client_secret` pair it accepts.
 *
 * @example
 * const client: MockClient = { clientId: 'OQtest', clientSecret: 's3cret' };
 */
export interface MockClient {
  /** The OAuth `client_id`. Appears in stats and in the `sub` claim of issued tokens. */
  readonly clientId: string;
  /** The OAuth `client_secret`. Never logged or returned by the server. */
  readonly clientSecret: string;
  /**
   * Makes this client an organization OAuth app of this organization (`OR` + 32 hex): its tokens
   * are accepted on `/Organizations/{organizationSid}/…` and refused on any other organization's
   * paths. Absent: an account app, whose tokens every Organizations path refuses (403).
   */
  readonly organizationSid?: string;
}

/**
 * How the Token API answers errors: `'twilio'` as Twilio does (HTTP 400 with a Twilio error
 * object `{ code, message, more_info, status }`), `'oauth'` as RFC 6749 §5.2 says
 * (`{ error, error_description }`, 401 `invalid_client` for bad credentials).
 */
export type TokenErrorFormat = 'twilio' | 'oauth';

/**
 * What an OAuth client needs to use the mock server: spread it into the options of a
 * `TokenManager` or of an adapter. Returned by {@link MockServer.clientOptions}.
 */
export interface MockClientOptions {
  readonly clientId: string;
  readonly clientSecret: string;
  /** The mock's Token API URL (plain http: accepted for loopback hosts). */
  readonly tokenUrl: string;
  /** The mock's host name (e.g. `127.0.0.1` or `[::1]`), so the bearer may be sent to it. */
  readonly allowedHosts: readonly [string];
}

/**
 * Options of {@link startMockServer}. Every field is optional.
 *
 * @example
 * const server = await startMockServer({ tokenTtlSeconds: 120 });
 */
export interface MockServerOptions {
  /** TCP port to listen on. Default `0` (a free port chosen by the OS). */
  readonly port?: number;
  /** Interface to bind. Default `'127.0.0.1'`. */
  readonly host?: string;
  /**
   * Clients the Token API accepts. Default: one generated client
   * (`clientId` `OQ` + 32 hex, random secret), readable on {@link MockServer.clients}.
   */
  readonly clients?: readonly MockClient[];
  /**
   * Lifetime of issued tokens (`expires_in`), in seconds, from 1 to 2 592 000 (30 days). Default
   * `3600`. Twilio itself allows 60 s to 30 days; shorter ones are for tests.
   */
  readonly tokenTtlSeconds?: number;
  /** Shape of Token API errors. Default `'twilio'`. */
  readonly tokenErrorFormat?: TokenErrorFormat;
  /**
   * The account SID reported on {@link MockServer.accountSid} for convenience. Default: a random
   * `AC` + 32 hex. The REST API accepts any well-formed account SID, not only this one.
   */
  readonly accountSid?: string;
  /** The server's clock in epoch milliseconds, used for `iat`/`exp` and dates. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * One injected fault, applied to the next `times` requests of its endpoint (or until cleared).
 * Each request that reaches the endpoint consumes one of `times`, even when the fault only
 * overrides fields of a successful answer that the request did not get.
 *
 * Order of application: `delayMs` first (then the request goes on), then the first of `hang`,
 * `reset`, `body`, `malformed`, `oversized`, `twilioCode` / `throttledForSeconds`, `status`; `tokenType` / `expiresIn` only change an
 * otherwise successful token response.
 *
 * @example
 * server.setFaults({ token: { status: 503, times: 2 } }); // two 503 pages, then normal answers
 * server.setFaults({ api: { status: 429, retryAfterSeconds: 1 } }); // until cleared
 * server.setFaults({}); // clears every fault
 */
export interface Fault {
  /**
   * Answer with this HTTP status (200–599): 5xx as a plain HTML error page (a proxy's), other 4xx
   * as a Twilio error object (token endpoint with `tokenErrorFormat: 'oauth'`: RFC 6749 `error`
   * JSON, and 429 plain text), below 400 an empty body. With `body`, `malformed`, `oversized`,
   * `twilioCode` or `throttledForSeconds` it sets the status of that answer instead.
   */
  readonly status?: number;
  /** Adds a `Retry-After: <seconds>` header to the faulted answer. */
  readonly retryAfterSeconds?: number;
  /** Waits this many milliseconds before answering (then normally, or with the other fields). */
  readonly delayMs?: number;
  /** Never answers: the request stays open until the client gives up or the server closes. */
  readonly hang?: boolean;
  /** Resets the connection (TCP RST) without answering. */
  readonly reset?: boolean;
  /** Answers with truncated, unparseable JSON (`Content-Type: application/json`). */
  readonly malformed?: boolean;
  /** Answers with a valid-looking JSON body of about 100 KiB (more than 64 KiB). */
  readonly oversized?: boolean;
  /** Applies to this many requests, then clears itself. Default: until cleared with `setFaults`. */
  readonly times?: number;
  /** Token endpoint only: the `token_type` of an otherwise successful response. */
  readonly tokenType?: string;
  /**
   * Token endpoint only: the `expires_in` (a finite number or a string) of an otherwise successful
   * response; `null` leaves the field out.
   */
  readonly expiresIn?: number | string | null;
  /**
   * Answers with a Twilio error object `{ code, message, more_info, status }` of this code, at
   * `status` (default 400, or 429 with `throttledForSeconds`).
   */
  readonly twilioCode?: number;
  /**
   * Answers with Twilio's throttled error object: `throttled_until` is the server clock plus this
   * many seconds (ISO 8601), code `twilioCode` (default 20429), status `status` (default 429).
   * No `Retry-After` unless `retryAfterSeconds` is set too.
   */
  readonly throttledForSeconds?: number;
  /** Answers with this raw body (with `status`, default 200). */
  readonly body?: string;
  /** `Content-Type` of a `body` answer. Default `'application/json'`. */
  readonly contentType?: string;
}

/**
 * The faults in force, per endpoint: `token` (`POST /v2/token` and `/v1/token`) and `api` (the
 * REST APIs: Messages under `/2010-04-01/`, Organizations under `/Organizations/`). Passing `{}`
 * to `setFaults` clears both.
 */
export interface Faults {
  /** Fault for the Token API. */
  readonly token?: Fault;
  /** Fault for the REST API. */
  readonly api?: Fault;
}

/** Counters of one client, within {@link MockStats.byClient}. */
export interface MockClientStats {
  /** Token requests that named this client (valid or not, faulted or not). */
  readonly tokenRequests: number;
  /** Tokens issued to this client. */
  readonly tokensIssued: number;
  /** Messages API requests (`/2010-04-01/`) carrying a valid token of this client. */
  readonly apiRequests: number;
  /** Organizations API requests carrying a valid token of this client (refused ones included). */
  readonly organizationsRequests: number;
}

/**
 * What reached the server since it started or since the last `reset()`.
 *
 * @example
 * expect(server.stats().tokensIssued).toBe(1);
 */
export interface MockStats {
  /** Every request to `/v2/token`, including failed and faulted ones. */
  readonly tokenRequests: number;
  /** Successful token responses. */
  readonly tokensIssued: number;
  /** Every request to the Messages API (`/2010-04-01/`), including rejected and faulted ones. */
  readonly apiRequests: number;
  /** Messages API requests answered 401 because the bearer token was missing or not valid. */
  readonly rejectedApiRequests: number;
  /** Every request under `/Organizations/`, including refused and faulted ones. */
  readonly organizationsRequests: number;
  /**
   * Organizations API requests refused before reaching the resource: 401 (no valid token) or 403
   * (an account app's token, or another organization's).
   */
  readonly rejectedOrganizationsRequests: number;
  /** Counters per configured client id (every configured client is listed, even at zero). */
  readonly byClient: Readonly<Record<string, MockClientStats>>;
}

/** A message resource, as the Messages API returns it (Twilio's JSON field names). */
export interface MockMessage {
  readonly sid: string;
  readonly account_sid: string;
  readonly api_version: '2010-04-01';
  readonly to: string;
  readonly from: string | null;
  readonly messaging_service_sid: string | null;
  readonly body: string;
  readonly status: 'queued';
  readonly direction: 'outbound-api';
  readonly num_segments: string;
  readonly num_media: string;
  readonly price: null;
  readonly price_unit: 'USD';
  readonly error_code: null;
  readonly error_message: null;
  readonly date_created: string;
  readonly date_updated: string;
  readonly date_sent: null;
  readonly uri: string;
  readonly subresource_uris: { readonly media: string };
}

/** An account of an organization, as the Organizations API answers it (`PublicApiAccountResponse`). */
export interface MockOrgAccount {
  readonly account_sid: string;
  readonly friendly_name: string;
  readonly status: 'active' | 'suspended' | 'pending_closure' | 'closed';
  /** The owner: a user SID (`US` + 32 hex). */
  readonly owner_sid: string;
  /** ISO 8601. */
  readonly date_created: string;
}

/**
 * A running mock server, returned by {@link startMockServer}.
 *
 * @example
 * const server = await startMockServer();
 * const [client] = server.clients;
 * // point the code under test at server.tokenUrl and server.apiBaseUrl
 * await server.close();
 */
export interface MockServer extends AsyncDisposable {
  /** Base URL, e.g. `http://127.0.0.1:54321` (no trailing slash). */
  readonly url: string;
  /** Token API URL: `${url}/v2/token` (`${url}/v1/token` answers too, with `201`). */
  readonly tokenUrl: string;
  /**
   * REST API base URL (same as `url`), onto which every `*.twilio.com` host maps: append
   * `/2010-04-01/Accounts/{AccountSid}/Messages.json` or `/Organizations/{OrganizationSid}/…`.
   */
  readonly apiBaseUrl: string;
  /** The port the server listens on. */
  readonly port: number;
  /** The configured or generated account SID. */
  readonly accountSid: string;
  /** The configured or generated clients (never empty, so `clients[0]` is always there). */
  readonly clients: readonly [MockClient, ...MockClient[]];
  /**
   * The options an OAuth client (a `TokenManager`, an adapter) needs to use this server:
   * `{ clientId, clientSecret, tokenUrl, allowedHosts }`. With no argument, for `clients[0]`;
   * with a client id, for that client of the server; with a `{ clientId, clientSecret }` pair,
   * for that pair as given (a wrong secret, say). REST API URLs start with {@link apiBaseUrl}.
   *
   * @throws {TypeError} for an argument that is given but `undefined`, `null` or an id the
   *   server does not know (a test must not pass by falling back to another client).
   * @example
   * const manager = new TokenManager(server.clientOptions());
   * await manager.fetch(`${server.apiBaseUrl}/2010-04-01/Accounts/${server.accountSid}/Messages.json`);
   * const org = new TokenManager(server.clientOptions(orgClient.clientId));
   */
  clientOptions(client?: MockClient | string): MockClientOptions;
  /** A snapshot of the counters. */
  stats(): MockStats;
  /**
   * Replaces every fault with `faults` (`{}` clears them all).
   *
   * @throws {TypeError} when a field is unknown or has the wrong type or range.
   */
  setFaults(faults: Faults): void;
  /** The faults still in force (with `times` counting down). */
  faults(): Faults;
  /**
   * Clears counters, faults, stored messages and the Organizations API's users, role assignments
   * and added accounts. Issued tokens stay valid.
   */
  reset(): void;
  /** Makes every token issued so far invalid: the REST APIs answer 401 to them. */
  revokeTokens(): void;
  /** Replaces the server clock (epoch milliseconds), e.g. to move past a token's expiry. */
  setClock(now: () => number): void;
  /** Messages stored for an account (default {@link accountSid}), newest first. */
  messages(accountSid?: string): readonly MockMessage[];
  /**
   * Adds an account (a new `AC` + 32 hex SID) to an organization, after the mock's own
   * {@link accountSid} that every organization has; `reset()` removes it. Handy to see the
   * Accounts list page.
   *
   * @param friendlyName - 1 to 255 characters. Default `'Mock account'`.
   * @returns the account as `GET …/Accounts/{AccountSid}` answers it.
   * @throws {TypeError} when `organizationSid` is not `OR` + 32 hex or the name is out of range.
   * @example
   * const { account_sid } = server.addOrganizationAccount(organizationSid, 'Support');
   */
  addOrganizationAccount(organizationSid: string, friendlyName?: string): MockOrgAccount;
  /**
   * Stops listening and destroys every connection, including idle keep-alive sockets and hung or
   * delayed requests. Safe to call more than once.
   */
  close(): Promise<void>;
}
