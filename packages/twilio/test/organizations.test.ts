// The Organizations API (client.previewIam.organization(sid)…) through the bridge, against the
// mock over loopback, on both SDK lines: an organization app, no account SID.
import { randomBytes } from 'node:crypto';
import { InvalidOptionsError, TokenManager } from '@twilio-oauth/core';
import { type MockServer, startMockServer } from '@twilio-oauth/mock-server';
import twilio from 'twilio';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { scimTypeOf, twilioClient } from '../src/index';

const sid = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;
const ORGANIZATION = sid('OR');

let server: MockServer;
let manager: TokenManager;
let org: ReturnType<ReturnType<typeof twilioClient>['previewIam']['organization']>;

beforeAll(async () => {
  server = await startMockServer({
    clients: [
      { clientId: 'OQorgapp', clientSecret: 'org-secret', organizationSid: ORGANIZATION },
      { clientId: 'OQaccountapp', clientSecret: 'account-secret' },
    ],
  });
});
afterAll(() => server.close());
beforeEach(() => {
  server.reset();
  manager = new TokenManager(server.clientOptions());
  // No accountSid: an organization app has none to give.
  org = twilioClient(manager, { apiBaseUrl: server.apiBaseUrl }).previewIam.organization(
    ORGANIZATION,
  );
});
afterEach(() => manager.close());

const user = (userName: string, displayName = userName) => ({
  userName,
  displayName,
  emails: [{ value: userName, primary: true }],
});

/** The rejection of `promise`, which must be the SDK's RestException. */
async function restError(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(twilio.RestException);
  return error as InstanceType<typeof twilio.RestException>;
}

