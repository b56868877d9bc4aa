import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { firstClient, jwtClaims, postForm, rawRequest } from '../test/helpers.js';
import { type MockServer, startMockServer } from './index.js';

const alice = { clientId: 'OQalice', clientSecret: 'alice-secret' };
// Characters that client_secret_basic must form-url-encode before base64.
const bob = { clientId: 'bob:ops', clientSecret: 'p@ss w:rd+%/é' };

const basic = (id: string, secret: string): string =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

let server: MockServer;
const T0 = Date.UTC(2030, 0, 1, 12, 0, 0);

beforeAll(async () => {
  server = await startMockServer({ clients: [alice, bob], tokenTtlSeconds: 600, now: () => T0 });
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const grant = (client: { clientId: string; clientSecret: string }) => ({
  grant_type: 'client_credentials',
  client_id: client.clientId,
  client_secret: client.clientSecret,
});

async function expectOAuthError(res: Response, status: number, error: string): Promise<void> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.headers.get('cache-control')).toBe('no-store');
  const body = (await res.json()) as Record<string, unknown>;
  expect(body).toEqual({ error, error_description: expect.any(String) });
}

describe('POST /v2/token success', () => {
  it('answers exactly the documented shape, not cacheable', async () => {
    const res = await postForm(server.tokenUrl, grant(alice));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('pragma')).toBe('no-cache');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const text = await res.text();
    const body = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual([
      'access_token',
      'id_token',
      'token_type',
      'expires_in',
      'refresh_token',
    ]);
    expect(body).toEqual({
      access_token: expect.any(String),
      id_token: null,
      token_type: 'Bearer',
      expires_in: 600,
      refresh_token: null,
    });
  });

  it('issues HS256 JWTs with sub, iat, exp from the server clock and a unique jti', async () => {
    const tokens = await Promise.all(
      [1, 2, 3].map(async () => {
        const res = await postForm(server.tokenUrl, grant(alice));
        return ((await res.json()) as { access_token: string }).access_token;
      }),
    );
    for (const token of tokens) {
      const [header] = token.split('.');
      expect(token.split('.')).toHaveLength(3);
      expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(JSON.parse(Buffer.from(header ?? '', 'base64url').toString())).toEqual({
        alg: 'HS256',
        typ: 'JWT',
      });
      const claims = jwtClaims(token);
      expect(claims).toMatchObject({ sub: 'OQalice', iat: T0 / 1000, exp: T0 / 1000 + 600 });
      expect(claims.iss).toBe(server.url);
    }
    expect(new Set(tokens.map((token) => jwtClaims(token).jti)).size).toBe(3);
  });

  it('accepts client_secret_basic with form-url-encoded id and secret', async () => {
    const res = await postForm(
      server.tokenUrl,
      { grant_type: 'client_credentials' },
      { authorization: basic(bob.clientId, bob.clientSecret) },
    );
    expect(res.status).toBe(200);
    const { access_token } = (await res.json()) as { access_token: string };
    expect(jwtClaims(access_token).sub).toBe('bob:ops');
  });

  it('accepts Basic together with a matching client_id in the body', async () => {
    const res = await postForm(
      server.tokenUrl,
      { grant_type: 'client_credentials', client_id: alice.clientId },
      { authorization: basic(alice.clientId, alice.clientSecret) },
    );
    expect(res.status).toBe(200);
  });

  it('accepts a charset parameter and any case in the content type', async () => {
    const res = await fetch(server.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'Application/X-WWW-Form-Urlencoded; charset=UTF-8' },
      body: new URLSearchParams(grant(alice)).toString(),
    });
    expect(res.status).toBe(200);
  });
});

