import type { OnApplicationShutdown } from '@nestjs/common';
import {
  type AccessToken,
  type GetTokenOptions,
  InvalidOptionsError,
  type TokenHandle,
} from '@twilio-oauth/core';
import type { AdapterKernel, SdkClient, TwilioOAuthHandle } from '@twilio-oauth/core/adapter';

/** What `fetch` accepts first (`RequestInfo | URL`, as core declares it). */
type FetchInput = Parameters<TokenHandle['fetch']>[0];

/**
 * The Twilio OAuth tokens of a module instance with one credential (manager options or
 * `{ manager }`): the {@link TwilioOAuthHandle} of its manager, injected by class type
 * (`@InjectTwilioOAuth(name)` for a named instance). Token failures reject with
 * `BadGatewayException` (502) or `ServiceUnavailableException` (503), the core error as `cause`,
 * and are logged through Nest's `Logger` (context `TwilioOAuth`) once per change of state.
 * On `app.close()`, after the HTTP server stopped, the manager the module built is closed.
 *
 * @example
 * ```ts
 * @Controller('messages')
 * class MessagesController {
 *   constructor(private readonly twilio: TwilioOAuthService) {}
 *   @Get()
 *   async list() {
 *     return (await this.twilio.fetch(messagesUrl)).json();
 *   }
 * }
 * ```
 */
export class TwilioOAuthService implements TokenHandle, OnApplicationShutdown {
  readonly #kernel: AdapterKernel<unknown>;
  readonly #handle: TwilioOAuthHandle;

  /**
   * Made by the module (a factory provider), never by Nest's injector.
   *
   * @throws {InvalidOptionsError} `forRequest` for a kernel of per-request credentials.
   */
  constructor(kernel: AdapterKernel<unknown>) {
    if (!kernel.handle)
      throw new InvalidOptionsError('forRequest', 'is served by TwilioOAuthTenants');
    this.#kernel = kernel;
    this.#handle = kernel.handle;
  }

  /** See {@link TwilioOAuthHandle.client}; needs the module's `sdkClient`. */
  get client(): SdkClient {
    return this.#handle.client;
  }

  /** A valid access token: the cached one while fresh, else one request shared by all callers. */
  getToken(options?: GetTokenOptions): Promise<AccessToken> {
    return this.#handle.getToken(options);
  }

  /** `"Bearer <token>"`, for clients that set headers themselves. */
  getAuthorizationHeader(): Promise<string> {
    return this.#handle.getAuthorizationHeader();
  }

  /**
   * `fetch` with the bearer added for `allowedHosts` only; a 401 renews the token and retries
   * once. A host outside `allowedHosts` rejects with core's `HostNotAllowedError` (a 500).
   */
  fetch(input: FetchInput, init?: RequestInit): Promise<Response> {
    return this.#handle.fetch(input, init);
  }

  /** Closes the manager the module built (a shared `{ manager }` stays open). Called by Nest. */
  onApplicationShutdown(): Promise<void> {
    return this.#kernel.close();
  }
}
