// The Organizations API against the field lists of Twilio's OpenAPI description
// (test/fixtures/twilio-organizations.json, extracted from twilio/twilio-oai's
// spec/json/twilio_iam_organizations.json): every operation's success answer and each of the
// three error shapes, field by field, with the media type the spec gives each.
import { describe, expect, it } from 'vitest';
import spec from '../test/fixtures/twilio-organizations.json' with { type: 'json' };
import { postForm } from '../test/helpers';
import { type OrgFixture, scimUser, sendJson, sid, useOrgFixture } from '../test/organizations';

interface Field {
  readonly type: string;
  readonly format?: string;
  readonly nullable?: boolean;
  readonly enum?: readonly string[];
  readonly pattern?: string;
  readonly ref?: string;
  readonly items?: string;
}
type Schema = Readonly<Record<string, Field>>;
interface Operation {
  readonly method: string;
  readonly path: string;
  readonly query?: Readonly<Record<string, Field>>;
  readonly headers?: readonly string[];
  readonly requestBody?: Readonly<Record<string, string>>;
  readonly responses: Readonly<Record<string, { contentType: string; schema: string } | null>>;
}

const schemas = spec.schemas as Record<string, Schema>;
const operations = spec.operations as Record<string, Operation>;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

const typeOk: Record<string, (value: unknown) => boolean> = {
  string: (value) => typeof value === 'string',
  integer: (value) => Number.isInteger(value),
  boolean: (value) => typeof value === 'boolean',
  object: (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  array: Array.isArray,
};

function expectValue(value: unknown, field: Field, where: string): void {
  if (value === null) {
    expect(field.nullable, `${where} is null but not nullable`).toBe(true);
    return;
  }
  expect(typeOk[field.type]?.(value), `${where} should be ${field.type}`).toBe(true);
  if (field.enum) expect(field.enum, where).toContain(value);
  if (field.pattern) expect(value, where).toMatch(new RegExp(field.pattern));
  if (field.format === 'date-time') expect(value, where).toMatch(ISO_DATE_TIME);
  if (field.format === 'uri') expect(URL.canParse(value as string), `${where} is a URL`).toBe(true);
  if (field.ref) expectShape(value, field.ref, where, { exact: false });
  if (field.type === 'array' && field.items && field.items in schemas) {
    for (const [i, item] of (value as unknown[]).entries()) {
      expectShape(item, field.items, `${where}[${i}]`, { exact: false });
    }
  }
  if (field.type === 'array' && field.items && !(field.items in schemas)) {
    for (const item of value as unknown[]) expect(typeOk[field.items]?.(item), where).toBe(true);
  }
}

/**
 * `value` has only fields of `name` (all of them when `exact`), each of its type, format,
 * pattern and enum, nested schemas checked by name; the spec's required fields are present.
 */
function expectShape(value: unknown, name: string, what: string, { exact = true } = {}): void {
  const schema = schemas[name];
  if (!schema) throw new Error(`no schema ${name} in the fixture`);
  expect(typeOk.object?.(value), `${what} is an object`).toBe(true);
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  if (exact) expect(keys, `${what}: field names`).toEqual(Object.keys(schema).sort());
  else for (const key of keys) expect(Object.keys(schema), `${what}: ${key}`).toContain(key);
  const required = (spec.required as Record<string, string[]>)[name] ?? [];
  for (const key of required) expect(keys, `${what}: required ${key}`).toContain(key);
  for (const [key, field] of Object.entries(schema)) {
    if (key in record) expectValue(record[key], field, `${what}.${key}`);
  }
}

/** The answer matches the spec's entry for this operation and status: media type and schema. */
async function expectAnswer(res: Response, operationId: string, options = { exact: true }) {
  const documented = operations[operationId]?.responses[String(res.status)];
  expect(documented, `${operationId} documents ${res.status}`).toBeDefined();
  if (documented === null || documented === undefined) {
    expect(await res.text()).toBe('');
    return undefined;
  }
  expect(res.headers.get('content-type')?.split(';')[0]).toBe(documented.contentType);
  const body = (await res.json()) as Record<string, unknown>;
  expectShape(body, documented.schema, `${operationId} ${res.status}`, options);
  return body;
}

let fx: OrgFixture;
let token: string;
useOrgFixture((fixture, orgToken) => {
  fx = fixture;
  token = orgToken;
});

const auth = () => ({ authorization: `Bearer ${token}` });
const users = () => `${fx.orgUrl}/scim/Users`;
const fullUser = (userName: string) =>
  scimUser(userName, {
    externalId: 'ext-1',
    displayName: 'Full User',
    name: { givenName: 'Full', familyName: 'User' },
    active: true,
    locale: 'en-US',
    timezone: 'Europe/Paris',
  });
const createUser = async (userName: string) => {
  const res = await sendJson(users(), token, { method: 'POST', body: fullUser(userName) });
  return (await expectAnswer(res, 'CreateOrganizationUser')) as {
    id: string;
    meta: { version: string };
  };
};

describe('the fixture', () => {
  it('lists the 11 operations the mock serves, all under the preview-iam host with OAuth', () => {
    expect(Object.keys(operations).sort()).toEqual(
      [
        'CreateOrganizationUser',
        'CreateRoleAssignment',
        'DeleteOrganizationUser',
        'DeleteRoleAssignment',
        'FetchOrganizationAccount',
        'FetchOrganizationUser',
        'ListOrganizationAccounts',
        'ListOrganizationUsers',
        'ListRoleAssignments',
        'PatchOrganizationUser',
        'UpdateOrganizationUser',
      ].sort(),
    );
    expect(spec.server).toBe('https://preview-iam.twilio.com');
    expect(spec.security).toEqual(['oAuth2ClientCredentials']);
  });

  it('documents what the mock reads: query parameters, If-Match, body fields', () => {
    expect(Object.keys(operations.ListOrganizationUsers?.query ?? {})).toEqual(['filter']);
    expect(Object.keys(operations.ListOrganizationAccounts?.query ?? {})).toEqual([
      'PageSize',
      'PageToken',
    ]);
    expect(Object.keys(operations.ListRoleAssignments?.query ?? {})).toEqual([
      'PageSize',
      'PageToken',
      'Identity',
      'Scope',
    ]);
    expect(operations.UpdateOrganizationUser?.headers).toEqual(['If-Match']);
    expect(operations.PatchOrganizationUser?.headers).toEqual(['If-Match']);
    expect(Object.keys(schemas.PublicApiCreateRoleAssignmentRequest ?? {})).toEqual([
      'role_sid',
      'scope',
      'identity',
    ]);
    expect(Object.keys(schemas.ScimPatchRequest ?? {})).toContain('Operations');
    const written = Object.keys(fullUser('x@example.com'));
    for (const key of written) expect(Object.keys(schemas.ScimUser ?? {})).toContain(key);
  });
});

describe('SCIM Users (ScimUser, ScimUserPage, ScimError)', () => {
  it('CreateOrganizationUser 201 and FetchOrganizationUser 200: ScimUser with every field', async () => {
    const user = await createUser('full@example.com');
    await expectAnswer(
      await fetch(`${users()}/${user.id}`, { headers: auth() }),
      'FetchOrganizationUser',
    );
  });

  it('ListOrganizationUsers 200: ScimUserPage, Resources of ScimUser', async () => {
    await createUser('full@example.com');
    const filter = encodeURIComponent('userName eq "full@example.com"');
    await expectAnswer(
      await fetch(`${users()}?filter=${filter}`, { headers: auth() }),
      'ListOrganizationUsers',
    );
  });

  it('UpdateOrganizationUser 200 and 409, PatchOrganizationUser 200 and 409', async () => {
    const user = await createUser('full@example.com');
    const put = (version: string) =>
      sendJson(`${users()}/${user.id}`, token, {
        method: 'PUT',
        body: fullUser('full@example.com'),
        headers: { 'if-match': version },
      });
    const updated = (await expectAnswer(
      await put(user.meta.version),
      'UpdateOrganizationUser',
    )) as typeof user;
    // A version conflict carries no scimType (none of the spec's five fits it).
    await expectAnswer(await put(user.meta.version), 'UpdateOrganizationUser', { exact: false });
    const patch = (version: string) =>
      sendJson(`${users()}/${user.id}`, token, {
        method: 'PATCH',
        body: {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'replace', path: 'displayName', value: 'P' }],
        },
        headers: { 'if-match': version },
      });
    await expectAnswer(await patch(updated.meta.version), 'PatchOrganizationUser');
    const conflict = await expectAnswer(
      await patch(updated.meta.version),
      'PatchOrganizationUser',
      { exact: false },
    );
    expect(conflict).toMatchObject({ status: '409' });
  });

  it('DeleteOrganizationUser 204 (no body) and 404: ScimError', async () => {
    const user = await createUser('full@example.com');
    const del = () => fetch(`${users()}/${user.id}`, { method: 'DELETE', headers: auth() });
    await expectAnswer(await del(), 'DeleteOrganizationUser');
    await expectAnswer(await del(), 'DeleteOrganizationUser', { exact: false });
  });

  it('ScimError for 400 (invalidFilter, invalidValue), 401, 403, 409 uniqueness', async () => {
    const bad = await fetch(`${users()}?filter=nope`, { headers: auth() });
    expect(await expectAnswer(bad, 'ListOrganizationUsers')).toMatchObject({
      scimType: 'invalidFilter',
    });
    const invalid = await sendJson(users(), token, { method: 'POST', body: { userName: 'x' } });
    expect(await expectAnswer(invalid, 'CreateOrganizationUser')).toMatchObject({
      scimType: 'invalidValue',
    });
    await expectAnswer(await fetch(users()), 'ListOrganizationUsers', { exact: false });
    const other = await sendJson(users(), await fx.accountToken(), {
      method: 'POST',
      body: fullUser('a@example.com'),
    });
    await expectAnswer(other, 'CreateOrganizationUser', { exact: false });
    await createUser('dup@example.com');
    const dup = await sendJson(users(), token, {
      method: 'POST',
      body: fullUser('dup@example.com'),
    });
    expect(dup.status).toBe(409);
    // 409 is documented on PUT and PATCH; a duplicate create answers it in the same ScimError.
    expectShape(await dup.json(), 'ScimError', 'duplicate userName');
  });
});

