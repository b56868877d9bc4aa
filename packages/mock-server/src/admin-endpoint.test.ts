import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { firstClient, issueToken, messagesUrl, postForm, rawRequest } from '../test/helpers';
import { type MockServer, startMockServer } from './index';

let server: MockServer;
const admin = (path: string) => `${server.url}/__mock/${path}`;
const postJson = (path: string, body: unknown) =>
  fetch(admin(path), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

beforeAll(async () => {
  server = await startMockServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

describe('admin endpoints', () => {
  it('GET /__mock/stats returns the counters, never a secret or token', async () => {
    const token = await issueToken(server);
    const res = await fetch(admin('stats'));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const text = await res.text();
    expect(JSON.parse(text)).toEqual(server.stats());
    expect(JSON.parse(text)).toMatchObject({ tokenRequests: 1, tokensIssued: 1 });
    expect(text).not.toContain(firstClient(server).clientSecret);
    expect(text).not.toContain(token);
  });

  it('POST /__mock/faults sets faults (JSON) and GET reads them back', async () => {
    const res = await postJson('faults', { token: { status: 503, times: 2 } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ token: { status: 503, times: 2 } });
    const { clientId, clientSecret } = firstClient(server);
    const tokenRes = await postForm(server.tokenUrl, {
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
    });
    expect(tokenRes.status).toBe(503);
    expect(await (await fetch(admin('faults'))).json()).toEqual({
      token: { status: 503, times: 1 },
    });
    expect((await postJson('faults', {})).status).toBe(200);
    expect(server.faults()).toEqual({});
  });

  it('an empty POST /__mock/faults body clears the faults', async () => {
    server.setFaults({ api: { status: 500 } });
    const res = await fetch(admin('faults'), { method: 'POST' });
    expect(res.status).toBe(200);
    expect(server.faults()).toEqual({});
  });

  it.each([
    ['not JSON', '{"token":', /JSON/],
    ['an unknown field', { token: { sttus: 500 } }, /token\.sttus/],
    ['a wrong type', { api: { times: 'twice' } }, /api\.times/],
    ['an array', [], /must be an object/],
  ])(
    'POST /__mock/faults answers 400 for %s and keeps the faults',
    async (_case, body, message) => {
      server.setFaults({ api: { status: 500 } });
      const res = await postJson('faults', body);
      expect(res.status).toBe(400);
      const answer = (await res.json()) as { error: string; message: string };
      expect(answer.error).toBe('invalid_faults');
      expect(answer.message).toMatch(message);
      expect(server.faults()).toEqual({ api: { status: 500 } });
    },
  );

  it('POST /__mock/reset clears counters, faults and messages', async () => {
    const token = await issueToken(server);
    await postForm(
      messagesUrl(server),
      { To: '+1', From: '+2', Body: 'x' },
      { authorization: `Bearer ${token}` },
    );
    server.setFaults({ api: { status: 500 } });
    const res = await fetch(admin('reset'), { method: 'POST' });
    expect(res.status).toBe(204);
    expect(server.stats()).toMatchObject({ tokenRequests: 0, tokensIssued: 0, apiRequests: 0 });
    expect(server.faults()).toEqual({});
    expect(server.messages()).toEqual([]);
    // Tokens survive a reset.
    const list = await fetch(messagesUrl(server), {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(list.status).toBe(200);
  });

  it('POST /__mock/revoke revokes issued tokens', async () => {
    const token = await issueToken(server);
    expect((await fetch(admin('revoke'), { method: 'POST' })).status).toBe(204);
    const res = await fetch(messagesUrl(server), { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(401);
  });

  it('answers 404 for unknown admin paths and 405 with Allow for wrong methods', async () => {
    expect((await fetch(admin('nope'))).status).toBe(404);
    const wrong = await fetch(admin('stats'), { method: 'POST' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET');
    const reset = await fetch(admin('reset'));
    expect(reset.status).toBe(405);
    expect(reset.headers.get('allow')).toBe('POST');
    expect((await fetch(admin('faults'), { method: 'DELETE' })).headers.get('allow')).toBe(
      'GET, POST',
    );
  });

  it('answers 413 for a body over 1 MiB', async () => {
    const res = await rawRequest(admin('faults'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"x":"${'a'.repeat(1024 * 1024)}"}`,
    });
    expect(res.status).toBe(413);
  });
});
