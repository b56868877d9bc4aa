import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { ServerContext } from './context';
import { applyFault, type FaultBodies, padJson } from './fault-response';
import {
  mediaType,
  NO_STORE,
  readBody,
  requestPath,
  sendJson,
  sendOAuthError,
  sendTwilioError,
  twilioError,
} from './http';
import { TokenSigner } from './jwt';
import { snakeCaseForm, V1_TOKEN_PATH } from './token-paths';
import type { Fault } from './types';

export { TOKEN_PATH, TOKEN_PATHS } from './token-paths';

const FORM = 'application/x-www-form-urlencoded';
const BASIC_CHALLENGE = { 'WWW-Authenticate': 'Basic realm="twilio-oauth-mock"' };

/** Why a token request was refused; each has an RFC 6749 and a Twilio answer. */
type Refusal =
  | 'malformed'
  | 'missing_client_id'
  | 'missing_secret'
  | 'missing_grant_type'
  | 'unsupported_auth'
  | 'bad_credentials'
  | 'bad_grant_type';

interface RefusalAnswer {
  /** RFC 6749 §5.2 status and `error`. */
  readonly oauth: readonly [400 | 401, string];
  /** Twilio error code (always HTTP 400, as Twilio's OpenAPI description documents). */
  readonly twilio: number;
  readonly message: string;
}

// Twilio's Token API codes: 322402 invalid credentials, 321402 empty client_id, 321403 missing
// or invalid grant_type, 322403 malformed request. Twilio has its own error for an empty secret,
// but its number is not documented where we looked, nor is the code for an Authorization scheme
// other than Basic: 322402 is our best reading for both.
const REFUSALS: Record<Refusal, RefusalAnswer> = {
  malformed: { oauth: [400, 'invalid_request'], twilio: 322403, message: 'Malformed request.' },
  missing_client_id: {
    oauth: [400, 'invalid_request'],
    twilio: 321402,
    message: 'Missing parameter "client_id".',
  },
  missing_secret: {
    oauth: [400, 'invalid_request'],
    twilio: 322402,
    message: 'Missing parameter "client_secret".',
  },
  missing_grant_type: {
    oauth: [400, 'invalid_request'],
    twilio: 321403,
    message: 'Missing parameter "grant_type".',
  },
  unsupported_auth: {
    oauth: [401, 'invalid_client'],
    twilio: 322402,
    message: 'Unsupported client authentication method.',
  },
  bad_credentials: {
    oauth: [401, 'invalid_client'],
    twilio: 322402,
    message: 'Client authentication failed.',
  },
  bad_grant_type: {
    oauth: [400, 'unsupported_grant_type'],
    twilio: 321403,
    message: 'Only client_credentials is supported.',
  },
};

type ParsedTokenRequest =
  | {
      readonly ok: true;
      readonly clientId: string;
      readonly clientSecret: string;
      readonly grantType: string;
    }
  | {
      readonly ok: false;
      readonly refusal: Refusal;
      /** What was wrong, for the RFC 6749 `error_description` (never a secret). */
      readonly description?: string;
      readonly clientId?: string;
    };

