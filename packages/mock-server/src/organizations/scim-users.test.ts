import { describe, expect, it } from 'vitest';
import { type OrgFixture, scimUser, sendJson, useOrgFixture } from '../../test/organizations';

let fx: OrgFixture;
let token: string;

useOrgFixture((fixture, orgToken) => {
  fx = fixture;
  token = orgToken;
});

const users = () => `${fx.orgUrl}/scim/Users`;
const create = async (userName: string, extra: Record<string, unknown> = {}) => {
  const res = await sendJson(users(), token, { method: 'POST', body: scimUser(userName, extra) });
  expect(res.status).toBe(201);
  return (await res.json()) as Record<string, unknown> & {
    id: string;
    meta: { version: string; created: string; lastModified: string };
  };
};
const get = (url: string) => fetch(url, { headers: { authorization: `Bearer ${token}` } });
const scimBody = async (res: Response) => {
  expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
  return (await res.json()) as Record<string, unknown>;
};

describe('SCIM Users: create and fetch', () => {
  it('creates a user (201, US… id, meta.version) and fetches it back', async () => {
    const user = await create('ada@example.com', {
      displayName: 'Ada',
      name: { givenName: 'Ada' },
    });
    expect(user.id).toMatch(/^US[0-9a-f]{32}$/);
    expect(user).toMatchObject({
      userName: 'ada@example.com',
      displayName: 'Ada',
      active: true,
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      meta: { resourceType: 'User' },
    });
    expect(user.meta.version).toMatch(/^W\/".+"$/);
    const res = await get(`${users()}/${user.id}`);
    expect(res.status).toBe(200);
    expect(await scimBody(res)).toEqual(user);
  });

  it('accepts application/scim+json bodies too', async () => {
    const res = await sendJson(users(), token, {
      method: 'POST',
      body: scimUser('scim@example.com'),
      contentType: 'application/scim+json',
    });
    expect(res.status).toBe(201);
  });

  it('refuses a duplicate userName (case-insensitive) with 409 ScimError "uniqueness"', async () => {
    await create('grace@example.com');
    const res = await sendJson(users(), token, {
      method: 'POST',
      body: scimUser('Grace@Example.com'),
    });
    expect(res.status).toBe(409);
    expect(await scimBody(res)).toMatchObject({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      scimType: 'uniqueness',
      status: '409',
    });
  });

  it.each([
    ['no userName', { emails: [{ value: 'x@example.com' }] }, 'invalidValue'],
    ['a one-character userName', { userName: 'x' }, 'invalidValue'],
    [
      'a primary email other than userName',
      scimUser('a@example.com', { emails: [{ value: 'b@example.com', primary: true }] }),
      'invalidValue',
    ],
    [
      'two emails, none primary',
      scimUser('a@example.com', {
        emails: [{ value: 'a@example.com' }, { value: 'c@example.com' }],
      }),
      'invalidValue',
    ],
    ['active as a string', scimUser('a@example.com', { active: 'yes' }), 'invalidValue'],
    ['an array', [], 'invalidSyntax'],
  ])('answers 400 ScimError for %s', async (_case, body, scimType) => {
    const res = await sendJson(users(), token, { method: 'POST', body });
    expect(res.status).toBe(400);
    expect(await scimBody(res)).toMatchObject({ scimType, status: '400' });
  });

  it('answers 400 invalidSyntax for a body that is not JSON or not JSON-typed', async () => {
    const notJson = await fetch(users(), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{"userName":',
    });
    const form = await fetch(users(), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: new URLSearchParams({ userName: 'form@example.com' }),
    });
    for (const res of [notJson, form]) {
      expect(res.status).toBe(400);
      expect(await scimBody(res)).toMatchObject({ scimType: 'invalidSyntax' });
    }
  });

  it('answers 404 ScimError for an unknown user', async () => {
    const res = await get(`${users()}/US${'0'.repeat(32)}`);
    expect(res.status).toBe(404);
    expect(await scimBody(res)).toMatchObject({ status: '404', code: 20404 });
  });
});

describe('SCIM Users: list', () => {
  it('lists every user, Resources before schemas', async () => {
    const a = await create('a@example.com');
    const b = await create('b@example.com');
    const res = await get(users());
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text.indexOf('"Resources"')).toBeLessThan(text.indexOf('"schemas"'));
    expect(JSON.parse(text)).toEqual({
      Resources: [a, b],
      totalResults: 2,
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
    });
  });

  it('filters on userName eq "…" (attribute and operator in any case, value case-insensitive)', async () => {
    await create('a@example.com');
    const b = await create('b@example.com');
    for (const filter of ['userName eq "b@example.com"', 'USERNAME EQ "B@example.com"']) {
      const res = await get(`${users()}?filter=${encodeURIComponent(filter)}`);
      expect((await res.json()) as unknown).toMatchObject({ Resources: [b], totalResults: 1 });
    }
    const none = await get(
      `${users()}?filter=${encodeURIComponent('userName eq "z@example.com"')}`,
    );
    expect(await none.json()).toMatchObject({ Resources: [], totalResults: 0 });
  });

  it('answers 400 invalidFilter to any other filter', async () => {
    const res = await get(`${users()}?filter=${encodeURIComponent('displayName co "a"')}`);
    expect(res.status).toBe(400);
    expect(await scimBody(res)).toMatchObject({ scimType: 'invalidFilter' });
  });
});

