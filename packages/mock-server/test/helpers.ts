import { request } from 'node:http';
import type { MockClient, MockServer } from '../src/index';

/** POSTs a form to `url`. */
export function postForm(
  url: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

/** The first configured client of `server`. */
export function firstClient(server: MockServer): MockClient {
  return server.clients[0];
}

/** Asks the Token API for a token with client_secret_post; fails the test if it is not issued. */
export async function issueToken(
  server: MockServer,
  client = firstClient(server),
): Promise<string> {
  const res = await postForm(server.tokenUrl, {
    grant_type: 'client_credentials',
    client_id: client.clientId,
    client_secret: client.clientSecret,
  });
  if (res.status !== 200) throw new Error(`token request failed with ${res.status}`);
  const body = (await res.json()) as { access_token: string };
  return body.access_token;
}

/** The Messages list/create URL of `accountSid` (default: the server's account). */
export function messagesUrl(server: MockServer, accountSid = server.accountSid): string {
  return `${server.apiBaseUrl}/2010-04-01/Accounts/${accountSid}/Messages.json`;
}

/** Decodes the claims of a JWT without checking it. */
export function jwtClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/**
 * A request through `node:http`, for what fetch cannot express (a lying Content-Length, a
 * streamed body, no Content-Type at all).
 */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string | number>; body?: Buffer | string },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: options.method ?? 'GET', headers: options.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