describe('Accounts (PublicApiAccountResponse[Page], Twilio error object)', () => {
  it('ListOrganizationAccounts 200 and FetchOrganizationAccount 200', async () => {
    fx.server.addOrganizationAccount(fx.organizationSid, 'Second');
    const page = await expectAnswer(
      await fetch(`${fx.orgUrl}/Accounts?PageSize=1`, { headers: auth() }),
      'ListOrganizationAccounts',
    );
    expect(page?.meta).toMatchObject({ next_page_url: expect.any(String) });
    await expectAnswer(
      await fetch(`${fx.orgUrl}/Accounts/${fx.server.accountSid}`, { headers: auth() }),
      'FetchOrganizationAccount',
    );
  });

  it('403 and 404: the Twilio error object with more_info', async () => {
    const forbidden = await fetch(`${fx.orgUrl}/Accounts`, {
      headers: { authorization: `Bearer ${await fx.otherToken()}` },
    });
    await expectAnswer(forbidden, 'ListOrganizationAccounts');
    await expectAnswer(
      await fetch(`${fx.orgUrl}/Accounts/${sid('AC')}`, { headers: auth() }),
      'FetchOrganizationAccount',
    );
  });
});

describe('Role Assignments (PublicApiRoleAssignmentResponse[Page], two error shapes)', () => {
  const create = (body: unknown) =>
    sendJson(`${fx.orgUrl}/RoleAssignments`, token, { method: 'POST', body });

  it('CreateRoleAssignment 201, ListRoleAssignments 200, DeleteRoleAssignment 204', async () => {
    const created = await expectAnswer(
      await create({ role_sid: sid('IX'), scope: fx.server.accountSid, identity: sid('US') }),
      'CreateRoleAssignment',
    );
    await expectAnswer(
      await fetch(`${fx.orgUrl}/RoleAssignments?PageSize=5`, { headers: auth() }),
      'ListRoleAssignments',
    );
    const del = await fetch(`${fx.orgUrl}/RoleAssignments/${created?.sid as string}`, {
      method: 'DELETE',
      headers: auth(),
    });
    await expectAnswer(del, 'DeleteRoleAssignment');
  });

  it('ListRoleAssignments 400 and 403: the Twilio error object', async () => {
    await expectAnswer(
      await fetch(`${fx.orgUrl}/RoleAssignments?Scope=x`, { headers: auth() }),
      'ListRoleAssignments',
    );
    const other = { authorization: `Bearer ${await fx.otherToken()}` };
    await expectAnswer(
      await fetch(`${fx.orgUrl}/RoleAssignments`, { headers: other }),
      'ListRoleAssignments',
    );
  });

  it('CreateRoleAssignment 400 / 403 and DeleteRoleAssignment 403: TwilioServiceErrorResponse', async () => {
    await expectAnswer(await create({ scope: sid('AC') }), 'CreateRoleAssignment');
    token = await fx.accountToken();
    await expectAnswer(
      await create({ role_sid: sid('IX'), scope: sid('AC'), identity: sid('US') }),
      'CreateRoleAssignment',
    );
    const del = await fetch(`${fx.orgUrl}/RoleAssignments/${sid('IY')}`, {
      method: 'DELETE',
      headers: auth(),
    });
    await expectAnswer(del, 'DeleteRoleAssignment');
  });
});

describe('/v1/token (oauth.v1.token)', () => {
  it('documents 201 with oauth.v1.token on the three hosts, and the fields the mock reads', () => {
    expect(spec.v1Token.map((op) => op.server)).toEqual([
      'https://preview-iam.twilio.com',
      'https://iam.twilio.com',
      'https://oauth.twilio.com',
    ]);
    for (const op of spec.v1Token) expect(op.responses).toEqual({ 201: 'oauth.v1.token' });
    expect(spec.v1Token[0]?.fields).toEqual(
      expect.arrayContaining(['grant_type', 'client_id', 'client_secret']),
    );
    expect(spec.v1Token[2]?.fields).toEqual(
      expect.arrayContaining(['GrantType', 'ClientId', 'ClientSecret']),
    );
  });

  it('POST /v1/token 201: oauth.v1.token', async () => {
    const [org] = fx.server.clients;
    const res = await postForm(`${fx.server.url}/v1/token`, {
      grant_type: 'client_credentials',
      client_id: org.clientId,
      client_secret: org.clientSecret,
    });
    expect(res.status).toBe(201);
    expectShape(await res.json(), 'oauth.v1.token', 'v1 token');
  });
});
