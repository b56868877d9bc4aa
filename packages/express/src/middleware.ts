import { createTokenHandle, managerSource, middlewareExtras } from '@twilio-oauth/core/adapter';
import type { Request, RequestHandler } from 'express';
import { toHttpError } from './errors';
import type {
  TwilioOAuthConfig,
  TwilioOAuthMiddleware,
  TwilioOAuthMiddlewareOptions,
} from './types';

/**
 * Express middleware that puts `req.twilio` on every request: `getToken()`,
 * `getAuthorizationHeader()` and `fetch()` (the bearer added for `allowedHosts`,
 * one retry with a new token on 401). Lazy: a request that never calls them
 * costs no token request. Works on Express 4 and 5.
 *
 * `config` is one of:
 * - the `TokenManager` options of `@twilio-oauth/core` (one manager, built now);
 * - `{ manager }`, a `TokenManager` you own and close;
 * - `(req) => options`, per-tenant credentials: one manager per credential and secret,
 *   reused across requests (see `TokenManagerPool`).
 *
 * Token failures reject with a {@link TwilioOAuthHttpError}: status 502 when the
 * credentials are rejected, 503 when the token service is unavailable, with a
 * message that never holds a secret or token. Express 5 passes a rejected async
 * handler to `next(err)` itself; on Express 4 call `next(err)` yourself.
 *
 * `options.logger` gets one line when a credential starts failing (rejected → 502,
 * unavailable → 503) and one when it recovers, not one per request; default `console`,
 * `false` for none (see {@link TwilioOAuthMiddlewareOptions}).
 *
 * @throws {InvalidOptionsError} (from the core) when `config` is neither options, `{ manager }`
 *   nor a function, a static option is invalid, or `logger` has no `warn()` and `info()`; the
 *   message names the option, never a secret.
 * `options.client` (e.g. `twilioClientFactory({ accountSid })` of `@twilio-oauth/twilio`) makes
 * `req.twilio.client` the official twilio SDK's client, one per manager.
 *
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
  // Made once: the handles below share one failure log and one SDK client per manager.
  const handleOptions = middlewareExtras(options, toHttpError);
  const source = managerSource<Request>(config);
  const { manager } = source;
  let handler: RequestHandler;
  if (manager) {
    // Nothing per request to remember: every request shares one handle.
    const handle = createTokenHandle(() => manager, toHttpError, handleOptions);
    handler = (req, _res, next) => {
      req.twilio = handle;
      next();
    };
  } else {
    // The options function runs on first use only, once per request.
    handler = (req, _res, next) => {
      req.twilio = createTokenHandle(() => source.managerFor(req), toHttpError, handleOptions);
      next();
    };
  }
  return Object.assign(handler, { close: source.close });
}
