import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { issueToken, jwtClaims, messagesUrl, postForm, rawRequest } from '../test/helpers';
import { type MockMessage, type MockServer, startMockServer } from './index';

const T0 = Date.UTC(2030, 0, 1, 12, 0, 0);
let clock = T0;
let server: MockServer;
let other: MockServer;
let token: string;

beforeAll(async () => {
  server = await startMockServer({ tokenTtlSeconds: 300, now: () => clock });
  other = await startMockServer({ clients: server.clients });
});
afterAll(async () => {
  await Promise.all([server.close(), other.close()]);
});
beforeEach(async () => {
  clock = T0;
  server.reset();
  token = await issueToken(server);
});

const bearer = (value: string) => ({ authorization: `Bearer ${value}` });
const send = (fields: Record<string, string>, accountSid?: string) =>
  postForm(messagesUrl(server, accountSid), fields, bearer(token));
const list = (query = '', accountSid?: string) =>
  fetch(`${messagesUrl(server, accountSid)}${query}`, { headers: bearer(token) });

async function expectTwilioError(res: Response, status: number, code: number): Promise<void> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(await res.json()).toEqual({
    code,
    message: expect.any(String),
    more_info: `https://www.twilio.com/docs/errors/${code}`,
    status,
  });
}

describe('bearer authentication', () => {
  it('answers 401 (20003) without a token, with a Bearer challenge without error', async () => {
    const res = await fetch(messagesUrl(server));
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="Twilio API"');
    await expectTwilioError(res, 401, 20003);
  });

  it('refuses HTTP Basic account credentials', async () => {
    const res = await fetch(messagesUrl(server), {
      headers: {
        authorization: `Basic ${Buffer.from(`${server.accountSid}:x`).toString('base64')}`,
      },
    });
    await expectTwilioError(res, 401, 20003);
  });

  it('answers 401 with error="invalid_token" for a token with a bad signature', async () => {
    const [header, payload, signature = ''] = token.split('.');
    const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    const res = await fetch(messagesUrl(server), {
      headers: bearer(`${header}.${payload}.${flipped}`),
    });
    expect(res.headers.get('www-authenticate')).toMatch(
      /^Bearer realm="Twilio API", error="invalid_token"/,
    );
    await expectTwilioError(res, 401, 20003);
  });

  it('refuses a token whose claims were changed after signing', async () => {
    const [header, , signature] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...jwtClaims(token), exp: (jwtClaims(token).exp as number) + 9999 }),
    ).toString('base64url');
    const res = await fetch(messagesUrl(server), {
      headers: bearer(`${header}.${forged}.${signature}`),
    });
    await expectTwilioError(res, 401, 20003);
  });

  it('refuses an unsigned (alg: none) token', async () => {
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const [, payload] = token.split('.');
    const res = await fetch(messagesUrl(server), { headers: bearer(`${none}.${payload}.`) });
    await expectTwilioError(res, 401, 20003);
  });

  it('refuses a token issued by another server instance, even for the same client', async () => {
    const foreign = await issueToken(other);
    const res = await fetch(messagesUrl(server), { headers: bearer(foreign) });
    await expectTwilioError(res, 401, 20003);
  });

  it('refuses garbage', async () => {
    for (const value of ['x', 'a.b.c', '...', 'Bearer']) {
      const res = await fetch(messagesUrl(server), { headers: bearer(value) });
      await expectTwilioError(res, 401, 20003);
    }
  });

  it('accepts a token until its exp on the server clock, then answers 401', async () => {
    clock = T0 + 299_999;
    expect((await list()).status).toBe(200);
    clock = T0 + 300_000;
    const res = await list();
    expect(res.headers.get('www-authenticate')).toContain('expired');
    await expectTwilioError(res, 401, 20003);
  });

  it('refuses a 1 s token from issued + 1 000 ms on, to the millisecond', async () => {
    const short = await startMockServer({ tokenTtlSeconds: 1, now: () => clock });
    try {
      clock = T0 + 250; // not on a second boundary
      const shortToken = await issueToken(short);
      const get = () => fetch(messagesUrl(short), { headers: bearer(shortToken) });
      clock = T0 + 1_249;
      expect((await get()).status).toBe(200);
      clock = T0 + 1_250;
      await expectTwilioError(await get(), 401, 20003);
    } finally {
      await short.close();
    }
  });

  it('setClock() moves the clock of a running server', async () => {
    server.setClock(() => T0 + 3_600_000);
    try {
      await expectTwilioError(await list(), 401, 20003);
    } finally {
      server.setClock(() => clock);
    }
    expect((await list()).status).toBe(200);
    expect(() => server.setClock(42 as unknown as () => number)).toThrow(/"now"/);
  });

  it('revokeTokens() invalidates issued tokens; new tokens work', async () => {
    expect((await list()).status).toBe(200);
    server.revokeTokens();
    await expectTwilioError(await list(), 401, 20003);
    token = await issueToken(server);
    expect((await list()).status).toBe(200);
  });

  it('never echoes the token', async () => {
    const [header, payload] = token.split('.');
    const bad = `${header}.${payload}.c2lnbmF0dXJl`;
    const res = await fetch(messagesUrl(server), { headers: bearer(bad) });
    const text = `${JSON.stringify([...res.headers])}${await res.text()}`;
    expect(text).not.toContain(payload);
  });

  it('counts API requests per client and rejected ones', async () => {
    await list();
    await send({ To: '+15550001', From: '+15550002', Body: 'hi' });
    await fetch(messagesUrl(server));
    const stats = server.stats();
    expect(stats).toMatchObject({ apiRequests: 3, rejectedApiRequests: 1 });
    expect(stats.byClient[server.clients[0]?.clientId ?? '']).toEqual({
      tokenRequests: 1,
      tokensIssued: 1,
      apiRequests: 2,
      organizationsRequests: 0,
    });
  });
});

