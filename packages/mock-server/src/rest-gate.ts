import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerContext } from './context';
import { applyFault, type FaultBodies, padJson } from './fault-response';
import { readBody, twilioError } from './http';
import type { TokenClaims } from './jwt';

/** A request's bearer token: its claims, or why it is refused. */
export type BearerCheck =
  | { readonly ok: true; readonly claims: TokenClaims }
  | { readonly ok: false; readonly presented: boolean; readonly message: string };

/** Checks the `Authorization: Bearer` token against this server's signer and clock. */
export function checkBearer(ctx: ServerContext, req: IncomingMessage): BearerCheck {
  const [scheme = '', token = ''] = (req.headers.authorization ?? '').trim().split(/\s+/, 2);
  if (scheme.toLowerCase() !== 'bearer' || token === '') {
    return {
      ok: false,
      presented: false,
      message: 'Authentication required: send a bearer token.',
    };
  }
  const result = ctx.signer.verify(token, ctx.now());
  if (result.ok) return result;
  const message =
    result.reason === 'expired' ? 'The access token has expired.' : 'The access token is invalid.';
  return { ok: false, presented: true, message };
}

/** The `WWW-Authenticate` challenge of a 401 (RFC 6750 §3.1: no error code when no token came). */
export function bearerChallenge(check: BearerCheck & { ok: false }): string {
  return check.presented
    ? `Bearer realm="Twilio API", error="invalid_token", error_description="${check.message}"`
    : 'Bearer realm="Twilio API"';
}

const TWILIO_CODES: Record<number, number> = { 401: 20003, 429: 20429 };

/** The bodies of faulted REST API answers (Messages and Organizations alike). */
const apiFaultBodies = (now: number): FaultBodies => ({
  headers: {},
  now,
  malformed: () => '{"first_page_uri":"/2010-04-01/Accounts/","end":0,"previous_page_uri":nu',
  oversized: () => padJson({ messages: [], page: 0, page_size: 50, start: 0, end: 0 }),
  clientError: (status) => ({
    body: JSON.stringify(
      twilioError(
        status,
        TWILIO_CODES[status] ?? 20000 + status,
        `Injected fault: HTTP ${status}.`,
      ),
    ),
    contentType: 'application/json; charset=utf-8',
  }),
});

/** How one REST API answers what the gate refuses, and counts what passes through it. */
export interface GateAnswers {
  /** Counts the request, for the client whose valid token it carries (if any). */
  count(clientId: string | undefined): void;
  /** Answers a body over the size limit (413). */
  tooLarge(): void;
  /** Counts and answers a request without a valid token (401 with `bearerChallenge`). */
  unauthenticated(check: BearerCheck & { ok: false }): void;
}

/**
 * What every REST API request (Messages, Organizations) goes through first: the body is read,
 * the request counted, the `api` fault applied, the bearer token checked. Resolves the body and
 * the token's claims, or `undefined` when the request has been answered (or its client left).
 */
export async function passGate(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  answers: GateAnswers,
): Promise<{ readonly body: Buffer; readonly claims: TokenClaims } | undefined> {
  const read = await readBody(req);
  const auth = checkBearer(ctx, req);
  answers.count(auth.ok ? auth.claims.sub : undefined);
  if (!read.ok) {
    if (read.reason === 'too_large') answers.tooLarge();
    return undefined;
  }
  const fault = ctx.faults.take('api');
  if (
    fault &&
    (await applyFault(fault, req, res, apiFaultBodies(ctx.now()), ctx.sleep)) === 'answered'
  ) {
    return undefined;
  }
  if (!auth.ok) {
    answers.unauthenticated(auth);
    return undefined;
  }
  return { body: read.body, claims: auth.claims };
}
