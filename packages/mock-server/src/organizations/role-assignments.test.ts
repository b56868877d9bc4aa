import { describe, expect, it } from 'vitest';
import {
  type Assignment,
  type ContentPage,
  type OrgFixture,
  sendJson,
  sid,
  useOrgFixture,
} from '../../test/organizations';

let fx: OrgFixture;
let token: string;

useOrgFixture((fixture, orgToken) => {
  fx = fixture;
  token = orgToken;
});

const list = () => `${fx.orgUrl}/RoleAssignments`;
const ROLE = sid('IX');
const assign = async (body: Record<string, unknown>) => {
  const res = await sendJson(list(), token, { method: 'POST', body });
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    body: (await res.json()) as Assignment & Record<string, unknown>,
  };
};
const get = async (url: string) =>
  (await (
    await fetch(url, { headers: { authorization: `Bearer ${token}` } })
  ).json()) as ContentPage<Assignment>;

describe('Role Assignments', () => {
  it('creates one from the spec body (role_sid) and from the SDK body (roleSid): 201, IY… sid', async () => {
    const identity = sid('US');
    const spec = await assign({ role_sid: ROLE, scope: fx.server.accountSid, identity });
    const sdk = await assign({ roleSid: ROLE, scope: fx.organizationSid, identity });
    for (const created of [spec, sdk]) {
      expect(created.status).toBe(201);
      expect(created.type).toMatch(/^application\/json/);
      expect(created.body.sid).toMatch(/^IY[0-9a-f]{32}$/);
      expect(Object.keys(created.body).sort()).toEqual(['identity', 'role_sid', 'scope', 'sid']);
    }
    expect(sdk.body).toMatchObject({ role_sid: ROLE, scope: fx.organizationSid, identity });
  });

  it.each([
    ['no role', { scope: sid('AC'), identity: sid('US') }],
    ['a role that is not IX…', { role_sid: sid('AC'), scope: sid('AC'), identity: sid('US') }],
    ['no scope', { role_sid: ROLE, identity: sid('US') }],
    ['a malformed identity', { role_sid: ROLE, scope: sid('AC'), identity: 'someone' }],
  ])('answers 400 TwilioServiceErrorResponse to %s', async (_case, body) => {
    const res = await assign(body);
    expect(res.status).toBe(400);
    expect(Object.keys(res.body).sort()).toEqual(['code', 'message', 'moreInfo', 'status']);
    expect(res.body.status).toBe(400);
  });

  it('refuses the same assignment twice (400)', async () => {
    const body = { role_sid: ROLE, scope: fx.server.accountSid, identity: sid('US') };
    expect((await assign(body)).status).toBe(201);
    expect((await assign(body)).status).toBe(400);
  });

  it('filters by Identity and Scope', async () => {
    const alice = sid('US');
    const bob = sid('US');
    const scope = fx.server.accountSid;
    const a = (await assign({ role_sid: ROLE, scope, identity: alice })).body;
    const b = (await assign({ role_sid: ROLE, scope: fx.organizationSid, identity: bob })).body;
    expect((await get(`${list()}?Identity=${alice}`)).content).toEqual([a]);
    expect((await get(`${list()}?Scope=${fx.organizationSid}`)).content).toEqual([b]);
    expect((await get(list())).content).toEqual([a, b]);
    expect((await get(`${list()}?ResourceType=conversation`)).content).toEqual([]);
    const bad = await fetch(`${list()}?Identity=alice`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(bad.status).toBe(400);
    expect(Object.keys((await bad.json()) as object).sort()).toEqual([
      'code',
      'message',
      'more_info',
      'status',
    ]);
  });

  it('pages, carrying the filter and PageSize on next_page_url (default page size 100)', async () => {
    const identity = sid('US');
    const sids: string[] = [];
    for (let n = 0; n < 5; n++) {
      sids.push(
        (await assign({ role_sid: sid('IX'), scope: fx.server.accountSid, identity })).body.sid,
      );
    }
    await assign({ role_sid: ROLE, scope: fx.server.accountSid, identity: sid('US') });
    expect((await get(list())).meta.page_size).toBe(100);
    const seen: string[] = [];
    let url: string | null = `${list()}?Identity=${identity}&PageSize=2`;
    while (url) {
      const page = await get(url);
      seen.push(...page.content.map((assignment) => assignment.sid));
      url = page.meta.next_page_url;
      if (url) {
        expect(new URL(url).searchParams.get('Identity')).toBe(identity);
        expect(new URL(url).searchParams.get('PageSize')).toBe('2');
      }
    }
    expect(seen).toEqual(sids);
  });

  it('deletes one (204), then answers 404 in the service error shape', async () => {
    const { body } = await assign({
      role_sid: ROLE,
      scope: fx.server.accountSid,
      identity: sid('US'),
    });
    const url = `${list()}/${body.sid}`;
    const headers = { authorization: `Bearer ${token}` };
    const del = await fetch(url, { method: 'DELETE', headers });
    expect(del.status).toBe(204);
    const again = await fetch(url, { method: 'DELETE', headers });
    expect(again.status).toBe(404);
    expect((await again.json()) as object).toMatchObject({
      code: 20404,
      moreInfo: expect.any(String),
    });
    expect((await get(list())).content).toEqual([]);
  });
});
