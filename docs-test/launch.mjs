// Runs one documented app (compiled to ESM) in the docs test's child process. A Workers-style
// module (`export default app`, with `fetch(request, env)`) is served on Node with the process
// environment as its bindings; any other module starts its own server.
import { pathToFileURL } from 'node:url';
import { serve } from '@hono/node-server';

const entry = process.argv[2];
if (!entry) throw new Error('usage: node launch.mjs <compiled-block.mjs>');
const mod = await import(pathToFileURL(entry).href);
if (typeof mod.default?.fetch === 'function') {
  serve({
    fetch: (request) => mod.default.fetch(request, process.env),
    port: Number(process.env.PORT),
  });
}
