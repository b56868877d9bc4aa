import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SECRET, startServer, type TestServer, tokenBody } from '../test/token-server';
import { TokenRequestError } from './errors';
import { requestToken } from './request-token';
import type { TokenEvent } from './types';

let server: TestServer;
beforeEach(async () => {
  server = await startServer();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await server.close();
});

const base = () => ({
  clientId: 'OQclient',
  clientSecret: SECRET,
  tokenUrl: server.tokenUrl,
  retry: { baseDelayMs: 1, maxDelayMs: 5 },
});

const failure = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TokenRequestError);
  return error as TokenRequestError;
};

describe('requestToken: request format', () => {
  it('POSTs a form with client_id, client_secret and grant_type, and no Authorization header', async () => {
    const before = Date.now();
    const token = await requestToken(base());
    expect(token.accessToken).toBe('token-1');
    expect(token.tokenType).toBe('Bearer');
    expect(token.expiresAt).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(token.expiresAt).toBeLessThanOrEqual(Date.now() + 3_600_000);
    expect(server.requests).toHaveLength(1);
    const [req] = server.requests;
    expect(req?.method).toBe('POST');
    expect(req?.path).toBe('/v2/token');
    expect(req?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(req?.headers.authorization).toBeUndefined();
    expect(Object.fromEntries(req?.form ?? [])).toEqual({
      grant_type: 'client_credentials',
      client_id: 'OQclient',
      client_secret: SECRET,
    });
  });

  it('sends scope when set', async () => {
    await requestToken({ ...base(), scope: 'messages:read' });
    expect(server.requests[0]?.form.get('scope')).toBe('messages:read');
  });

  it('client_secret_basic: HTTP Basic with form-encoded id and secret, no secret in the body', async () => {
    const id = 'id with:colon&amp';
    const secret = 'p@ss w+rd/é';
    await requestToken({
      ...base(),
      clientId: id,
      clientSecret: secret,
      clientAuthMethod: 'client_secret_basic',
    });
    const [req] = server.requests;
    const auth = req?.headers.authorization ?? '';
    expect(auth.startsWith('Basic ')).toBe(true);
    const decoded = Buffer.from(auth.slice(6), 'base64').toString('latin1');
    const [user, pass] = decoded.split(':');
    // Colons inside the id are escaped, so the first colon separates id and secret.
    expect(decoded.split(':')).toHaveLength(2);
    expect(new URLSearchParams(`u=${user}&p=${pass}`).get('u')).toBe(id);
    expect(new URLSearchParams(`u=${user}&p=${pass}`).get('p')).toBe(secret);
    expect(req?.form.get('client_secret')).toBeNull();
    expect(req?.form.get('client_id')).toBeNull();
    expect(req?.form.get('grant_type')).toBe('client_credentials');
  });

  it('counts expiresAt from when the request was sent', async () => {
    let time = 1_000_000;
    server.onToken = (n) => {
      time += 5_000; // the server takes 5 s by the injected clock
      return { body: tokenBody(n, { expires_in: 100 }) };
    };
    const token = await requestToken({ ...base(), now: () => time });
    expect(token.expiresAt).toBe(1_000_000 + 100_000);
  });

  it('accepts a mixed-case token_type, absent id_token/refresh_token and a fractional expires_in', async () => {
    server.onToken = () => ({
      body: { access_token: 'abc', token_type: 'bEaReR', expires_in: 119.5 },
    });
    const token = await requestToken({ ...base(), now: () => 0 });
    expect(token).toMatchObject({ accessToken: 'abc', tokenType: 'Bearer', expiresAt: 119_500 });
  });
});

describe('requestToken: response validation', () => {
  const cases: [string, unknown, string][] = [
    ['missing access_token', { token_type: 'Bearer', expires_in: 60 }, 'access_token'],
    [
      'empty access_token',
      { access_token: '', token_type: 'Bearer', expires_in: 60 },
      'access_token',
    ],
    [
      'numeric access_token',
      { access_token: 42, token_type: 'Bearer', expires_in: 60 },
      'access_token',
    ],
    ['missing token_type', { access_token: 'x', expires_in: 60 }, 'token_type'],
    ['mac token_type', { access_token: 'x', token_type: 'mac', expires_in: 60 }, 'token_type'],
    ['missing expires_in', { access_token: 'x', token_type: 'Bearer' }, 'expires_in'],
    ['zero expires_in', { access_token: 'x', token_type: 'Bearer', expires_in: 0 }, 'expires_in'],
    [
      'negative expires_in',
      { access_token: 'x', token_type: 'Bearer', expires_in: -5 },
      'expires_in',
    ],
    [
      'non-numeric expires_in',
      { access_token: 'x', token_type: 'Bearer', expires_in: 'soon' },
      'expires_in',
    ],
    [
      'string expires_in',
      { access_token: 'x', token_type: 'Bearer', expires_in: '3600' },
      'expires_in',
    ],
    [
      'null expires_in',
      { access_token: 'x', token_type: 'Bearer', expires_in: null },
      'expires_in',
    ],
    [
      'huge expires_in',
      { access_token: 'x', token_type: 'Bearer', expires_in: 1e308 },
      'expires_in',
    ],
    ['numeric id_token', { ...tokenBody(1), id_token: 5 }, 'id_token'],
    ['object refresh_token', { ...tokenBody(1), refresh_token: {} }, 'refresh_token'],
    ['a JSON array', [tokenBody(1)], 'access_token'],
    ['JSON null', null, 'JSON object'],
  ];
  for (const [name, body, field] of cases) {
    it(`refuses ${name} without retrying`, async () => {
      server.onToken = () => ({ body: JSON.stringify(body) });
      const error = await failure(requestToken(base()));
      expect(error.code).toBe('invalid_response');
      expect(error.retryable).toBe(false);
      expect(error.status).toBe(200);
      expect(error.message).toContain(field);
      expect(server.requests).toHaveLength(1);
    });
  }

  it('refuses a non-JSON body without quoting it', async () => {
    server.onToken = () => ({ body: 'access_token=leaky-token-value&token_type=bearer' });
    const error = await failure(requestToken(base()));
    expect(error.code).toBe('invalid_response');
    expect(error.message).toContain('JSON');
    expect(JSON.stringify(error)).not.toContain('leaky-token-value');
    expect(String(error.cause)).not.toContain('leaky-token-value');
  });

  it('never echoes a bad field value that could be a token', async () => {
    server.onToken = () => ({
      body: {
        access_token: 'secret-token-value',
        token_type: 'secret-token-value',
        expires_in: 60,
      },
    });
    const error = await failure(requestToken(base()));
    expect(error.message).toContain('token_type');
    expect(error.message).not.toContain('secret-token-value');
  });

  it('refuses a body over 64 KiB announced by Content-Length', async () => {
    server.onToken = () => ({ body: { ...tokenBody(1), padding: 'x'.repeat(70_000) } });
    const error = await failure(requestToken(base()));
    expect(error.code).toBe('invalid_response');
    expect(error.message).toContain('65536');
  });

  it('refuses a streamed body over 64 KiB without Content-Length', async () => {
    let written = 0;
    server.onToken = () => (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"access_token":"');
      // Keeps writing; the client must stop reading at the cap rather than buffer everything.
      const pump = () => {
        while (written < 10_000_000 && res.write('a'.repeat(16_384))) written += 16_384;
        if (written < 10_000_000 && !res.destroyed) res.once('drain', pump);
      };
      res.on('close', () => {
        written = Number.POSITIVE_INFINITY;
      });
      pump();
    };
    // Counts what the client actually took off the wire.
    let read = 0;
    const counting: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const count = new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          read += chunk.byteLength;
          controller.enqueue(chunk);
        },
      });
      return new Response(response.body?.pipeThrough(count), response);
    };
    const error = await failure(requestToken({ ...base(), fetch: counting }));
    expect(error.code).toBe('invalid_response');
    expect(error.message).toContain('65536');
    expect(read).toBeGreaterThan(64 * 1024);
    // It stopped at the cap: at most one more network chunk than 64 KiB, not megabytes.
    expect(read).toBeLessThan(64 * 1024 + 128 * 1024);
    expect(written).toBeLessThan(10_000_000);
  });
});

