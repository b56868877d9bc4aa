import { InvalidOptionsError, type TokenHandle, TokenManager } from '@twilio-oauth/core';
import { TokenManagerPool } from '@twilio-oauth/core/pool';
import type { RequestHandler } from 'express';
import { toHttpError } from './errors';
import type { TwilioOAuthConfig, TwilioOAuthMiddleware } from './types';

/**
 * Express middleware that puts `req.twilio` on every request: `getToken()`,
 * `getAuthorizationHeader()` and `fetch()` (the bearer added for `allowedHosts`,
 * one retry with a new token on 401). Lazy: a request that never calls them
 * costs no token request. Works on Express 4 and 5.
 *
 * `config` is one of:
 * - the `TokenManager` options of `@twilio-oauth/core` (one manager, built now);
 * - `{ manager }`, a `TokenManager` you own and close;
 * - `(req) => options`, per-tenant credentials: one manager per credential key,
 *   reused across requests, at most 100 (least recently used are dropped).
 *
 * Token failures reject with a {@link TwilioOAuthHttpError}: status 502 when the
 * credentials are rejected, 503 when the token service is unavailable, with a
 * message that never holds a secret or token. Express 5 passes a rejected async
 * handler to `next(err)` itself; on Express 4 call `next(err)` yourself.
 *
 * @throws {InvalidOptionsError} (from the core) when `config` is neither options, `{ manager }`
 *   nor a function, or a static option is invalid; the message names the option, never a secret.
 * @example
 * app.use(twilioOAuth({ clientId: env.TWILIO_CLIENT_ID, clientSecret: env.TWILIO_CLIENT_SECRET }));
 * app.get('/messages', async (req, res) => {
 *   const upstream = await req.twilio.fetch(`https://api.twilio.com/2010-04-01/Accounts/${sid}/Messages.json`);
 *   res.status(upstream.status).json(await upstream.json());
 * });
 */
export function twilioOAuth(config: TwilioOAuthConfig): TwilioOAuthMiddleware {
  if (typeof config === 'function') {
    const pool = new TokenManagerPool();
    // The options function runs on first use only, once per request.
    return withClose(
      (req, _res, next) => {
        let manager: TokenManager | undefined;
        req.twilio = createHandle(() => {
          manager ??= pool.get(config(req));
          return manager;
        });
        next();
      },
      () => pool.close(),
    );
  }
  if (typeof config !== 'object' || config === null) {
    throw new InvalidOptionsError(
      'options',
      'must be TokenManager options, { manager } or a function',
    );
  }
  const owned = !('manager' in config);
  const manager = 'manager' in config ? sharedManager(config) : new TokenManager(config);
  // Nothing per request to remember: every request shares one handle.
  const handle = createHandle(() => manager);
  return withClose(
    (req, _res, next) => {
      req.twilio = handle;
      next();
    },
    () => (owned ? manager.close() : Promise.resolve()),
  );
}

function sharedManager(config: { manager?: unknown }): TokenManager {
  const { manager } = config;
  if (Object.keys(config).length !== 1) {
    throw new InvalidOptionsError('manager', 'cannot be combined with TokenManager options');
  }
  // Duck-typed so that a manager from the other module format (ESM/CJS) is accepted.
  const candidate = manager as Partial<TokenManager> | null | undefined;
  if (typeof candidate?.getToken !== 'function' || typeof candidate.fetch !== 'function') {
    throw new InvalidOptionsError('manager', 'must be a TokenManager');
  }
  return manager as TokenManager;
}

// Arrow members so that `const { fetch } = req.twilio` keeps working.
function createHandle(resolve: () => TokenManager): TokenHandle {
  const call = async <T>(use: (manager: TokenManager) => Promise<T>): Promise<T> => {
    try {
      return await use(resolve());
    } catch (error) {
      throw toHttpError(error);
    }
  };
  return {
    getToken: (options) => call((m) => m.getToken(options)),
    getAuthorizationHeader: () => call((m) => m.getAuthorizationHeader()),
    fetch: (input, init) => call((m) => m.fetch(input, init)),
  };
}

function withClose(handler: RequestHandler, close: () => Promise<void>): TwilioOAuthMiddleware {
  return Object.assign(handler, { close });
}
