import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerContext } from './context.js';
import { applyFault, type FaultBodies, padJson } from './fault-response.js';
import { mediaType, NO_STORE, readBody, sendJson, sendOAuthError } from './http.js';
import { TokenSigner } from './jwt.js';
import type { Fault } from './types.js';

/** Path of the Token API. */
export const TOKEN_PATH = '/v2/token';

const FORM = 'application/x-www-form-urlencoded';
const BASIC_CHALLENGE = { 'WWW-Authenticate': 'Basic realm="twilio-oauth-mock"' };

type ParsedTokenRequest =
  | {
      readonly ok: true;
      readonly clientId: string;
      readonly clientSecret: string;
      readonly grantType: string;
    }
  | {
      readonly ok: false;
      readonly status: 400 | 401;
      readonly error: string;
      readonly description: string;
      readonly clientId?: string;
    };

const invalidRequest = (description: string, clientId?: string): ParsedTokenRequest => ({
  ok: false,
  status: 400,
  error: 'invalid_request',
  description,
  ...(clientId === undefined ? {} : { clientId }),
});

// RFC 6749 §2.3.1: id and secret are form-url-encoded before being joined with ':'.
const formDecode = (value: string): string => decodeURIComponent(value.replace(/\+/g, ' '));

function parseBasic(credentials: string): { id: string; secret: string } | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(credentials)) return undefined;
  const decoded = Buffer.from(credentials, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  try {
    return {
      id: formDecode(decoded.slice(0, colon)),
      secret: formDecode(decoded.slice(colon + 1)),
    };
  } catch {
    return undefined;
  }
}

/** Reads the grant and the client credentials (client_secret_post or client_secret_basic). */
function parseTokenRequest(req: IncomingMessage, body: Buffer): ParsedTokenRequest {
  if (mediaType(req) !== FORM) {
    return invalidRequest(`The request body must be ${FORM}.`);
  }
  const params = new URLSearchParams(body.toString('utf8'));
  for (const key of new Set(params.keys())) {
    // RFC 6749 §3.2: parameters must not be repeated.
    if (params.getAll(key).length > 1) return invalidRequest(`Parameter "${key}" is repeated.`);
  }
  const grantType = params.get('grant_type');
  const bodyId = params.get('client_id') ?? undefined;
  const bodySecret = params.get('client_secret') ?? undefined;
  // An empty Authorization header (the official twilio SDK sends one with its token
  // request) carries no credentials: it is treated as absent, not as an unknown scheme.
  const authorization = req.headers.authorization?.trim() || undefined;
  let clientId = bodyId;
  let clientSecret = bodySecret;
  if (authorization !== undefined) {
    const [scheme = '', credentials = ''] = authorization.trim().split(/\s+/, 2);
    if (scheme.toLowerCase() !== 'basic') {
      return {
        ok: false,
        status: 401,
        error: 'invalid_client',
        description: 'Unsupported client authentication method.',
      };
    }
    const basic = parseBasic(credentials);
    if (!basic) return invalidRequest('Malformed HTTP Basic client credentials.');
    if (bodySecret !== undefined) {
      return invalidRequest('Use one client authentication method, not both.', basic.id);
    }
    if (bodyId !== undefined && bodyId !== basic.id) {
      return invalidRequest('client_id does not match the HTTP Basic credentials.', basic.id);
    }
    clientId = basic.id;
    clientSecret = basic.secret;
  }
  if (!clientId) return invalidRequest('Missing parameter "client_id".');
  if (!clientSecret) return invalidRequest('Missing parameter "client_secret".', clientId);
  if (!grantType) return invalidRequest('Missing parameter "grant_type".', clientId);
  return { ok: true, clientId, clientSecret, grantType };
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** Constant-time check that does the same work for known and unknown client ids. */
function authenticate(clients: ReadonlyMap<string, string>, id: string, secret: string): boolean {
  const expected = clients.get(id);
  const match = timingSafeEqual(digest(secret), digest(expected ?? `unknown:${secret}!`));
  return expected !== undefined && match;
}

const OAUTH_ERRORS: Record<number, string> = {
  400: 'invalid_request',
  401: 'invalid_client',
  403: 'unauthorized_client',
};

function tokenFaultBodies(ttl: number, now: number): FaultBodies {
  return {
    headers: NO_STORE,
    malformed: () => '{"access_token":"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOi',
    // Signed by a throwaway key: a client that wrongly accepts it cannot use it.
    oversized: () =>
      padJson(successBody(new TokenSigner('oversized').sign('oversized', ttl, now), ttl, {})),
    clientError: (status) =>
      status === 429
        ? { body: 'Too Many Requests\n', contentType: 'text/plain; charset=utf-8' }
        : {
            body: JSON.stringify({
              error: OAUTH_ERRORS[status] ?? 'invalid_request',
              error_description: `Injected fault: HTTP ${status}.`,
            }),
            contentType: 'application/json; charset=utf-8',
          },
  };
}

/** The documented success shape; `fault` may override `token_type` / `expires_in`. */
function successBody(accessToken: string, ttl: number, fault: Fault): Record<string, unknown> {
  const body: Record<string, unknown> = {
    access_token: accessToken,
    id_token: null,
    token_type: fault.tokenType ?? 'Bearer',
    expires_in: fault.expiresIn === undefined ? ttl : fault.expiresIn,
    refresh_token: null,
  };
  if (body.expires_in === null) delete body.expires_in;
  return body;
}

/** `POST /v2/token`: the client-credentials grant of Twilio's Token API. */
export async function handleToken(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (req.method !== 'POST') {
    sendOAuthError(res, 405, 'invalid_request', 'The token endpoint accepts only POST.', {
      Allow: 'POST',
    });
    return;
  }
  const read = await readBody(req);
  if (!read.ok) {
    ctx.stats.tokenRequest(undefined);
    if (read.reason === 'too_large') {
      sendOAuthError(res, 413, 'invalid_request', 'The request body is too large.', {
        Connection: 'close',
      });
    }
    return;
  }
  const parsed = parseTokenRequest(req, read.body);
  const clientId = parsed.clientId;
  ctx.stats.tokenRequest(
    clientId !== undefined && ctx.clients.has(clientId) ? clientId : undefined,
  );

  const fault = ctx.faults.take('token') ?? {};
  const bodies = tokenFaultBodies(ctx.tokenTtlSeconds, ctx.now());
  if ((await applyFault(fault, req, res, bodies, ctx.sleep)) === 'answered') return;

  if (!parsed.ok) {
    const challenge = parsed.status === 401 ? BASIC_CHALLENGE : {};
    sendOAuthError(res, parsed.status, parsed.error, parsed.description, challenge);
    return;
  }
  if (!authenticate(ctx.clients, parsed.clientId, parsed.clientSecret)) {
    sendOAuthError(res, 401, 'invalid_client', 'Client authentication failed.', BASIC_CHALLENGE);
    return;
  }
  if (parsed.grantType !== 'client_credentials') {
    sendOAuthError(res, 400, 'unsupported_grant_type', 'Only client_credentials is supported.');
    return;
  }
  const token = ctx.signer.sign(parsed.clientId, ctx.tokenTtlSeconds, ctx.now());
  ctx.stats.tokenIssued(parsed.clientId);
  sendJson(res, 200, successBody(token, ctx.tokenTtlSeconds, fault), NO_STORE);
}
