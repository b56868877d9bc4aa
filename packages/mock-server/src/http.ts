import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** Request bodies larger than this are answered 413. */
export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;

/** The body, or why there is none: over the limit, or the client went away. */
export type BodyResult =
  | { readonly ok: true; readonly body: Buffer }
  | { readonly ok: false; readonly reason: 'too_large' | 'aborted' };

/** Reads the whole request body, giving up at `limit` bytes. */
export function readBody(
  req: IncomingMessage,
  limit: number = MAX_REQUEST_BODY_BYTES,
): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.resolve({ ok: false, reason: 'too_large' });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: BodyResult): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) finish({ ok: false, reason: 'too_large' });
      else chunks.push(chunk);
    };
    const onEnd = (): void => finish({ ok: true, body: Buffer.concat(chunks) });
    const onClose = (): void => finish({ ok: false, reason: 'aborted' });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', onClose);
  });
}

/** The media type of a `Content-Type` header, lower-cased, without parameters. */
export function mediaType(req: IncomingMessage): string | undefined {
  const header = req.headers['content-type'];
  if (header === undefined) return undefined;
  return header.split(';', 1)[0]?.trim().toLowerCase();
}

/** The path of the request URL, without the query string. */
export function requestPath(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** The query string of the request URL, parsed. */
export function requestQuery(req: IncomingMessage): URLSearchParams {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  return new URLSearchParams(query === -1 ? '' : url.slice(query + 1));
}

/** Sends a complete body with an explicit `Content-Length` (keep-alive clients rely on it). */
export function send(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  headers: OutgoingHttpHeaders = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const payload = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { ...headers, 'Content-Length': payload.length });
  res.end(payload);
}

/** Sends `value` as JSON. */
export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: OutgoingHttpHeaders = {},
): void {
  send(res, status, JSON.stringify(value), {
    'Content-Type': 'application/json; charset=utf-8',
    ...headers,
  });
}

/** The Twilio REST API error body: `{ code, message, more_info, status }`. */
export function twilioError(status: number, code: number, message: string) {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

/** Sends a Twilio REST API error. */
export function sendTwilioError(
  res: ServerResponse,
  status: number,
  code: number,
  message: string,
  headers: OutgoingHttpHeaders = {},
): void {
  sendJson(res, status, twilioError(status, code, message), headers);
}

/** Headers on every Token API answer: token responses must never be cached (RFC 6749 §5.1). */
export const NO_STORE: OutgoingHttpHeaders = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

/** Sends an RFC 6749 §5.2 error. */
export function sendOAuthError(
  res: ServerResponse,
  status: number,
  error: string,
  description: string,
  headers: OutgoingHttpHeaders = {},
): void {
  sendJson(res, status, { error, error_description: description }, { ...NO_STORE, ...headers });
}

const STATUS_TEXT: Record<number, string> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** A plain HTML error page, as a proxy or load balancer in front of an API would send. */
export function htmlErrorPage(status: number): string {
  const title = `${status} ${STATUS_TEXT[status] ?? 'Server Error'}`;
  return `<!DOCTYPE html>\n<html><head><title>${title}</title></head><body><h1>${title}</h1></body></html>\n`;
}
