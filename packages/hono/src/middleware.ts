import type { TokenHandle } from '@twilio-oauth/core';
import {
  createTokenHandle,
  managerSource,
  middlewareExtras,
  pendingWork,
} from '@twilio-oauth/core/adapter';
import type { Context, Env, MiddlewareHandler } from 'hono';
import { toHttpException } from './errors';
import type {
  TwilioOAuthConfig,
  TwilioOAuthEnv,
  TwilioOAuthMiddleware,
  TwilioOAuthMiddlewareOptions,
} from './types';

/**
 * Hono middleware that sets `c.var.twilio`, a lazy handle with `getToken()`,
 * `getAuthorizationHeader()` and an authenticated `fetch()`. A request that never
 * calls it costs no token request.
 *
 * Accepts one of:
 * - `TokenManagerOptions` (`clientId`, `clientSecret`, `tokenUrl`, `allowedHosts`, …):
 *   one manager, created and validated now, behind one handle shared by every request;
 * - `(c) => TokenManagerOptions`: options per request, e.g. from Workers bindings in
 *   `c.env`; called lazily, managers shared per credential and secret in a bounded pool
 *   of this middleware (see `TokenManagerPool`), so an isolate reuses one token across
 *   requests;
 * - `{ manager }`: a `TokenManager` you own (and close).
 *
 * Token failures reject with `HTTPException` 502 (credentials rejected, invalid
 * response) or 503 (token service unavailable), with a message free of secrets and
 * the core error as `cause`; Hono's default error handler answers with that status.
 * Where the runtime provides `c.executionCtx.waitUntil` (Cloudflare Workers), work the
 * manager still has in flight when the response goes out (a background refresh, a
 * store write, an exchange this request joined) is kept alive with it.
 *
 * `options.logger` gets one line when a credential starts failing (rejected → 502,
 * unavailable → 503) and one when it recovers, not one per request; default `console`,
 * `false` for none (see {@link TwilioOAuthMiddlewareOptions}).
 *
 * @throws {InvalidOptionsError} at creation, when static options are invalid (the
 *   message names the option and never echoes the secret), when `manager` is not a
 *   `TokenManager`, or when `logger` has no `warn()` and `info()`.
 * @example
 * ```ts
 * const app = new Hono().use(
 *   twilioOAuth({ clientId: process.env.TWILIO_CLIENT_ID!, clientSecret: process.env.TWILIO_CLIENT_SECRET! }),
 * );
 * app.get('/messages', async (c) =>
 *   c.json(await (await c.var.twilio.fetch(`https://api.twilio.com/2010-04-01/Accounts/${sid}/Messages.json`)).json()),
 * );
 * ```
 */
export function twilioOAuth<E extends Env = Env>(
  config: TwilioOAuthConfig<E>,
  options?: TwilioOAuthMiddlewareOptions,
): TwilioOAuthMiddleware<E & TwilioOAuthEnv>;
// The public signature carries the app's Env for typed `c.env` and `c.var.twilio`;
// the implementation is Env-agnostic, since Hono's Context is invariant in Env.
export function twilioOAuth(
  config: TwilioOAuthConfig,
  options: TwilioOAuthMiddlewareOptions = {},
): TwilioOAuthMiddleware {
  // Made once: the handles below share one failure log and one SDK client per manager.
  const handleOptions = middlewareExtras(options, toHttpException);
  const source = managerSource<Context>(config);
  const { manager } = source;
  // Options and { manager }: one handle for every request, nothing allocated per request.
  const shared = manager && createTokenHandle(() => manager, toHttpException, handleOptions);
  const middleware: MiddlewareHandler = async (c, next) => {
    const handle =
      shared ?? createTokenHandle(() => source.managerFor(c), toHttpException, handleOptions);
    c.set('twilio', handle);
    try {
      await next();
    } finally {
      keepPendingWorkAlive(c, handle);
    }
  };
  return Object.assign(middleware, { close: source.close });
}

/**
 * Hands the manager's work in flight to `waitUntil`, so that Workers do not cancel it
 * with the request. Asked of the manager first, without an exception: only then is
 * `c.executionCtx` read, whose getter throws (at the cost of an `Error` and its stack)
 * where the runtime passed none (Node, Bun, Deno).
 */
function keepPendingWorkAlive(c: Context, handle: TokenHandle): void {
  const work = pendingWork(handle);
  if (!work) return;
  let executionCtx: Context['executionCtx'];
  try {
    executionCtx = c.executionCtx;
  } catch {
    return;
  }
  // The work never rejects: it only tells the runtime how long to keep the isolate.
  if (typeof executionCtx.waitUntil === 'function') executionCtx.waitUntil(work);
}
