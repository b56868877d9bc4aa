import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseFaults } from './faults';
import { NO_STORE, readBody, requestPath, send, sendJson } from './http';
import type { Faults, MockStats } from './types';

/** Every path under this prefix is an admin endpoint (for the CLI, or tests in other languages). */
export const ADMIN_PREFIX = '/__mock/';

/** What the admin endpoints act on. */
export interface AdminActions {
  stats(): MockStats;
  faults(): Faults;
  setFaults(faults: Faults): void;
  reset(): void;
  revokeTokens(): void;
}

const ROUTES: Record<string, string> = {
  '/__mock/stats': 'GET',
  '/__mock/faults': 'GET, POST',
  '/__mock/reset': 'POST',
  '/__mock/revoke': 'POST',
};

const adminError = (res: ServerResponse, status: number, error: string, message: string) =>
  sendJson(res, status, { error, message }, NO_STORE);

/**
 * `GET /__mock/stats`, `GET|POST /__mock/faults` (JSON {@link Faults}), `POST /__mock/reset`,
 * `POST /__mock/revoke`. No secret or token is ever part of an answer.
 */
export async function handleAdmin(
  actions: AdminActions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const path = requestPath(req);
  const allowed = ROUTES[path];
  if (allowed === undefined) {
    adminError(res, 404, 'not_found', `No admin endpoint at ${path}.`);
    return;
  }
  const method = req.method ?? 'GET';
  if (!allowed.split(', ').includes(method)) {
    sendJson(
      res,
      405,
      { error: 'method_not_allowed', message: `Use ${allowed}.` },
      { ...NO_STORE, Allow: allowed },
    );
    return;
  }
  const read = await readBody(req);
  if (!read.ok) {
    if (read.reason === 'too_large') {
      sendJson(
        res,
        413,
        { error: 'too_large', message: 'The request body is too large.' },
        { ...NO_STORE, Connection: 'close' },
      );
    }
    return;
  }
  if (method === 'GET') {
    sendJson(res, 200, path === '/__mock/stats' ? actions.stats() : actions.faults(), NO_STORE);
    return;
  }
  if (path === '/__mock/faults') {
    let faults: Faults;
    try {
      faults = parseFaults(JSON.parse(read.body.toString('utf8') || '{}'));
    } catch (error) {
      const message = error instanceof TypeError ? error.message : 'The body must be JSON.';
      adminError(res, 400, 'invalid_faults', message);
      return;
    }
    actions.setFaults(faults);
    sendJson(res, 200, actions.faults(), NO_STORE);
    return;
  }
  if (path === '/__mock/reset') actions.reset();
  else actions.revokeTokens();
  send(res, 204, '', NO_STORE);
}