describe('SCIM Users through the SDK', () => {
  it('runs the whole lifecycle with one token request', async () => {
    const created = await org.users.create(user('ada@example.com', 'Ada'));
    expect(created.id).toMatch(/^US[0-9a-f]{32}$/);
    expect(created.meta?.version).toEqual(expect.any(String));

    const fetched = await org.users(created.id ?? '').fetch();
    expect(fetched.userName).toBe('ada@example.com');
    const listed = await org.users.list({ filter: 'userName eq "ada@example.com"' });
    expect(listed.map((u) => u.id)).toEqual([created.id]);

    const updated = await org
      .users(created.id ?? '')
      .update(user('ada@example.com', 'Ada L.'), { 'If-Match': created.meta?.version });
    expect(updated.displayName).toBe('Ada L.');
    expect(updated.meta?.version).not.toBe(created.meta?.version);

    const patched = await org.users(created.id ?? '').patch(
      {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        // As the SDK types it (`operations`); SCIM's own key is `Operations`: the mock reads both.
        operations: [{ op: 'replace', value: { name: { givenName: 'Ada', familyName: 'L.' } } }],
      },
      { 'If-Match': updated.meta?.version },
    );
    expect(patched.name).toMatchObject({ givenName: 'Ada', familyName: 'L.' });

    expect(await org.users(created.id ?? '').remove()).toBe(true);
    const gone = await restError(org.users(created.id ?? '').fetch());
    expect(gone.status).toBe(404);
    expect(server.stats()).toMatchObject({ tokenRequests: 1, organizationsRequests: 7 });
  });

  it('a stale If-Match is a 409 RestException with a readable message', async () => {
    const created = await org.users.create(user('grace@example.com'));
    const id = created.id ?? '';
    await org
      .users(id)
      .update(user('grace@example.com', 'One'), { 'If-Match': created.meta?.version });
    const error = await restError(
      org.users(id).update(user('grace@example.com', 'Two'), { 'If-Match': created.meta?.version }),
    );
    expect(error.status).toBe(409);
    expect(error.code).toBe(20409);
    expect(error.message).toMatch(/If-Match/);
    expect(error.moreInfo).toMatch(/^https:\/\/www\.twilio\.com\/docs\/errors\//);
    expect((await org.users(id).fetch()).displayName).toBe('One');
  });

  it('a duplicate userName is a 409 RestException with details.scimType "uniqueness"', async () => {
    await org.users.create(user('linus@example.com'));
    const error = await restError(org.users.create(user('linus@example.com')));
    expect(error.status).toBe(409);
    expect(error.message).toContain('linus@example.com');
    expect(error.details).toEqual({ scimType: 'uniqueness' });
    expect(scimTypeOf(error)).toBe('uniqueness');
  });
});

describe('Accounts and Role Assignments through the SDK', () => {
  it('lists accounts across pages (PageSize kept on next_page_url) and fetches one', async () => {
    const added = [1, 2, 3, 4].map((n) => server.addOrganizationAccount(ORGANIZATION, `Sub ${n}`));
    const accounts = await org.accounts.list({ pageSize: 2 });
    expect(accounts.map((a) => a.accountSid)).toEqual([
      server.accountSid,
      ...added.map((a) => a.account_sid),
    ]);
    expect(accounts[1]?.dateCreated).toBeInstanceOf(Date);
    expect(server.stats().organizationsRequests).toBe(3);
    const one = await org.accounts(server.accountSid).fetch();
    expect(one.friendlyName).toBe('Mock account');
  });

  it('creates (camelCase roleSid), lists by identity across pages, and removes assignments', async () => {
    const identity = sid('US');
    const role = sid('IX');
    const created = [];
    for (let i = 0; i < 3; i++) {
      created.push(
        await org.roleAssignments.create({
          roleSid: sid('IX'),
          scope: server.accountSid,
          identity,
        }),
      );
    }
    await org.roleAssignments.create({ roleSid: role, scope: ORGANIZATION, identity: sid('US') });
    expect(created[0]?.sid).toMatch(/^IY[0-9a-f]{32}$/);
    const before = server.stats().organizationsRequests;
    const listed = await org.roleAssignments.list({ identity, pageSize: 2 });
    expect(listed.map((a) => a.sid)).toEqual(created.map((a) => a.sid));
    expect(server.stats().organizationsRequests - before).toBe(2);
    expect(await org.roleAssignments(created[0]?.sid ?? '').remove()).toBe(true);
    expect(await org.roleAssignments.list({ identity })).toHaveLength(2);
    expect(server.stats().tokenRequests).toBe(1);
  });

  it('a bad create is a RestException carrying the service error message and moreInfo', async () => {
    const error = await restError(
      org.roleAssignments.create({
        roleSid: 'nope',
        scope: server.accountSid,
        identity: sid('US'),
      }),
    );
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/role_sid/);
    expect(error.moreInfo).toMatch(/^https:\/\/www\.twilio\.com\/docs\/errors\//);
  });
});

describe('error types the SDK makes itself', () => {
  it("an RFC 9457 problem stays the SDK's TwilioServiceException, not a RestException", async () => {
    const problem = {
      type: 'https://www.twilio.com/docs/errors/20001',
      title: 'Bad request',
      status: 400,
      code: 20001,
      detail: 'The filter is not valid.',
    };
    server.setFaults({ api: { status: 400, body: JSON.stringify(problem), times: 1 } });
    // fetch() goes through the SDK's own check for RFC 9457 (its page reader has none).
    const error = await org
      .accounts(server.accountSid)
      .fetch()
      .catch((reason: unknown) => reason);
    expect(error).not.toBeInstanceOf(twilio.RestException);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'Error',
      title: 'Bad request',
      status: 400,
      code: 20001,
      detail: 'The filter is not valid.',
    });
    expect((error as Error).constructor.name).toBe('TwilioServiceException');
  });
});

describe('who may call', () => {
  it("an account app's client gets a 403 RestException on Organizations paths", async () => {
    const [, accountApp] = server.clients;
    const accountManager = new TokenManager(server.clientOptions(accountApp));
    try {
      const client = twilioClient(accountManager, {
        accountSid: server.accountSid,
        apiBaseUrl: server.apiBaseUrl,
      });
      const error = await restError(client.previewIam.organization(ORGANIZATION).users.list());
      expect(error.status).toBe(403);
      expect(error.message).toMatch(/organization/);
    } finally {
      await accountManager.close();
    }
  });

  it('a client built without accountSid refuses account resources before sending', async () => {
    const client = twilioClient(manager, { apiBaseUrl: server.apiBaseUrl });
    const error = await client.messages
      .create({ to: '+15005550006', from: '+15005550001', body: 'x' })
      .catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect((error as InvalidOptionsError).option).toBe('accountSid');
    expect(server.stats()).toMatchObject({ tokenRequests: 0, apiRequests: 0 });
  });
});
