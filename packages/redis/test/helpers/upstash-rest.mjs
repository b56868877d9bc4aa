// A test fixture that speaks Upstash's REST protocol in front of a real
// redis-server, so that the real @upstash/redis client can be tested without
// the Upstash service: POST / (one command as a JSON array), POST /pipeline
// (an array of commands), bearer-token auth and `Upstash-Encoding: base64`.
// Not reproduced: MULTI/EXEC (/multi-exec), path-style GET URLs, read-only
// tokens, rate and size limits, read-your-writes sync tokens, global replicas,
// TLS and Upstash's own error texts. JavaScript (typed by upstash-rest.d.mts) so that
// the bench can load it too.
import { createServer } from 'node:http';
import { Redis } from 'ioredis';

/** Bulk strings in base64 (UTF-8), as Upstash sends them when asked; the status `OK` stays as is. */
function encode(reply) {
  if (typeof reply === 'string') {
    return reply === 'OK' ? reply : Buffer.from(reply, 'utf8').toString('base64');
  }
  return Array.isArray(reply) ? reply.map(encode) : reply;
}

async function readJson(request) {
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

const isCommand = (value) =>
  Array.isArray(value) &&
  value.length > 0 &&
  value.every((part) => typeof part === 'string' || typeof part === 'number');

export async function startUpstashRest(redisUrl) {
  const token = `upstash-test-${globalThis.crypto.randomUUID()}`;
  const backend = new Redis(redisUrl, { maxRetriesPerRequest: null });
  backend.on('error', () => {});
  await new Promise((resolve) => backend.once('ready', resolve));
  const stats = { requests: {}, commands: 0, base64: 0 };

  const run = async (command, base64) => {
    stats.commands += 1;
    try {
      const [name, ...args] = command.map(String);
      const result = await backend.call(name ?? '', ...args);
      return { result: base64 ? encode(result) : result };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  };

  const answer = (response, status, body) => {
    const text = JSON.stringify(body);
    response.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    });
    response.end(text);
  };

  // Requests whose body contains this text are answered with an error, once.
  let failing;
  const server = createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://fixture').pathname;
    stats.requests[path] = (stats.requests[path] ?? 0) + 1;
    if (request.headers.authorization !== `Bearer ${token}`) {
      return answer(response, 401, { error: 'Unauthorized' });
    }
    const base64 = String(request.headers['upstash-encoding']).toLowerCase() === 'base64';
    if (base64) stats.base64 += 1;
    let body;
    try {
      body = await readJson(request);
    } catch {
      return answer(response, 400, { error: 'ERR failed to parse the request body' });
    }
    if (failing !== undefined && JSON.stringify(body).includes(failing)) {
      failing = undefined;
      return answer(response, 400, { error: 'ERR injected by the fixture' });
    }
    if (request.method !== 'POST') return answer(response, 405, { error: 'POST only' });
    if (path === '/' && isCommand(body)) {
      const reply = await run(body, base64);
      return answer(response, 'error' in reply ? 400 : 200, reply);
    }
    if (path === '/pipeline' && Array.isArray(body) && body.every(isCommand)) {
      // Commands of a pipeline run in order, each answering on its own.
      const replies = [];
      for (const command of body) replies.push(await run(command, base64));
      return answer(response, 200, replies);
    }
    return answer(response, 400, { error: `ERR not supported by this fixture: ${path}` });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    stats,
    failNextWith: (text) => {
      failing = text;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve()));
      backend.disconnect();
    },
  };
}
