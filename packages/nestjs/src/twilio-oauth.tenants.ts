import type { OnApplicationShutdown } from '@nestjs/common';
import type { AdapterKernel, TwilioOAuthHandle } from '@twilio-oauth/core/adapter';
import type { TwilioOAuthRequest } from './twilio-oauth-options.interface';

/**
 * The Twilio OAuth tokens of a module instance with per-request credentials
 * (`forRoot({ forRequest })`, or `forRootAsync({ perRequest: true, … })`), injected by class type
 * (`@InjectTwilioOAuth(name)` for a named instance). Providers stay singletons: pass the request
 * from the controller (`@Req()`). Every pooled manager is closed on `app.close()`.
 *
 * @example
 * ```ts
 * @Get('messages')
 * async list(@Req() req: Request) {
 *   return (await this.tenants.forRequest(req).fetch(messagesUrl)).json();
 * }
 * ```
 */
export class TwilioOAuthTenants implements OnApplicationShutdown {
  readonly #kernel: AdapterKernel<TwilioOAuthRequest>;

  /** Made by the module (a factory provider), never by Nest's injector. */
  constructor(kernel: AdapterKernel<TwilioOAuthRequest>) {
    this.#kernel = kernel;
  }

  /**
   * The handle of one request, errors mapped as {@link TwilioOAuthService}'s; `forRequest(request)`
   * runs on its first use, once.
   */
  forRequest(request: TwilioOAuthRequest): TwilioOAuthHandle {
    return this.#kernel.scope(request).handle;
  }

  /** Closes every pooled manager. Called by Nest. */
  onApplicationShutdown(): Promise<void> {
    return this.#kernel.close();
  }
}
