import type { AccessToken, GetTokenOptions, TokenManager } from '@twilio-oauth/core';
import { toHttpException } from './errors';
import type { TwilioHandle } from './types';

/**
 * The `c.var.twilio` of one request. Nothing happens until a method is called:
 * only then is the manager looked up (which, for per-request options, calls the
 * options factory), so routes that never use Twilio cost no token request.
 *
 * Methods are arrow properties so they keep working when detached
 * (`const { fetch } = c.var.twilio`).
 */
export class RequestTokenHandle implements TwilioHandle {
  #manager: TokenManager | undefined;
  readonly #resolveManager: () => TokenManager;

  constructor(resolveManager: () => TokenManager) {
    this.#resolveManager = resolveManager;
  }

  readonly getToken = (options?: GetTokenOptions): Promise<AccessToken> =>
    this.#call((manager) => manager.getToken(options));

  readonly getAuthorizationHeader = (): Promise<string> =>
    this.#call((manager) => manager.getAuthorizationHeader());

  readonly fetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> =>
    this.#call((manager) => manager.fetch(input, init));

  async #call<T>(use: (manager: TokenManager) => Promise<T>): Promise<T> {
    try {
      this.#manager ??= this.#resolveManager();
      return await use(this.#manager);
    } catch (error) {
      throw toHttpException(error);
    }
  }
}
