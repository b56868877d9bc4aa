import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { htmlErrorPage, send } from './http.js';
import type { Fault } from './types.js';

/** The endpoint-specific bodies of faulted answers. */
export interface FaultBodies {
  /** Truncated JSON. */
  malformed(): string;
  /** Valid-looking JSON over 64 KiB. */
  oversized(): string;
  /** The error answer of a 4xx status (including 429). */
  clientError(status: number): { readonly body: string; readonly contentType: string };
  /** Headers every answer of this endpoint carries. */
  readonly headers: OutgoingHttpHeaders;
}

/** Pads a JSON object with a filler field so that it is about 100 KiB long. */
export function padJson(value: Record<string, unknown>): string {
  return JSON.stringify({ ...value, padding: 'x'.repeat(100 * 1024) });
}

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Applies `fault` to one request. Resolves `'continue'` when the request should be answered
 * normally afterwards (a pure delay, or fields that only change a successful answer).
 *
 * @param sleep resolves `false` when the server closes during the delay.
 */
export async function applyFault(
  fault: Fault,
  req: IncomingMessage,
  res: ServerResponse,
  bodies: FaultBodies,
  sleep: (ms: number) => Promise<boolean>,
): Promise<'answered' | 'continue'> {
  if (fault.delayMs !== undefined && fault.delayMs > 0) {
    const completed = await sleep(fault.delayMs);
    if (!completed || res.destroyed) return 'answered';
  }
  // Left open on purpose; server.close() destroys the socket.
  if (fault.hang) return 'answered';
  if (fault.reset) {
    req.socket.resetAndDestroy();
    return 'answered';
  }
  const headers: OutgoingHttpHeaders = { ...bodies.headers };
  if (fault.retryAfterSeconds !== undefined) headers['Retry-After'] = `${fault.retryAfterSeconds}`;
  const status = fault.status ?? 200;
  if (fault.body !== undefined) {
    send(res, status, fault.body, {
      ...headers,
      'Content-Type': fault.contentType ?? 'application/json',
    });
    return 'answered';
  }
  if (fault.malformed) {
    send(res, status, bodies.malformed(), { ...headers, 'Content-Type': JSON_TYPE });
    return 'answered';
  }
  if (fault.oversized) {
    send(res, status, bodies.oversized(), { ...headers, 'Content-Type': JSON_TYPE });
    return 'answered';
  }
  if (fault.status === undefined) return 'continue';
  if (status >= 500) {
    send(res, status, htmlErrorPage(status), {
      ...headers,
      'Content-Type': 'text/html; charset=utf-8',
    });
  } else if (status >= 400) {
    const { body, contentType } = bodies.clientError(status);
    send(res, status, body, { ...headers, 'Content-Type': contentType });
  } else {
    send(res, status, '', headers);
  }
  return 'answered';
}
