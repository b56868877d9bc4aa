import type { ScimType } from './errors';

/** The core User schema URN (RFC 7643 §4.1). */
export const SCIM_USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
/** The PATCH request schema URN (RFC 7644 §3.5.2). */
export const SCIM_PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** The attributes a client may write, in the spec's `ScimUser` order. */
export const WRITABLE = [
  'externalId',
  'userName',
  'displayName',
  'name',
  'emails',
  'active',
  'locale',
  'timezone',
] as const;

/** What is wrong with a request body: a 400 with this SCIM type. */
export interface AttributeProblem {
  readonly ok: false;
  readonly scimType: ScimType;
  readonly detail: string;
}

type Attributes = Record<string, unknown>;

/** Checked attributes, or what is wrong with them. */
export type AttributesResult =
  | { readonly ok: true; readonly attributes: Attributes }
  | AttributeProblem;

const problem = (scimType: ScimType, detail: string): AttributeProblem => ({
  ok: false,
  scimType,
  detail,
});

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const stringIn = (value: unknown, min: number, max: number): boolean =>
  typeof value === 'string' && value.length >= min && value.length <= max;

const invalid = (detail: string): AttributeProblem => problem('invalidValue', detail);

function checkName(name: unknown): AttributeProblem | undefined {
  if (!isObject(name)) return invalid('name must be an object.');
  for (const part of ['givenName', 'familyName']) {
    if (name[part] !== undefined && !stringIn(name[part], 0, 255)) {
      return invalid(`name.${part} must be a string of at most 255 characters.`);
    }
  }
  return undefined;
}

function checkEmails(emails: unknown, userName: string): AttributeProblem | undefined {
  if (!Array.isArray(emails) || emails.length === 0) {
    return invalid('emails must be a non-empty array.');
  }
  for (const email of emails) {
    if (!isObject(email) || !stringIn(email.value, 2, 160)) {
      return invalid('Each email needs a value of 2 to 160 characters.');
    }
    if (email.primary !== undefined && typeof email.primary !== 'boolean') {
      return invalid('emails[].primary must be a boolean.');
    }
    if (email.type !== undefined && !stringIn(email.type, 0, 64)) {
      return invalid('emails[].type must be a string of at most 64 characters.');
    }
  }
  const primaries = emails.filter((email) => email.primary === true);
  if (primaries.length > 1) return invalid('Only one email may be primary.');
  const primary = primaries[0] ?? (emails.length === 1 ? emails[0] : undefined);
  if (!primary) return invalid('A primary email is required when there are several.');
  if (String(primary.value).toLowerCase() !== userName.toLowerCase()) {
    return invalid('The primary email must match userName.');
  }
  return undefined;
}

/**
 * The writable attributes of a `ScimUser` body, checked against the spec's limits; read-only
 * ones (`id`, `meta`, `schemas`) and unknown ones are ignored, as SCIM servers do.
 */
export function readAttributes(body: unknown): AttributesResult {
  if (!isObject(body)) return problem('invalidSyntax', 'The body must be a JSON object.');
  if (!stringIn(body.userName, 2, 255)) {
    return invalid('userName is required: a string of 2 to 255 characters.');
  }
  const userName = body.userName as string;
  if (body.externalId !== undefined && !stringIn(body.externalId, 2, 255)) {
    return invalid('externalId must be a string of 2 to 255 characters.');
  }
  if (body.displayName !== undefined && !stringIn(body.displayName, 0, 255)) {
    return invalid('displayName must be a string of at most 255 characters.');
  }
  const nameProblem = body.name === undefined ? undefined : checkName(body.name);
  if (nameProblem) return nameProblem;
  const emailProblem = body.emails === undefined ? undefined : checkEmails(body.emails, userName);
  if (emailProblem) return emailProblem;
  if (body.active !== undefined && typeof body.active !== 'boolean') {
    return invalid('active must be a boolean.');
  }
  for (const key of ['locale', 'timezone']) {
    if (body[key] !== undefined && typeof body[key] !== 'string') {
      return invalid(`${key} must be a string.`);
    }
  }
  const attributes: Attributes = {};
  for (const key of WRITABLE) {
    if (body[key] !== undefined) attributes[key] = structuredClone(body[key]);
  }
  attributes.active ??= true;
  return { ok: true, attributes };
}

const PATHS = new Set([...WRITABLE, 'name.givenName', 'name.familyName']);
const READ_ONLY = new Set(['id', 'meta', 'schemas']);

/** Applies one PATCH operation to a copy of the attributes (checked again afterwards). */
function applyOperation(target: Attributes, operation: unknown): AttributeProblem | undefined {
  if (!isObject(operation) || typeof operation.op !== 'string') {
    return problem('invalidSyntax', 'Each operation needs an "op".');
  }
  const op = operation.op.toLowerCase();
  const { path, value } = operation;
  if (op !== 'add' && op !== 'replace' && op !== 'remove') {
    return problem('invalidSyntax', `Unsupported op "${operation.op}".`);
  }
  if (path === undefined) {
    if (op === 'remove') return problem('invalidSyntax', 'remove needs a path.');
    if (!isObject(value)) return invalid('An operation without a path needs an object value.');
    for (const [key, item] of Object.entries(value)) {
      const failure = applyOperation(target, { op, path: key, value: item });
      if (failure) return failure;
    }
    return undefined;
  }
  if (typeof path !== 'string') return problem('invalidSyntax', 'path must be a string.');
  if (READ_ONLY.has(path)) return problem('mutability', `${path} is read-only.`);
  if (!PATHS.has(path)) return problem('invalidSyntax', `Unsupported path "${path}".`);
  const [head = path, sub] = path.split('.');
  if (sub === undefined) {
    if (op === 'remove') delete target[head];
    else target[head] = structuredClone(value);
    return undefined;
  }
  const parent: Record<string, unknown> = isObject(target[head]) ? { ...target[head] } : {};
  if (op === 'remove') delete parent[sub];
  else parent[sub] = value;
  target[head] = parent;
  return undefined;
}

/**
 * The attributes after a `ScimPatchRequest`, checked as a whole, or what is wrong. The list is
 * `Operations` in SCIM and the spec; twilio-node's `ScimPatchRequest` type names it `operations`
 * and sends the object as typed: both are read.
 */
export function patchAttributes(current: Attributes, body: unknown): AttributesResult {
  const operations = isObject(body) ? (body.Operations ?? body.operations) : undefined;
  if (!Array.isArray(operations) || operations.length === 0) {
    return problem('invalidSyntax', 'A PATCH needs a non-empty "Operations" array.');
  }
  const next: Attributes = structuredClone(current);
  for (const operation of operations) {
    const failure = applyOperation(next, operation);
    if (failure) return failure;
  }
  return readAttributes(next);
}
