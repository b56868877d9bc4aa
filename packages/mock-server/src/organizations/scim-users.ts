import { sendJson } from '../http';
import { CODES, NOT_FOUND, type OrgError, SCIM_JSON, sendOrgError } from './errors';
import type { OrgRequest } from './request';
import { readJson } from './request';
import {
  type AttributesResult,
  patchAttributes,
  readAttributes,
  SCIM_USER_SCHEMA,
} from './scim-attributes';
import { newSid, newVersion, type ScimUserRecord } from './store';

const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const BODY_TYPES = ['application/json', 'application/scim+json'];
// The one filter the mock understands: `userName eq "…"` (attribute and operator in any case).
const USERNAME_FILTER = /^\s*userName\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$/i;

const sendScim = (request: OrgRequest, status: number, value: unknown): void =>
  sendJson(request.res, status, value, { 'Content-Type': SCIM_JSON });

const scimError = (request: OrgRequest, error: OrgError): void =>
  sendOrgError(request.res, 'scim', error);

const badRequest = (scimType: OrgError['scimType'], message: string): OrgError => ({
  status: 400,
  code: CODES.badRequest,
  message,
  ...(scimType === undefined ? {} : { scimType }),
});

const taken = (userName: string): OrgError => ({
  status: 409,
  code: CODES.conflict,
  message: `A user with userName "${userName}" already exists.`,
  scimType: 'uniqueness',
});

/** A user record in the spec's field order, with a new version stamped on it. */
function userRecord(
  request: OrgRequest,
  attributes: Record<string, unknown>,
  previous?: ScimUserRecord,
): ScimUserRecord {
  const id = previous?.id ?? newSid('US');
  const now = new Date(request.ctx.now()).toISOString();
  const { externalId, userName, displayName, name, emails, active, locale, timezone } = attributes;
  const fields = { externalId, userName, displayName, name, emails, active, locale, timezone };
  return {
    id,
    ...Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)),
    userName: userName as string,
    schemas: [SCIM_USER_SCHEMA],
    meta: {
      resourceType: 'User',
      created: previous?.meta.created ?? now,
      lastModified: now,
      version: newVersion(),
    },
  };
}

/** The version in an entity tag, without `W/` and quotes, so that either form matches. */
const opaqueVersion = (tag: string): string => tag.trim().replace(/^W\//, '').replace(/^"|"$/g, '');

/** `GET …/scim/Users`: every user, or those a `userName eq "…"` filter names. */
export function listUsers(request: OrgRequest): void {
  const { ctx, organizationSid, query } = request;
  const filter = query.get('filter');
  let users = ctx.organizations.users(organizationSid);
  if (filter !== null && filter.trim() !== '') {
    const match = USERNAME_FILTER.exec(filter);
    if (!match) {
      scimError(
        request,
        badRequest('invalidFilter', 'Only userName eq "…" filters are supported.'),
      );
      return;
    }
    const userName = JSON.parse(`"${match[1]}"`) as string;
    const user = ctx.organizations.userNamed(organizationSid, userName);
    users = user ? [user] : [];
  }
  // Resources first: the official SDK's page reader takes the first array it meets.
  sendScim(request, 200, { Resources: users, totalResults: users.length, schemas: [LIST_SCHEMA] });
}

function checked(
  request: OrgRequest,
  result: AttributesResult,
): Record<string, unknown> | undefined {
  if (result.ok) return result.attributes;
  scimError(request, badRequest(result.scimType, result.detail));
  return undefined;
}

function body(request: OrgRequest): unknown {
  const json = readJson(request, BODY_TYPES);
  if (json.ok) return json.value;
  scimError(request, badRequest('invalidSyntax', json.message));
  return undefined;
}

/** `POST …/scim/Users`: 201 with the new user; 409 `uniqueness` for a userName in use. */
export function createUser(request: OrgRequest): void {
  const value = body(request);
  if (value === undefined) return;
  const attributes = checked(request, readAttributes(value));
  if (!attributes) return;
  const { organizations } = request.ctx;
  const userName = attributes.userName as string;
  if (organizations.userNamed(request.organizationSid, userName)) {
    scimError(request, taken(userName));
    return;
  }
  const user = userRecord(request, attributes);
  organizations.putUser(request.organizationSid, user);
  sendScim(request, 201, user);
}

/** `GET …/scim/Users/{id}`. */
export function fetchUser(request: OrgRequest, id: string): void {
  const user = request.ctx.organizations.user(request.organizationSid, id);
  if (user) sendScim(request, 200, user);
  else scimError(request, NOT_FOUND);
}

/**
 * `PUT` (replace) and `PATCH` (operations) of `…/scim/Users/{id}`: 404 for an unknown user, 409
 * when `If-Match` names another version or the new userName is taken, 200 with the new version.
 */
export function writeUser(request: OrgRequest, id: string, mode: 'replace' | 'patch'): void {
  const { organizations } = request.ctx;
  const current = organizations.user(request.organizationSid, id);
  if (!current) {
    scimError(request, NOT_FOUND);
    return;
  }
  const ifMatch = request.req.headers['if-match'];
  if (
    typeof ifMatch === 'string' &&
    ifMatch.trim() !== '*' &&
    opaqueVersion(ifMatch) !== opaqueVersion(current.meta.version)
  ) {
    scimError(request, {
      status: 409,
      code: CODES.conflict,
      message: 'If-Match does not match the current version of the user.',
    });
    return;
  }
  const value = body(request);
  if (value === undefined) return;
  const { id: _id, schemas: _schemas, meta: _meta, ...currentAttributes } = current;
  const result =
    mode === 'replace' ? readAttributes(value) : patchAttributes(currentAttributes, value);
  const attributes = checked(request, result);
  if (!attributes) return;
  const userName = attributes.userName as string;
  const holder = organizations.userNamed(request.organizationSid, userName);
  if (holder && holder.id !== id) {
    scimError(request, taken(userName));
    return;
  }
  const user = userRecord(request, attributes, current);
  organizations.putUser(request.organizationSid, user);
  sendScim(request, 200, user);
}

/** `DELETE …/scim/Users/{id}`: 204, or 404. */
export function deleteUser(request: OrgRequest, id: string): void {
  if (request.ctx.organizations.deleteUser(request.organizationSid, id)) {
    request.res.writeHead(204).end();
  } else {
    scimError(request, NOT_FOUND);
  }
}
