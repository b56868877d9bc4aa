import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type MockServer, startMockServer } from '@twilio-oauth/mock-server';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWorker } from '../../../scripts/bundle-worker.mjs';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const CLIENT = { clientId: 'OQworker', clientSecret: 'worker-secret-61d9' };

/**
 * The `key = "value"` pairs of wrangler.toml, top level and `[vars]`, and its
 * Durable Object bindings (`[[durable_objects.bindings]]`: name to class name).
 */
function readWranglerToml() {
  const top: Record<string, string> = {};
  const vars: Record<string, string> = {};
  const durableObjects: Record<string, { className: string; useSQLite: true }> = {};
  const text = readFileSync(join(appDir, 'wrangler.toml'), 'utf8');
  let section = '';
  let binding: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const header = /^\[(.+)\]\s*$/.exec(line);
    if (header?.[1]) {
      section = header[1];
      binding = {};
    }
    const pair = /^(\w+)\s*=\s*"([^"]*)"\s*$/.exec(line);
    if (pair?.[1] && pair[2] !== undefined) {
      const target = section === '[durable_objects.bindings]' ? binding : {};
      (section === 'vars' ? vars : section === '' ? top : target)[pair[1]] = pair[2];
      if (binding.name && binding.class_name) {
        durableObjects[binding.name] = { className: binding.class_name, useSQLite: true };
      }
    }
  }
  return { top, vars, durableObjects, text };
}

