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
 * What `TwilioOAuthModule.forRoot()` takes, or what a `forRootAsync()` factory returns:
 * either core's `TokenManagerOptions` for a `TokenManager` that the module creates at bootstrap
 * and closes on application shutdown (`clientId` and `clientSecret` required; see
 * `@twilio-oauth/core` for every default), or `{ manager }` to share an existing one.
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
  | (TokenManagerOptions & { manager?: never })
  | TwilioOAuthSharedManagerOptions
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
