import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { firstClient, postForm } from '../test/helpers';
import { type MockServer, startMockServer } from './index';

let server: MockServer;

beforeAll(async () => {
  server = await startMockServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const v1 = () => `${server.url}/v1/token`;
/** The grant in snake_case (`/v2`, preview-iam and iam `/v1`) or PascalCase (oauth `/v1`). */
const grant = (
  style: 'snake' | 'pascal',
  secret = firstClient(server).clientSecret,
): Record<string, string> => {
  const { clientId } = firstClient(server);
  return style === 'snake'
    ? { grant_type: 'client_credentials', client_id: clientId, client_secret: secret }
    : { GrantType: 'client_credentials', ClientId: clientId, ClientSecret: secret };
};

describe("POST /v1/token (the older SDKs' token path)", () => {
  it('issues a token with 201 for snake_case fields (preview-iam, iam)', async () => {
    const res = await postForm(v1(), grant('snake'));
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { access_token: string; expires_in: number };
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    const api = await fetch(
      `${server.apiBaseUrl}/2010-04-01/Accounts/${server.accountSid}/Messages.json`,
      { headers: { authorization: `Bearer ${body.access_token}` } },
    );
    expect(api.status).toBe(200);
    expect(server.stats()).toMatchObject({ tokenRequests: 1, tokensIssued: 1 });
  });

  it('reads the PascalCase fields of oauth.twilio.com/v1/token', async () => {
    const res = await postForm(v1(), grant('pascal'));
    expect(res.status).toBe(201);
  });

  it('refuses bad credentials as /v2/token does (400, 322402), and only /v2 answers 200', async () => {
    const res = await postForm(v1(), grant('snake', 'wrong'));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 322402, status: 400 });
    expect((await postForm(server.tokenUrl, grant('snake'))).status).toBe(200);
  });

  it('keeps PascalCase names to /v1: /v2/token does not read them', async () => {
    const res = await postForm(server.tokenUrl, grant('pascal'));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 321402 });
  });
});
