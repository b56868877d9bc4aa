// Injection tokens: registered Symbols (`Symbol.for`), so the ESM and CJS builds agree on them.

/** A token of this package, one per instance `name` (none for the default instance). */
export const instanceToken = (what: string, name?: string): symbol =>
  Symbol.for(`@twilio-oauth/nestjs:${what}${name === undefined ? '' : `:${name}`}`);

/**
 * The default instance's options: those given to `forRoot()`; for `forRootAsync()`, a marker that
 * makes the service ask the factory. A test overrides it with options (the mock's
 * `clientOptions()`, say) to point the module elsewhere without running the factory.
 */
export const TWILIO_OAUTH_MODULE_OPTIONS: unique symbol = Symbol.for(
  '@twilio-oauth/nestjs:module-options',
);

/** The default instance's `TokenManager`; prefer `@InjectTwilioTokenManager()`. */
export const TWILIO_TOKEN_MANAGER: unique symbol = Symbol.for('@twilio-oauth/nestjs:token-manager');

/** The default instance's twilio SDK client (with `sdkClient`); prefer `@InjectTwilioClient()`. */
export const TWILIO_CLIENT: unique symbol = Symbol.for('@twilio-oauth/nestjs:twilio-client');