describe('POST Messages.json', () => {
  it('creates a queued outbound message in Twilio shape (201)', async () => {
    const res = await send({ To: '+15550001', From: '+15550002', Body: 'Hello there' });
    expect(res.status).toBe(201);
    const message = (await res.json()) as Record<string, unknown>;
    expect(message).toMatchObject({
      account_sid: server.accountSid,
      api_version: '2010-04-01',
      to: '+15550001',
      from: '+15550002',
      body: 'Hello there',
      status: 'queued',
      direction: 'outbound-api',
      num_segments: '1',
      num_media: '0',
      messaging_service_sid: null,
      error_code: null,
      date_created: 'Tue, 01 Jan 2030 12:00:00 +0000',
      date_updated: 'Tue, 01 Jan 2030 12:00:00 +0000',
      date_sent: null,
    });
    expect(message.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(message.uri).toBe(
      `/2010-04-01/Accounts/${server.accountSid}/Messages/${message.sid as string}.json`,
    );
    expect(server.messages()).toEqual([message]);
  });

  it('accepts a MessagingServiceSid instead of From', async () => {
    const res = await send({
      To: '+15550001',
      MessagingServiceSid: `MG${'0'.repeat(32)}`,
      Body: 'x',
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({
      from: null,
      messaging_service_sid: `MG${'0'.repeat(32)}`,
    });
  });

  it('counts segments of long and non-GSM bodies', async () => {
    const long = await send({ To: '+1', From: '+2', Body: 'a'.repeat(161) });
    expect(await long.json()).toMatchObject({ num_segments: '2' });
    const emoji = await send({ To: '+1', From: '+2', Body: '😀'.repeat(36) });
    expect(await emoji.json()).toMatchObject({ num_segments: '2' });
  });

  it.each([
    ['To', { From: '+2', Body: 'x' }, 21604],
    ['From', { To: '+1', Body: 'x' }, 21603],
    ['Body', { To: '+1', From: '+2' }, 21602],
  ])('answers 400 when %s is missing', async (_field, fields, code) => {
    await expectTwilioError(await send(fields), 400, code);
    expect(server.messages()).toEqual([]);
  });

  it('answers 400 (21617) for a body over 1600 characters', async () => {
    await expectTwilioError(
      await send({ To: '+1', From: '+2', Body: 'a'.repeat(1601) }),
      400,
      21617,
    );
  });

  it('answers 400 for a JSON body', async () => {
    const res = await fetch(messagesUrl(server), {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      body: JSON.stringify({ To: '+1', From: '+2', Body: 'x' }),
    });
    expect(res.status).toBe(400);
  });

  it('answers 413 for a body over 1 MiB', async () => {
    const res = await rawRequest(messagesUrl(server), {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'application/x-www-form-urlencoded' },
      body: `Body=${'a'.repeat(1024 * 1024 + 1)}`,
    });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ status: 413 });
  });

  it('stores messages per account', async () => {
    const otherAccount = `AC${'ab'.repeat(16)}`;
    await send({ To: '+1', From: '+2', Body: 'mine' });
    await send({ To: '+1', From: '+2', Body: 'theirs' }, otherAccount);
    expect(server.messages().map((m) => m.body)).toEqual(['mine']);
    expect(server.messages(otherAccount).map((m) => m.body)).toEqual(['theirs']);
    const page = (await (await list('', otherAccount)).json()) as { messages: { body: string }[] };
    expect(page.messages.map((m) => m.body)).toEqual(['theirs']);
  });
});

