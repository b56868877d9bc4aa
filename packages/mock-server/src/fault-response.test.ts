import { connect } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { firstClient, issueToken, messagesUrl, postForm } from '../test/helpers';
import { type MockServer, startMockServer } from './index';

let server: MockServer;
let token: string;

beforeAll(async () => {
  server = await startMockServer({ tokenTtlSeconds: 900 });
});
afterAll(() => server.close());
beforeEach(async () => {
  server.reset();
  token = await issueToken(server);
  server.reset();
});

const requestToken = () => {
  const { clientId, clientSecret } = firstClient(server);
  return postForm(server.tokenUrl, {
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: clientSecret,
  });
};
const listMessages = (init: RequestInit = {}) =>
  fetch(messagesUrl(server), { ...init, headers: { authorization: `Bearer ${token}` } });

/** Sends a raw request and resolves what the socket saw: bytes and how it ended. */
function rawExchange(path: string): Promise<{ data: string; error?: string }> {
  const { port } = server;
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${token}\r\n\r\n`,
      );
    });
    let data = '';
    socket.on('data', (chunk) => {
      data += chunk.toString();
    });
    socket.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ data, error: error.code ?? '' }),
    );
    socket.on('close', () => resolve({ data }));
  });
}

describe('status faults', () => {
  it('5xx: a plain HTML page on both endpoints', async () => {
    server.setFaults({ token: { status: 503 }, api: { status: 502 } });
    const tokenRes = await requestToken();
    expect(tokenRes.status).toBe(503);
    expect(tokenRes.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await tokenRes.text()).toContain('503 Service Unavailable');
    const apiRes = await listMessages();
    expect(apiRes.status).toBe(502);
    expect(apiRes.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await apiRes.text()).toContain('502 Bad Gateway');
  });

  it('429 with Retry-After: Twilio JSON 20429 on both endpoints', async () => {
    server.setFaults({
      token: { status: 429, retryAfterSeconds: 7 },
      api: { status: 429, retryAfterSeconds: 3 },
    });
    const tokenRes = await requestToken();
    expect(tokenRes.status).toBe(429);
    expect(tokenRes.headers.get('retry-after')).toBe('7');
    expect(await tokenRes.json()).toMatchObject({ code: 20429, status: 429 });
    const apiRes = await listMessages();
    expect(apiRes.status).toBe(429);
    expect(apiRes.headers.get('retry-after')).toBe('3');
    expect(await apiRes.json()).toMatchObject({ code: 20429, status: 429 });
  });

  it('503 with Retry-After', async () => {
    server.setFaults({ token: { status: 503, retryAfterSeconds: 0 } });
    const res = await requestToken();
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('0');
  });

  it('4xx: a Twilio error object on the token endpoint, even for valid credentials', async () => {
    server.setFaults({ token: { status: 401, times: 1 } });
    const res = await requestToken();
    expect(res.status).toBe(401);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({
      code: 322402,
      message: expect.any(String),
      more_info: 'https://www.twilio.com/docs/errors/322402',
      status: 401,
    });
    server.setFaults({ token: { status: 400, times: 1 } });
    expect(await (await requestToken()).json()).toMatchObject({ code: 322403, status: 400 });
  });

  it("4xx and 429 with tokenErrorFormat 'oauth': RFC 6749 JSON and plain text", async () => {
    const oauth = await startMockServer({ tokenErrorFormat: 'oauth' });
    try {
      const { clientId, clientSecret } = firstClient(oauth);
      const ask = () =>
        postForm(oauth.tokenUrl, {
          grant_type: 'client_credentials',
          client_id: clientId,
          client_secret: clientSecret,
        });
      oauth.setFaults({ token: { status: 401, times: 1 } });
      const res = await ask();
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({
        error: 'invalid_client',
        error_description: expect.any(String),
      });
      oauth.setFaults({ token: { status: 400, times: 1 } });
      expect(await (await ask()).json()).toMatchObject({ error: 'invalid_request' });
      oauth.setFaults({ token: { status: 429, retryAfterSeconds: 7, times: 1 } });
      const limited = await ask();
      expect(limited.status).toBe(429);
      expect(limited.headers.get('content-type')).toMatch(/^text\/plain/);
    } finally {
      await oauth.close();
    }
  });

  it('4xx: a Twilio error JSON on the API, even for a valid token', async () => {
    server.setFaults({ api: { status: 401, times: 1 } });
    const res = await listMessages();
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 20003, status: 401 });
    server.setFaults({ api: { status: 403, times: 1 } });
    expect(await (await listMessages()).json()).toMatchObject({ code: 20403, status: 403 });
  });

  it('below 400: that status with an empty body', async () => {
    server.setFaults({ token: { status: 204 } });
    const res = await requestToken();
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
  });
});

describe('Twilio error object faults', () => {
  it('twilioCode: that Twilio error object, at status (default 400)', async () => {
    server.setFaults({ token: { twilioCode: 322402 }, api: { twilioCode: 20404, status: 404 } });
    const tokenRes = await requestToken();
    expect(tokenRes.status).toBe(400);
    expect(tokenRes.headers.get('cache-control')).toBe('no-store');
    expect(await tokenRes.json()).toEqual({
      code: 322402,
      message: expect.any(String),
      more_info: 'https://www.twilio.com/docs/errors/322402',
      status: 400,
    });
    const apiRes = await listMessages();
    expect(apiRes.status).toBe(404);
    expect(await apiRes.json()).toMatchObject({ code: 20404, status: 404 });
    server.setFaults({ token: { twilioCode: 20500, status: 500 } });
    const serverError = await requestToken();
    expect(serverError.status).toBe(500);
    expect(serverError.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await serverError.json()).toMatchObject({ code: 20500, status: 500 });
  });

  it('throttledForSeconds: 429 with throttled_until on the server clock, no Retry-After', async () => {
    const t0 = Date.UTC(2030, 0, 1, 12, 0, 0, 250);
    server.setClock(() => t0);
    try {
      server.setFaults({ token: { throttledForSeconds: 45, times: 1 } });
      const res = await requestToken();
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBeNull();
      expect(await res.json()).toEqual({
        code: 20429,
        message: expect.any(String),
        more_info: 'https://www.twilio.com/docs/errors/20429',
        status: 429,
        throttled_until: '2030-01-01T12:00:45.250Z',
      });
      server.setFaults({
        api: { throttledForSeconds: 1, twilioCode: 20003, status: 401, retryAfterSeconds: 2 },
      });
      const apiRes = await listMessages();
      expect(apiRes.status).toBe(401);
      expect(apiRes.headers.get('retry-after')).toBe('2');
      expect(await apiRes.json()).toMatchObject({
        code: 20003,
        throttled_until: '2030-01-01T12:00:01.250Z',
      });
    } finally {
      server.setClock(Date.now);
    }
  });
});

describe('body faults', () => {
  it('malformed: truncated JSON that does not parse', async () => {
    server.setFaults({ token: { malformed: true }, api: { malformed: true } });
    for (const res of [await requestToken(), await listMessages()]) {
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const text = await res.text();
      expect(text.startsWith('{')).toBe(true);
      expect(() => JSON.parse(text)).toThrow(SyntaxError);
    }
  });

  it('oversized: valid JSON over 64 KiB, shaped like a real answer', async () => {
    server.setFaults({ token: { oversized: true } });
    const tokenRes = await requestToken();
    expect(Number(tokenRes.headers.get('content-length'))).toBeGreaterThan(64 * 1024);
    const body = (await tokenRes.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 900, id_token: null });
    // The oversized token is not one the API accepts.
    const refused = await fetch(messagesUrl(server), {
      headers: { authorization: `Bearer ${body.access_token as string}` },
    });
    expect(refused.status).toBe(401);
    server.setFaults({ api: { oversized: true, status: 200 } });
    const apiText = await (await listMessages()).text();
    expect(apiText.length).toBeGreaterThan(64 * 1024);
    expect(JSON.parse(apiText)).toMatchObject({ messages: [], page: 0 });
  });

  it('body: a raw body with the given status and content type', async () => {
    server.setFaults({
      token: { body: '{"access_token":42}', status: 200, times: 1 },
      api: { body: 'maintenance', status: 503, contentType: 'text/plain', times: 1 },
    });
    const tokenRes = await requestToken();
    expect(tokenRes.headers.get('content-type')).toBe('application/json');
    expect(await tokenRes.text()).toBe('{"access_token":42}');
    const apiRes = await listMessages();
    expect(apiRes.status).toBe(503);
    expect(apiRes.headers.get('content-type')).toBe('text/plain');
    expect(await apiRes.text()).toBe('maintenance');
  });
});

describe('token response overrides', () => {
  it('tokenType replaces token_type of a successful answer', async () => {
    server.setFaults({ token: { tokenType: 'mac' } });
    expect(await (await requestToken()).json()).toMatchObject({
      token_type: 'mac',
      expires_in: 900,
    });
  });

  it('expiresIn: a number, a string, or null for an absent field', async () => {
    server.setFaults({ token: { expiresIn: -5, times: 1 } });
    expect(await (await requestToken()).json()).toMatchObject({ expires_in: -5 });
    server.setFaults({ token: { expiresIn: 'soon', times: 1 } });
    expect(await (await requestToken()).json()).toMatchObject({ expires_in: 'soon' });
    server.setFaults({ token: { expiresIn: null, times: 1 } });
    const body = (await (await requestToken()).json()) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['access_token', 'id_token', 'token_type', 'refresh_token']);
    expect(server.stats().tokensIssued).toBe(3);
  });

  it('does not turn a rejected request into a success', async () => {
    server.setFaults({ token: { tokenType: 'mac' } });
    const res = await postForm(server.tokenUrl, { grant_type: 'client_credentials' });
    expect(res.status).toBe(400);
  });
});

describe('connection faults', () => {
  it('delayMs: answers normally after the delay', async () => {
    server.setFaults({ token: { delayMs: 150, times: 1 } });
    const started = performance.now();
    const res = await requestToken();
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(res.status).toBe(200);
  });

  it('delayMs with status: the fault answer comes after the delay', async () => {
    server.setFaults({ api: { delayMs: 120, status: 500, times: 1 } });
    const started = performance.now();
    const res = await listMessages();
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
    expect(res.status).toBe(500);
  });

  it('hang: no answer until the client gives up; the server keeps serving', async () => {
    server.setFaults({ token: { hang: true, times: 1 } });
    const error = await requestTokenWithTimeout(200).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe('TimeoutError');
    expect((await requestToken()).status).toBe(200);
    expect(server.stats().tokenRequests).toBe(2);
  });

  it('reset: the connection is reset without a byte of answer', async () => {
    server.setFaults({ api: { reset: true, times: 1 } });
    const seen = await rawExchange(new URL(messagesUrl(server)).pathname);
    expect(seen.data).toBe('');
    expect(seen.error).toBe('ECONNRESET');
    server.setFaults({ token: { reset: true, times: 1 } });
    const error = await requestToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((await requestToken()).status).toBe(200);
  });
});

function requestTokenWithTimeout(ms: number): Promise<Response> {
  const { clientId, clientSecret } = firstClient(server);
  return fetch(server.tokenUrl, {
    method: 'POST',
    signal: AbortSignal.timeout(ms),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
    }).toString(),
  });
}

describe('times, clearing and stats', () => {
  it('applies a fault to exactly `times` requests, then answers normally', async () => {
    server.setFaults({ token: { status: 503, times: 2 } });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await requestToken()).status);
    expect(statuses).toEqual([503, 503, 200, 200]);
    expect(server.faults()).toEqual({});
  });

  it('keeps a fault without times until setFaults({}) clears it', async () => {
    server.setFaults({ api: { status: 500 } });
    for (let i = 0; i < 3; i++) expect((await listMessages()).status).toBe(500);
    server.setFaults({});
    expect((await listMessages()).status).toBe(200);
  });

  it('setFaults replaces the whole set', async () => {
    server.setFaults({ token: { status: 500 }, api: { status: 500 } });
    server.setFaults({ api: { status: 502 } });
    expect((await requestToken()).status).toBe(200);
    expect((await listMessages()).status).toBe(502);
  });

  it('the token fault leaves the API alone and the other way round', async () => {
    server.setFaults({ token: { status: 500 } });
    expect((await listMessages()).status).toBe(200);
    server.setFaults({ api: { status: 500 } });
    expect((await requestToken()).status).toBe(200);
  });

  it('faulted requests still count, per client', async () => {
    server.setFaults({ token: { status: 503, times: 2 }, api: { status: 500, times: 1 } });
    await requestToken();
    await requestToken();
    await requestToken();
    await listMessages();
    const { clientId } = firstClient(server);
    expect(server.stats()).toMatchObject({
      tokenRequests: 3,
      tokensIssued: 1,
      apiRequests: 1,
      rejectedApiRequests: 0,
      byClient: { [clientId]: { tokenRequests: 3, tokensIssued: 1, apiRequests: 1 } },
    });
  });

  it('reset() clears faults', async () => {
    server.setFaults({ token: { status: 500 } });
    server.reset();
    expect((await requestToken()).status).toBe(200);
  });

  it('setFaults throws on invalid input and names the field', () => {
    expect(() => server.setFaults({ token: { status: 42 } })).toThrow(/token\.status/);
  });
});