describe('SCIM Users: replace, patch, delete', () => {
  it('replaces a user with the right If-Match: new version, same id and created', async () => {
    const user = await create('r@example.com', { displayName: 'Before', locale: 'en' });
    const res = await sendJson(`${users()}/${user.id}`, token, {
      method: 'PUT',
      body: scimUser('r@example.com', { displayName: 'After' }),
      headers: { 'if-match': user.meta.version },
    });
    expect(res.status).toBe(200);
    const replaced = (await scimBody(res)) as typeof user;
    expect(replaced).toMatchObject({ id: user.id, displayName: 'After' });
    expect(replaced.locale).toBeUndefined();
    expect(replaced.meta.created).toBe(user.meta.created);
    expect(replaced.meta.version).not.toBe(user.meta.version);
  });

  it('answers 409 to a stale If-Match and leaves the user as it was', async () => {
    const user = await create('s@example.com');
    const first = await sendJson(`${users()}/${user.id}`, token, {
      method: 'PUT',
      body: scimUser('s@example.com', { displayName: 'One' }),
      headers: { 'if-match': user.meta.version },
    });
    expect(first.status).toBe(200);
    const stale = await sendJson(`${users()}/${user.id}`, token, {
      method: 'PUT',
      body: scimUser('s@example.com', { displayName: 'Two' }),
      headers: { 'if-match': user.meta.version },
    });
    expect(stale.status).toBe(409);
    expect(await scimBody(stale)).toMatchObject({ status: '409', code: 20409 });
    expect(await (await get(`${users()}/${user.id}`)).json()).toMatchObject({ displayName: 'One' });
  });

  it('matches If-Match with or without the weak prefix and quotes, and "*"', async () => {
    const user = await create('t@example.com');
    const bare = user.meta.version.replace(/^W\/"|"$/g, '');
    for (const tag of [bare, '*']) {
      const res = await sendJson(`${users()}/${user.id}`, token, {
        method: 'PUT',
        body: scimUser('t@example.com'),
        headers: { 'if-match': tag === '*' ? tag : `"${tag}"` },
      });
      expect(res.status).toBe(200);
    }
  });

  it('refuses to rename a user onto another userName (409 uniqueness)', async () => {
    await create('taken@example.com');
    const user = await create('free@example.com');
    const res = await sendJson(`${users()}/${user.id}`, token, {
      method: 'PUT',
      body: scimUser('taken@example.com'),
    });
    expect(res.status).toBe(409);
    expect(await scimBody(res)).toMatchObject({ scimType: 'uniqueness' });
  });

  it('patches attributes with add / replace / remove operations', async () => {
    const user = await create('p@example.com', { displayName: 'P', locale: 'en' });
    const res = await sendJson(`${users()}/${user.id}`, token, {
      method: 'PATCH',
      body: {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [
          { op: 'replace', path: 'active', value: false },
          { op: 'Add', path: 'name.familyName', value: 'Lovelace' },
          { op: 'remove', path: 'locale' },
          { op: 'replace', value: { displayName: 'Patched' } },
        ],
      },
      headers: { 'if-match': user.meta.version },
    });
    expect(res.status).toBe(200);
    const patched = await scimBody(res);
    expect(patched).toMatchObject({
      active: false,
      name: { familyName: 'Lovelace' },
      displayName: 'Patched',
    });
    expect(patched.locale).toBeUndefined();
  });

  it("reads twilio-node's lower-case `operations` key as well as SCIM's `Operations`", async () => {
    const user = await create('lower@example.com');
    const res = await sendJson(`${users()}/${user.id}`, token, {
      method: 'PATCH',
      body: { operations: [{ op: 'replace', path: 'displayName', value: 'Lower' }] },
    });
    expect(res.status).toBe(200);
    expect(await scimBody(res)).toMatchObject({ displayName: 'Lower' });
  });

  it.each([
    ['no Operations', { schemas: [] }, 'invalidSyntax'],
    ['a read-only path', { Operations: [{ op: 'replace', path: 'id', value: 'x' }] }, 'mutability'],
    ['an unknown op', { Operations: [{ op: 'move', path: 'active' }] }, 'invalidSyntax'],
    ['removing userName', { Operations: [{ op: 'remove', path: 'userName' }] }, 'invalidValue'],
  ])('answers 400 to a PATCH with %s', async (_case, body, scimType) => {
    const user = await create('q@example.com');
    const res = await sendJson(`${users()}/${user.id}`, token, { method: 'PATCH', body });
    expect(res.status).toBe(400);
    expect(await scimBody(res)).toMatchObject({ scimType });
  });

  it('deletes a user (204), then 404s it', async () => {
    const user = await create('d@example.com');
    const del = await fetch(`${users()}/${user.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(del.status).toBe(204);
    expect(await del.text()).toBe('');
    expect((await get(`${users()}/${user.id}`)).status).toBe(404);
    const again = await fetch(`${users()}/${user.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(again.status).toBe(404);
  });

  it('reset() forgets every user', async () => {
    await create('gone@example.com');
    fx.server.reset();
    expect(await (await get(users())).json()).toMatchObject({ totalResults: 0 });
  });
});
