import type { TokenInfo, TwilioOAuthEnv } from '@twilio-oauth/hono';
import { type Context, Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { messagesUrl, type TwilioApiTarget } from './twilio-api';

/** What the routes need to know about the request's Twilio account. */
export interface RouteSettings extends TwilioApiTarget {
  /** Freshness of the held token, where the app owns its manager (not on Workers). */
  readonly tokenInfo?: () => TokenInfo | undefined;
}

/**
 * The sample's routes, shared by the Node server and the Worker. They expect the
 * `twilioOAuth` middleware to run before them (`c.var.twilio`).
 */
export function sampleRoutes(settings: (c: Context) => RouteSettings): Hono<TwilioOAuthEnv> {
  return new Hono<TwilioOAuthEnv>()
    .get('/health', (c) => c.json({ status: 'ok' }))
    .get('/token-info', async (c) => {
      const token = await c.var.twilio.getToken();
      // Facts about the token only; the token itself never leaves the server.
      return c.json({
        tokenType: token.tokenType,
        expiresAt: new Date(token.expiresAt).toISOString(),
        expiresInSeconds: Math.max(0, Math.floor((token.expiresAt - Date.now()) / 1000)),
        state: settings(c).tokenInfo?.()?.state,
      });
    })
    .get('/messages', async (c) => {
      const upstream = await c.var.twilio.fetch(messagesUrl(settings(c)));
      return passThrough(upstream);
    })
    .post('/messages', async (c) => {
      const input = await readMessageInput(c);
      if (typeof input === 'string') return c.json({ error: input }, 400);
      const upstream = await c.var.twilio.fetch(messagesUrl(settings(c)), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        // A string body can be replayed, so the core may retry it once after a 401.
        body: new URLSearchParams({ To: input.to, From: input.from, Body: input.body }).toString(),
      });
      return passThrough(upstream);
    });
}

interface MessageInput {
  readonly to: string;
  readonly from: string;
  readonly body: string;
}

/** The validated JSON body of `POST /messages`, or what is wrong with it. */
async function readMessageInput(c: Context): Promise<MessageInput | string> {
  let json: unknown;
  try {
    json = await c.req.json();
  } catch {
    return 'the request body must be JSON: {"to","from","body"}';
  }
  if (typeof json !== 'object' || json === null) return 'the request body must be a JSON object';
  const fields = json as Record<string, unknown>;
  const missing = ['to', 'from', 'body'].filter(
    (name) => typeof fields[name] !== 'string' || fields[name] === '',
  );
  if (missing.length > 0) return `missing or empty field(s): ${missing.join(', ')}`;
  return { to: String(fields.to), from: String(fields.from), body: String(fields.body) };
}

/** Twilio's answer with its status and JSON body; a non-JSON body is a bad gateway. */
async function passThrough(upstream: Response): Promise<Response> {
  const text = await upstream.text();
  try {
    JSON.parse(text);
  } catch {
    throw new HTTPException(502, {
      message: `Twilio API answered ${upstream.status} with a body that is not JSON`,
    });
  }
  return new Response(text, {
    status: upstream.status,
    headers: { 'content-type': 'application/json; charset=UTF-8' },
  });
}

/**
 * Answers every error as JSON. Token failures arrive from the adapter as
 * `HTTPException` 502/503 whose message is safe to show; anything else is logged
 * and hidden behind a 500.
 */
export function sampleErrorHandler(log: (error: unknown) => void) {
  return (error: Error, c: Context): Response => {
    if (error instanceof HTTPException) {
      // Expected upstream trouble: one line is enough (the message holds no secret).
      log(`${c.req.method} ${c.req.path}: ${error.status} ${error.message}`);
      return c.json({ error: error.message }, error.status);
    }
    log(error);
    return c.json({ error: 'Internal Server Error' }, 500);
  };
}
