import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerContext } from '../context';
import { mediaType } from '../http';

/** One authorized Organizations API request, for the resource handlers. */
export interface OrgRequest {
  readonly ctx: ServerContext;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly organizationSid: string;
  /** The request body as read (empty for GET and DELETE). */
  readonly body: Buffer;
  /** Absolute URL of the organization's paths: `{apiBaseUrl}/Organizations/{OrganizationSid}`. */
  readonly orgUrl: string;
  readonly query: URLSearchParams;
}

/** A parsed JSON body, or why it could not be read. */
export type JsonBody =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly message: string };

/**
 * Parses a JSON request body sent as one of `mediaTypes` (a body without `Content-Type` is read
 * as JSON too).
 */
export function readJson(request: OrgRequest, mediaTypes: readonly string[]): JsonBody {
  const type = mediaType(request.req);
  if (type !== undefined && !mediaTypes.includes(type)) {
    return { ok: false, message: `The request body must be ${mediaTypes.join(' or ')}.` };
  }
  try {
    return { ok: true, value: JSON.parse(request.body.toString('utf8')) };
  } catch {
    return { ok: false, message: 'The request body is not valid JSON.' };
  }
}