// The Worker entry as wrangler would ship it: src/worker.ts bundled into one module,
// run by workerd (miniflare) with the bindings wrangler.toml declares, pointed at
// the mock server on loopback.
describe('src/worker.ts on workerd', () => {
  const wrangler = readWranglerToml();
  let server: MockServer;
  let outDir: string;
  const workers: Miniflare[] = [];

  const startWorker = async (secret: string) => {
    const mf = new Miniflare({
      modules: true,
      modulesRoot: outDir,
      scriptPath: join(outDir, 'worker.mjs'),
      compatibilityDate: wrangler.top.compatibility_date,
      durableObjects: wrangler.durableObjects,
      bindings: {
        ...wrangler.vars,
        TWILIO_CLIENT_ID: CLIENT.clientId,
        TWILIO_ACCOUNT_SID: server.accountSid,
        TWILIO_TOKEN_URL: server.tokenUrl,
        TWILIO_API_BASE_URL: server.apiBaseUrl,
        // What `wrangler secret put` provides in production.
        TWILIO_CLIENT_SECRET: secret,
      },
    });
    workers.push(mf);
    await mf.ready;
    return mf;
  };

  beforeAll(async () => {
    server = await startMockServer({ clients: [CLIENT] });
    outDir = await mkdtemp(join(tmpdir(), 'hono-sample-worker-'));
    await bundleWorker({
      entry: join(appDir, wrangler.top.main ?? 'src/worker.ts'),
      outDir: outDir,
      cwd: appDir,
    });
  }, 60_000);

  afterAll(async () => {
    await Promise.all(workers.map((mf) => mf.dispose()));
    await server?.close();
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('wrangler.toml declares the entry and the non-secret variables, not the secret', () => {
    expect(wrangler.top.main).toBe('src/worker.ts');
    expect(wrangler.top.compatibility_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Object.keys(wrangler.vars).sort()).toEqual([
      'TWILIO_ACCOUNT_SID',
      'TWILIO_API_BASE_URL',
      'TWILIO_CLIENT_ID',
      'TWILIO_TOKEN_URL',
    ]);
  });

  it('serves the routes with credentials from its bindings, one token for the isolate', async () => {
    const mf = await startWorker(CLIENT.clientSecret);

    const health = await mf.dispatchFetch('http://worker.test/health');
    expect(await health.json()).toEqual({ status: 'ok' });
    expect(server.stats().tokenRequests).toBe(0);

    const info = await mf.dispatchFetch('http://worker.test/token-info');
    expect(info.status).toBe(200);
    expect(await info.json()).toMatchObject({
      tokenType: 'Bearer',
      expiresAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      expiresInSeconds: expect.any(Number),
    });

    const created = await mf.dispatchFetch('http://worker.test/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to: '+15005550006', from: '+15005550001', body: 'From a Worker' }),
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ body: 'From a Worker' });

    const listed = await Promise.all(
      Array.from({ length: 10 }, () => mf.dispatchFetch('http://worker.test/messages')),
    );
    expect(listed.map((r) => r.status)).toEqual(Array(10).fill(200));
    await Promise.all(listed.map((r) => r.arrayBuffer()));
    expect(server.stats().tokenRequests).toBe(1);
    expect(server.messages().map((m) => m.body)).toEqual(['From a Worker']);

    // The API stops accepting the token (revoked): a later request renews it, once for a burst.
    server.revokeTokens();
    const renewed = await Promise.all(
      Array.from({ length: 10 }, () => mf.dispatchFetch('http://worker.test/messages')),
    );
    expect(renewed.map((r) => r.status)).toEqual(Array(10).fill(200));
    await Promise.all(renewed.map((r) => r.arrayBuffer()));
    expect(server.stats().tokenRequests).toBe(2);
  });

  it('renews an expired token in a later request of the isolate', async () => {
    const mf = await startWorker(CLIENT.clientSecret);
    const tokenRequests = () => server.stats().byClient[CLIENT.clientId]?.tokenRequests ?? 0;
    const before = tokenRequests();

    // workerd's clock cannot be moved from outside: the token endpoint answers
    // `expires_in: 0.001` instead, so the token is expired by the next request.
    server.setFaults({ token: { expiresIn: 0.001, times: 1 } });
    const first = await mf.dispatchFetch('http://worker.test/token-info');
    expect(first.status).toBe(200);
    const { expiresAt: shortLived } = (await first.json()) as { expiresAt: string };
    expect(tokenRequests()).toBe(before + 1);

    const renewed = await Promise.all(
      Array.from({ length: 5 }, () => mf.dispatchFetch('http://worker.test/token-info')),
    );
    expect(renewed.map((r) => r.status)).toEqual(Array(5).fill(200));
    const expiries = new Set(
      await Promise.all(
        renewed.map(async (r) => ((await r.json()) as { expiresAt: string }).expiresAt),
      ),
    );
    expect(expiries.size).toBe(1);
    // The renewed token lives the mock's hour.
    expect(Date.parse([...expiries][0] as string) - Date.parse(shortLived)).toBeGreaterThan(
      3_000_000,
    );
    expect(tokenRequests()).toBe(before + 2);

    const listed = await mf.dispatchFetch('http://worker.test/messages');
    expect(listed.status).toBe(200);
    await listed.arrayBuffer();
    expect(tokenRequests()).toBe(before + 2);
  });

  it('answers 502 JSON without the secret when the secret binding is wrong', async () => {
    const mf = await startWorker('stale-secret-from-last-year');

    const response = await mf.dispatchFetch('http://worker.test/messages');
    const text = await response.text();

    expect(response.status).toBe(502);
    expect(JSON.parse(text)).toEqual({
      error: 'Twilio credentials were rejected (invalid_client, Twilio error 322402)',
    });
    expect(text).not.toContain('stale-secret-from-last-year');
  });
  it('wrangler.toml binds the token broker Durable Object and declares its migration', () => {
    expect(wrangler.durableObjects).toEqual({
      TWILIO_TOKENS: { className: 'TwilioTokenBroker', useSQLite: true },
    });
    expect(wrangler.text).toMatch(
      /\[\[migrations\]\][^[]*new_sqlite_classes = \["TwilioTokenBroker"\]/,
    );
  });

  it('two isolates of the Worker share one token through the Durable Object', async () => {
    server.reset();
    // Two Worker scripts (separate module memory), as two isolates of one deployment: the
    // second reaches the first one's TWILIO_TOKENS objects.
    const bindings = {
      ...wrangler.vars,
      TWILIO_CLIENT_ID: CLIENT.clientId,
      TWILIO_ACCOUNT_SID: server.accountSid,
      TWILIO_TOKEN_URL: server.tokenUrl,
      TWILIO_API_BASE_URL: server.apiBaseUrl,
      TWILIO_CLIENT_SECRET: CLIENT.clientSecret,
    };
    const isolate = (name: string, scriptName?: string) => ({
      name,
      modules: true,
      modulesRoot: outDir,
      scriptPath: join(outDir, 'worker.mjs'),
      compatibilityDate: wrangler.top.compatibility_date,
      bindings,
      durableObjects: {
        TWILIO_TOKENS: { className: 'TwilioTokenBroker', useSQLite: true, scriptName },
      },
    });
    const mf = new Miniflare({ workers: [isolate('first'), isolate('second', 'first')] });
    workers.push(mf);
    const first = await mf.getWorker('first');
    const second = await mf.getWorker('second');

    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? first : second).fetch('http://worker.test/messages'),
      ),
    );

    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    await Promise.all(responses.map((r) => r.arrayBuffer()));
    expect(server.stats().tokenRequests).toBe(1);
  });
});
