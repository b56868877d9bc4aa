import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type MockServer, startMockServer } from '../src/index';
import { issueToken } from './helpers';

/** A fresh `prefix` + 32 hex SID. */
export const sid = (prefix: string): string => `${prefix}${randomBytes(16).toString('hex')}`;

/** A mock server with an organization app of `organizationSid`, one of `otherSid` and an account app. */
export interface OrgFixture {
  readonly server: MockServer;
  readonly organizationSid: string;
  readonly otherSid: string;
  /** `{apiBaseUrl}/Organizations/{organizationSid}`. */
  readonly orgUrl: string;
  /** A token of the organization app (`clients[0]`). */
  orgToken(): Promise<string>;
  /** A token of the other organization's app (`clients[1]`). */
  otherToken(): Promise<string>;
  /** A token of the account app (`clients[2]`, no organization). */
  accountToken(): Promise<string>;
}

/** Starts a mock server with two organization apps and an account app. */
export async function startOrgFixture(): Promise<OrgFixture> {
  const organizationSid = sid('OR');
  const otherSid = sid('OR');
  const server = await startMockServer({
    clients: [
      { clientId: 'OQorg', clientSecret: 'org-secret', organizationSid },
      { clientId: 'OQother', clientSecret: 'other-secret', organizationSid: otherSid },
      { clientId: 'OQaccount', clientSecret: 'account-secret' },
    ],
  });
  const [org, other, account] = server.clients;
  return {
    server,
    organizationSid,
    otherSid,
    orgUrl: `${server.apiBaseUrl}/Organizations/${organizationSid}`,
    orgToken: () => issueToken(server, org),
    otherToken: () => issueToken(server, other ?? org),
    accountToken: () => issueToken(server, account ?? org),
  };
}

/** Sends `body` as JSON (`Content-Type` `contentType`) with a bearer token. */
export function sendJson(
  url: string,
  token: string,
  init: { method: string; body?: unknown; contentType?: string; headers?: Record<string, string> },
): Promise<Response> {
  return fetch(url, {
    method: init.method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.body === undefined
        ? {}
        : { 'content-type': init.contentType ?? 'application/json' }),
      ...init.headers,
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
}

/** A SCIM user body for `userName` (also its primary email). */
export const scimUser = (userName: string, extra: Record<string, unknown> = {}) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName,
  emails: [{ value: userName, primary: true }],
  ...extra,
});

/** A `content` + `meta` page as the mock answers it. */
export interface ContentPage<T> {
  readonly content: T[];
  readonly meta: {
    readonly first_page_url: string;
    readonly key: string;
    readonly next_page_url: string | null;
    readonly page: number;
    readonly page_size: number;
    readonly previous_page_url: string | null;
    readonly url: string;
  };
}

/** A role assignment as the mock answers it. */
export interface Assignment {
  readonly sid: string;
  readonly role_sid: string;
  readonly scope: string;
  readonly identity: string;
}

/**
 * Registers the hooks of a test file: one fixture for the file, `reset()` and a new organization
 * token before each test, handed to `use`.
 */
export function useOrgFixture(use: (fixture: OrgFixture, orgToken: string) => void): void {
  let fixture: OrgFixture | undefined;
  beforeAll(async () => {
    fixture = await startOrgFixture();
  });
  afterAll(() => fixture?.server.close());
  beforeEach(async () => {
    if (!fixture) throw new Error('the fixture did not start');
    fixture.server.reset();
    use(fixture, await fixture.orgToken());
  });
}
