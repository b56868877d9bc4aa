import { adapterKernel, type RequestScope } from '@twilio-oauth/core/adapter';
import type { Context, Env, MiddlewareHandler } from 'hono';
import { toHttpException } from './errors';
import type {
  TwilioOAuthConfig,
  TwilioOAuthEnv,
  TwilioOAuthMiddleware,
  TwilioOAuthMiddlewareOptions,
} from './types';

/**
 * Hono middleware (Node, Workers, Bun, Deno) that sets a lazy {@link TwilioOAuthHandle} on
 * `c.var.twilio`: a route that never calls it costs no token request. Token failures reject
 * with an `HTTPException` (502 or 503) that Hono's default error handler answers. On Workers,
 * work the manager still has in flight after the response (a background refresh, a store
 * write) is handed to `c.executionCtx.waitUntil`.
 *
 * @param config - `TokenManagerOptions` (one manager, built now), `{ manager }` (yours, never
 *   closed here) or `(c) => options` (one pooled manager per credential and secret).
 * @param options - where the handle goes (`as`), `logger`, `sdkClient`: see
 *   {@link TwilioOAuthMiddlewareOptions}.
 * @throws {InvalidOptionsError} at creation, naming the option (never its value).
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
export function twilioOAuth<E extends Env = Env, Key extends string = 'twilio'>(
  config: TwilioOAuthConfig<E>,
  options?: TwilioOAuthMiddlewareOptions<Key>,
): TwilioOAuthMiddleware<E & TwilioOAuthEnv<Key>>;
// Env-agnostic inside: Hono's Context is invariant in Env.
export function twilioOAuth(
  config: TwilioOAuthConfig,
  options: TwilioOAuthMiddlewareOptions<string> = {},
): TwilioOAuthMiddleware {
  const { as = 'twilio', logger, sdkClient } = options;
  const kernel = adapterKernel<Context>(config, {
    toHttpError: toHttpException,
    logger,
    sdkClient,
  });
  const middleware: MiddlewareHandler = async (c, next) => {
    const scope = kernel.scope(c);
    c.set(as, scope.handle);
    try {
      await next();
    } finally {
      keepPendingWorkAlive(c, scope);
    }
  };
  return Object.assign(middleware, { close: kernel.close });
}

// `c.executionCtx` is read only when there is work: its getter throws (an Error and its stack)
// where the runtime passed none (Node, Bun, Deno).
function keepPendingWorkAlive(c: Context, scope: RequestScope): void {
  const work = scope.pending();
  if (!work) return;
  let executionCtx: Context['executionCtx'];
  try {
    executionCtx = c.executionCtx;
  } catch {
    return;
  }
  if (typeof executionCtx.waitUntil === 'function') executionCtx.waitUntil(work);
}
