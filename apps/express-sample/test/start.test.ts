import { type MockServer, startMockServer } from '@twilio-oauth/mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../src/config';
import { startSample } from '../src/start';

describe('startSample', () => {
  it('starts the mock server itself when no Twilio credentials are set, and says so', async () => {
    const lines: string[] = [];
    const sample = await startSample(readConfig({ PORT: '0' }), (line) => lines.push(line));
    let mockUrl: string | undefined;
    try {
      expect(sample.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(lines).toHaveLength(1);
      mockUrl = /started the Twilio mock server at (http:\/\/127\.0\.0\.1:\d+)/.exec(
        lines[0] ?? '',
      )?.[1];
      expect(mockUrl).toBeDefined();

      expect((await fetch(`${sample.url}/health`)).status).toBe(200);
      const tokenInfo = await fetch(`${sample.url}/token-info`);
      expect(tokenInfo.status).toBe(200);
      const created = await fetch(`${sample.url}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ to: '+15005550006', from: '+15005550001', body: 'demo' }),
      });
      expect(created.status).toBe(201);
      const list = await fetch(`${sample.url}/messages`);
      expect(await list.json()).toMatchObject({ messages: [{ body: 'demo' }] });
      // The mock's organization app serves /org/users.
      const user = await fetch(`${sample.url}/org/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userName: 'demo@example.com' }),
      });
      expect(user.status).toBe(201);
    } finally {
      await sample.close();
    }
    // Both the app and the mock server it started are gone.
    await expect(fetch(`${sample.url}/health`)).rejects.toThrow();
    await expect(fetch(`${mockUrl}/v2/token`)).rejects.toThrow();
  });

  describe('with credentials configured', () => {
    let mock: MockServer;
    beforeAll(async () => {
      mock = await startMockServer();
    });
    afterAll(() => mock.close());

    it('uses the configured token URL and API, without a mock of its own', async () => {
      const [client] = mock.clients;
      const lines: string[] = [];
      const sample = await startSample(
        readConfig({
          TWILIO_CLIENT_ID: client?.clientId,
          TWILIO_CLIENT_SECRET: client?.clientSecret,
          TWILIO_ACCOUNT_SID: mock.accountSid,
          TWILIO_TOKEN_URL: mock.tokenUrl,
          TWILIO_API_BASE_URL: mock.apiBaseUrl,
          PORT: '0',
        }),
        (line) => lines.push(line),
      );
      try {
        expect(lines).toEqual([]);
        expect((await fetch(`${sample.url}/messages`)).status).toBe(200);
        expect(mock.stats()).toMatchObject({ tokenRequests: 1, apiRequests: 1 });
      } finally {
        await sample.close();
      }
    });
  });

  it('serves /org/users on the organization app named by TWILIO_ORG_*', async () => {
    const org = {
      clientId: 'OQorg',
      clientSecret: 'org-start-secret',
      organizationSid: `OR${'5'.repeat(32)}`,
    };
    const orgMock = await startMockServer({
      clients: [{ clientId: 'OQacct', clientSecret: 'a-secret' }, org],
    });
    const sample = await startSample(
      readConfig({
        TWILIO_CLIENT_ID: 'OQacct',
        TWILIO_CLIENT_SECRET: 'a-secret',
        TWILIO_ACCOUNT_SID: orgMock.accountSid,
        TWILIO_ORG_CLIENT_ID: org.clientId,
        TWILIO_ORG_CLIENT_SECRET: org.clientSecret,
        TWILIO_ORG_SID: org.organizationSid,
        TWILIO_TOKEN_URL: orgMock.tokenUrl,
        TWILIO_API_BASE_URL: orgMock.apiBaseUrl,
        PORT: '0',
      }),
      () => {},
    );
    try {
      const res = await fetch(`${sample.url}/org/users`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ users: [] });
      expect(orgMock.stats().byClient[org.clientId]).toMatchObject({ tokenRequests: 1 });
    } finally {
      await sample.close();
      await orgMock.close();
    }
  });
});
