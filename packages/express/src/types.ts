import type {
  AdapterConfig,
  ClientFactory,
  ClientTokenHandle,
  FailureLoggerOption,
  OptionsFactory,
  SharedManagerOptions,
} from '@twilio-oauth/core/adapter';
import type { Request, RequestHandler } from 'express';

declare global {
  // Declaration merging is how Express types additions to `req`: importing this
  // package is enough to make `req.twilio` typed in every handler.
  namespace Express {
    interface Request {
      /**
       * Twilio OAuth tokens for this request, set by `twilioOAuth()`: `getToken()`,
       * `getAuthorizationHeader()` and an authenticated `fetch()`. Lazy: nothing is
       * requested until a method is called. Token failures reject with a
       * `TwilioOAuthHttpError` (status 502 or 503). `client`: the official twilio SDK's
       * client of this request's manager, with `twilioOAuth(config, { client })`.
       */
      twilio: ClientTokenHandle;
    }
  }
}

/**
 * Shares a `TokenManager` you created yourself, e.g. one backed by a Redis store
 * or also used outside HTTP requests. The middleware never closes it.
 */
export type TwilioOAuthSharedManagerOptions = SharedManagerOptions;

/**
 * Computes the manager options for a request, e.g. per-tenant credentials picked
 * from a header or the authenticated user. Called at most once per request, and
 * only when the request uses `req.twilio`. Managers are shared per credential and
 * secret across requests (`TokenManagerPool`: another secret never gets this one's
 * manager). Return stable values (no new `fetch` or `store` per call): other settings
 * with the same secret replace its manager.
 */
export type TwilioOAuthOptionsFactory = OptionsFactory<Request>;

/** Everything {@link twilioOAuth} accepts. */
export type TwilioOAuthConfig = AdapterConfig<Request>;

/** The middleware returned by {@link twilioOAuth}: an Express `RequestHandler` with a `close()`. */
export interface TwilioOAuthMiddleware extends RequestHandler {
  /**
   * Closes what the middleware created: the manager built from static options, or
   * every manager of the function form. A manager passed as `{ manager }` is left
   * open (it is yours). Later `req.twilio` calls reject.
   */
  close(): Promise<void>;
}

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
   * @defaultValue `console` (`console.warn` / `console.info`)
   */
  logger?: FailureLoggerOption;
  /**
   * Builds `req.twilio.client`, once per manager: `twilioClientFactory({ accountSid })` from
   * `@twilio-oauth/twilio` (with `twilio` installed). Without it, `req.twilio.client` throws.
   */
  readonly client?: ClientFactory;
}
