import { sendJson } from '../http';
import { CODES, NOT_FOUND, type OrgError, sendOrgError } from './errors';
import { contentPage, readPaging } from './paging';
import { type OrgRequest, readJson } from './request';
import type { RoleAssignment } from './store';

/** The spec's `PageSize` for Role Assignments: default 100, at most 100. */
const LIMITS = { defaultSize: 100, maxSize: 100 } as const;
const SID = /^[A-Z]{2}[0-9a-fA-F]{32}$/;
const ROLE_SID = /^IX[0-9a-fA-F]{32}$/;
// ResourceType / ResourceId are sent by twilio-node 6.x but not in the spec: accepted, kept on
// every page URL, and matching nothing (the mock has no resource-level assignments).
const FILTERS = ['Identity', 'Scope', 'ResourceType', 'ResourceId'] as const;

const badRequest = (message: string): OrgError => ({
  status: 400,
  code: CODES.badRequest,
  message,
});

/** `GET …/RoleAssignments`, filtered by `Identity` and `Scope`, in `content` + `meta` pages. */
export function listRoleAssignments(request: OrgRequest): void {
  const { query } = request;
  const paging = readPaging(query, LIMITS);
  if ('status' in paging) {
    sendOrgError(request.res, 'twilio', paging);
    return;
  }
  const filters: Array<readonly [string, string]> = [];
  for (const name of FILTERS) {
    const value = query.get(name);
    if (value === null) continue;
    if ((name === 'Identity' || name === 'Scope') && !SID.test(value)) {
      sendOrgError(request.res, 'twilio', badRequest(`${name} must be a SID.`));
      return;
    }
    filters.push([name, value]);
  }
  const wanted = Object.fromEntries(filters);
  const items = request.ctx.organizations
    .assignments(request.organizationSid)
    .filter(
      (assignment) =>
        wanted.ResourceType === undefined &&
        wanted.ResourceId === undefined &&
        (wanted.Identity === undefined || assignment.identity === wanted.Identity) &&
        (wanted.Scope === undefined || assignment.scope === wanted.Scope),
    );
  const page = contentPage({
    items,
    keyOf: (assignment) => assignment.sid,
    request: paging,
    listUrl: `${request.orgUrl}/RoleAssignments`,
    filters,
  });
  if (page) sendJson(request.res, 200, page);
  else sendOrgError(request.res, 'twilio', badRequest('PageToken is not valid.'));
}

/** A field of the create body under its spec name or the SDK's camelCase one. */
function field(body: Record<string, unknown>, spec: string, sdk: string): unknown {
  return body[spec] ?? body[sdk];
}

type NewAssignment = Omit<RoleAssignment, 'sid'>;

/** The fields of a create body, or what is wrong with it. */
function readAssignment(request: OrgRequest): NewAssignment | string {
  const json = readJson(request, ['application/json']);
  if (!json.ok) return json.message;
  const body = json.value;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return 'The body must be a JSON object.';
  }
  const fields = body as Record<string, unknown>;
  const roleSid = field(fields, 'role_sid', 'roleSid');
  const { scope, identity } = fields;
  if (typeof roleSid !== 'string' || !ROLE_SID.test(roleSid)) {
    return 'role_sid is required: "IX" followed by 32 hex digits.';
  }
  if (typeof scope !== 'string' || !SID.test(scope)) return 'scope is required: a SID.';
  if (typeof identity !== 'string' || !SID.test(identity)) return 'identity is required: a SID.';
  const { organizations } = request.ctx;
  const existing = organizations
    .assignments(request.organizationSid)
    .some((a) => a.role_sid === roleSid && a.scope === scope && a.identity === identity);
  if (existing) return 'This role is already assigned to this identity in this scope.';
  return { role_sid: roleSid, scope, identity };
}

/**
 * `POST …/RoleAssignments` (JSON): 201 with the new `IY…` assignment. The spec names the role
 * `role_sid`; twilio-node sends its parameter object as it is (`roleSid`): both are read.
 */
export function createRoleAssignment(request: OrgRequest): void {
  const fields = readAssignment(request);
  if (typeof fields === 'string') {
    sendOrgError(request.res, 'service', badRequest(fields));
    return;
  }
  sendJson(
    request.res,
    201,
    request.ctx.organizations.addAssignment(request.organizationSid, fields),
  );
}

/** `DELETE …/RoleAssignments/{sid}`: 204, or 404 for an assignment the organization has not. */
export function deleteRoleAssignment(request: OrgRequest, sid: string): void {
  if (request.ctx.organizations.deleteAssignment(request.organizationSid, sid)) {
    request.res.writeHead(204).end();
  } else {
    sendOrgError(request.res, 'service', NOT_FOUND);
  }
}
