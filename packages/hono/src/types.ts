import type {
  AdapterConfig,
  ClientFactory,
  ClientTokenHandle,
  FailureLoggerOption,
  OptionsFactory,
  SharedManagerOptions,
} from '@twilio-oauth/core/adapter';
import type { Context, Env, MiddlewareHandler } from 'hono';

/**
 * What `c.var.twilio` holds: `getToken()`, `getAuthorizationHeader()` and an
 * authenticated `fetch()`. The methods are bound, so `c.var.twilio.fetch` can be
 * handed to code that expects a plain `fetch`.
 *
 * A token failure rejects with Hono's `HTTPException`: status 502 when Twilio
 * rejected the credentials or answered something invalid, 503 when the token
 * service is unavailable (timeout, network error, 5xx, 429). Its message is safe to
 * send to a client; the core `TokenRequestError` is its `cause`.
 */
export type TwilioHandle = ClientTokenHandle;

/**
 * The context variables the middleware sets.
 *
 * @example
 * ```ts
 * type AppEnv = { Bindings: CloudflareBindings; Variables: TwilioOAuthVariables };
 * ```
 */
export interface TwilioOAuthVariables {
  /** The lazy token handle of the current request. */
  twilio: TwilioHandle;
}

/**
 * The Hono `Env` fragment contributed by the middleware. Chained apps
 * (`new Hono().use(twilioOAuth(...)).get(...)`) infer it; otherwise declare it
 * on the app so that `c.var.twilio` is typed in every route.
 *
 * @example
 * ```ts
 * const app = new Hono<TwilioOAuthEnv>();
 * app.use(twilioOAuth({ clientId, clientSecret }));
 * app.get('/token', async (c) => c.json((await c.var.twilio.getToken()).expiresAt));
 * ```
 */
export interface TwilioOAuthEnv {
  Variables: TwilioOAuthVariables;
}

/**
 * Shares a `TokenManager` you created (and close) yourself, e.g. one that uses a
 * Redis store or is also used outside HTTP requests. The middleware never closes it.
 */
export type TwilioOAuthSharedManagerOptions = SharedManagerOptions;

/**
 * Computes the manager options for a request, typically from Workers bindings in
 * `c.env`. Called at most once per request, and only when the request uses
 * `c.var.twilio`. Managers are shared per credential and secret across the requests
 * of this middleware (`TokenManagerPool`: another secret never gets this one's
 * manager). A changed setting with the same secret replaces the shared manager; so
 * does a new `store` object, so return the same store each time. Each middleware has its own pool: two apps never
 * replace each other's managers. Functions (`fetch`, `now`, `onEvent`) are taken from
 * the call that created the manager.
 *
 * @example
 * ```ts
 * twilioOAuth<{ Bindings: Env }>((c) => ({
 *   clientId: c.env.TWILIO_CLIENT_ID,
 *   clientSecret: c.env.TWILIO_CLIENT_SECRET,
 * }));
 * ```
 */
export type TwilioOAuthOptionsFactory<E extends Env = Env> = OptionsFactory<Context<E>>;

/** Everything {@link twilioOAuth} accepts. */
export type TwilioOAuthConfig<E extends Env = Env> = AdapterConfig<Context<E>>;

/** The middleware returned by {@link twilioOAuth}: a Hono middleware with a `close()`. */
export type TwilioOAuthMiddleware<E extends Env = Env> = MiddlewareHandler<E> & {
  /**
   * Closes what the middleware created: the manager built from static options, or
   * every manager of the function form. A manager passed as `{ manager }` is left
   * open (it is yours). Later `c.var.twilio` calls reject.
   */
  close(): Promise<void>;
};

/**
 * Settings of the middleware itself, beside the manager options: `twilioOAuth(config, { logger })`.
 */
export interface TwilioOAuthMiddlewareOptions {
  /**
   * Where token failures are reported, once per change of state per credential: a `warn`
   * line when its credentials are rejected (requests answer 502) or the token service is
   * unavailable (503), an `info` line when it gets a token again. Lines name the credential
   * key (token URL + client id) and the error codes, never a secret or token. Any object
   * with `warn(message)` and `info(message)` fits (pino, winston); `false` turns it off.
   *
   * @defaultValue `console` (`console.warn` / `console.info`; Workers show them in their logs)
   */
  logger?: FailureLoggerOption;
  /**
   * Builds `c.var.twilio.client`, once per manager: `twilioClientFactory({ accountSid })` from
   * `@twilio-oauth/twilio` (Node and Bun, with `twilio` installed). Without it,
   * `c.var.twilio.client` throws; nothing of the SDK is imported by this package.
   */
  readonly client?: ClientFactory;
}
