import { durableObjectStore, type TokenBrokerNamespace } from '@twilio-oauth/cloudflare';
import { type TokenManagerOptions, twilioOAuth } from '@twilio-oauth/hono';
import { type Context, Hono } from 'hono';
import { type RouteSettings, sampleErrorHandler, sampleRoutes } from './routes';
import { allowedHostsFor, DEFAULT_API_BASE_URL } from './twilio-api';

/**
 * The Worker's bindings, declared in wrangler.toml (`[vars]`) except the client
 * secret, which is a secret binding: `npx wrangler secret put TWILIO_CLIENT_SECRET`.
 */
export interface WorkerBindings {
  TWILIO_CLIENT_ID: string;
  TWILIO_CLIENT_SECRET: string;
  TWILIO_ACCOUNT_SID: string;
  /** Default `https://oauth.twilio.com/v2/token`. */
  TWILIO_TOKEN_URL?: string;
  /** Default `https://api.twilio.com`. */
  TWILIO_API_BASE_URL?: string;
  /** The Durable Object that shares one token among all isolates (`[[durable_objects.bindings]]`). */
  TWILIO_TOKENS: TokenBrokerNamespace;
}

type WorkerEnv = { Bindings: WorkerBindings };

const apiBaseUrl = (env: WorkerBindings) =>
  (env.TWILIO_API_BASE_URL || DEFAULT_API_BASE_URL).replace(/\/+$/, '');

// Computed per request from the bindings, which only exist inside a request. The
// adapter keeps one manager per client id for the isolate, so requests share a token;
// the Durable Object store (the same store for every request) shares it among isolates.
const credentialsFromBindings = (c: Context<WorkerEnv>): TokenManagerOptions => ({
  clientId: c.env.TWILIO_CLIENT_ID,
  clientSecret: c.env.TWILIO_CLIENT_SECRET,
  tokenUrl: c.env.TWILIO_TOKEN_URL || undefined,
  allowedHosts: allowedHostsFor(apiBaseUrl(c.env)),
  store: durableObjectStore(c.env.TWILIO_TOKENS),
});

// The managers live in the middleware's pool (one per isolate: the middleware is
// created once, here), so `/token-info` reports the token's expiry but not its
// freshness state here (the Node app, which owns its manager, does).
const settingsFromBindings = (c: Context<WorkerEnv>): RouteSettings => ({
  accountSid: c.env.TWILIO_ACCOUNT_SID,
  apiBaseUrl: apiBaseUrl(c.env),
});

const app = new Hono<WorkerEnv>();
app.use(twilioOAuth<WorkerEnv>(credentialsFromBindings));
app.route('/', sampleRoutes(settingsFromBindings));
app.notFound((c) => c.json({ error: 'Not Found' }, 404));
app.onError(sampleErrorHandler((error) => console.error(error)));

/** The Durable Object class bound as TWILIO_TOKENS in wrangler.toml. */
export { TwilioTokenBroker } from '@twilio-oauth/cloudflare';

/** Cloudflare Workers module entry: `export default { fetch }`. */
export default app;
