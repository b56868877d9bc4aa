// A tiny Token API on loopback for the core's tests (the shared mock server is
// deliberately not used: core must not depend on anything of ours).
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** Parsed form body. */
  readonly form: URLSearchParams;
}

export type Reply =
  | {
      status?: number;
      headers?: Record<string, string>;
      /** Objects are sent as JSON, strings as is. */
      body?: unknown;
    }
  | 'destroy'
  | 'hang'
  | ((res: ServerResponse) => void);

/** `n` counts requests to this path prefix (1-based). */
export type Handler = (n: number, req: Recorded) => Reply | Promise<Reply>;

export const tokenBody = (n: number, extra: Record<string, unknown> = {}) => ({
  access_token: `token-${n}`,
  id_token: null,
  token_type: 'Bearer',
  expires_in: 3600,
  refresh_token: null,
  ...extra,
});

export interface TestServer {
  readonly url: string;
  readonly tokenUrl: string;
  /** Requests to /v2/token. */
  readonly requests: Recorded[];
  /** Requests to anything else. */
  readonly apiRequests: Recorded[];
  onToken: Handler;
  onApi: Handler;
  close(): Promise<void>;
}

export async function startServer(onToken?: Handler, onApi?: Handler): Promise<TestServer> {
  const hanging = new Set<ServerResponse>();
  const state: TestServer = {
    url: '',
    tokenUrl: '',
    requests: [],
    apiRequests: [],
    onToken: onToken ?? ((n) => ({ body: tokenBody(n) })),
    onApi: onApi ?? (() => ({ body: { ok: true } })),
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const path = req.url ?? '/';
    const recorded: Recorded = {
      method: req.method ?? '',
      path,
      headers: req.headers,
      body,
      form: new URLSearchParams(body),
    };
    const isToken = path.startsWith('/v2/token');
    const list = isToken ? state.requests : state.apiRequests;
    list.push(recorded);
    const reply = await (isToken ? state.onToken : state.onApi)(list.length, recorded);
    if (reply === 'destroy') return void req.socket.destroy();
    if (reply === 'hang') return void hanging.add(res);
    if (typeof reply === 'function') return reply(res);
    const payload = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
    res.writeHead(reply.status ?? 200, {
      'content-type': 'application/json',
      ...reply.headers,
    });
    res.end(payload);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    tokenUrl: `http://127.0.0.1:${port}/v2/token`,
  });
}

/** A clock the test moves by hand. */
export function manualClock(start = 1_700_000_000_000) {
  let time = start;
  const now = () => time;
  return Object.assign(now, {
    advance(ms: number) {
      time += ms;
    },
    set(ms: number) {
      time = ms;
    },
  });
}

export const SECRET = 'sk-super-secret-value-0123456789';
