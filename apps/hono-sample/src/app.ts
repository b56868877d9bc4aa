// The README's simplest use of the adapter is one line:
//
//   new Hono().use(twilioOAuth({ clientId: TWILIO_CLIENT_ID, clientSecret: TWILIO_CLIENT_SECRET }));
//
// This Node app creates its TokenManager itself and shares it as `{ manager }`, because
// GET /token-info reports the manager's state and shutdown closes it. The Worker
// (`worker.ts`) computes the options per request from its bindings instead.
import { TokenManager, type TokenManagerOptions, twilioOAuth } from '@twilio-oauth/hono';
import { Hono } from 'hono';
import { sampleErrorHandler, sampleRoutes } from './routes';
import { allowedHostsFor, type TwilioApiTarget } from './twilio-api';

/** Everything the Node app needs, already resolved (see `config.ts` for the env). */
export interface AppConfig extends TwilioApiTarget {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly tokenUrl: string;
  /** Extra manager options, e.g. short retries or a clock in tests. */
  readonly managerOptions?: Omit<TokenManagerOptions, 'clientId' | 'clientSecret' | 'tokenUrl'>;
  /** Where unexpected errors are reported. Default `console.error`. */
  readonly logError?: (error: unknown) => void;
}

/** The Node app and the token manager it owns. */
export interface SampleApp {
  readonly app: Hono;
  readonly manager: TokenManager;
  /** Closes the token manager. */
  close(): Promise<void>;
}

/**
 * Builds the sample app: `/health`, `/token-info`, `GET|POST /messages`. The app
 * owns one `TokenManager` (passed as `{ manager }`) so that `/token-info` can
 * report its state and shutdown can close it.
 *
 * @throws {InvalidOptionsError} when the credentials or URLs are invalid.
 */
export function createApp(config: AppConfig): SampleApp {
  const manager = new TokenManager({
    allowedHosts: allowedHostsFor(config.apiBaseUrl),
    ...config.managerOptions,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    tokenUrl: config.tokenUrl,
  });
  const settings = {
    accountSid: config.accountSid,
    apiBaseUrl: config.apiBaseUrl,
    tokenInfo: () => manager.tokenInfo(),
  };
  const app = new Hono();
  app.use(twilioOAuth({ manager }));
  app.route(
    '/',
    sampleRoutes(() => settings),
  );
  app.notFound((c) => c.json({ error: 'Not Found' }, 404));
  app.onError(sampleErrorHandler(config.logError ?? ((error) => console.error(error))));
  return { app, manager, close: () => manager.close() };
}