describe('GET Messages.json', () => {
  interface Page {
    messages: { body: string }[];
    page: number;
    page_size: number;
    start: number;
    end: number;
    uri: string;
    first_page_uri: string;
    next_page_uri: string | null;
    previous_page_uri: string | null;
  }
  const base = () => `/2010-04-01/Accounts/${server.accountSid}/Messages.json`;

  it('answers an empty first page', async () => {
    const res = await list();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      messages: [],
      page: 0,
      page_size: 50,
      start: 0,
      end: 0,
      uri: `${base()}?PageSize=50&Page=0`,
      first_page_uri: `${base()}?PageSize=50&Page=0`,
      next_page_uri: null,
      previous_page_uri: null,
    });
  });

  it('pages newest first with PageSize and Page', async () => {
    for (const n of [1, 2, 3, 4, 5]) await send({ To: '+1', From: '+2', Body: `m${n}` });
    const first = (await (await list('?PageSize=2')).json()) as Page;
    expect(first.messages.map((m) => m.body)).toEqual(['m5', 'm4']);
    expect(first).toMatchObject({ page: 0, page_size: 2, start: 0, end: 1 });
    const lastOfFirst = (first.messages[1] as unknown as { sid: string }).sid;
    expect(first.next_page_uri).toBe(`${base()}?PageSize=2&Page=1&PageToken=PA${lastOfFirst}`);
    expect(first.previous_page_uri).toBeNull();

    const next = await fetch(`${server.apiBaseUrl}${first.next_page_uri}`, {
      headers: bearer(token),
    });
    const second = (await next.json()) as Page;
    expect(second.messages.map((m) => m.body)).toEqual(['m3', 'm2']);
    expect(second).toMatchObject({ page: 1, start: 2, end: 3, uri: first.next_page_uri });
    expect(second.previous_page_uri).toBe(`${base()}?PageSize=2&Page=0`);

    const last = (await (await list('?PageSize=2&Page=2')).json()) as Page;
    expect(last.messages.map((m) => m.body)).toEqual(['m1']);
    expect(last).toMatchObject({ start: 4, end: 4, next_page_uri: null });
  });

  it('follows next_page_uri after the last message seen, even when new ones arrive', async () => {
    for (const n of [1, 2, 3]) await send({ To: '+1', From: '+2', Body: `m${n}` });
    const first = (await (await list('?PageSize=2')).json()) as Page;
    await send({ To: '+1', From: '+2', Body: 'm4' }); // an offset would now repeat m3
    const next = await fetch(`${server.apiBaseUrl}${first.next_page_uri}`, {
      headers: bearer(token),
    });
    const second = (await next.json()) as Page;
    expect(second.messages.map((m) => m.body)).toEqual(['m1']);
    expect(second).toMatchObject({ page: 1, next_page_uri: null });
  });

  it.each(['?PageToken=nope', `?PageToken=PASM${'0'.repeat(32)}`])(
    'answers 400 (20422) for an unknown %s',
    async (query) => {
      const res = await list(query);
      await expectTwilioError(res, 400, 20422);
    },
  );

  it.each(['?PageSize=0', '?PageSize=1001', '?PageSize=abc', '?Page=-1', '?Page=1.5'])(
    'answers 400 for %s',
    async (query) => {
      const res = await list(query);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ status: 400, code: 20422 });
    },
  );
});