describe('requestToken: errors and retries', () => {
  it('passes OAuth errors through and never retries a 4xx', async () => {
    server.onToken = () => ({
      status: 401,
      body: { error: 'invalid_client', error_description: 'bad credentials' },
    });
    const error = await failure(requestToken(base()));
    expect(error).toMatchObject({
      code: 'invalid_client',
      status: 401,
      retryable: false,
      attempts: 1,
    });
    expect(error.message).not.toContain(SECRET);
    expect(server.requests).toHaveLength(1);
  });

  it('does not echo a malformed OAuth error code', async () => {
    server.onToken = () => ({ status: 400, body: { error: `<script>${SECRET}` } });
    const error = await failure(requestToken(base()));
    expect(error.code).toBe('invalid_response');
    expect(error.message).not.toContain('script');
  });

  it('treats a redirect as an invalid response instead of replaying the secret', async () => {
    server.onToken = () => ({ status: 307, headers: { location: 'https://evil.example/' } });
    const error = await failure(requestToken(base()));
    expect(error).toMatchObject({ code: 'invalid_response', status: 307 });
    expect(server.requests).toHaveLength(1);
  });

  it('retries a 5xx and succeeds', async () => {
    server.onToken = (n) => (n < 3 ? { status: 503, body: 'unavailable' } : { body: tokenBody(n) });
    const events: TokenEvent[] = [];
    const token = await requestToken({ ...base(), onEvent: (e) => events.push(e) });
    expect(token.accessToken).toBe('token-3');
    expect(server.requests).toHaveLength(3);
    expect(
      events
        .filter((e) => e.type === 'token.requested')
        .map((e) => e.type === 'token.requested' && e.attempt),
    ).toEqual([1, 2, 3]);
    expect(events.at(-1)).toMatchObject({ type: 'token.issued', attempts: 3 });
  });

  it('gives up after maxAttempts with server_error', async () => {
    server.onToken = () => ({ status: 500, body: 'boom' });
    const error = await failure(
      requestToken({ ...base(), retry: { maxAttempts: 2, baseDelayMs: 0 } }),
    );
    expect(error).toMatchObject({
      code: 'server_error',
      status: 500,
      retryable: true,
      attempts: 2,
    });
    expect(server.requests).toHaveLength(2);
  });

  it('maxAttempts 1 disables retries', async () => {
    server.onToken = () => ({ status: 502 });
    const error = await failure(requestToken({ ...base(), retry: { maxAttempts: 1 } }));
    expect(error.attempts).toBe(1);
    expect(server.requests).toHaveLength(1);
  });

  it('retries network errors (socket destroyed)', async () => {
    server.onToken = (n) => (n === 1 ? 'destroy' : { body: tokenBody(n) });
    const token = await requestToken(base());
    expect(token.accessToken).toBe('token-2');
    server.onToken = () => 'destroy';
    const error = await failure(requestToken(base()));
    expect(error).toMatchObject({ code: 'network_error', retryable: true, attempts: 3 });
    expect(error.status).toBeUndefined();
  });

  it('times out each attempt and retries', async () => {
    server.onToken = (n) => (n === 1 ? 'hang' : { body: tokenBody(n) });
    // Roomy, so that the answered retry does not time out on a busy machine.
    const token = await requestToken({ ...base(), timeoutMs: 500 });
    expect(token.accessToken).toBe('token-2');
    server.onToken = () => 'hang';
    const error = await failure(
      requestToken({ ...base(), timeoutMs: 30, retry: { maxAttempts: 2, baseDelayMs: 0 } }),
    );
    expect(error).toMatchObject({ code: 'timeout', retryable: true, attempts: 2 });
  });

  it('times out a body that stops arriving', async () => {
    server.onToken = () => (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"access_token":');
    };
    const error = await failure(
      requestToken({ ...base(), timeoutMs: 50, retry: { maxAttempts: 1 } }),
    );
    expect(error.code).toBe('timeout');
  });

  it('429: rate_limited, retried after Retry-After seconds, capped by maxRetryAfterMs', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0); // backoff alone would not wait at all
    const at: number[] = [];
    server.onToken = (n) => {
      at.push(performance.now());
      return n === 1 ? { status: 429, headers: { 'retry-after': '3600' } } : { body: tokenBody(n) };
    };
    const token = await requestToken({ ...base(), retry: { maxRetryAfterMs: 120 } });
    expect(token.accessToken).toBe('token-2');
    const gap = (at[1] ?? 0) - (at[0] ?? 0);
    expect(gap).toBeGreaterThanOrEqual(100);
    expect(gap).toBeLessThan(1_500);
  });

  it('honours Retry-After as an HTTP-date', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const now = Date.parse('2030-01-01T00:00:00Z');
    const at: number[] = [];
    server.onToken = (n) => {
      at.push(performance.now());
      return n === 1
        ? { status: 503, headers: { 'retry-after': new Date(now + 60_000).toUTCString() } }
        : { body: tokenBody(n) };
    };
    await requestToken({ ...base(), now: () => now, retry: { maxRetryAfterMs: 120 } });
    expect((at[1] ?? 0) - (at[0] ?? 0)).toBeGreaterThanOrEqual(100);
  });

  it('reports rate_limited when 429 persists', async () => {
    server.onToken = () => ({ status: 429, headers: { 'retry-after': '0' } });
    const error = await failure(requestToken(base()));
    expect(error).toMatchObject({
      code: 'rate_limited',
      status: 429,
      retryable: true,
      attempts: 3,
    });
  });

  it('aborts the whole exchange, backoff included, through signal', async () => {
    server.onToken = () => ({ status: 503, headers: { 'retry-after': '30' } });
    const controller = new AbortController();
    const pending = requestToken({
      ...base(),
      signal: controller.signal,
      retry: { maxRetryAfterMs: 60_000 },
    });
    await vi.waitFor(() => expect(server.requests).toHaveLength(1));
    controller.abort();
    const error = await failure(pending);
    expect(error).toMatchObject({ code: 'aborted', retryable: false });
  });

  it('keeps secrets out of every error form', async () => {
    server.onToken = () => 'destroy';
    const error = await failure(requestToken(base()));
    const { inspect } = await import('node:util');
    for (const text of [
      error.message,
      String(error),
      JSON.stringify(error),
      inspect(error, { depth: 10, showHidden: true }),
      error.stack ?? '',
    ]) {
      expect(text).not.toContain(SECRET);
    }
  });
});

