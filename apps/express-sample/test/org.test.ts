import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type MockServer, startMockServer } from '@twilio-oauth/mock-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AppConfig, createApp } from '../src/app';
import { ORG_NOT_CONFIGURED } from '../src/org-routes';

const ORG_SID = `OR${'0a'.repeat(16)}`;
const account = { clientId: `OQ${'a'.repeat(32)}`, clientSecret: 'account-Secret-1f2e3d' };
const org = {
  clientId: `OQ${'b'.repeat(32)}`,
  clientSecret: 'org-Secret-9a8b7c',
  organizationSid: ORG_SID,
};
const ROLE_SID = `IX${'1'.repeat(32)}`;

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ clients: [account, org] });
});
afterAll(() => mock.close());

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
  mock.reset();
});

/** The sample on port 0; `call` answers what a client of it sees. */
async function run(overrides: Partial<AppConfig> = {}) {
  const sample = createApp({
    ...account,
    accountSid: mock.accountSid,
    tokenUrl: mock.tokenUrl,
    apiBaseUrl: mock.apiBaseUrl,
    retry: { maxAttempts: 1 },
    organization: org,
    ...overrides,
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = sample.app.listen(0, '127.0.0.1');
    s.once('listening', () => resolve(s));
    s.once('error', reject);
  });
  close = async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await sample.close();
  };
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return async (method: 'GET' | 'POST', path: string, body?: unknown) => {
    const res = await fetch(base + path, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    return { status: res.status, text, json: JSON.parse(text) };
  };
}

describe('/org/users on the organization app', () => {
  it('provisions, assigns a role and lists, on one organization token', async () => {
    const call = await run();
    const userName = 'ada@example.com';

    const created = await call('POST', '/org/users', { userName, displayName: 'Ada' });
    expect(created.status).toBe(201);
    expect(created.json.user).toEqual({
      id: expect.stringMatching(/^US[0-9a-f]{32}$/),
      userName,
      displayName: 'Ada',
      active: true,
    });
    const { id } = created.json.user;

    // Provisioning again answers the same user (a 409 uniqueness conflict underneath).
    const again = await call('POST', '/org/users', { userName });
    expect(again).toMatchObject({ status: 200, json: { user: { id, userName } } });

    const assigned = await call('POST', `/org/users/${id}/roles`, {
      roleSid: ROLE_SID,
      scope: mock.accountSid,
    });
    expect(assigned.status).toBe(201);
    expect(assigned.json).toEqual({
      sid: expect.stringMatching(/^IY[0-9a-f]{32}$/),
      roleSid: ROLE_SID,
      scope: mock.accountSid,
      identity: id,
    });

    await call('POST', '/org/users', { userName: 'grace@example.com' });
    const all = await call('GET', '/org/users');
    expect(all.status).toBe(200);
    expect(all.json.users.map((u: { userName: string }) => u.userName).sort()).toEqual([
      userName,
      'grace@example.com',
    ]);
    const one = await call('GET', `/org/users?userName=${encodeURIComponent(userName)}`);
    expect(one.json.users).toEqual([created.json.user]);

    const stats = mock.stats();
    expect(stats.byClient[org.clientId]).toMatchObject({ tokenRequests: 1, tokensIssued: 1 });
    expect(stats.byClient[org.clientId]?.organizationsRequests).toBeGreaterThanOrEqual(7);
    expect(stats.rejectedOrganizationsRequests).toBe(0);
    // The account app was never asked for a token.
    expect(stats.byClient[account.clientId]?.tokenRequests).toBe(0);
    for (const answer of [created, again, assigned, all, one]) {
      expect(answer.text).not.toContain(org.clientSecret);
    }
  });

  it('leaves the account routes to the account app, with a token of its own', async () => {
    const call = await run();
    expect((await call('GET', '/messages')).status).toBe(200);
    expect((await call('GET', '/sdk/messages')).status).toBe(200);
    expect((await call('GET', '/org/users')).status).toBe(200);
    const { byClient, organizationsRequests } = mock.stats();
    expect(byClient[account.clientId]).toMatchObject({ tokenRequests: 1, apiRequests: 2 });
    expect(byClient[account.clientId]?.organizationsRequests).toBe(0);
    expect(byClient[org.clientId]).toMatchObject({ tokenRequests: 1, apiRequests: 0 });
    expect(organizationsRequests).toBe(1);
  });

  it('refuses bad input with 400 before calling Twilio', async () => {
    const call = await run();
    expect(await call('POST', '/org/users', { userName: ' ' })).toMatchObject({
      status: 400,
      json: { error: 'userName must be a non-empty string (the email)' },
    });
    expect(await call('POST', '/org/users/US1/roles', { roleSid: ROLE_SID })).toMatchObject({
      status: 400,
      json: { error: 'roleSid and scope must be non-empty strings' },
    });
    expect((await call('GET', '/org/users?userName=a&userName=b')).status).toBe(400);
    expect(mock.stats()).toMatchObject({ tokenRequests: 0, organizationsRequests: 0 });
  });

  it("answers the SDK's RestException with Twilio's status, code and message", async () => {
    const call = await run();
    // A SCIM error (userName shorter than 2 characters): its `detail` is the message.
    const scim = await call('POST', '/org/users', { userName: 'x' });
    expect(scim.status).toBe(400);
    expect(scim.json).toEqual({
      error: expect.stringMatching(/userName/),
      code: expect.any(Number),
      moreInfo: expect.stringMatching(/^https:\/\/www\.twilio\.com\/docs\/errors\//),
    });
    // A Role Assignments error (TwilioServiceErrorResponse).
    const role = await call('POST', `/org/users/US${'f'.repeat(32)}/roles`, {
      roleSid: 'not-a-role',
      scope: mock.accountSid,
    });
    expect(role).toMatchObject({
      status: 400,
      json: { code: 20001, error: expect.stringMatching(/^role_sid is required/) },
    });
  });

  it('answers 502 when the organization app is refused, the account routes still working', async () => {
    const wrongSecret = 'wrong-Org-Secret-5150';
    const call = await run({ organization: { ...org, clientSecret: wrongSecret } });
    const refused = await call('GET', '/org/users');
    expect(refused.status).toBe(502);
    expect(refused.json).toMatchObject({ code: 'invalid_client' });
    expect(refused.text).not.toContain(wrongSecret);
    expect((await call('GET', '/messages')).status).toBe(200);
    expect(mock.stats().organizationsRequests).toBe(0);
  });

  it('answers 503 when the token service is down', async () => {
    const call = await run();
    mock.setFaults({ token: { status: 503 } });
    expect(await call('GET', '/org/users')).toMatchObject({
      status: 503,
      json: { code: 'server_error' },
    });
  });

  it('answers 501 on every /org path without an organization app, the rest unchanged', async () => {
    const call = await run({ organization: undefined });
    for (const [method, path] of [
      ['GET', '/org/users'],
      ['POST', '/org/users'],
      ['POST', '/org/users/US1/roles'],
    ] as const) {
      expect(await call(method, path, method === 'POST' ? {} : undefined)).toEqual({
        status: 501,
        text: expect.any(String),
        json: { error: ORG_NOT_CONFIGURED },
      });
    }
    expect((await call('GET', '/messages')).status).toBe(200);
    expect(mock.stats().byClient[org.clientId]?.tokenRequests).toBe(0);
  });
});
