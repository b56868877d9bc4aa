// The mock's answers against the field lists of Twilio's own OpenAPI description
// (test/fixtures/twilio-schemas.json, extracted from twilio/twilio-oai): a field added,
// dropped, renamed or retyped on either side fails here, so the emulator cannot drift silently.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import schemas from '../test/fixtures/twilio-schemas.json' with { type: 'json' };
import { firstClient, issueToken, messagesUrl, postForm } from '../test/helpers';
import { type MockServer, startMockServer } from './index';

interface Field {
  readonly type: string;
  readonly format?: string;
  readonly nullable?: boolean;
  readonly enum?: readonly string[];
  readonly items?: string;
}
type Schema = Readonly<Record<string, Field>>;

const oauth = schemas.oauthV2.schemas as Record<string, Schema>;
const api = schemas.apiV2010.schemas as Record<string, Schema>;

const RFC_2822 =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

const typeOk: Record<string, (value: unknown) => boolean> = {
  string: (value) => typeof value === 'string',
  integer: (value) => Number.isInteger(value),
  object: (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  array: Array.isArray,
};

const formatOk: Record<string, (value: string) => boolean> = {
  'date-time-rfc-2822': (value) => RFC_2822.test(value),
  'date-time': (value) => ISO_DATE_TIME.test(value) && !Number.isNaN(Date.parse(value)),
  'phone-number': (value) => /^\+?\d+$/.test(value),
  currency: (value) => /^[A-Z]{3}$/.test(value),
  // Twilio's list URIs are paths relative to the API host.
  uri: (value) => value.startsWith('/2010-04-01/'),
};

/** `value` has exactly the fields of `schema`, each of its type (and format, enum). */
function expectShape(value: unknown, schema: Schema, what: string): void {
  expect(typeOk.object?.(value), what).toBe(true);
  const record = value as Record<string, unknown>;
  expect(Object.keys(record).sort(), `${what}: field names`).toEqual(Object.keys(schema).sort());
  for (const [name, field] of Object.entries(schema)) {
    const actual = record[name];
    const where = `${what}.${name}`;
    if (actual === null) {
      expect(field.nullable, `${where} is null but not nullable`).toBe(true);
      continue;
    }
    expect(typeOk[field.type]?.(actual), `${where} should be ${field.type}`).toBe(true);
    if (field.enum) expect(field.enum, where).toContain(actual);
    const format = field.format && formatOk[field.format];
    if (format) expect(format(actual as string), `${where} should be ${field.format}`).toBe(true);
  }
}

let server: MockServer;
let token: string;

beforeAll(async () => {
  server = await startMockServer();
});
afterAll(() => server.close());
beforeEach(async () => {
  server.reset();
  token = await issueToken(server);
});

const grant = () => {
  const { clientId, clientSecret } = firstClient(server);
  return { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret };
};
const bearer = () => ({ authorization: `Bearer ${token}` });

describe('Token API contract (twilio_oauth_v2.json)', () => {
  it('the fixture still documents 400 and 500 as Twilio error objects', () => {
    expect(schemas.oauthV2.tokenResponses).toEqual({
      200: 'V2Oauth2TokenResponse',
      400: 'Error',
      500: 'Error',
    });
  });

  it('sends only documented request fields (a client can send what the mock reads)', () => {
    for (const field of Object.keys(grant())) {
      expect(schemas.oauthV2.tokenRequest.fields).toContain(field);
    }
  });

  it('200: V2Oauth2TokenResponse', async () => {
    const res = await postForm(server.tokenUrl, grant());
    expect(res.status).toBe(200);
    expectShape(await res.json(), oauth.V2Oauth2TokenResponse as Schema, 'token response');
  });

  it.each([
    ['wrong secret', { client_secret: 'wrong' }, 322402],
    ['empty client_id', { client_id: '' }, 321402],
    ['bad grant_type', { grant_type: 'password' }, 321403],
  ])('400 (%s): Error with code %i', async (_case, change, code) => {
    const res = await postForm(server.tokenUrl, { ...grant(), ...change });
    expect(res.status).toBe(400);
    const body = (await res.json()) as Record<string, unknown>;
    expectShape(body, oauth.Error as Schema, 'token error');
    expect(body).toMatchObject({ code, status: 400 });
  });

  it('400 (wrong content type): Error 322403', async () => {
    const res = await fetch(server.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(grant()),
    });
    const body = await res.json();
    expectShape(body, oauth.Error as Schema, 'malformed request');
    expect(body).toMatchObject({ code: 322403, status: 400 });
  });

  it('500 (a twilioCode fault): Error 20500', async () => {
    server.setFaults({ token: { twilioCode: 20500, status: 500 } });
    const res = await postForm(server.tokenUrl, grant());
    expect(res.status).toBe(500);
    expectShape(await res.json(), oauth.Error as Schema, 'server error');
  });

  it('429 (a throttledForSeconds fault): ErrorThrottled', async () => {
    server.setFaults({ token: { throttledForSeconds: 30 } });
    const res = await postForm(server.tokenUrl, grant());
    expect(res.status).toBe(429);
    expectShape(await res.json(), oauth.ErrorThrottled as Schema, 'throttled');
  });
});

