// The Worker each isolate of the `workers` bench section runs (bundled by
// suites/workers.mjs with hono, the built adapter and @twilio-oauth/cloudflare).
// USE_STORE=1 puts the Durable Object store in front of the token endpoint.
import { durableObjectStore, TwilioTokenBroker } from '@twilio-oauth/cloudflare';
import { twilioOAuth } from '@twilio-oauth/hono';
import { Hono } from 'hono';

export { TwilioTokenBroker };

// The isolate's clock, moved by the bench (POST /clock): simulated hours, no sleeping.
let offsetMs = 0;
const seen = new Set();

async function fingerprint(text) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest).slice(0, 8)]
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('');
}

const app = new Hono();
app.use(
  '/twilio/*',
  twilioOAuth((c) => ({
    clientId: c.env.CLIENT_ID,
    clientSecret: c.env.CLIENT_SECRET,
    tokenUrl: c.env.TOKEN_URL,
    now: () => Date.now() + offsetMs,
    store: c.env.USE_STORE === '1' ? durableObjectStore(c.env.TWILIO_TOKENS) : undefined,
  })),
);
app.get('/health', (c) => c.json({ status: 'ok' }));
app.get('/twilio/token', async (c) => {
  seen.add(await fingerprint((await c.var.twilio.getToken()).accessToken));
  return c.json({ ok: true });
});
app.post('/clock', (c) => {
  offsetMs = Number(c.req.query('offsetMs'));
  return c.json({ offsetMs });
});
// `calls` bare round trips to one object (reads of an empty object), timed inside the
// isolate: workerd's clock moves on I/O, and each call is I/O.
app.get('/probe', async (c) => {
  const namespace = c.env.TWILIO_TOKENS;
  const calls = Number(c.req.query('calls'));
  const start = Date.now();
  for (let i = 0; i < calls; i++) {
    const stub = namespace.get(namespace.idFromName('bench-probe'));
    await (await stub.fetch('https://broker.internal/get', { method: 'POST', body: '{}' })).json();
  }
  return c.json({ msPerCall: (Date.now() - start) / calls });
});
app.get('/seen', (c) => c.json({ distinctTokens: seen.size }));

export default app;
