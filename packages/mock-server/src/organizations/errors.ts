import type { ServerResponse } from 'node:http';
import { sendJson, twilioError } from '../http';

/** The SCIM media type (RFC 7644 §3.1): every SCIM Users answer carries it. */
export const SCIM_JSON = 'application/scim+json; charset=utf-8';

/** Schema URN of a SCIM error (RFC 7644 §3.12). */
export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** The `scimType` values the spec's `ScimError` enumerates. */
export type ScimType =
  | 'invalidFilter'
  | 'uniqueness'
  | 'mutability'
  | 'invalidValue'
  | 'invalidSyntax';

/**
 * The three error shapes of the Organizations API, one per endpoint family, as twilio-oai
 * describes them: `scim` (SCIM Users: `ScimError`, a string `status`, `moreInfo`), `twilio`
 * (Accounts and the Role Assignments list: the Twilio error object with `more_info`) and
 * `service` (Role Assignments create and delete: `TwilioServiceErrorResponse`, with `moreInfo`).
 */
export type ErrorShape = 'scim' | 'twilio' | 'service';

/** One refusal, before it is given its endpoint's shape. */
export interface OrgError {
  readonly status: number;
  readonly code: number;
  readonly message: string;
  readonly scimType?: ScimType;
}

const moreInfo = (code: number): string => `https://www.twilio.com/docs/errors/${code}`;

/** A `ScimError` body. Its keys follow the spec's order; `scimType` only when there is one. */
export function scimErrorBody(error: OrgError): Record<string, unknown> {
  return {
    schemas: [SCIM_ERROR_SCHEMA],
    detail: error.message,
    ...(error.scimType === undefined ? {} : { scimType: error.scimType }),
    status: String(error.status),
    code: error.code,
    moreInfo: moreInfo(error.code),
  };
}

/** A `TwilioServiceErrorResponse` body: the Twilio error object with `moreInfo` in camelCase. */
export function serviceErrorBody(error: OrgError): Record<string, unknown> {
  return {
    code: error.code,
    message: error.message,
    moreInfo: moreInfo(error.code),
    status: error.status,
  };
}

/** Sends `error` in `shape`, with the media type the spec gives that shape. */
export function sendOrgError(
  res: ServerResponse,
  shape: ErrorShape,
  error: OrgError,
  headers: Record<string, string> = {},
): void {
  if (shape === 'scim') {
    sendJson(res, error.status, scimErrorBody(error), { 'Content-Type': SCIM_JSON, ...headers });
  } else if (shape === 'service') {
    // The spec gives the service error the SCIM media type too.
    sendJson(res, error.status, serviceErrorBody(error), { 'Content-Type': SCIM_JSON, ...headers });
  } else {
    sendJson(res, error.status, twilioError(error.status, error.code, error.message), headers);
  }
}

/** Twilio's generic codes for the statuses the Organizations API answers with. */
export const CODES = {
  badRequest: 20001,
  unauthenticated: 20003,
  forbidden: 20403,
  notFound: 20404,
  methodNotAllowed: 20004,
  conflict: 20409,
  tooLarge: 20413,
} as const;

/** A 404 in Twilio's words. */
export const NOT_FOUND: OrgError = {
  status: 404,
  code: CODES.notFound,
  message: 'The requested resource was not found.',
};