describe('GET Messages/{Sid}.json', () => {
  const create = async () =>
    (await (await send({ To: '+1', From: '+2', Body: 'hi' })).json()) as MockMessage;
  const messageUrl = (sid: string, accountSid = server.accountSid) =>
    `${server.apiBaseUrl}/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`;

  it('answers a stored message exactly as it was created', async () => {
    const created = await create();
    const res = await fetch(messageUrl(created.sid), { headers: bearer(token) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(created);
    expect(created.uri).toBe(new URL(messageUrl(created.sid)).pathname);
  });

  it('answers 404 (20404) for an unknown sid, another account, or a malformed sid', async () => {
    const created = await create();
    for (const url of [
      messageUrl(`SM${'0'.repeat(32)}`),
      messageUrl(created.sid, `AC${'0'.repeat(32)}`),
      messageUrl('nope'),
    ]) {
      await expectTwilioError(await fetch(url, { headers: bearer(token) }), 404, 20404);
    }
  });

  it('needs a valid bearer and answers 405 for other methods', async () => {
    const created = await create();
    await expectTwilioError(await fetch(messageUrl(created.sid)), 401, 20003);
    const res = await fetch(messageUrl(created.sid), { method: 'POST', headers: bearer(token) });
    expect(res.headers.get('allow')).toBe('GET');
    await expectTwilioError(res, 405, 20004);
  });
});

describe('routing', () => {
  it.each([
    `/2010-04-01/Accounts/ACnothex/Messages.json`,
    `/2010-04-01/Accounts/AC${'0'.repeat(31)}/Messages.json`,
    `/2010-04-01/Accounts/${`AC${'0'.repeat(32)}`}/Calls.json`,
    '/2010-04-01/Accounts',
  ])('answers 404 (20404) for %s', async (path) => {
    const res = await fetch(`${server.apiBaseUrl}${path}`, { headers: bearer(token) });
    await expectTwilioError(res, 404, 20404);
  });

  it('answers 405 with Allow for DELETE', async () => {
    const res = await fetch(messagesUrl(server), { method: 'DELETE', headers: bearer(token) });
    expect(res.headers.get('allow')).toBe('GET, POST');
    await expectTwilioError(res, 405, 20004);
  });

  it('answers 401 before revealing whether a path exists', async () => {
    await expectTwilioError(await fetch(`${server.apiBaseUrl}/2010-04-01/Nope`), 401, 20003);
  });

  it('answers 404 JSON for unknown paths outside the API', async () => {
    for (const path of [
      '/',
      '/v1/token/extra',
      '/v2/token/extra',
      '/favicon.ico',
      '/Organizations',
    ]) {
      const res = await fetch(`${server.url}${path}`);
      await expectTwilioError(res, 404, 20404);
    }
  });
});
