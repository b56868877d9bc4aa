import { describe, expect, it } from 'vitest';
import { type ContentPage, type OrgFixture, useOrgFixture } from '../../test/organizations';
import type { MockOrgAccount } from '../index';

let fx: OrgFixture;
let token: string;

useOrgFixture((fixture, orgToken) => {
  fx = fixture;
  token = orgToken;
});

const get = async (url: string) => {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    body: (await res.json()) as ContentPage<MockOrgAccount> &
      MockOrgAccount &
      Record<string, unknown>,
  };
};

describe('Accounts', () => {
  it("lists the mock's own account in every organization", async () => {
    const { status, type, body } = await get(`${fx.orgUrl}/Accounts`);
    expect(status).toBe(200);
    expect(type).toMatch(/^application\/json/);
    expect(body.content).toEqual([
      {
        account_sid: fx.server.accountSid,
        friendly_name: 'Mock account',
        status: 'active',
        owner_sid: expect.stringMatching(/^US[0-9a-f]{32}$/),
        date_created: expect.any(String),
      },
    ]);
    expect(body.meta).toMatchObject({
      key: 'content',
      page: 0,
      page_size: 50,
      next_page_url: null,
    });
  });

  it('pages with PageSize and PageToken, every page URL absolute and complete', async () => {
    const added = [1, 2, 3, 4].map((n) =>
      fx.server.addOrganizationAccount(fx.organizationSid, `Sub ${n}`),
    );
    const seen: string[] = [];
    let url: string | null | undefined = `${fx.orgUrl}/Accounts?PageSize=2`;
    let pages = 0;
    while (url) {
      const { body } = await get(url);
      pages += 1;
      seen.push(...body.content.map((account) => account.account_sid));
      expect(body.meta.page_size).toBe(2);
      expect(body.meta.page).toBe(pages - 1);
      expect(body.meta.url.startsWith(`${fx.orgUrl}/Accounts?`)).toBe(true);
      url = body.meta.next_page_url;
      if (url) expect(new URL(url).searchParams.get('PageSize')).toBe('2');
    }
    expect(pages).toBe(3);
    expect(seen).toEqual([fx.server.accountSid, ...added.map((account) => account.account_sid)]);
  });

  it('goes back with previous_page_url', async () => {
    for (const n of [1, 2, 3]) fx.server.addOrganizationAccount(fx.organizationSid, `Sub ${n}`);
    const first = await get(`${fx.orgUrl}/Accounts?PageSize=2`);
    expect(first.body.meta.previous_page_url).toBeNull();
    const second = await get(first.body.meta.next_page_url ?? '');
    const back = await get(second.body.meta.previous_page_url ?? '');
    expect(back.body.content).toEqual(first.body.content);
  });

  it('fetches one account, 404 for an account outside the organization', async () => {
    const ok = await get(`${fx.orgUrl}/Accounts/${fx.server.accountSid}`);
    expect(ok.status).toBe(200);
    expect(ok.body.account_sid).toBe(fx.server.accountSid);
    const missing = await get(`${fx.orgUrl}/Accounts/AC${'0'.repeat(32)}`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 20404, status: 404, more_info: expect.any(String) });
  });

  it.each(['PageSize=0', 'PageSize=101', 'PageSize=x', 'PageToken=PTnope', 'Page=-1'])(
    'answers 400 (Twilio error object) to %s',
    async (query) => {
      const { status, body } = await get(`${fx.orgUrl}/Accounts?${query}`);
      expect(status).toBe(400);
      expect(Object.keys(body).sort()).toEqual(['code', 'message', 'more_info', 'status']);
    },
  );

  it('addOrganizationAccount() checks its arguments and reset() removes what it added', async () => {
    expect(() => fx.server.addOrganizationAccount('ORnope')).toThrow(/organizationSid/);
    expect(() => fx.server.addOrganizationAccount(fx.organizationSid, '')).toThrow(/friendlyName/);
    fx.server.addOrganizationAccount(fx.organizationSid);
    expect((await get(`${fx.orgUrl}/Accounts`)).body.content).toHaveLength(2);
    fx.server.reset();
    expect((await get(`${fx.orgUrl}/Accounts`)).body.content).toHaveLength(1);
  });
});
