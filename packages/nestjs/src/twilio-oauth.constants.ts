/**
 * Injection token of the options object given to `TwilioOAuthModule.forRoot()` or returned by
 * the `forRootAsync()` factory. A `Symbol`, so it cannot clash with another module's string token;
 * a registered one (`Symbol.for`), so the ESM and CJS builds of this package agree on it.
 *
 * @example
 * ```ts
 * constructor(@Inject(TWILIO_OAUTH_MODULE_OPTIONS) options: TwilioOAuthModuleOptions) {}
 * ```
 */
export const TWILIO_OAUTH_MODULE_OPTIONS: unique symbol = Symbol.for(
  '@twilio-oauth/nestjs:module-options',
);

/**
 * Injection token of the module's `TokenManager` from `@twilio-oauth/core`. Prefer the
 * {@link InjectTwilioTokenManager} decorator, which reads better at the injection site.
 *
 * @example
 * ```ts
 * constructor(@Inject(TWILIO_TOKEN_MANAGER) manager: TokenManager) {}
 * ```
 */
export const TWILIO_TOKEN_MANAGER: unique symbol = Symbol.for('@twilio-oauth/nestjs:token-manager');

/** Injection token of the client factory given as `client` (internal to the module). */
export const TWILIO_CLIENT_FACTORY: unique symbol = Symbol.for(
  '@twilio-oauth/nestjs:client-factory',
);

/**
 * Injection token of the official twilio SDK's client (`TwilioOAuthService.client`), provided
 * when the module has a `client` factory. Prefer {@link InjectTwilioClient}.
 */
export const TWILIO_CLIENT: unique symbol = Symbol.for('@twilio-oauth/nestjs:twilio-client');
