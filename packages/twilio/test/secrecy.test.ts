// Neither the client secret nor a token ever shows in the client or in the SDK's debug log.
import { format, inspect } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FROM, TO, useHarness } from './setup';

const h = useHarness();

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

const expectClean = (text: string, secrets: string[]) => {
  for (const secret of secrets) expect(text).not.toContain(secret);
};

describe('secrecy', () => {
  it('inspect and format of the client show no secret or token, after calls too', async () => {
    await h.client.messages.create({ to: TO, from: FROM, body: 'x' });
    await h.client.messages.list();
    const { accessToken } = await h.manager.getToken();
    const secrets = [h.server.clients[0].clientSecret, accessToken];
    expectClean(inspect(h.client, { showHidden: true, depth: 8 }), secrets);
    expectClean(inspect(h.client.httpClient, { showHidden: true, depth: 8 }), secrets);
    expectClean(format('%o', h.client), secrets);
  });

  it('drops an auth token the SDK reads from the environment', async () => {
    vi.stubEnv('TWILIO_ACCOUNT_SID', `AC${'f'.repeat(32)}`);
    vi.stubEnv('TWILIO_AUTH_TOKEN', 'env-auth-token-value');
    const { client } = h.make();
    expect(client.password).toBeUndefined();
    expect(client.username).toBeUndefined();
    expect(client.accountSid).toBe(h.server.accountSid);
    expectClean(inspect(client, { showHidden: true, depth: 8 }), ['env-auth-token-value']);
    await expect(client.messages.list({ limit: 1 })).resolves.toEqual([]);
  });

  it('logLevel debug logs requests and responses without secret or token', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      lines.push(format(...args));
    });
    const { client, manager } = h.make({}, { logLevel: 'debug' });
    await client.messages.create({ to: TO, from: FROM, body: 'logged' });
    h.server.revokeTokens();
    await client.messages.list();
    const { accessToken } = await manager.getToken();
    const log = lines.join('\n');
    expect(log).toContain('-- BEGIN Twilio API Request --');
    expect(log).toContain(`POST ${h.server.apiBaseUrl}/2010-04-01/Accounts/`);
    expect(log).toContain('response.statusCode: 201');
    expect(log).toMatch(/user-agent: twilio-node\//);
    expect(log).not.toMatch(/authorization|bearer/i);
    expectClean(log, [h.server.clients[0].clientSecret, accessToken]);
  });

  it('logs nothing without logLevel', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    await h.client.messages.list();
    expect(log).not.toHaveBeenCalled();
  });
});
