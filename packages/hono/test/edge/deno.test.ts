import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeEdgeRuntime, fixture } from './harness';
import { spawnServer } from './spawn-server';

// Deno from the `deno` npm package. Bare imports (hono, @twilio-oauth/core) resolve
// from the existing node_modules; `--cached-only` and no update check keep Deno off
// the internet, `--no-lock` keeps it from writing a deno.lock into the repository.
// The native binary is spawned directly: the package's bin.cjs wrapper runs it in a
// child process (which a kill would orphan) and may try to download it if missing.
const deno = fileURLToPath(new URL('../../node_modules/deno/deno', import.meta.url));

describeEdgeRuntime('Deno', async (bindings) => {
  const denoDir = await mkdtemp(join(tmpdir(), 'twilio-oauth-hono-deno-'));
  try {
    const server = await spawnServer(
      deno,
      [
        'run',
        '--allow-net=127.0.0.1',
        '--allow-read',
        '--allow-env',
        '--node-modules-dir=manual',
        '--no-lock',
        '--cached-only',
        fixture('deno-server.mjs'),
      ],
      bindings,
      { DENO_DIR: denoDir, DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1' },
    );
    return {
      request: server.request,
      close: async () => {
        await server.close();
        await rm(denoDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(denoDir, { recursive: true, force: true });
    throw error;
  }
});
