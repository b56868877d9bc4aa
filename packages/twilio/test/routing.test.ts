// Where the SDK's requests go and what they carry: apiBaseUrl, region/edge, User-Agent.
import { describe, expect, it } from 'vitest';
import { useHarness } from './setup';

const h = useHarness();

interface Sent {
  url: string;
  method: string;
  headers: Headers;
  body: string | undefined;
}

/** The manager's fetch, recording what it sends (the token exchange included). */
function recording(answer?: (url: string) => Response) {
  const sent: Sent[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    const headers = new Headers(init?.headers);
    sent.push({ url, method: init?.method ?? 'GET', headers, body: init?.body?.toString() });
    const isToken = url.endsWith('/v2/token');
    return answer && !isToken ? answer(url) : fetch(input, init);
  };
  return { sent, api: () => sent.filter((s) => !s.url.endsWith('/v2/token')), fetchImpl };
}

describe('routing', () => {
  it('apiBaseUrl keeps the path and query, under a base path too', async () => {
    const { api, fetchImpl } = recording(() => Response.json({ messages: [] }));
    const { client } = h.make(
      { fetch: fetchImpl },
      { apiBaseUrl: `${h.server.apiBaseUrl}/twilio/` },
    );
    await client.messages.list({ pageSize: 2, to: '+15005550006' });
    expect(api().map((s) => s.url)).toEqual([
      `${h.server.apiBaseUrl}/twilio/2010-04-01/Accounts/${h.server.accountSid}/Messages.json?To=%2B15005550006&PageSize=2`,
    ]);
  });

  it('region and edge pick the SDK host; the manager allows *.twilio.com by default', async () => {
    const { api, fetchImpl } = recording(() => Response.json({ messages: [] }));
    const { client } = h.make(
      { fetch: fetchImpl, allowedHosts: undefined },
      { apiBaseUrl: undefined, region: 'au1', edge: 'sydney' },
    );
    await client.messages.list({ limit: 1 });
    const [request] = api();
    expect(new URL(request?.url ?? '').host).toBe('api.sydney.au1.twilio.com');
    expect(request?.headers.get('authorization')).toMatch(/^Bearer \S+/);
  });

  it('sends the SDK headers with the extensions, form bodies with repeated keys', async () => {
    const { api, fetchImpl } = recording();
    const { client } = h.make({ fetch: fetchImpl }, { userAgentExtensions: ['demo-app/1.0'] });
    await client.messages.create({
      to: '+15005550006',
      from: '+15005550001',
      body: 'a b&c',
      statusCallback: 'https://example.test/cb',
      persistentAction: ['one', 'two'],
    });
    const [request] = api();
    expect(request?.method).toBe('POST');
    expect(request?.headers.get('user-agent')).toMatch(/^twilio-node\/\S+ .* demo-app\/1\.0$/);
    expect(request?.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    expect(request?.headers.get('accept')).toBe('application/json');
    expect(request?.headers.has('connection')).toBe(false);
    const form = new URLSearchParams(request?.body);
    expect(form.get('Body')).toBe('a b&c');
    expect(form.getAll('PersistentAction')).toEqual(['one', 'two']);
  });

  it('non-Twilio URLs given to client.request are not rebased', async () => {
    const { sent, fetchImpl } = recording(() => new Response(null, { status: 204 }));
    const { client } = h.make({ fetch: fetchImpl });
    const url = `${h.server.apiBaseUrl}/elsewhere`;
    const response = await client.request({ method: 'delete', uri: url });
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    expect(sent.map((s) => s.url)).toContain(url);
  });

  it('follows redirects only when asked; the bearer stays on its origin', async () => {
    const answers = new Map<string, () => Response>([
      ['/first', () => new Response(null, { status: 302, headers: { location: '/moved?x=1' } })],
      [
        '/moved',
        () => new Response(null, { status: 307, headers: { location: 'https://cdn.example/m' } }),
      ],
      ['/m', () => Response.json({ ok: true })],
    ]);
    const { sent, fetchImpl } = recording((url) => {
      const answer = answers.get(new URL(url).pathname);
      if (!answer) throw new Error(`unexpected request to ${url}`);
      return answer();
    });
    const { client } = h.make({ fetch: fetchImpl });
    const uri = `${h.server.apiBaseUrl}/first`;
    await expect(client.request({ method: 'get', uri })).resolves.toMatchObject({
      statusCode: 302,
    });
    const before = sent.length;
    const response = await client.request({
      method: 'post',
      uri,
      allowRedirects: true,
      data: { A: 1 },
    });
    expect(response).toMatchObject({ statusCode: 200, body: { ok: true } });
    const hops = sent.slice(before);
    expect(hops.map((s) => [s.method, s.url, s.headers.has('authorization')])).toEqual([
      ['POST', uri, true],
      // 302 after a POST: a GET without the form, same origin, bearer kept.
      ['GET', `${h.server.apiBaseUrl}/moved?x=1`, true],
      // Another origin: followed without the bearer.
      ['GET', 'https://cdn.example/m', false],
    ]);
    expect(hops[1]?.body).toBeUndefined();
  });

  it('sends JSON bodies as JSON', async () => {
    const { api, fetchImpl } = recording(() => Response.json({}, { status: 201 }));
    const { client } = h.make({ fetch: fetchImpl });
    await client.request({
      method: 'post',
      uri: 'https://content.twilio.com/v1/Content',
      headers: { 'Content-Type': 'application/json' },
      data: { friendly_name: 'x', types: { 'twilio/text': { body: 'hi' } } },
    });
    const [request] = api();
    expect(request?.url).toBe(`${h.server.apiBaseUrl}/v1/Content`);
    expect(JSON.parse(request?.body ?? '')).toEqual({
      friendly_name: 'x',
      types: { 'twilio/text': { body: 'hi' } },
    });
  });
});
