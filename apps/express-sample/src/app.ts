// The README's simplest use of the adapter is one line:
//
//   app.use(twilioOAuth({ clientId: TWILIO_CLIENT_ID, clientSecret: TWILIO_CLIENT_SECRET }));
//
// This sample creates its TokenManager itself and shares it as `{ manager }`, because
// GET /token-info reports the manager's state and shutdown closes it.
import { type RetryOptions, TokenManager } from '@twilio-oauth/core';
import { twilioOAuth, twilioOAuthErrorHandler } from '@twilio-oauth/express';
import { twilioClientFactory } from '@twilio-oauth/twilio';
import express, { type ErrorRequestHandler, type Express, type Response } from 'express';
import twilio from 'twilio';
import type { Credentials, OrgCredentials } from './config';
import { createMetrics } from './metrics';
import { orgRoutes } from './org-routes';

/** What {@link createApp} needs: credentials, where Twilio lives, and the account. */
export interface AppConfig extends Credentials {
  readonly accountSid: string;
  readonly tokenUrl: string;
  readonly apiBaseUrl: string;
  /** Token request retries; the core's defaults when absent. */
  readonly retry?: RetryOptions;
  /** The organization app behind `/org/users`; absent, those routes answer 501. */
  readonly organization?: OrgCredentials;
}

/** The app and the token manager it owns. */
export interface SampleApp {
  readonly app: Express;
  readonly manager: TokenManager;
  /** Closes the token manager. */
  close(): Promise<void>;
}

/**
 * Builds the sample: `GET /health`, `GET /token-info`, `GET /messages`, `POST /messages`, their
 * SDK twins under `/sdk`, and `/org/users` on the organization app (see org-routes.ts).
 */
export function createApp(config: AppConfig): SampleApp {
  const metrics = createMetrics();
  // The bearer may go to the configured API host (a loopback mock in the demo) and to Twilio.
  const allowedHosts = [...new Set([new URL(config.apiBaseUrl).hostname, '*.twilio.com'])];
  const manager = new TokenManager({
    onEvent: metrics.onEvent,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    tokenUrl: config.tokenUrl,
    retry: config.retry,
    allowedHosts,
  });
  const messagesUrl = `${config.apiBaseUrl}/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}/Messages.json`;

  const app = express();
  app.disable('x-powered-by');
  // The sample owns the manager (for tokenInfo() and shutdown), so it shares it.
  // `req.twilio.client`: the official twilio SDK, its requests through the same manager.
  const apiHost = new URL(config.apiBaseUrl).hostname;
  const onTwilio = apiHost === 'twilio.com' || apiHost.endsWith('.twilio.com');
  const sdkApiBaseUrl = onTwilio ? undefined : config.apiBaseUrl;
  const client = twilioClientFactory({
    accountSid: config.accountSid,
    ...(sdkApiBaseUrl === undefined ? {} : { apiBaseUrl: sdkApiBaseUrl }),
  });
  app.use(twilioOAuth({ manager }, { sdkClient: client }));
  const org = orgRoutes(config.organization, {
    tokenUrl: config.tokenUrl,
    retry: config.retry,
    allowedHosts,
    sdkApiBaseUrl,
  });
  app.use(org.router);

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  // Express 5 hands a rejected async handler to the error handlers below.
  app.get('/token-info', async (req, res) => {
    const token = await req.twilio.getToken();
    res.json({
      tokenType: token.tokenType,
      expiresAt: new Date(token.expiresAt).toISOString(),
      expiresInSeconds: Math.max(0, Math.floor((token.expiresAt - Date.now()) / 1000)),
      state: manager.tokenInfo()?.state ?? 'fresh',
    });
  });

  app.get('/messages', async (req, res) => {
    await relay(await req.twilio.fetch(messagesUrl), res);
  });

  app.post('/messages', express.json(), async (req, res) => {
    const fields = ['to', 'from', 'body'] as const;
    const input: unknown = req.body;
    const value = (name: string): unknown =>
      typeof input === 'object' && input !== null ? Reflect.get(input, name) : undefined;
    const missing = fields.filter((name) => {
      const v = value(name);
      return typeof v !== 'string' || v.trim() === '';
    });
    if (missing.length > 0) {
      res.status(400).json({ error: `Missing or empty fields: ${missing.join(', ')}` });
      return;
    }
    const form = new URLSearchParams(
      fields.map((name): [string, string] => [capitalise(name), String(value(name))]),
    );
    const upstream = await req.twilio.fetch(messagesUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    await relay(upstream, res);
  });

  // The same two calls through the twilio SDK: typed parameters and results, RestException.
  app.get('/sdk/messages', async (req, res) => {
    const messages = await req.twilio.client.messages.list({ limit: 20 });
    res.json({ messages: messages.map((m) => m.toJSON()) });
  });

  app.post('/sdk/messages', express.json(), async (req, res) => {
    const { to, from, body } = (req.body ?? {}) as Record<string, unknown>;
    if (typeof to !== 'string' || typeof from !== 'string' || typeof body !== 'string') {
      res.status(400).json({ error: 'to, from and body must be strings' });
      return;
    }
    const message = await req.twilio.client.messages.create({ to, from, body });
    res.status(201).json({ sid: message.sid, status: message.status, to: message.to });
  });

  // The token handling's OpenTelemetry metrics, for Prometheus (see metrics.ts).
  app.get('/metrics', metrics.handler);

  app.use((_req, res) => {
    res.status(404).json({ error: 'Not found' });
  });
  // Token failures: 502 / 503 with a message that never holds a secret or token.
  app.use(twilioOAuthErrorHandler());
  app.use(twilioApiError);
  app.use(lastResort);

  return {
    app,
    manager,
    close: async () => {
      await Promise.all([manager.close(), org.close(), metrics.close()]);
    },
  };
}

const capitalise = (name: string): string => name.charAt(0).toUpperCase() + name.slice(1);

/** Passes Twilio's status and JSON body through. */
async function relay(upstream: globalThis.Response, res: Response): Promise<void> {
  const text = await upstream.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    res.status(502).json({ error: `Twilio API answered ${upstream.status} without JSON` });
    return;
  }
  res.status(upstream.status).json(body);
}

/** JSON for everything else: client errors (e.g. unparseable JSON) as 4xx, the rest as 500. */
/** The SDK's API errors: Twilio's status and code, as the raw routes pass them through. */
const twilioApiError: ErrorRequestHandler = (err, _req, res, next) => {
  if (!(err instanceof twilio.RestException) || res.headersSent) {
    next(err);
    return;
  }
  res.status(err.status).json({ error: err.message, code: err.code, moreInfo: err.moreInfo });
};

const lastResort: ErrorRequestHandler = (err, _req, res, next) => {
  if (res.headersSent) {
    next(err);
    return;
  }
  const status: unknown =
    typeof err === 'object' && err !== null ? Reflect.get(err, 'status') : undefined;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    res.status(status).json({ error: status === 400 ? 'Bad request' : 'Request refused' });
    return;
  }
  console.error('express-sample: request failed:', err);
  res.status(500).json({ error: 'Internal server error' });
};