const refuse = (refusal: Refusal, description?: string, clientId?: string): ParsedTokenRequest => ({
  ok: false,
  refusal,
  ...(description === undefined ? {} : { description }),
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
function parseTokenRequest(req: IncomingMessage, body: Buffer, v1: boolean): ParsedTokenRequest {
  if (mediaType(req) !== FORM) {
    return refuse('malformed', `The request body must be ${FORM}.`);
  }
  const form = new URLSearchParams(body.toString('utf8'));
  const params = v1 ? snakeCaseForm(form) : form;
  for (const key of new Set(params.keys())) {
    // RFC 6749 §3.2: parameters must not be repeated.
    if (params.getAll(key).length > 1)
      return refuse('malformed', `Parameter "${key}" is repeated.`);
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
      return refuse('unsupported_auth');
    }
    const basic = parseBasic(credentials);
    if (!basic) return refuse('malformed', 'Malformed HTTP Basic client credentials.');
    if (bodySecret !== undefined) {
      return refuse('malformed', 'Use one client authentication method, not both.', basic.id);
    }
    if (bodyId !== undefined && bodyId !== basic.id) {
      return refuse('malformed', 'client_id does not match the HTTP Basic credentials.', basic.id);
    }
    clientId = basic.id;
    clientSecret = basic.secret;
  }
  if (!clientId) return refuse('missing_client_id');
  if (!clientSecret) return refuse('missing_secret', undefined, clientId);
  if (!grantType) return refuse('missing_grant_type', undefined, clientId);
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

// A bare `status` fault in Twilio's format: the Token API code closest to what the status means.
const TWILIO_FAULT_CODES: Record<number, number> = { 400: 322403, 401: 322402, 429: 20429 };

const JSON_TYPE = 'application/json; charset=utf-8';

function tokenFaultBodies(ctx: ServerContext, now: number): FaultBodies {
  const ttl = ctx.tokenTtlSeconds;
  return {
    headers: NO_STORE,
    now,
    malformed: () => '{"access_token":"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOi',
    // Signed by a throwaway key: a client that wrongly accepts it cannot use it.
    oversized: () =>
      padJson(successBody(new TokenSigner('oversized').sign('oversized', ttl, now), ttl, {})),
    clientError: (status) => {
      if (ctx.tokenErrorFormat === 'twilio') {
        const code = TWILIO_FAULT_CODES[status] ?? 20000 + status;
        const body = twilioError(status, code, `Injected fault: HTTP ${status}.`);
        return { body: JSON.stringify(body), contentType: JSON_TYPE };
      }
      return status === 429
        ? { body: 'Too Many Requests\n', contentType: 'text/plain; charset=utf-8' }
        : {
            body: JSON.stringify({
              error: OAUTH_ERRORS[status] ?? 'invalid_request',
              error_description: `Injected fault: HTTP ${status}.`,
            }),
            contentType: JSON_TYPE,
          };
    },
  };
}

/** Answers a refused token request in the server's `tokenErrorFormat`. */
function sendRefusal(
  ctx: ServerContext,
  res: ServerResponse,
  refusal: Refusal,
  description?: string,
): void {
  const answer = REFUSALS[refusal];
  if (ctx.tokenErrorFormat === 'twilio') {
    sendTwilioError(res, 400, answer.twilio, answer.message, NO_STORE);
    return;
  }
  const [status, error] = answer.oauth;
  const challenge = status === 401 ? BASIC_CHALLENGE : {};
  sendOAuthError(res, status, error, description ?? answer.message, challenge);
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

/** An answer outside the grant (wrong method, body too large), in the server's format. */
function sendOther(
  ctx: ServerContext,
  res: ServerResponse,
  status: number,
  twilioCode: number,
  message: string,
  headers: OutgoingHttpHeaders,
): void {
  if (ctx.tokenErrorFormat === 'twilio') {
    sendTwilioError(res, status, twilioCode, message, { ...NO_STORE, ...headers });
  } else {
    sendOAuthError(res, status, 'invalid_request', message, headers);
  }
}

/**
 * `POST /v2/token` (and `/v1/token`, answering `201`): the client-credentials grant of Twilio's
 * Token API.
 */
export async function handleToken(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (req.method !== 'POST') {
    sendOther(ctx, res, 405, 20004, 'The token endpoint accepts only POST.', { Allow: 'POST' });
    return;
  }
  const read = await readBody(req);
  if (!read.ok) {
    ctx.stats.tokenRequest(undefined);
    if (read.reason === 'too_large') {
      sendOther(ctx, res, 413, 20413, 'The request body is too large.', { Connection: 'close' });
    }
    return;
  }
  const v1 = requestPath(req) === V1_TOKEN_PATH;
  const parsed = parseTokenRequest(req, read.body, v1);
  const clientId = parsed.clientId;
  ctx.stats.tokenRequest(
    clientId !== undefined && ctx.clients.has(clientId) ? clientId : undefined,
  );

  const fault = ctx.faults.take('token') ?? {};
  const bodies = tokenFaultBodies(ctx, ctx.now());
  if ((await applyFault(fault, req, res, bodies, ctx.sleep)) === 'answered') return;

  if (!parsed.ok) {
    sendRefusal(ctx, res, parsed.refusal, parsed.description);
    return;
  }
  if (!authenticate(ctx.clients, parsed.clientId, parsed.clientSecret)) {
    sendRefusal(ctx, res, 'bad_credentials');
    return;
  }
  if (parsed.grantType !== 'client_credentials') {
    sendRefusal(ctx, res, 'bad_grant_type');
    return;
  }
  const token = ctx.signer.sign(parsed.clientId, ctx.tokenTtlSeconds, ctx.now());
  ctx.stats.tokenIssued(parsed.clientId);
  sendJson(res, v1 ? 201 : 200, successBody(token, ctx.tokenTtlSeconds, fault), NO_STORE);
}