const twilioError = (code: number, status = 400, extra: Record<string, unknown> = {}) => ({
  status,
  body: {
    code,
    message: `server text ${SECRET}`,
    more_info: `https://www.twilio.com/docs/errors/${code}`,
    status,
    ...extra,
  },
});

describe('requestToken: Twilio error objects', () => {
  it.each([
    [322402, 400, 'invalid_client'],
    [321401, 400, 'invalid_client'],
    [322402, 401, 'invalid_client'],
    [321402, 400, 'invalid_request'],
    [322403, 400, 'invalid_request'],
    [321403, 400, 'unsupported_grant_type'],
    [20001, 400, 'twilio_error'],
    [20003, 401, 'twilio_error'],
  ])('%i with HTTP %i: %s, the Twilio code kept, never retried', async (code, status, expected) => {
    server.onToken = () => twilioError(code, status);
    const error = await failure(requestToken(base()));
    expect(error).toMatchObject({
      code: expected,
      status,
      retryable: false,
      attempts: 1,
      twilioCode: code,
      moreInfo: `https://www.twilio.com/docs/errors/${code}`,
    });
    expect(error.message).toBe(
      `Token request failed: ${expected} (HTTP ${status}, Twilio error ${code})`,
    );
    expect(JSON.stringify(error)).not.toContain('server text');
    expect(server.requests).toHaveLength(1);
  });

  it("keeps more_info only when it is a link to Twilio's error pages", async () => {
    for (const more_info of [
      'https://evil.example/docs/errors/322402',
      `https://www.twilio.com/docs/errors/322402?${SECRET}`,
      'http://www.twilio.com/docs/errors/322402',
      42,
    ]) {
      server.onToken = () => twilioError(322402, 400, { more_info });
      const error = await failure(requestToken(base()));
      expect(error).toMatchObject({ code: 'invalid_client', twilioCode: 322402 });
      expect(error).not.toHaveProperty('moreInfo');
      expect(JSON.stringify(error)).not.toContain(SECRET);
    }
  });

  it('a Twilio 500 object (20500) stays server_error and is retried', async () => {
    server.onToken = (n) => (n === 1 ? twilioError(20500, 500) : { body: tokenBody(n) });
    expect((await requestToken(base())).accessToken).toBe('token-2');
    server.onToken = () => twilioError(20500, 500);
    const error = await failure(requestToken({ ...base(), retry: { maxAttempts: 2 } }));
    expect(error).toMatchObject({
      code: 'server_error',
      status: 500,
      retryable: true,
      attempts: 2,
      twilioCode: 20500,
    });
    expect(error.message).toBe('Token request failed: HTTP 500, Twilio error 20500');
  });

  it('an RFC 6749 error next to an unknown Twilio code keeps the OAuth code', async () => {
    server.onToken = () => twilioError(401, 401, { error: 'invalid_client' });
    const error = await failure(requestToken(base()));
    expect(error).toMatchObject({ code: 'invalid_client', status: 401, twilioCode: 401 });
  });

  it('a body that only looks like a Twilio object is an invalid response', async () => {
    for (const body of [{ code: 'x', status: 400 }, { code: 322402 }, { code: -1, status: 400 }]) {
      server.onToken = () => ({ status: 400, body });
      const error = await failure(requestToken(base()));
      expect(error.code).toBe('invalid_response');
      expect(error).not.toHaveProperty('twilioCode');
    }
  });

  it.each([
    'network_error',
    'timeout',
    'server_error',
    'rate_limited',
    'invalid_response',
    'aborted',
    'closed',
    'invalid_option',
    'host_not_allowed',
    'twilio_error',
  ])('a server error string cannot claim the library code %s', async (claimed) => {
    server.onToken = () => ({ status: 400, body: { error: claimed } });
    const error = await failure(requestToken(base()));
    expect(error).toMatchObject({ code: 'invalid_response', status: 400, retryable: false });
    expect(server.requests).toHaveLength(1);
  });
});

