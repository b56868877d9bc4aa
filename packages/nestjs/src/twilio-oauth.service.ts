import { Inject, Injectable, type OnApplicationShutdown, Optional } from '@nestjs/common';
import type { AccessToken, GetTokenOptions, TokenHandle, TokenManager } from '@twilio-oauth/core';
import {
  type ClientFactory,
  type ClientTokenHandle,
  clientsPerManager,
  createTokenHandle,
  isSharedManagerOptions,
  type SdkClient,
} from '@twilio-oauth/core/adapter';
import {
  TWILIO_CLIENT_FACTORY,
  TWILIO_OAUTH_MODULE_OPTIONS,
  TWILIO_TOKEN_MANAGER,
} from './twilio-oauth.constants.js';
import { toHttpException } from './twilio-oauth.exceptions.js';
import type { TwilioOAuthModuleOptions } from './twilio-oauth-options.interface.js';

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
 * On application shutdown (`app.close()`), after the HTTP server has stopped, the manager the
 * module created is closed; a manager passed in as `{ manager }` is left to its owner.
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
  private readonly ownsManager: boolean;
  // The core's handle maps every rejection to the Nest exceptions below.
  private readonly handle: ClientTokenHandle;

  constructor(
    @Inject(TWILIO_TOKEN_MANAGER) private readonly manager: TokenManager,
    @Inject(TWILIO_OAUTH_MODULE_OPTIONS) options: TwilioOAuthModuleOptions,
    @Optional() @Inject(TWILIO_CLIENT_FACTORY) clientFactory?: ClientFactory,
  ) {
    this.ownsManager = !isSharedManagerOptions(options);
    this.handle = createTokenHandle(
      () => manager,
      toHttpException,
      clientsPerManager(clientFactory ?? options.client, toHttpException),
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
   * Closes the manager the module created. Called by Nest on `app.close()` (and on a signal when
   * `enableShutdownHooks()` is on), after the HTTP server has stopped taking requests.
   */
  async onApplicationShutdown(): Promise<void> {
    if (this.ownsManager) await this.manager.close();
  }
}
