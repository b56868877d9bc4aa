import { adapterKernel } from '@twilio-oauth/core/adapter';
import type { Request, RequestHandler } from 'express';
import { TwilioOAuthHttpError } from './errors';
import type {
  TwilioOAuthConfig,
  TwilioOAuthMiddleware,
  TwilioOAuthMiddlewareOptions,
} from './types';

/**
 * Express middleware (4 and 5) that puts a lazy {@link TwilioOAuthHandle} on `req.twilio`: a
 * route that never calls it costs no token request. Token failures reject with a
 * {@link TwilioOAuthHttpError} (502 or 503): Express 5 hands a rejected async handler to
 * `next(err)` itself, on Express 4 call `next(err)` yourself.
 *
 * @param config - `TokenManagerOptions` (one manager, built now), `{ manager }` (yours, never
 *   closed here) or `(req) => options` (one pooled manager per credential and secret).
 * @param options - where the handle goes (`as`), `logger`, `sdkClient`: see
 *   {@link TwilioOAuthMiddlewareOptions}.
 * @throws {InvalidOptionsError} at creation, naming the option (never its value).
 * @example
 * app.use(twilioOAuth({ clientId: env.TWILIO_CLIENT_ID, clientSecret: env.TWILIO_CLIENT_SECRET }));
 * app.get('/messages', async (req, res) => {
 *   const upstream = await req.twilio.fetch(`https://api.twilio.com/2010-04-01/Accounts/${sid}/Messages.json`);
 *   res.status(upstream.status).json(await upstream.json());
 * });
 */
export function twilioOAuth(
  config: TwilioOAuthConfig,
  options: TwilioOAuthMiddlewareOptions = {},
): TwilioOAuthMiddleware {
  const { as = 'twilio', logger, sdkClient } = options;
  const kernel = adapterKernel<Request>(config, {
    toHttpError: (failure) => new TwilioOAuthHttpError(failure),
    logger,
    sdkClient,
  });
  const handler: RequestHandler = (req, _res, next) => {
    req[as] = kernel.scope(req).handle;
    next();
  };
  return Object.assign(handler, { close: kernel.close });
}
