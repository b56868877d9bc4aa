import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';
import { bundleWorker } from '../../../../scripts/bundle-worker.mjs';
import { describeEdgeRuntime, fixture } from './harness';

// workerd, the runtime of Cloudflare Workers, through miniflare. The worker is one
// bundled module (hono + the built core and adapter), the way wrangler deploys it,
// and runs without `nodejs_compat`: a `node:` import anywhere would fail to load.
describeEdgeRuntime('workerd (miniflare)', async (bindings) => {
  const outDir = await mkdtemp(join(tmpdir(), 'twilio-oauth-hono-workerd-'));
  try {
    await bundleWorker({ entry: fixture('worker.mjs'), outDir: outDir });
    const mf = new Miniflare({
      modules: true,
      // Module names are paths relative to modulesRoot; the default (the cwd) cannot
      // reach a temp dir ("can't use '..' to break out of starting directory").
      modulesRoot: outDir,
      scriptPath: join(outDir, 'worker.mjs'),
      compatibilityDate: '2025-09-01',
      bindings,
    });
    await mf.ready;
    return {
      request: async (path, init) => {
        const response = await mf.dispatchFetch(
          `http://edge.test${path}`,
          init as Parameters<typeof mf.dispatchFetch>[1],
        );
        return response as unknown as Response;
      },
      close: async () => {
        await mf.dispose();
        await rm(outDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(outDir, { recursive: true, force: true });
    throw error;
  }
});
