import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SECRET, startServer, type TestServer } from '../test/token-server';
import { HostNotAllowedError, TokenRequestError } from './errors';
import { TokenManager } from './token-manager';

let server: TestServer;
let manager: TokenManager;
/** Tokens the API no longer accepts. */
let revoked: Set<string>;
let nowMs = 0;
let refuseAll = false;
beforeEach(async () => {
  revoked = new Set();
  refuseAll = false;
  nowMs = Date.now();
  server = await startServer(undefined, (_n, req) => {
    const token = req.headers.authorization?.replace(/^Bearer /, '') ?? '';
    const issued = Number(token.replace('token-', '')) <= server.requests.length;
    return issued && !revoked.has(token) && !refuseAll
      ? { body: { ok: true, body: req.body } }
      : { status: 401, body: { message: 'Authenticate' } };
  });
  manager = new TokenManager({
    clientId: 'OQclient',
    clientSecret: SECRET,
    tokenUrl: server.tokenUrl,
    allowedHosts: ['127.0.0.1'],
    retry: { baseDelayMs: 0 },
    now: () => nowMs,
  });
});
afterEach(async () => {
  await manager.close();
  await server.close();
});

const api = () => `${server.url}/2010-04-01/Accounts/AC1/Messages.json`;

describe('TokenManager.fetch', () => {
  it('sends the bearer to an allowed host, keeping method, headers and body', async () => {
    const res = await manager.fetch(api(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-extra': '1' },
      body: 'To=%2B1555&Body=hi',
    });
    expect(res.status).toBe(200);
    const [req] = server.apiRequests;
    expect(req).toMatchObject({ method: 'POST', body: 'To=%2B1555&Body=hi' });
    expect(req?.headers.authorization).toBe('Bearer token-1');
    expect(req?.headers['x-extra']).toBe('1');
  });

  it("replaces a caller's own Authorization header (init headers or a Request's)", async () => {
    await manager.fetch(api(), { headers: { Authorization: 'Basic abc' } });
    await manager.fetch(new Request(api(), { headers: { authorization: 'Bearer other' } }));
    await manager.fetch(new URL(api()), { headers: new Headers({ authorization: 'x' }) });
    expect(server.apiRequests.map((r) => r.headers.authorization)).toEqual([
      'Bearer token-1',
      'Bearer token-1',
      'Bearer token-1',
    ]);
  });

  it('refuses other hosts before getting or sending a token', async () => {
    const strict = new TokenManager({
      clientId: 'id',
      clientSecret: SECRET,
      tokenUrl: server.tokenUrl,
    });
    try {
      for (const url of [
        api(), // http to loopback, but not in the default allow-list
        'https://api.twilio.com.evil.example/',
        'https://api.twilio.com@evil.example/',
        'http://api.twilio.com/2010-04-01',
      ]) {
        await expect(strict.fetch(url)).rejects.toBeInstanceOf(HostNotAllowedError);
      }
      await expect(strict.fetch(new Request('https://evil.example/'))).rejects.toBeInstanceOf(
        HostNotAllowedError,
      );
      expect(server.requests).toHaveLength(0);
      expect(server.apiRequests).toHaveLength(0);
    } finally {
      await strict.close();
    }
  });

  it('on 401: drops the token and retries once with a new one', async () => {
    await manager.getToken();
    revoked.add('token-1');
    const res = await manager.fetch(api(), { method: 'POST', body: 'a=1' });
    expect(res.status).toBe(200);
    expect(server.apiRequests.map((r) => [r.headers.authorization, r.body])).toEqual([
      ['Bearer token-1', 'a=1'],
      ['Bearer token-2', 'a=1'],
    ]);
    expect(server.requests).toHaveLength(2);
  });

  it('retries only once: a second 401 is returned', async () => {
    server.onApi = () => ({ status: 401 });
    const res = await manager.fetch(api());
    expect(res.status).toBe(401);
    expect(server.apiRequests).toHaveLength(2);
    expect(server.requests).toHaveLength(2);
  });

  it('concurrent 401s share one refresh', async () => {
    await manager.getToken();
    revoked.add('token-1');
    const responses = await Promise.all(Array.from({ length: 20 }, () => manager.fetch(api())));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(server.requests).toHaveLength(2);
    expect(
      server.apiRequests.filter((r) => r.headers.authorization === 'Bearer token-2'),
    ).toHaveLength(20);
  });

  it('an API that keeps refusing costs one new token per cooldown, not one per call', async () => {
    refuseAll = true;
    for (let i = 0; i < 10; i++) expect((await manager.fetch(api())).status).toBe(401);
    expect(server.requests).toHaveLength(2); // the first token, and one renewal
    nowMs += 6_000;
    expect((await manager.fetch(api())).status).toBe(401);
    expect(server.requests).toHaveLength(3);
  });

  it('the 401-renewal slot is timed on the monotonic clock: a wall-clock step back does not hold it', async () => {
    let elapsedMs = 0;
    const stepped = new TokenManager({
      clientId: 'OQclient',
      clientSecret: SECRET,
      tokenUrl: server.tokenUrl,
      allowedHosts: ['127.0.0.1'],
      now: () => nowMs,
      monotonicNow: () => elapsedMs,
    });
    try {
      refuseAll = true;
      expect((await stepped.fetch(api())).status).toBe(401);
      expect(server.requests).toHaveLength(2); // the first token, and one renewal
      nowMs -= 3_600_000; // the wall clock steps back an hour
      elapsedMs += 6_000; // while 6 s really pass
      expect((await stepped.fetch(api())).status).toBe(401);
      expect(server.requests).toHaveLength(3); // the slot came free on time
    } finally {
      await stepped.close();
    }
  });

  it('retries replayable bodies (string, URLSearchParams, bytes, Blob, Request without body)', async () => {
    const bodies = [
      'x=1',
      new URLSearchParams({ x: '1' }),
      new TextEncoder().encode('x=1'),
      new Blob(['x=1']),
    ];
    for (const body of bodies) {
      nowMs += 10_000; // past the 401 cooldown
      revoked.add((await manager.getToken()).accessToken);
      const res = await manager.fetch(api(), { method: 'POST', body });
      expect(res.status).toBe(200);
      expect(server.apiRequests.at(-1)?.body).toBe('x=1');
    }
    nowMs += 10_000;
    revoked.add((await manager.getToken()).accessToken);
    expect((await manager.fetch(new Request(api()))).status).toBe(200);
    expect(server.requests).toHaveLength(bodies.length + 2);
  });

  it('does not retry bodies that cannot be replayed (streams, Requests with a body)', async () => {
    await manager.getToken();
    server.onApi = () => ({ status: 401 });
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('streamed'));
        controller.close();
      },
    });
    const res1 = await manager.fetch(api(), {
      method: 'POST',
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res1.status).toBe(401);
    const res2 = await manager.fetch(new Request(api(), { method: 'POST', body: 'in request' }));
    expect(res2.status).toBe(401);
    expect(server.apiRequests).toHaveLength(2);
    expect(server.requests).toHaveLength(1);
  });

  it('rejects with the token error when the refresh after a 401 fails', async () => {
    await manager.getToken();
    server.onApi = () => ({ status: 401 });
    server.onToken = () => ({ status: 401, body: { error: 'invalid_client' } });
    const error = await manager.fetch(api()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ code: 'invalid_client' });
  });

  it('passes other statuses through untouched', async () => {
    server.onApi = () => ({ status: 403, body: { code: 20003 } });
    const res = await manager.fetch(api());
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ code: 20003 });
    expect(server.apiRequests).toHaveLength(1);
  });

  describe('redirects', () => {
    /** A second loopback server standing for another origin (localhost vs 127.0.0.1). */
    let other: TestServer;
    beforeEach(async () => {
      other = await startServer(undefined, () => ({ body: { other: true } }));
    });
    afterEach(() => other.close());
    const otherOrigin = () => other.url.replace('127.0.0.1', 'localhost');

    it('never sends the bearer across origins, whatever the runtime would do', async () => {
      server.onApi = () => ({ status: 302, headers: { location: `${otherOrigin()}/steal` } });
      const response = await manager.fetch(api());
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ other: true });
      expect(other.apiRequests).toHaveLength(1);
      expect(other.apiRequests[0]?.headers.authorization).toBeUndefined();
      expect(server.apiRequests[0]?.headers.authorization).toBe('Bearer token-1');
    });

    it('keeps the bearer on a same-origin redirect; a 303 after POST becomes a GET', async () => {
      server.onApi = (n, req) =>
        n === 1
          ? { status: 303, headers: { location: '/2010-04-01/Accounts/AC1/Messages/SM1.json' } }
          : { body: { method: req.method, auth: req.headers.authorization } };
      const response = await manager.fetch(api(), { method: 'POST', body: 'To=1' });
      expect(await response.json()).toEqual({ method: 'GET', auth: 'Bearer token-1' });
    });

    it('drops Cookie, Proxy-Authorization and Host across origins, as fetch does; keeps them same-origin', async () => {
      const sensitive = { cookie: 'session=abc', 'proxy-authorization': 'Basic cHJveHk=' };
      server.onApi = (n) =>
        n === 1
          ? { status: 302, headers: { location: '/2010-04-01/Accounts/AC1/Other.json' } }
          : { status: 302, headers: { location: `${otherOrigin()}/cdn` } };
      const response = await manager.fetch(api(), { headers: { ...sensitive, 'x-keep': '1' } });
      expect(response.status).toBe(200);
      // The same-origin hop kept everything.
      expect(server.apiRequests[1]?.headers).toMatchObject({ ...sensitive, 'x-keep': '1' });
      // The cross-origin hop carries none of them (and its own Host, not ours).
      const [cross] = other.apiRequests;
      expect(cross?.headers.cookie).toBeUndefined();
      expect(cross?.headers['proxy-authorization']).toBeUndefined();
      expect(cross?.headers.authorization).toBeUndefined();
      expect(cross?.headers.host).toBe(new URL(otherOrigin()).host);
      expect(cross?.headers['x-keep']).toBe('1');
    });

    it('a 401 from a host that never saw the bearer keeps the token: no renewal, no replay', async () => {
      other.onApi = () => ({ status: 401, body: { message: 'not yours' } });
      server.onApi = () => ({ status: 302, headers: { location: `${otherOrigin()}/media` } });
      for (let i = 0; i < 3; i++) {
        nowMs += 10_000; // past the 401-renewal cooldown each time
        const response = await manager.fetch(api());
        expect(response.status).toBe(401);
      }
      expect(server.requests).toHaveLength(1); // one token, never dropped
      expect(other.apiRequests).toHaveLength(3); // each call reached it once: no replay
      expect(manager.tokenInfo()?.state).toBe('fresh');
    });

    it("keeps a Request's own signal (and settings) on the hops it follows", async () => {
      other.onApi = () => 'hang';
      server.onApi = () => ({ status: 302, headers: { location: `${otherOrigin()}/slow` } });
      const controller = new AbortController();
      const pending = manager.fetch(new Request(api(), { signal: controller.signal }));
      await vi.waitFor(() => expect(other.apiRequests).toHaveLength(1));
      controller.abort(new Error('gave up'));
      await expect(pending).rejects.toThrow();
    });

    it('a 303 drops the body headers along with the body', async () => {
      server.onApi = (n, req) =>
        n === 1
          ? { status: 303, headers: { location: '/2010-04-01/Accounts/AC1/Messages/SM1.json' } }
          : {
              body: {
                type: req.headers['content-type'] ?? null,
                lang: req.headers['content-language'] ?? null,
              },
            };
      const response = await manager.fetch(api(), {
        method: 'POST',
        body: 'To=1',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-language': 'en' },
      });
      expect(await response.json()).toEqual({ type: null, lang: null });
    });

    it('leaves redirect: manual to the caller', async () => {
      server.onApi = () => ({ status: 302, headers: { location: `${otherOrigin()}/x` } });
      const response = await manager.fetch(api(), { redirect: 'manual' });
      expect(response.status).toBe(302);
      expect(other.apiRequests).toHaveLength(0);
    });
  });
});
