import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { htmlErrorPage, send, twilioError } from './http';
import type { Fault } from './types';

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
  /** The server clock when the request arrived, epoch ms (for `throttled_until`). */
  readonly now: number;
}

/** The Twilio error object of a `twilioCode` / `throttledForSeconds` fault, and its status. */
function twilioFaultBody(fault: Fault, nowMs: number): { status: number; body: string } {
  const throttled = fault.throttledForSeconds;
  const status = fault.status ?? (throttled === undefined ? 400 : 429);
  const code = fault.twilioCode ?? 20429;
  const body: Record<string, unknown> = twilioError(
    status,
    code,
    `Injected fault: Twilio error ${code}.`,
  );
  if (throttled !== undefined) {
    body.throttled_until = new Date(nowMs + throttled * 1000).toISOString();
  }
  return { status, body: JSON.stringify(body) };
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
  if (fault.twilioCode !== undefined || fault.throttledForSeconds !== undefined) {
    const answer = twilioFaultBody(fault, bodies.now);
    send(res, answer.status, answer.body, { ...headers, 'Content-Type': JSON_TYPE });
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