describe('POST /v2/token errors (RFC 6749 §5.2)', () => {
  it('refuses a JSON body with invalid_request', async () => {
    const res = await fetch(server.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(grant(alice)),
    });
    await expectOAuthError(res, 400, 'invalid_request');
  });

  it('refuses a body without content type with invalid_request', async () => {
    const res = await rawRequest(server.tokenUrl, {
      method: 'POST',
      body: new URLSearchParams(grant(alice)).toString(),
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'invalid_request' });
  });

  it.each(['grant_type', 'client_id', 'client_secret'])(
    'answers invalid_request when %s is missing',
    async (missing) => {
      const fields: Record<string, string> = grant(alice);
      delete fields[missing];
      const res = await postForm(server.tokenUrl, fields);
      await expectOAuthError(res, 400, 'invalid_request');
    },
  );

  it('answers invalid_request for an empty body', async () => {
    await expectOAuthError(await postForm(server.tokenUrl, {}), 400, 'invalid_request');
  });

  it('answers invalid_request for a repeated parameter', async () => {
    const res = await fetch(server.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `${new URLSearchParams(grant(alice))}&grant_type=client_credentials`,
    });
    await expectOAuthError(res, 400, 'invalid_request');
  });

  it('answers unsupported_grant_type for another grant', async () => {
    const res = await postForm(server.tokenUrl, { ...grant(alice), grant_type: 'password' });
    await expectOAuthError(res, 400, 'unsupported_grant_type');
  });

  it('answers invalid_client for an unknown client, with a Basic challenge', async () => {
    const res = await postForm(server.tokenUrl, grant({ clientId: 'OQnobody', clientSecret: 'x' }));
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic /);
    await expectOAuthError(res, 401, 'invalid_client');
  });

  it('answers invalid_client for a wrong secret and never echoes it', async () => {
    const wrong = 'wrong-secret-value-123';
    const res = await postForm(server.tokenUrl, grant({ ...alice, clientSecret: wrong }));
    const text = await res.clone().text();
    expect(text).not.toContain(wrong);
    expect(text).not.toContain(alice.clientSecret);
    await expectOAuthError(res, 401, 'invalid_client');
  });

  it('answers invalid_client for a secret of another client', async () => {
    const res = await postForm(
      server.tokenUrl,
      grant({ ...alice, clientSecret: bob.clientSecret }),
    );
    await expectOAuthError(res, 401, 'invalid_client');
  });

  it('answers invalid_client for a wrong Basic secret', async () => {
    const res = await postForm(
      server.tokenUrl,
      { grant_type: 'client_credentials' },
      { authorization: basic(alice.clientId, 'nope') },
    );
    await expectOAuthError(res, 401, 'invalid_client');
  });

  it('answers invalid_request when Basic and client_secret come together', async () => {
    const res = await postForm(server.tokenUrl, grant(alice), {
      authorization: basic(alice.clientId, alice.clientSecret),
    });
    await expectOAuthError(res, 400, 'invalid_request');
  });

  it('answers invalid_request when the body client_id differs from Basic', async () => {
    const res = await postForm(
      server.tokenUrl,
      { grant_type: 'client_credentials', client_id: bob.clientId },
      { authorization: basic(alice.clientId, alice.clientSecret) },
    );
    await expectOAuthError(res, 400, 'invalid_request');
  });

  it.each([
    ['not base64', 'Basic !!!'],
    ['no colon', `Basic ${Buffer.from('just-an-id').toString('base64')}`],
    ['bad percent-encoding', `Basic ${Buffer.from('id%zz:secret').toString('base64')}`],
  ])('answers invalid_request for malformed Basic credentials (%s)', async (_case, header) => {
    const res = await postForm(
      server.tokenUrl,
      { grant_type: 'client_credentials' },
      { authorization: header },
    );
    await expectOAuthError(res, 400, 'invalid_request');
  });

  it('answers invalid_client for another authentication scheme', async () => {
    const res = await postForm(server.tokenUrl, grant(alice), { authorization: 'Bearer abc' });
    await expectOAuthError(res, 401, 'invalid_client');
  });

  it('treats an empty Authorization header as absent (the official twilio SDK sends one)', async () => {
    const res = await postForm(server.tokenUrl, grant(alice), { authorization: '' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ token_type: 'Bearer' });
  });

  it('answers 405 with Allow: POST for other methods', async () => {
    const res = await fetch(server.tokenUrl);
    expect(res.headers.get('allow')).toBe('POST');
    await expectOAuthError(res, 405, 'invalid_request');
  });

  it('answers 413 for a body over 1 MiB, announced or streamed', async () => {
    const big = `grant_type=client_credentials&x=${'a'.repeat(1024 * 1024)}`;
    const announced = await rawRequest(server.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: big,
    });
    expect(announced.status).toBe(413);
    expect(JSON.parse(announced.body)).toMatchObject({ error: 'invalid_request' });
    const streamed = await rawRequest(server.tokenUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'transfer-encoding': 'chunked',
      },
      body: big,
    });
    expect(streamed.status).toBe(413);
    // The server is still healthy afterwards.
    expect((await postForm(server.tokenUrl, grant(alice))).status).toBe(200);
  });

  it('survives bytes that are not UTF-8', async () => {
    const res = await rawRequest(server.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: Buffer.from([0xff, 0xfe, 0x00, 0x3d, 0x26, 0xc3]),
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'invalid_request' });
  });
});

describe('token stats', () => {
  it('counts every request, per known client even when it fails', async () => {
    await postForm(server.tokenUrl, grant(alice));
    await postForm(server.tokenUrl, grant({ ...alice, clientSecret: 'wrong' }));
    await postForm(server.tokenUrl, { ...grant(bob), grant_type: 'password' });
    await postForm(server.tokenUrl, grant({ clientId: 'stranger', clientSecret: 'x' }));
    await postForm(server.tokenUrl, {});
    expect(server.stats()).toEqual({
      tokenRequests: 5,
      tokensIssued: 1,
      apiRequests: 0,
      rejectedApiRequests: 0,
      byClient: {
        OQalice: { tokenRequests: 2, tokensIssued: 1, apiRequests: 0 },
        'bob:ops': { tokenRequests: 1, tokensIssued: 0, apiRequests: 0 },
      },
    });
  });

  it('exposes the configured clients', () => {
    expect(firstClient(server)).toEqual(alice);
    expect(server.clients).toHaveLength(2);
  });
});
