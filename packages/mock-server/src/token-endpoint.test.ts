import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { firstClient, jwtClaims, postForm, type RawResponse, rawRequest } from '../test/helpers';
import { type MockServer, startMockServer } from './index';

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

/** A Twilio error object, as Twilio's OpenAPI description documents it. */
const twilioObject = (code: number, status: number) => ({
  code,
  message: expect.any(String),
  more_info: `https://www.twilio.com/docs/errors/${code}`,
  status,
});

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
      expect(claims).toMatchObject({
        sub: 'OQalice',
        iat: T0 / 1000,
        exp: T0 / 1000 + 600,
        exp_ms: T0 + 600_000,
      });
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

describe.each(['twilio', 'oauth'] as const)('POST /v2/token errors (%s format)', (format) => {
  let target: MockServer;
  beforeAll(async () => {
    target =
      format === 'twilio'
        ? server
        : await startMockServer({
            clients: [alice, bob],
            tokenTtlSeconds: 600,
            now: () => T0,
            tokenErrorFormat: 'oauth',
          });
  });
  afterAll(() => (format === 'twilio' ? undefined : target.close()));

  /** Twilio: HTTP 400 and the error object of `code`; RFC 6749: `status` and `error`. */
  const expectRefused = async (
    res: Response | RawResponse,
    code: number,
    status: number,
    error: string,
  ): Promise<void> => {
    const text = res instanceof Response ? await res.text() : res.body;
    const header = (name: string) =>
      res instanceof Response ? res.headers.get(name) : (res.headers[name] ?? null);
    expect(header('content-type')).toMatch(/^application\/json/);
    expect(header('cache-control')).toBe('no-store');
    const body = JSON.parse(text) as Record<string, unknown>;
    if (format === 'twilio') {
      expect(res.status).toBe(400);
      expect(body).toEqual(twilioObject(code, 400));
      expect(header('www-authenticate')).toBeNull();
    } else {
      expect(res.status).toBe(status);
      expect(body).toEqual({ error, error_description: expect.any(String) });
      if (status === 401) expect(header('www-authenticate')).toMatch(/^Basic /);
    }
  };

  it('refuses a JSON body (322403 / invalid_request)', async () => {
    const res = await fetch(target.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(grant(alice)),
    });
    await expectRefused(res, 322403, 400, 'invalid_request');
  });

  it('refuses a body without content type (322403 / invalid_request)', async () => {
    const res = await rawRequest(target.tokenUrl, {
      method: 'POST',
      body: new URLSearchParams(grant(alice)).toString(),
    });
    await expectRefused(res, 322403, 400, 'invalid_request');
  });

  it.each([
    ['grant_type', 321403],
    ['client_id', 321402],
    ['client_secret', 322402],
  ])('answers a missing %s (%i / invalid_request)', async (missing, code) => {
    const fields: Record<string, string> = grant(alice);
    delete fields[missing];
    const res = await postForm(target.tokenUrl, fields);
    await expectRefused(res, code, 400, 'invalid_request');
  });

  it('answers an empty body as a missing client_id (321402 / invalid_request)', async () => {
    await expectRefused(await postForm(target.tokenUrl, {}), 321402, 400, 'invalid_request');
  });

  it('answers a repeated parameter (322403 / invalid_request)', async () => {
    const res = await fetch(target.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `${new URLSearchParams(grant(alice))}&grant_type=client_credentials`,
    });
    await expectRefused(res, 322403, 400, 'invalid_request');
  });

  it('answers another grant (321403 / unsupported_grant_type)', async () => {
    const res = await postForm(target.tokenUrl, { ...grant(alice), grant_type: 'password' });
    await expectRefused(res, 321403, 400, 'unsupported_grant_type');
  });

  it('answers an unknown client (322402 / 401 invalid_client with a Basic challenge)', async () => {
    const res = await postForm(target.tokenUrl, grant({ clientId: 'OQnobody', clientSecret: 'x' }));
    await expectRefused(res, 322402, 401, 'invalid_client');
  });

  it('answers a wrong secret (322402 / invalid_client) and never echoes it', async () => {
    const wrong = 'wrong-secret-value-123';
    const res = await postForm(target.tokenUrl, grant({ ...alice, clientSecret: wrong }));
    const text = await res.clone().text();
    expect(text).not.toContain(wrong);
    expect(text).not.toContain(alice.clientSecret);
    await expectRefused(res, 322402, 401, 'invalid_client');
  });

  it('answers a secret of another client (322402 / invalid_client)', async () => {
    const res = await postForm(
      target.tokenUrl,
      grant({ ...alice, clientSecret: bob.clientSecret }),
    );
    await expectRefused(res, 322402, 401, 'invalid_client');
  });

  it('answers a wrong Basic secret (322402 / invalid_client)', async () => {
    const res = await postForm(
      target.tokenUrl,
      { grant_type: 'client_credentials' },
      { authorization: basic(alice.clientId, 'nope') },
    );
    await expectRefused(res, 322402, 401, 'invalid_client');
  });

  it('answers Basic together with client_secret (322403 / invalid_request)', async () => {
    const res = await postForm(target.tokenUrl, grant(alice), {
      authorization: basic(alice.clientId, alice.clientSecret),
    });
    await expectRefused(res, 322403, 400, 'invalid_request');
  });

  it('answers a body client_id that differs from Basic (322403 / invalid_request)', async () => {
    const res = await postForm(
      target.tokenUrl,
      { grant_type: 'client_credentials', client_id: bob.clientId },
      { authorization: basic(alice.clientId, alice.clientSecret) },
    );
    await expectRefused(res, 322403, 400, 'invalid_request');
  });

  it.each([
    ['not base64', 'Basic !!!'],
    ['no colon', `Basic ${Buffer.from('just-an-id').toString('base64')}`],
    ['bad percent-encoding', `Basic ${Buffer.from('id%zz:secret').toString('base64')}`],
  ])(
    'answers malformed Basic credentials (%s) with 322403 / invalid_request',
    async (_case, header) => {
      const res = await postForm(
        target.tokenUrl,
        { grant_type: 'client_credentials' },
        { authorization: header },
      );
      await expectRefused(res, 322403, 400, 'invalid_request');
    },
  );

  it('answers another authentication scheme (322402 / invalid_client)', async () => {
    const res = await postForm(target.tokenUrl, grant(alice), { authorization: 'Bearer abc' });
    await expectRefused(res, 322402, 401, 'invalid_client');
  });

  it('treats an empty Authorization header as absent (the official twilio SDK sends one)', async () => {
    const res = await postForm(target.tokenUrl, grant(alice), { authorization: '' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ token_type: 'Bearer' });
  });

  it('answers 405 with Allow: POST for other methods', async () => {
    const res = await fetch(target.tokenUrl);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(await res.json()).toEqual(
      format === 'twilio'
        ? twilioObject(20004, 405)
        : { error: 'invalid_request', error_description: expect.any(String) },
    );
  });

  it('answers 413 for a body over 1 MiB, announced or streamed', async () => {
    const big = `grant_type=client_credentials&x=${'a'.repeat(1024 * 1024)}`;
    const announced = await rawRequest(target.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: big,
    });
    expect(announced.status).toBe(413);
    expect(JSON.parse(announced.body)).toEqual(
      format === 'twilio'
        ? twilioObject(20413, 413)
        : { error: 'invalid_request', error_description: expect.any(String) },
    );
    const streamed = await rawRequest(target.tokenUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'transfer-encoding': 'chunked',
      },
      body: big,
    });
    expect(streamed.status).toBe(413);
    // The server is still healthy afterwards.
    expect((await postForm(target.tokenUrl, grant(alice))).status).toBe(200);
  });

  it('survives bytes that are not UTF-8', async () => {
    const res = await rawRequest(target.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: Buffer.from([0xff, 0xfe, 0x00, 0x3d, 0x26, 0xc3]),
    });
    await expectRefused(res, 321402, 400, 'invalid_request');
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
      organizationsRequests: 0,
      rejectedOrganizationsRequests: 0,
      byClient: {
        OQalice: { tokenRequests: 2, tokensIssued: 1, apiRequests: 0, organizationsRequests: 0 },
        'bob:ops': { tokenRequests: 1, tokensIssued: 0, apiRequests: 0, organizationsRequests: 0 },
      },
    });
  });

  it('exposes the configured clients', () => {
    expect(firstClient(server)).toEqual(alice);
    expect(server.clients).toHaveLength(2);
  });
});
