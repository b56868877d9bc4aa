import { describe, expect, it } from 'vitest';
import { issueToken } from '../../test/helpers';
import { type OrgFixture, scimUser, sendJson, useOrgFixture } from '../../test/organizations';
import { startMockServer } from '../index';

let fx: OrgFixture;

useOrgFixture((fixture) => {
  fx = fixture;
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

// One path per endpoint family, with the error shape the spec gives it.
const families = () => [
  { name: 'SCIM Users', url: `${fx.orgUrl}/scim/Users`, method: 'GET', shape: 'scim' },
  { name: 'Accounts', url: `${fx.orgUrl}/Accounts`, method: 'GET', shape: 'twilio' },
  {
    name: 'Role Assignments list',
    url: `${fx.orgUrl}/RoleAssignments`,
    method: 'GET',
    shape: 'twilio',
  },
  {
    name: 'Role Assignment delete',
    url: `${fx.orgUrl}/RoleAssignments/IY${'0'.repeat(32)}`,
    method: 'DELETE',
    shape: 'service',
  },
];

/** Checks `body` is an error of `shape` with this status. */
function expectShape(body: Record<string, unknown>, shape: string, status: number): void {
  if (shape === 'scim') {
    expect(body).toMatchObject({
      status: String(status),
      schemas: [expect.stringContaining('Error')],
    });
    expect(body.detail).toEqual(expect.any(String));
    expect(body.moreInfo).toMatch(/^https:\/\/www\.twilio\.com\/docs\/errors\//);
  } else if (shape === 'twilio') {
    expect(Object.keys(body).sort()).toEqual(['code', 'message', 'more_info', 'status']);
    expect(body.status).toBe(status);
  } else {
    expect(Object.keys(body).sort()).toEqual(['code', 'message', 'moreInfo', 'status']);
    expect(body.status).toBe(status);
  }
}

describe('who may call the Organizations API', () => {
  it.each(['SCIM Users', 'Accounts', 'Role Assignments list', 'Role Assignment delete'])(
    '%s: 401 without a valid token, in its own error shape, with a Bearer challenge',
    async (name) => {
      const family = families().find((f) => f.name === name);
      if (!family) throw new Error(name);
      const none = await fetch(family.url, { method: family.method });
      const forged = await fetch(family.url, { method: family.method, headers: bearer('a.b.c') });
      for (const res of [none, forged]) {
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm=/);
        expectShape((await res.json()) as Record<string, unknown>, family.shape, 401);
      }
    },
  );

  it("refuses an account app token everywhere (403), and another organization's token (403)", async () => {
    const account = await fx.accountToken();
    const other = await fx.otherToken();
    for (const family of families()) {
      for (const token of [account, other]) {
        const res = await fetch(family.url, { method: family.method, headers: bearer(token) });
        expect(res.status, family.name).toBe(403);
        expectShape((await res.json()) as Record<string, unknown>, family.shape, 403);
      }
    }
    expect(fx.server.stats()).toMatchObject({
      organizationsRequests: 8,
      rejectedOrganizationsRequests: 8,
    });
  });

  it('keeps each organization to itself', async () => {
    const mine = await fx.orgToken();
    const theirs = await fx.otherToken();
    const otherUrl = `${fx.server.apiBaseUrl}/Organizations/${fx.otherSid}/scim/Users`;
    const created = await sendJson(otherUrl, theirs, {
      method: 'POST',
      body: scimUser('o@example.com'),
    });
    expect(created.status).toBe(201);
    const list = await fetch(`${fx.orgUrl}/scim/Users`, { headers: bearer(mine) });
    expect(await list.json()).toMatchObject({ totalResults: 0 });
  });

  it('counts requests per client, refused ones included, apart from the Messages API', async () => {
    const mine = await fx.orgToken();
    await fetch(`${fx.orgUrl}/Accounts`, { headers: bearer(mine) });
    await fetch(`${fx.orgUrl}/Accounts`, { headers: bearer(mine) });
    await fetch(`${fx.orgUrl}/Accounts`);
    const stats = fx.server.stats();
    expect(stats).toMatchObject({
      organizationsRequests: 3,
      rejectedOrganizationsRequests: 1,
      apiRequests: 0,
    });
    expect(stats.byClient.OQorg).toMatchObject({ organizationsRequests: 2, apiRequests: 0 });
  });
});

describe('state', () => {
  it('lives per server: another server with the same organization starts empty', async () => {
    const token = await fx.orgToken();
    const created = await sendJson(`${fx.orgUrl}/scim/Users`, token, {
      method: 'POST',
      body: scimUser('mine@example.com'),
    });
    expect(created.status).toBe(201);
    const [org] = fx.server.clients;
    const second = await startMockServer({ clients: [org] });
    try {
      const secondToken = await issueToken(second, org);
      const url = `${second.apiBaseUrl}/Organizations/${fx.organizationSid}/scim/Users`;
      const list = await fetch(url, { headers: bearer(secondToken) });
      expect(await list.json()).toMatchObject({ totalResults: 0 });
    } finally {
      await second.close();
    }
  });
});

describe('routing and faults', () => {
  it('answers 404 (Twilio error object) to unknown Organizations paths', async () => {
    const token = await fx.orgToken();
    for (const path of [`${fx.orgUrl}/Widgets`, `${fx.orgUrl}/scim/Users/a/b`, `${fx.orgUrl}`]) {
      const res = await fetch(path, { headers: bearer(token) });
      expect(res.status).toBe(404);
      expectShape((await res.json()) as Record<string, unknown>, 'twilio', 404);
    }
  });

  it('answers 405 with Allow to a method a path does not take', async () => {
    const token = await fx.orgToken();
    const res = await fetch(`${fx.orgUrl}/Accounts`, { method: 'POST', headers: bearer(token) });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET');
    const scim = await fetch(`${fx.orgUrl}/scim/Users`, {
      method: 'DELETE',
      headers: bearer(token),
    });
    expect(scim.status).toBe(405);
    expectShape((await scim.json()) as Record<string, unknown>, 'scim', 405);
  });

  it('applies the api fault to Organizations requests too', async () => {
    const token = await fx.orgToken();
    fx.server.setFaults({ api: { status: 503, times: 1 } });
    const faulted = await fetch(`${fx.orgUrl}/Accounts`, { headers: bearer(token) });
    expect(faulted.status).toBe(503);
    expect(await faulted.text()).toContain('503');
    const next = await fetch(`${fx.orgUrl}/Accounts`, { headers: bearer(token) });
    expect(next.status).toBe(200);
  });

  it("answers 413 in the endpoint's shape to a body over 1 MiB", async () => {
    const token = await fx.orgToken();
    const res = await fetch(`${fx.orgUrl}/scim/Users`, {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      body: JSON.stringify({ userName: 'x'.repeat(1024 * 1024 + 1) }),
    });
    expect(res.status).toBe(413);
    expectShape((await res.json()) as Record<string, unknown>, 'scim', 413);
  });
});
