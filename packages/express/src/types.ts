import type {
  AdapterConfig,
  FailureLoggerOption,
  OptionsFactory,
  SdkClientFactory,
  SharedManagerOptions,
  TwilioOAuthHandle,
} from '@twilio-oauth/core/adapter';
import type { Request, RequestHandler } from 'express';

declare global {
  // Express types additions to `req` by declaration merging: importing this package is enough.
  namespace Express {
    interface Request {
      /** Set by `twilioOAuth()`; see {@link TwilioOAuthHandle}. */
      twilio: TwilioOAuthHandle;
    }
  }
}

/** `{ manager }`: a `TokenManager` you own and close, shared with the middleware. */
export type TwilioOAuthSharedManagerOptions = SharedManagerOptions;

/** `(req) => options`: per-tenant credentials, one pooled manager per credential and secret. */
export type TwilioOAuthOptionsFactory = OptionsFactory<Request>;

/** Everything {@link twilioOAuth} accepts: options, `{ manager }` or `(req) => options`. */
export type TwilioOAuthConfig = AdapterConfig<Request>;

/**
 * The properties of `req` typed as a {@link TwilioOAuthHandle}: `'twilio'`, and any you declare
 * for a second credential (see {@link TwilioOAuthMiddlewareOptions.as}).
 */
export type TwilioOAuthRequestKey = {
  // `0 extends 1 & T` holds for `any` only: `req.body` is no handle.
  [K in keyof Request]-?: 0 extends 1 & Request[K]
    ? never
    : Request[K] extends TwilioOAuthHandle
      ? K
      : never;
}[keyof Request];

/** The middleware returned by {@link twilioOAuth}: an Express `RequestHandler` with a `close()`. */
export interface TwilioOAuthMiddleware extends RequestHandler {
  /**
   * Closes the manager built from options, or every manager of `(req) => options`; a
   * `{ manager }` is yours and stays open. Later calls on the handle reject with 503.
   */
  close(): Promise<void>;
}

/** Settings of the middleware itself: `twilioOAuth(config, { as, logger, sdkClient })`. */
export interface TwilioOAuthMiddlewareOptions {
  /**
   * The property of `req` that holds the handle, so that two credentials (an organization app
   * beside an account app) live side by side. Declare it on Express's `Request` first:
   * `declare global { namespace Express { interface Request { twilioOrg: TwilioOAuthHandle } } }`.
   *
   * @defaultValue `'twilio'`
   */
  readonly as?: TwilioOAuthRequestKey;
  /**
   * Where token failures are logged, once per change of state per credential, never a secret
   * (see `FailureLogger`); `false` for none.
   *
   * @defaultValue `console`
   */
  readonly logger?: FailureLoggerOption;
  /**
   * Makes `req.twilio.client` the official twilio SDK's client, one per manager:
   * `twilioClientFactory({ accountSid })` from `@twilio-oauth/twilio`.
   */
  readonly sdkClient?: SdkClientFactory;
}
