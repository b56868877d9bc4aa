import type { ConfigurableModuleAsyncOptions } from '@nestjs/common';
import type { TokenManagerOptions } from '@twilio-oauth/core';
import type { SdkClientFactory, SharedManagerOptions } from '@twilio-oauth/core/adapter';

/** `{ manager }`: a `TokenManager` created (and closed) elsewhere, with no credentials beside it. */
export type TwilioOAuthSharedManagerOptions = SharedManagerOptions & {
  [K in keyof TokenManagerOptions]?: never;
};

/**
 * What both Nest platforms' request objects have (Express's `Request`, Fastify's
 * `FastifyRequest`); annotate `forRequest`'s parameter with yours to read more of it.
 */
export interface TwilioOAuthRequest {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/**
 * Per-request credentials, served by {@link TwilioOAuthTenants}: `forRequest(request)` returns
 * the manager options of a request, on the first use of its handle; managers are pooled per
 * credential and secret and closed on shutdown.
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

/** Manager options (a manager built at bootstrap, closed on shutdown) or `{ manager }`. */
export type TwilioOAuthStaticOptions =
  | (TokenManagerOptions & { manager?: never; forRequest?: never })
  | (TwilioOAuthSharedManagerOptions & { forRequest?: never });

/**
 * What `forRoot()` takes or a `forRootAsync()` factory returns: see
 * {@link TwilioOAuthStaticOptions} and {@link TwilioOAuthPerRequestOptions}.
 */
export type TwilioOAuthModuleOptions = (TwilioOAuthStaticOptions | TwilioOAuthPerRequestOptions) & {
  /** The SDK client factory, when it depends on configuration (from a `forRootAsync` factory). */
  sdkClient?: SdkClientFactory;
};

/** Settings of the registration itself, beside the options. */
export interface TwilioOAuthModuleExtras {
  /**
   * A named instance beside the default one (an organization app beside an account app),
   * injected with `@InjectTwilioOAuth(name)`, `@InjectTwilioClient(name)`,
   * `@InjectTwilioTokenManager(name)`. Each instance has its own manager.
   */
  name?: string;
  /** Registers the module globally. @defaultValue `false` */
  isGlobal?: boolean;
  /**
   * Makes `client` the official twilio SDK's client and provides it to `@InjectTwilioClient()`:
   * `twilioClientFactory({ accountSid })` from `@twilio-oauth/twilio`.
   */
  sdkClient?: SdkClientFactory;
}

/** Argument of `TwilioOAuthModule.forRoot()`. */
export type TwilioOAuthModuleForRootOptions = TwilioOAuthModuleOptions & TwilioOAuthModuleExtras;

/**
 * A class supplying the options, for `forRootAsync({ useClass })` or `({ useExisting })`.
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
 * `inject`), `useClass` or `useExisting`. `perRequest: true` says the options will be
 * `{ forRequest }`, so that {@link TwilioOAuthTenants} rather than `TwilioOAuthService` is provided.
 */
export interface TwilioOAuthModuleAsyncOptions
  extends ConfigurableModuleAsyncOptions<TwilioOAuthModuleOptions, 'createTwilioOAuthOptions'>,
    TwilioOAuthModuleExtras {
  /** @defaultValue `false` */
  perRequest?: boolean;
}
