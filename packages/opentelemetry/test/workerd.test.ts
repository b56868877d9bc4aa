// workerd, the runtime of Cloudflare Workers, through miniflare: the listener, the core and
// the metrics SDK bundled into one module, without nodejs_compat (a `node:` import would fail).
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMockServer } from '@twilio-oauth/mock-server';
import { Miniflare } from 'miniflare';
import { expect, it } from 'vitest';
import { bundleWorker } from '../../../scripts/bundle-worker.mjs';

const fixture = fileURLToPath(new URL('./fixtures/worker.mjs', import.meta.url));

it('records the token request and the lookups inside a Worker', async () => {
  expect(existsSync(new URL('../dist/index.mjs', import.meta.url))).toBe(true);
  const client = { clientId: 'OQworker', clientSecret: 'worker-secret-3b9a' };
  const server = await startMockServer({ clients: [client] });
  const outDir = await mkdtemp(join(tmpdir(), 'twilio-oauth-otel-workerd-'));
  let mf: Miniflare | undefined;
  try {
    await bundleWorker({ entry: fixture, outDir: outDir });
    mf = new Miniflare({
      modules: true,
      modulesRoot: outDir,
      scriptPath: join(outDir, 'worker.mjs'),
      compatibilityDate: '2025-09-01',
      bindings: {
        CLIENT_ID: client.clientId,
        CLIENT_SECRET: client.clientSecret,
        TOKEN_URL: server.tokenUrl,
      },
    });
    const response = await mf.dispatchFetch('http://edge.test/');
    const text = await response.text();
    expect(response.status, text).toBe(200);
    const metrics = JSON.parse(text) as { name: string; unit: string; points: unknown[] }[];
    const byName = Object.fromEntries(metrics.map((m) => [m.name, m]));
    expect(byName['twilio_oauth.token.requests']?.points).toEqual([
      { attributes: { outcome: 'issued' }, value: 1 },
    ]);
    expect(byName['twilio_oauth.token.request.duration']?.unit).toBe('s');
    expect(byName['twilio_oauth.cache.lookups']?.points).toEqual(
      expect.arrayContaining([
        { attributes: { result: 'miss', source: 'memory' }, value: 1 },
        { attributes: { result: 'fresh', source: 'memory' }, value: 1 },
      ]),
    );
    expect(server.stats().tokenRequests).toBe(1);
    expect(text).not.toContain(client.clientSecret);
  } finally {
    await mf?.dispose();
    await rm(outDir, { recursive: true, force: true });
    await server.close();
  }
}, 60_000);