describe('requestToken: Twilio throttling', () => {
  const now = Date.parse('2030-01-01T00:00:00Z');
  const throttled = (untilMs: number, headers: Record<string, string> = {}) => ({
    ...twilioError(20429, 429, { throttled_until: new Date(untilMs).toISOString() }),
    headers,
  });

  it('without Retry-After, throttled_until sets retryAfterMs on the injected clock', async () => {
    server.onToken = () => throttled(now + 45_000);
    const error = await failure(
      requestToken({ ...base(), now: () => now, retry: { maxAttempts: 1 } }),
    );
    expect(error).toMatchObject({
      code: 'rate_limited',
      status: 429,
      retryable: true,
      twilioCode: 20429,
      retryAfterMs: 45_000,
    });
  });

  it('Retry-After wins over throttled_until', async () => {
    server.onToken = () => throttled(now + 45_000, { 'retry-after': '2' });
    const error = await failure(
      requestToken({ ...base(), now: () => now, retry: { maxAttempts: 1 } }),
    );
    expect(error.retryAfterMs).toBe(2_000);
  });

  it('a past or unreadable throttled_until leaves the backoff alone', async () => {
    for (const until of [new Date(now - 1_000).toISOString(), 'soon']) {
      server.onToken = () => ({ ...twilioError(20429, 429, { throttled_until: until }) });
      const error = await failure(
        requestToken({ ...base(), now: () => now, retry: { maxAttempts: 1 } }),
      );
      expect(error.retryAfterMs).toBeUndefined();
    }
  });

  it('waits until throttled_until, capped by maxRetryAfterMs, then succeeds', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0); // backoff alone would not wait at all
    const at: number[] = [];
    server.onToken = (n) => {
      at.push(performance.now());
      return n === 1 ? throttled(now + 3_600_000) : { body: tokenBody(n) };
    };
    const token = await requestToken({
      ...base(),
      now: () => now,
      retry: { maxRetryAfterMs: 120 },
    });
    expect(token.accessToken).toBe('token-2');
    const gap = (at[1] ?? 0) - (at[0] ?? 0);
    expect(gap).toBeGreaterThanOrEqual(100);
    expect(gap).toBeLessThan(1_500);
  });
});
