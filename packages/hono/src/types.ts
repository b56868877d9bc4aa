import type {
  AdapterConfig,
  FailureLoggerOption,
  OptionsFactory,
  SdkClientFactory,
  SharedManagerOptions,
  TwilioOAuthHandle,
} from '@twilio-oauth/core/adapter';
import type { Context, Env, MiddlewareHandler } from 'hono';

/** The context variable the middleware sets: `c.var.twilio`, or `c.var[as]`. */
export type TwilioOAuthVariables<Key extends string = 'twilio'> = {
  [K in Key]: TwilioOAuthHandle;
};

/**
 * The `Env` the middleware adds: chained apps (`new Hono().use(twilioOAuth(...))`) infer it;
 * otherwise declare it on the app, `new Hono<TwilioOAuthEnv>()`.
 */
export interface TwilioOAuthEnv<Key extends string = 'twilio'> {
  Variables: TwilioOAuthVariables<Key>;
}

/** `{ manager }`: a `TokenManager` you own and close, shared with the middleware. */
export type TwilioOAuthSharedManagerOptions = SharedManagerOptions;

/**
 * `(c) => options`, typically from Workers bindings in `c.env`: one pooled manager per
 * credential and secret, so an isolate reuses one token across requests.
 */
export type TwilioOAuthOptionsFactory<E extends Env = Env> = OptionsFactory<Context<E>>;

/** Everything {@link twilioOAuth} accepts: options, `{ manager }` or `(c) => options`. */
export type TwilioOAuthConfig<E extends Env = Env> = AdapterConfig<Context<E>>;

/** The middleware returned by {@link twilioOAuth}: a Hono middleware with a `close()`. */
export type TwilioOAuthMiddleware<E extends Env = Env> = MiddlewareHandler<E> & {
  /**
   * Closes the manager built from options, or every manager of `(c) => options`; a
   * `{ manager }` is yours and stays open. Later calls on the handle reject with 503.
   */
  close(): Promise<void>;
};

/** Settings of the middleware itself: `twilioOAuth(config, { as, logger, sdkClient })`. */
export interface TwilioOAuthMiddlewareOptions<Key extends string = 'twilio'> {
  /**
   * The context variable that holds the handle, so that two credentials (an organization app
   * beside an account app) live side by side; typed through the middleware's `Env`.
   *
   * @defaultValue `'twilio'`
   */
  readonly as?: Key;
  /**
   * Where token failures are logged, once per change of state per credential, never a secret
   * (see `FailureLogger`); `false` for none.
   *
   * @defaultValue `console` (Workers show it in their logs)
   */
  readonly logger?: FailureLoggerOption;
  /**
   * Makes `c.var.twilio.client` the official twilio SDK's client, one per manager:
   * `twilioClientFactory({ accountSid })` from `@twilio-oauth/twilio` (Node and Bun).
   */
  readonly sdkClient?: SdkClientFactory;
}