describe('Messages API contract (twilio_api_v2010.json)', () => {
  const message = api['api.v2010.account.message'] as Schema;
  const create = async (fields: Record<string, string>) => {
    const res = await postForm(messagesUrl(server), fields, bearer());
    expect(res.status).toBe(201);
    return (await res.json()) as Record<string, unknown>;
  };

  it('the message schema still has the 20 properties the mock emulates', () => {
    expect(Object.keys(message)).toHaveLength(20);
  });

  it('POST Messages.json 201 and GET Messages/{Sid}.json 200: api.v2010.account.message', async () => {
    const viaFrom = await create({ To: '+15550001', From: '+15550002', Body: 'hello' });
    expectShape(viaFrom, message, 'created message');
    const viaService = await create({
      To: '+15550001',
      MessagingServiceSid: `MG${'a'.repeat(32)}`,
      Body: 'hello',
    });
    expectShape(viaService, message, 'created message (service)');
    const res = await fetch(`${server.apiBaseUrl}${viaFrom.uri as string}`, { headers: bearer() });
    expect(res.status).toBe(200);
    expectShape(await res.json(), message, 'fetched message');
  });

  it('GET Messages.json 200: ListMessageResponse, items api.v2010.account.message', async () => {
    for (const n of [1, 2, 3]) await create({ To: '+15550001', From: '+15550002', Body: `m${n}` });
    const first = (await (
      await fetch(`${messagesUrl(server)}?PageSize=2`, { headers: bearer() })
    ).json()) as Record<string, unknown>;
    const list = api.ListMessageResponse as Schema;
    expectShape(first, list, 'list page');
    for (const item of first.messages as unknown[]) expectShape(item, message, 'list item');
    const next = await fetch(`${server.apiBaseUrl}${first.next_page_uri as string}`, {
      headers: bearer(),
    });
    expectShape(await next.json(), list, 'next page');
  });

  it('reads only documented query parameters, and paging ones are among them', () => {
    const query = schemas.apiV2010.paths['/2010-04-01/Accounts/{AccountSid}/Messages.json'].get
      .query as string[];
    for (const name of ['PageSize', 'Page', 'PageToken']) expect(query).toContain(name);
  });

  it('errors (401 20003, 404 20404, 400 21604) are Error objects', async () => {
    const unauthenticated = await fetch(messagesUrl(server));
    const missing = await fetch(
      `${server.apiBaseUrl}/2010-04-01/Accounts/${server.accountSid}/Messages/SM${'0'.repeat(32)}.json`,
      { headers: bearer() },
    );
    const invalid = await postForm(messagesUrl(server), { Body: 'x' }, bearer());
    for (const [res, code] of [
      [unauthenticated, 20003],
      [missing, 20404],
      [invalid, 21604],
    ] as const) {
      const body = await res.json();
      expectShape(body, oauth.Error as Schema, `API error ${code}`);
      expect(body).toMatchObject({ code, status: res.status });
    }
  });
});
