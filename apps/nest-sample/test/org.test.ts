import type { INestApplication } from '@nestjs/common';
import { type MockServer, startMockServer } from '@twilio-oauth/mock-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import type { OrganizationApp, TwilioSettings } from '../src/config';
import { ORG_NOT_CONFIGURED } from '../src/org.module';
import type { OrgUserBody } from '../src/org-users.controller';
import { listen } from './listen';

const ACCOUNT = { clientId: `OQ${'d'.repeat(32)}`, clientSecret: 'nest-account-secret-3c1d' };
const ORG: OrganizationApp = {
  clientId: `OQ${'e'.repeat(32)}`,
  clientSecret: 'nest-org-secret-8e2f',
  organizationSid: `OR${'7'.repeat(32)}`,
};
const ROLE_SID = `IX${'2'.repeat(32)}`;

let mock: MockServer;
let app: INestApplication | undefined;

beforeAll(async () => {
  mock = await startMockServer({ clients: [ACCOUNT, ORG] });
});
afterAll(() => mock.close());
afterEach(async () => {
  await app?.close();
  app = undefined;
  mock.reset();
});

async function start(overrides: Partial<TwilioSettings> = {}) {
  const settings: TwilioSettings = {
    ...ACCOUNT,
    accountSid: mock.accountSid,
    tokenUrl: mock.tokenUrl,
    apiBaseUrl: mock.apiBaseUrl,
    organization: ORG,
    ...overrides,
  };
  app = await createApp(settings, { logger: false });
  return listen(app);
}

describe('/org/users on the named instance "org"', () => {
  it('provisions, assigns a role and lists, on one organization token', async () => {
    const call = await start();
    const userName = 'ada@example.com';
    const created = await call('POST', '/org/users', { userName, displayName: 'Ada' });
    expect(created.status).toBe(201);
    expect(created.json.user).toEqual({
      id: expect.stringMatching(/^US[0-9a-f]{32}$/),
      userName,
      displayName: 'Ada',
      active: true,
    });
    const { id } = created.json.user as OrgUserBody;

    // Provisioning again answers the same user (a 409 uniqueness conflict underneath).
    const again = await call('POST', '/org/users', { userName: userName.toUpperCase() });
    expect(again).toMatchObject({ status: 200, json: { user: { id, userName } } });

    const assigned = await call('POST', `/org/users/${id}/roles`, {
      roleSid: ROLE_SID,
      scope: mock.accountSid,
    });
    expect(assigned).toMatchObject({
      status: 201,
      json: {
        sid: expect.stringMatching(/^IY/),
        roleSid: ROLE_SID,
        scope: mock.accountSid,
        identity: id,
      },
    });

    await call('POST', '/org/users', { userName: 'grace@example.com' });
    const all = await call('GET', '/org/users');
    expect((all.json.users as OrgUserBody[]).map((u) => u.userName).sort()).toEqual([
      userName,
      'grace@example.com',
    ]);
    const one = await call('GET', `/org/users?userName=${encodeURIComponent(userName)}`);
    expect(one).toMatchObject({ status: 200, json: { users: [created.json.user] } });

    const { byClient, rejectedOrganizationsRequests } = mock.stats();
    expect(byClient[ORG.clientId]).toMatchObject({ tokenRequests: 1, tokensIssued: 1 });
    expect(byClient[ACCOUNT.clientId]?.tokenRequests).toBe(0);
    expect(rejectedOrganizationsRequests).toBe(0);
    for (const answer of [created, again, assigned, all, one]) {
      expect(answer.text).not.toContain(ORG.clientSecret);
    }
  });

  it('leaves the account routes to the default instance, with its own token', async () => {
    const call = await start();
    expect((await call('GET', '/messages')).status).toBe(200);
    expect((await call('GET', '/sdk/messages')).status).toBe(200);
    expect((await call('GET', '/org/users')).status).toBe(200);
    const { byClient } = mock.stats();
    expect(byClient[ACCOUNT.clientId]).toMatchObject({
      tokenRequests: 1,
      apiRequests: 2,
      organizationsRequests: 0,
    });
    expect(byClient[ORG.clientId]).toMatchObject({
      tokenRequests: 1,
      apiRequests: 0,
      organizationsRequests: 1,
    });
  });

  it('refuses bad input with 400 before calling Twilio', async () => {
    const call = await start();
    expect(await call('POST', '/org/users', { userName: '' })).toEqual({
      status: 400,
      text: expect.any(String),
      json: { error: 'userName must be a non-empty string (the email)' },
    });
    expect((await call('POST', '/org/users/US1/roles', { scope: 'AC1' })).status).toBe(400);
    expect((await call('GET', '/org/users?userName=a&userName=b')).status).toBe(400);
    expect(mock.stats()).toMatchObject({ tokenRequests: 0, organizationsRequests: 0 });
  });

  it("answers the SDK's RestException with Twilio's status, code and SCIM detail", async () => {
    const call = await start();
    const scim = await call('POST', '/org/users', { userName: 'x' });
    expect(scim.status).toBe(400);
    expect(scim.json.error).toMatch(/userName.*\(Twilio error \d+\)$/);
    const role = await call('POST', `/org/users/US${'f'.repeat(32)}/roles`, {
      roleSid: 'not-a-role',
      scope: mock.accountSid,
    });
    expect(role).toMatchObject({
      status: 400,
      json: { error: expect.stringMatching(/^role_sid is required.*\(Twilio error 20001\)$/) },
    });
  });

  it('answers 502 when the organization app is refused; the account routes still work', async () => {
    const wrong = 'wrong-nest-org-secret';
    const call = await start({ organization: { ...ORG, clientSecret: wrong } });
    const refused = await call('GET', '/org/users');
    expect(refused).toMatchObject({
      status: 502,
      json: { error: expect.stringMatching(/^Twilio credentials were rejected \(invalid_client/) },
    });
    expect(refused.text).not.toContain(wrong);
    expect((await call('GET', '/messages')).status).toBe(200);
    expect(mock.stats().organizationsRequests).toBe(0);
  });

  it('answers 501 on every /org path without an organization app, the rest unchanged', async () => {
    await start(); // an app with an organization first: its settings must not linger
    await app?.close();
    const call = await start({ organization: undefined });
    for (const [method, path] of [
      ['GET', '/org'],
      ['GET', '/org/users'],
      ['POST', '/org/users'],
      ['POST', '/org/users/US1/roles'],
    ] as const) {
      expect(await call(method, path, method === 'POST' ? {} : undefined)).toMatchObject({
        status: 501,
        json: { error: ORG_NOT_CONFIGURED },
      });
    }
    expect((await call('GET', '/messages')).status).toBe(200);
    expect(mock.stats().byClient[ORG.clientId]?.tokenRequests).toBe(0);
  });
});
