// The lazy handle a request sees: `req.twilio`, `c.var.twilio`, Nest's service.
import { InvalidOptionsError } from '../errors';
import type { TokenManager } from '../token-manager';
import type { AccessToken, GetTokenOptions, TokenHandle } from '../types';
import type { FailureLog } from './failure-log';
import type { ClientOf, SdkClient } from './sdk-client';

/** Maps a core error to the framework's own (or returns it unchanged). */
export type ErrorMapper = (error: unknown) => unknown;

/**
 * What every adapter hands a request (`req.twilio`, `c.var.twilio`, Nest's service and
 * `forRequest(req)`): `getToken()`, `getAuthorizationHeader()` and `fetch()` of core's
 * `TokenHandle`, token failures rejected with the framework's 502/503 error. Lazy: nothing is
 * requested until a method is called. Methods are bound, so `const { fetch } = handle` works.
 */
export interface TwilioOAuthHandle extends TokenHandle {
  /**
   * The official twilio SDK's client of this handle's manager, built on first use and shared
   * by every request on that manager; its requests go through the manager's `fetch`.
   *
   * @throws {InvalidOptionsError} `sdkClient` when the adapter was given no `sdkClient` factory.
   */
  readonly client: SdkClient;
}

type ManagerOrPromise = TokenManager | Promise<TokenManager>;

/** One request's manager, resolved on first use; shared by its handle and its scope. */
export class LazyManager {
  #value: ManagerOrPromise | undefined;
  // Read on every cached getToken(): a plain field, no check of what #value holds.
  #known: TokenManager | undefined;
  readonly #resolve: () => ManagerOrPromise;

  /** @param source - the manager itself, or how to get it on first use. */
  constructor(source: TokenManager | (() => ManagerOrPromise)) {
    if (typeof source === 'function') {
      this.#resolve = source;
    } else {
      this.#resolve = () => source;
      this.#value = source;
      this.#known = source;
    }
  }

  /** The manager once resolved, without resolving it. */
  get known(): TokenManager | undefined {
    return this.#known;
  }

  /** The manager, or the promise of it while an async secret function resolves. */
  get(): ManagerOrPromise {
    if (this.#value !== undefined) return this.#value;
    const value = this.#resolve();
    this.#value = value;
    if (!(value instanceof Promise)) {
      this.#known = value;
      return value;
    }
    value.then(
      (manager) => {
        this.#value = manager;
        this.#known = manager;
      },
      // A failure is every call's to report: the next call resolves again.
      () => {
        if (this.#value === value) this.#value = undefined;
      },
    );
    return value;
  }
}

/** What a handle needs beside its manager. */
export interface HandleParts {
  readonly mapError: ErrorMapper;
  readonly failures: FailureLog | undefined;
  readonly clientOf: ClientOf | undefined;
}

// The held token's promise has resolved already: nothing can reach the mapper, so a cached
// token costs the handle no `.catch` and no extra tick.
const tokenOf = (
  manager: TokenManager,
  options: GetTokenOptions | undefined,
  rethrow: (error: unknown) => never,
): Promise<AccessToken> =>
  (options ? undefined : manager.cachedToken()) ?? manager.getToken(options).catch(rethrow);

/** The handle over a {@link LazyManager}; every rejection goes through `mapError`. */
export class LazyTokenHandle implements TwilioOAuthHandle {
  readonly #manager: LazyManager;
  readonly #parts: HandleParts;

  constructor(manager: LazyManager, parts: HandleParts) {
    this.#manager = manager;
    this.#parts = parts;
  }

  get client(): SdkClient {
    const { clientOf } = this.#parts;
    if (!clientOf) {
      throw new InvalidOptionsError(
        'sdkClient',
        "not configured: pass { sdkClient: twilioClientFactory({ accountSid }) } from '@twilio-oauth/twilio'",
      );
    }
    return clientOf(this.#manager.get());
  }

  readonly getToken = (options?: GetTokenOptions): Promise<AccessToken> => {
    const manager = this.#manager.known;
    if (manager && !this.#parts.failures?.failing) return tokenOf(manager, options, this.#rethrow);
    return this.#call((m) => m.getToken(options));
  };

  readonly getAuthorizationHeader = (): Promise<string> =>
    this.#call((manager) => manager.getAuthorizationHeader());

  readonly fetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> =>
    this.#call((manager) => manager.fetch(input, init));

  // Made once: a `.catch` with it costs less than an async wrapper per call.
  readonly #rethrow = (error: unknown): never => {
    const manager = this.#manager.known;
    if (manager) this.#parts.failures?.failed(manager.key, error);
    throw this.#parts.mapError(error);
  };

  #call<T>(use: (manager: TokenManager) => Promise<T>): Promise<T> {
    try {
      const resolved = this.#manager.get();
      if (resolved instanceof Promise)
        return resolved.then((m) => this.#use(m, use), this.#rethrow);
      return this.#use(resolved, use);
    } catch (error) {
      // Resolving threw (an options factory, say): still a rejection, not a throw.
      return Promise.reject(this.#parts.mapError(error));
    }
  }

  #use<T>(manager: TokenManager, use: (manager: TokenManager) => Promise<T>): Promise<T> {
    const result = use(manager);
    const { failures } = this.#parts;
    // Only while a credential is failing can a success be news (a recovery).
    if (!failures?.failing) return result.catch(this.#rethrow);
    return result.then((value) => {
      failures.succeeded(manager.key);
      return value;
    }, this.#rethrow);
  }
}
