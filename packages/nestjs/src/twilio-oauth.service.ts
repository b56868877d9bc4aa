import { Inject, Injectable, type OnApplicationShutdown, Optional } from '@nestjs/common';
import type { AccessToken, GetTokenOptions, TokenHandle, TokenManager } from '@twilio-oauth/core';
import {
  type ClientFactory,
  type ClientTokenHandle,
  clientsPerManager,
  createTokenHandle,
  type HandleExtras,
  type ManagerSource,
  type SdkClient,
} from '@twilio-oauth/core/adapter';
import {
  TWILIO_CLIENT_FACTORY,
  TWILIO_OAUTH_MODULE_OPTIONS,
  TWILIO_TOKEN_MANAGER,
} from './twilio-oauth.constants.js';
import { toHttpException } from './twilio-oauth.exceptions.js';
import { moduleManagerSource, nestFailureLog, noModuleManager } from './twilio-oauth.tenants.js';
import type {
  TwilioOAuthModuleOptions,
  TwilioOAuthRequest,
} from './twilio-oauth-options.interface.js';

/** What `fetch` accepts as its first argument (`RequestInfo | URL`, as core declares it). */
type FetchInput = Parameters<TokenHandle['fetch']>[0];

/**
 * Fresh Twilio OAuth access tokens for the rest of the application, injected by class type.
 * A thin layer over core's `TokenManager`: caching, refresh-ahead, single flight and retries all
 * happen there. Token failures reject with `BadGatewayException` (502, credentials rejected) or
 * `ServiceUnavailableException` (503, token service unavailable) carrying the core error as
 * `cause`, so a request handler that lets them propagate answers with the right status and no
 * secret.
 *
 * Token failures are logged through Nest's `Logger` (context `TwilioOAuth`) once per change of
 * state per credential: a `warn` line when the credentials are rejected (502) or the token
 * service is unavailable (503), a `log` line when a token is issued again; never a secret.
 *
 * With per-request credentials (`forRoot({ forRequest })`), call {@link forRequest} with the
 * request for its handle; the service's own methods then reject (there is no module manager).
 *
 * On application shutdown (`app.close()`), after the HTTP server has stopped, the manager the
 * module created (or every manager of the per-request pool) is closed; a manager passed in as
 * `{ manager }` is left to its owner.
 *
 * @example
 * ```ts
 * @Controller('messages')
 * class MessagesController {
 *   constructor(private readonly twilio: TwilioOAuthService) {}
 *   @Get()
 *   async list() {
 *     const res = await this.twilio.fetch(`https://api.twilio.com/2010-04-01/Accounts/${sid}/Messages.json`);
 *     return res.json();
 *   }
 * }
 * ```
 */
@Injectable()
export class TwilioOAuthService implements TokenHandle, OnApplicationShutdown {
  // The core's handle maps every rejection to the Nest exceptions below, and logs failures.
  private readonly handle: ClientTokenHandle;
  private readonly source: ManagerSource<TwilioOAuthRequest>;
  private readonly handleOptions: HandleExtras;

  constructor(
    @Inject(TWILIO_TOKEN_MANAGER) private readonly manager: TokenManager,
    @Inject(TWILIO_OAUTH_MODULE_OPTIONS) options: TwilioOAuthModuleOptions,
    @Optional() @Inject(TWILIO_CLIENT_FACTORY) clientFactory?: ClientFactory,
  ) {
    this.handleOptions = {
      failures: nestFailureLog(),
      // One SDK client per manager (the module's, or each pooled one of forRequest).
      clientOf: clientsPerManager(clientFactory ?? options.client, toHttpException),
    };
    this.source = moduleManagerSource(manager, options);
    const { manager: only } = this.source;
    this.handle = createTokenHandle(
      () => only ?? noModuleManager(),
      toHttpException,
      this.handleOptions,
    );
  }

  /**
   * The official twilio SDK's client of this module's manager, built on first use: every
   * call through the manager, token failures as the same Nest exceptions as `fetch()`. Typed
   * as the SDK's `Twilio` once `@twilio-oauth/twilio` is imported.
   *
   * @throws {InvalidOptionsError} `client` when the module was given no `client` factory.
   */
  get client(): SdkClient {
    return this.handle.client;
  }

  /**
   * The token handle of one request (`getToken()`, `getAuthorizationHeader()`, `fetch()`, errors
   * mapped as the service's): with `forRoot({ forRequest })`, over the pooled manager of the
   * credentials `forRequest(request)` returns, computed on first use; otherwise the module's
   * one handle, whatever the request. Providers stay singletons: pass the request from the
   * controller (`@Req()`), no request scope needed.
   *
   * @example
   * ```ts
   * @Get('messages')
   * async list(@Req() req: Request) {
   *   return (await this.twilio.forRequest(req).fetch(messagesUrl)).json();
   * }
   * ```
   */
  forRequest(request: TwilioOAuthRequest): ClientTokenHandle {
    if (this.source.manager) return this.handle;
    return createTokenHandle(
      () => this.source.managerFor(request),
      toHttpException,
      this.handleOptions,
    );
  }

  /**
   * A valid access token: the cached one while it is fresh, otherwise a new one (concurrent
   * callers share one token request).
   *
   * @param options `forceRefresh: true` ignores the cached token.
   * @throws {BadGatewayException} the credentials were rejected or the token response was invalid.
   * @throws {ServiceUnavailableException} the token service is unavailable (timeout, network
   * error, 5xx, 429) or the application is shutting down.
   * @example
   * ```ts
   * const { accessToken, expiresAt } = await twilio.getToken();
   * ```
   */
  getToken(options?: GetTokenOptions): Promise<AccessToken> {
    return this.handle.getToken(options);
  }

  /**
   * The `Authorization` header value, `"Bearer <token>"`, for clients that set headers themselves.
   *
   * @throws {BadGatewayException} the credentials were rejected or the token response was invalid.
   * @throws {ServiceUnavailableException} the token service is unavailable.
   * @example
   * ```ts
   * await axios.get(url, { headers: { Authorization: await twilio.getAuthorizationHeader() } });
   * ```
   */
  getAuthorizationHeader(): Promise<string> {
    return this.handle.getAuthorizationHeader();
  }

  /**
   * `fetch` with the bearer token added, only for hosts in `allowedHosts` (default
   * `*.twilio.com`); on a `401` answer the token is renewed and the request sent once more
   * (unless its body cannot be replayed). Upstream answers, including errors, are returned as
   * they are.
   *
   * @throws {BadGatewayException} the credentials were rejected or the token response was invalid.
   * @throws {ServiceUnavailableException} the token service is unavailable.
   * @throws {HostNotAllowedError} (from core, unmapped, so a 500) the URL's host is not allowed;
   * nothing was sent.
   * @example
   * ```ts
   * const res = await twilio.fetch(url, { method: 'POST', body: new URLSearchParams({ To, From, Body }) });
   * ```
   */
  fetch(input: FetchInput, init?: RequestInit): Promise<Response> {
    return this.handle.fetch(input, init);
  }

  /**
   * Closes the manager the module created, or every manager of the per-request pool. Called by
   * Nest on `app.close()` (and on a signal when `enableShutdownHooks()` is on), after the HTTP
   * server has stopped taking requests.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.source.close();
  }
}
