import { fileURLToPath } from 'node:url';
import { describeEdgeRuntime, fixture } from './harness';
import { spawnServer } from './spawn-server';

// Bun from the `bun` npm package, serving the fixture app (which imports dist/index.mjs).
// The native binary is spawned directly so that killing it stops the server itself.
const bun = fileURLToPath(new URL('../../node_modules/bun/bin/bun.exe', import.meta.url));

describeEdgeRuntime('Bun', (bindings) => spawnServer(bun, [fixture('bun-server.mjs')], bindings));
