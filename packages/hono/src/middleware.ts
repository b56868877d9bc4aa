import { InvalidOptionsError, TokenManager, type TokenManagerOptions } from '@twilio-oauth/core';
import { TokenManagerPool } from '@twilio-oauth/core/pool';
import type { Context, Env, MiddlewareHandler } from 'hono';
import { RequestTokenHandle } from './handle';
import type { TwilioOAuthConfig, TwilioOAuthEnv, TwilioOAuthManagerOptions } from './types';

// One pool per module instance (per process, per Workers isolate), created on
// first use: per-request options that name the same credential get the same
// manager, hence the same cached token. Bounded by the core's LRU.
let sharedPool: TokenManagerPool | undefined;

/**
 * Hono middleware that sets `c.var.twilio`, a lazy handle with `getToken()`,
 * `getAuthorizationHeader()` and an authenticated `fetch()`. A request that never
 * calls it costs no token request.
 *
 * Accepts one of:
 * - `TokenManagerOptions` (`clientId`, `clientSecret`, `tokenUrl`, `allowedHosts`, …):
 *   one manager, created and validated now;
 * - `(c) => TokenManagerOptions`: options per request, e.g. from Workers bindings in
 *   `c.env`; called lazily, managers shared per credential key (token URL + client id
 *   [+ scope], never the secret) in a bounded module-level pool, so an isolate reuses
 *   one token across requests;
 * - `{ manager }`: a `TokenManager` you own (and close).
 *
 * Token failures reject with `HTTPException` 502 (credentials rejected, invalid
 * response) or 503 (token service unavailable), with a message free of secrets and
 * the core error as `cause`; Hono's default error handler answers with that status.
 * When the runtime provides `c.executionCtx.waitUntil` (Cloudflare Workers), a
 * background refresh started by the request is kept alive after the response.
 *
 * @throws {InvalidOptionsError} at creation, when static options are invalid (the
 *   message names the option and never echoes the secret), or when `manager` is not a
 *   `TokenManager`.
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
): MiddlewareHandler<E & TwilioOAuthEnv>;
// The public signature carries the app's Env for typed `c.env` and `c.var.twilio`;
// the implementation is Env-agnostic, since Hono's Context is invariant in Env.
export function twilioOAuth(config: TwilioOAuthConfig): MiddlewareHandler {
  const resolveManager = managerResolver(config);
  return async function twilioOAuthMiddleware(c, next) {
    let usedManager: TokenManager | undefined;
    c.set(
      'twilio',
      new RequestTokenHandle(() => {
        usedManager = resolveManager(c);
        return usedManager;
      }),
    );
    try {
      await next();
    } finally {
      if (usedManager) keepBackgroundRefreshAlive(c, usedManager);
    }
  };
}

function managerResolver(config: TwilioOAuthConfig): (c: Context) => TokenManager {
  if (typeof config === 'function') {
    return (c) => {
      sharedPool ??= new TokenManagerPool();
      return sharedPool.get(config(c));
    };
  }
  if (isManagerOptions(config)) {
    const manager = checkedManager(config);
    return () => manager;
  }
  const manager = new TokenManager(config);
  return () => manager;
}

function isManagerOptions(
  config: TokenManagerOptions | TwilioOAuthManagerOptions,
): config is TwilioOAuthManagerOptions {
  return typeof config === 'object' && config !== null && 'manager' in config;
}

function checkedManager(config: TwilioOAuthManagerOptions): TokenManager {
  const { manager, ...rest } = config;
  // Duck-typed: an `instanceof` check would fail across the core's ESM and CJS builds.
  const looksLikeManager =
    typeof manager === 'object' &&
    manager !== null &&
    typeof manager.getToken === 'function' &&
    typeof manager.settled === 'function';
  if (!looksLikeManager) throw new InvalidOptionsError('manager', 'must be a TokenManager');
  if (Object.keys(rest).length > 0) {
    // Mixing both forms would silently ignore the other options.
    throw new InvalidOptionsError('manager', 'cannot be combined with other options');
  }
  return manager;
}

function keepBackgroundRefreshAlive(c: Context, manager: TokenManager): void {
  let waitUntil: ((promise: Promise<unknown>) => void) | undefined;
  try {
    // Hono's getter throws where the runtime passed no ExecutionContext (Node, Bun, Deno).
    const executionCtx = c.executionCtx;
    if (typeof executionCtx.waitUntil === 'function') {
      waitUntil = executionCtx.waitUntil.bind(executionCtx);
    }
  } catch {
    return;
  }
  // settled() never rejects: it only tells the runtime how long to keep the isolate.
  waitUntil?.(manager.settled());
}
