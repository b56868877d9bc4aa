/**
 * Public types of `@twilio-oauth/core`. This file is the contract between the
 * core and everything built on it (adapters, stores): change it deliberately.
 */

/** A bearer token as handed to callers. */
export interface AccessToken {
  /** The bearer credential. Never log it. */
  readonly accessToken: string;
  /** Always `"Bearer"` (normalised from the server's case-insensitive `token_type`). */
  readonly tokenType: string;
  /** When the token expires, epoch milliseconds, counted from when the request was sent. */
  readonly expiresAt: number;
}

/** What a {@link TokenStore} keeps for one credential. */
export interface StoredToken {
  readonly accessToken: string;
  readonly tokenType: string;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
  /** Epoch milliseconds at which the token request was sent; lets every process compute the same lifetime. */
  readonly issuedAt: number;
}

/**
 * Where a {@link TokenManager} keeps tokens. The default is an in-memory LRU
 * ({@link MemoryTokenStore}); `@twilio-oauth/redis` shares one token across a fleet.
 * Keys never contain the client secret.
 */
export interface TokenStore {
  get(key: string): Promise<StoredToken | undefined>;
  /** `ttlMs`: how long the entry may live in the store (the token's remaining lifetime). */
  set(key: string, token: StoredToken, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * Optional cross-process lock so that one process of a fleet fetches while
   * the others wait for the store to fill. Resolves to a release function when
   * the lock was taken, `undefined` when another holder has it.
   */
  acquireLock?(key: string, ttlMs: number): Promise<(() => Promise<void>) | undefined>;
}

/** Retry policy for token requests. Full-jitter exponential backoff. Defaults: {@link DEFAULTS}. */
export interface RetryOptions {
  /** Total attempts including the first; `1` disables retries. @defaultValue `DEFAULTS.maxAttempts` */
  maxAttempts?: number;
  /** First backoff ceiling, ms. @defaultValue `DEFAULTS.baseDelayMs` */
  baseDelayMs?: number;
  /** Largest backoff ceiling, ms. @defaultValue `DEFAULTS.maxDelayMs` */
  maxDelayMs?: number;
  /**
   * Largest wait a server may ask for (`Retry-After`, Twilio's `throttled_until`), ms;
   * longer values are capped to this. @defaultValue `DEFAULTS.maxRetryAfterMs`
   */
  maxRetryAfterMs?: number;
}

/** How the client authenticates to the token endpoint (RFC 6749 §2.3.1). */
export type ClientAuthMethod = 'client_secret_post' | 'client_secret_basic';

/** Options of the one-shot {@link requestToken} exchange. */
export interface RequestTokenOptions {
  /** The OAuth app's client id. */
  clientId: string;
  /**
   * The OAuth app's client secret, or a function read for each exchange (a vault, a
   * mounted secret file): rotation without a restart. When the token endpoint answers
   * `invalid_client` and the function then returns another value, the exchange is
   * tried once more with it.
   */
  clientSecret: string | (() => string | Promise<string>);
  /** Must be `https:` unless the host is loopback. @defaultValue `DEFAULT_TOKEN_URL` (Twilio's Token API) */
  tokenUrl?: string;
  /** Optional OAuth scope, sent as `scope` when set. */
  scope?: string;
  /** @defaultValue `'client_secret_post'` (what Twilio documents) */
  clientAuthMethod?: ClientAuthMethod;
  /** @defaultValue `globalThis.fetch`, looked up per call */
  fetch?: typeof globalThis.fetch;
  /** Per-attempt timeout, ms. @defaultValue `DEFAULTS.timeoutMs` */
  timeoutMs?: number;
  retry?: RetryOptions;
  /** Cancels the whole exchange, including backoff waits. */
  signal?: AbortSignal;
  /** Clock, epoch ms: token expiry. @defaultValue `Date.now` */
  now?: () => number;
  /** Receives every {@link TokenEvent}; a throwing listener is ignored. */
  onEvent?: (event: TokenEvent) => void;
}

/** Options of a {@link TokenManager}. Numeric defaults: {@link DEFAULTS}. */
export interface TokenManagerOptions extends Omit<RequestTokenOptions, 'signal'> {
  /**
   * Where tokens are shared beyond this manager: a {@link MemoryTokenStore} among
   * managers of one process, or a fleet-wide store such as `@twilio-oauth/redis`.
   * Entries are bound to the secret that earned them. @defaultValue none: the
   * manager's own memory
   */
  store?: TokenStore;
  /** A token this close to expiry is treated as expired; clamped to half the token lifetime. @defaultValue `DEFAULTS.expiryBufferSeconds` */
  expiryBufferSeconds?: number;
  /** A token this close to expiry is served while one background refresh runs; clamped to half the token lifetime. @defaultValue `DEFAULTS.refreshAheadSeconds` */
  refreshAheadSeconds?: number;
  /** Hosts `fetch()` may send the bearer to; `*.example.com` matches subdomains. @defaultValue `DEFAULT_ALLOWED_HOSTS` */
  allowedHosts?: readonly string[];
  /** With a store that has `acquireLock`: how long to wait for another process to fill the store, ms. @defaultValue `DEFAULTS.lockWaitMs` */
  lockWaitMs?: number;
  /** The longest one caller waits for a token, retries included, ms; then it gets a `timeout` error. @defaultValue `DEFAULTS.maxWaitMs` */
  maxWaitMs?: number;
  /**
   * After an exchange failed with no valid token held — the service unavailable, or the
   * credentials refused (`invalid_client`) — callers fail fast with that error for this
   * long, ms; then one request probes again. A `clientSecret` function that now returns
   * another value than the refused one is tried at once. `0` turns it off.
   * @defaultValue `DEFAULTS.failFastMs`
   */
  failFastMs?: number;
  /**
   * Monotonic clock, ms, for elapsed time: the fail-fast, cooldown and 401-renewal windows
   * (token expiry uses `now`). @defaultValue `performance.now`, or `now` when only that is given
   */
  monotonicNow?: () => number;
}

/** Options of {@link TokenManager.getToken}. */
export interface GetTokenOptions {
  /** Ignore the cached token and fetch a new one (shared with any request already in flight). */
  forceRefresh?: boolean;
}

/**
 * Stable error codes of {@link TokenRequestError}. OAuth `error` values pass through as sent
 * (unless they claim one of the library's own codes: then `invalid_response`). Twilio error
 * objects are mapped: 322402 and 321401 `invalid_client`; 321402 and 322403 `invalid_request`;
 * 321403 `unsupported_grant_type`; any other 4xx code `twilio_error` (the number is on
 * `twilioCode`).
 */
export type TokenErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'timeout'
  | 'network_error'
  | 'server_error'
  | 'rate_limited'
  | 'invalid_response'
  | 'twilio_error'
  | 'aborted'
  | 'secret_unavailable'
  | (string & {});

/** Freshness of the held token. */
export type TokenState = 'fresh' | 'stale' | 'expired';

/** What may be said about the held token without revealing it. */
export interface TokenInfo {
  readonly expiresAt: number;
  readonly state: TokenState;
}

interface EventBase {
  /** The credential key (token URL + client id [+ scope]); never holds the secret. */
  readonly key: string;
  /** Epoch ms, from the manager's clock. */
  readonly time: number;
}

/** Events emitted through `onEvent`. None carries a secret or a token. */
export type TokenEvent =
  | (EventBase & { readonly type: 'token.requested'; readonly attempt: number })
  | (EventBase & {
      readonly type: 'token.issued';
      readonly expiresAt: number;
      readonly attempts: number;
      readonly durationMs: number;
    })
  | (EventBase & {
      /** An exchange failed, after all its attempts (whether or not a token was held). */
      readonly type: 'token.request_failed';
      readonly error: Error;
      /** The error's stable code (`invalid_client`, `timeout`, …). */
      readonly code: string;
      readonly attempts: number;
      /** From the first attempt to the failure, all attempts and backoff included. */
      readonly durationMs: number;
      /** True when a still-valid token keeps being served. */
      readonly servingStale: boolean;
    })
  | (EventBase & {
      /** Renewing a held token failed (emitted after `token.request_failed`, only when a token was held). */
      readonly type: 'token.refresh_failed';
      readonly error: Error;
      /** True when a still-valid token keeps being served. */
      readonly servingStale: boolean;
    })
  | (EventBase & { readonly type: 'token.served_stale'; readonly expiresAt: number })
  | (EventBase & {
      readonly type: 'cache.hit';
      readonly state: 'fresh' | 'stale';
      readonly source: 'memory' | 'store';
      /** Expiry of the token served, epoch ms. */
      readonly expiresAt: number;
    })
  | (EventBase & {
      /** No usable token in memory (`source: 'memory'`), or none in the shared store (`'store'`). */
      readonly type: 'cache.miss';
      readonly reason: 'empty' | 'expired' | 'forced' | 'invalidated';
      readonly source: 'memory' | 'store';
    })
  | (EventBase & {
      readonly type: 'store.error';
      readonly operation: 'get' | 'set' | 'delete' | 'lock';
      readonly error: Error;
    });

/** The three members every adapter exposes (`req.twilio`, `c.var.twilio`, the Nest service). */
export interface TokenHandle {
  getToken(options?: GetTokenOptions): Promise<AccessToken>;
  /** `"Bearer <token>"`. */
  getAuthorizationHeader(): Promise<string>;
  /** `fetch` with the bearer added, for allowed hosts only; retries once on 401 with a new token. */
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
}
