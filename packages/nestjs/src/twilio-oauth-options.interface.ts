import type { ConfigurableModuleAsyncOptions } from '@nestjs/common';
import type { TokenManagerOptions } from '@twilio-oauth/core';
import type { ClientFactory, SharedManagerOptions } from '@twilio-oauth/core/adapter';

/**
 * A `TokenManager` created elsewhere and shared with this module (e.g. with the Express or Hono
 * adapter in the same process), with no credentials beside it. Whoever created it owns it: the
 * module does not close it.
 */
export type TwilioOAuthSharedManagerOptions = SharedManagerOptions & {
  [K in keyof TokenManagerOptions]?: never;
};

/**
 * The part of an HTTP request that both Nest platforms' request objects have (Express's
 * `Request`, Fastify's `FastifyRequest`), which {@link TwilioOAuthPerRequestOptions.forRequest}
 * and `TwilioOAuthService.forRequest()` take. Annotate the parameter with your platform's
 * request type to read more of it (`req.user`, `req.params`).
 */
export interface TwilioOAuthRequest {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/**
 * Per-tenant credentials: `forRequest` computes the manager options of a request (e.g. from a
 * header or the authenticated user), called once per `twilio.forRequest(req)` handle, on its
 * first use. Managers are shared per credential and secret in one pool of the module
 * (`TokenManagerPool`: another secret never gets this one's manager), all closed on application
 * shutdown. Return stable values (no new `fetch` or `store` per call): a changed setting with the
 * same secret replaces its manager.
 *
 * @example
 * ```ts
 * const options: TwilioOAuthPerRequestOptions = {
 *   forRequest: (req) => tenants.credentialsFor(String(req.headers['x-tenant'])),
 * };
 * ```
 */
export type TwilioOAuthPerRequestOptions = {
  // A method, so that a parameter annotated with the platform's request type is accepted.
  forRequest(request: TwilioOAuthRequest): TokenManagerOptions;
} & { [K in keyof TokenManagerOptions | 'manager']?: never };

/**
 * What `TwilioOAuthModule.forRoot()` takes, or what a `forRootAsync()` factory returns:
 * either core's `TokenManagerOptions` for a `TokenManager` that the module creates at bootstrap
 * and closes on application shutdown (`clientId` and `clientSecret` required; see
 * `@twilio-oauth/core` for every default), `{ manager }` to share an existing one, or
 * `{ forRequest }` for credentials chosen per request ({@link TwilioOAuthPerRequestOptions}).
 *
 * @example
 * ```ts
 * const options: TwilioOAuthModuleOptions = {
 *   clientId: process.env.TWILIO_CLIENT_ID!,
 *   clientSecret: process.env.TWILIO_CLIENT_SECRET!,
 * };
 * ```
 */
export type TwilioOAuthModuleOptions = (
  | (TokenManagerOptions & { manager?: never; forRequest?: never })
  | (TwilioOAuthSharedManagerOptions & { forRequest?: never })
  | TwilioOAuthPerRequestOptions
) & {
  /**
   * `TwilioOAuthService.client`'s factory, when it depends on configuration (returned by
   * `forRootAsync`'s `useFactory`); the `client` extra does the same and also provides
   * `@InjectTwilioClient()`.
   */
  client?: ClientFactory;
};

/**
 * Module-level settings that sit beside the options in `forRoot()` / `forRootAsync()`.
 */
export interface TwilioOAuthModuleExtras {
  /**
   * Register the module globally, so `TwilioOAuthService` can be injected in every module without
   * importing `TwilioOAuthModule` there. Default `false`.
   */
  isGlobal?: boolean;
  /**
   * Builds `TwilioOAuthService.client` (and the `@InjectTwilioClient()` provider): the official
   * twilio SDK's client, once, e.g. `twilioClientFactory({ accountSid })` from
   * `@twilio-oauth/twilio` (with `twilio` installed). Without it, `client` throws.
   */
  client?: ClientFactory;
}

/**
 * Argument of `TwilioOAuthModule.forRoot()`: the module options plus `isGlobal`.
 */
export type TwilioOAuthModuleForRootOptions = TwilioOAuthModuleOptions & TwilioOAuthModuleExtras;

/**
 * A class that supplies the module options, for `forRootAsync({ useClass })` or
 * `forRootAsync({ useExisting })`.
 *
 * @example
 * ```ts
 * @Injectable()
 * class TwilioConfig implements TwilioOAuthOptionsFactory {
 *   constructor(private readonly config: ConfigService) {}
 *   createTwilioOAuthOptions() {
 *     return {
 *       clientId: this.config.getOrThrow('TWILIO_CLIENT_ID'),
 *       clientSecret: this.config.getOrThrow('TWILIO_CLIENT_SECRET'),
 *     };
 *   }
 * }
 * ```
 */
export interface TwilioOAuthOptionsFactory {
  createTwilioOAuthOptions(): TwilioOAuthModuleOptions | Promise<TwilioOAuthModuleOptions>;
}

/**
 * Argument of `TwilioOAuthModule.forRootAsync()`: `imports`, and one of `useFactory` (with
 * `inject`), `useClass` or `useExisting`; plus `isGlobal`.
 */
export interface TwilioOAuthModuleAsyncOptions
  extends ConfigurableModuleAsyncOptions<TwilioOAuthModuleOptions, 'createTwilioOAuthOptions'>,
    TwilioOAuthModuleExtras {}
