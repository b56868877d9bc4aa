// The SDK's everyday calls, each going through the manager to the mock over loopback.
import twilio from 'twilio';
import { version } from 'twilio/package.json';
import { describe, expect, it } from 'vitest';
import { FROM, TO, useHarness } from './setup';

const h = useHarness();

const send = (body: string) => h.client.messages.create({ to: TO, from: FROM, body });

describe('messages through the bridge', () => {
  it('create sends the form and returns the SDK instance', async () => {
    const message = await send('Hello');
    expect(message.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(message.body).toBe('Hello');
    expect(message.to).toBe(TO);
    expect(message.accountSid).toBe(h.server.accountSid);
    expect(message.dateCreated).toBeInstanceOf(Date);
    expect(h.server.messages().map((m) => m.body)).toEqual(['Hello']);
    expect(h.server.stats()).toMatchObject({ tokenRequests: 1, apiRequests: 1 });
  });

  it('list pages through next_page_uri until the last page', async () => {
    for (let i = 0; i < 7; i++) await send(`m${i}`);
    const before = h.server.stats().apiRequests;
    const messages = await h.client.messages.list({ pageSize: 3 });
    expect(messages.map((m) => m.body)).toEqual(['m6', 'm5', 'm4', 'm3', 'm2', 'm1', 'm0']);
    // Pages of 3, 3 and 1: the last page has no next_page_uri.
    expect(h.server.stats().apiRequests - before).toBe(3);
    expect(h.server.stats().tokenRequests).toBe(1);
  });

  it('list stops at limit, each visits every message', async () => {
    for (let i = 0; i < 5; i++) await send(`m${i}`);
    expect(await h.client.messages.list({ limit: 2 })).toHaveLength(2);
    const seen: string[] = [];
    await h.client.messages.each({ pageSize: 2 }, (message) => {
      seen.push(message.body);
    });
    expect(seen).toEqual(['m4', 'm3', 'm2', 'm1', 'm0']);
  });

  it('page and nextPage follow the page URIs', async () => {
    for (let i = 0; i < 3; i++) await send(`m${i}`);
    const first = await h.client.messages.page({ pageSize: 2 });
    expect(first.instances.map((m) => m.body)).toEqual(['m2', 'm1']);
    const second = await first.nextPage();
    expect(second?.instances.map((m) => m.body)).toEqual(['m0']);
    expect(await second?.nextPage()).toBeUndefined();
  });

  it('messages(sid).fetch() returns the message the create made', async () => {
    const sent = await send('fetch me');
    const fetched = await h.client.messages(sent.sid).fetch();
    expect(fetched.sid).toBe(sent.sid);
    expect(fetched.body).toBe('fetch me');
    expect(fetched.toJSON()).toMatchObject({ to: TO, from: FROM, accountSid: h.server.accountSid });
  });

  it('fetch of an unknown message is the SDK RestException with status, code, moreInfo', async () => {
    const error = await h.client
      .messages(`SM${'0'.repeat(32)}`)
      .fetch()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(twilio.RestException);
    expect(error).toMatchObject({
      status: 404,
      code: 20404,
      moreInfo: 'https://www.twilio.com/docs/errors/20404',
    });
  });

  it('an invalid create is a RestException with Twilio error code', async () => {
    const error = await h.client.messages
      .create({ to: TO, from: FROM, body: '' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(twilio.RestException);
    expect(error).toMatchObject({ status: 400, code: 21602 });
  });

  it('callbacks work as with the stock SDK', async () => {
    await send('cb');
    const result = await new Promise((resolve, reject) => {
      h.client.messages.list({ limit: 1 }, (error, items) =>
        error ? reject(error) : resolve(items.map((m) => m.body)),
      );
    });
    expect(result).toEqual(['cb']);
  });

  it('client.request reaches the API with the bearer and answers raw', async () => {
    const response = await h.client.request({
      method: 'get',
      uri: `https://api.twilio.com/2010-04-01/Accounts/${h.server.accountSid}/Messages.json`,
      params: { PageSize: 1 },
    });
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({ page_size: 1, messages: [] });
    expect(response.headers['content-type']).toMatch(/^application\/json/);
  });

  it('runs on the twilio major this project is for', () => {
    expect(version.split('.')[0]).toBe(process.env.TWILIO_MAJOR);
  });

  it('is the SDK client with its own RequestClient type and the account set', () => {
    expect(h.client).toBeInstanceOf(twilio.Twilio);
    expect(h.client.httpClient).toBeInstanceOf(twilio.RequestClient);
    expect(h.client.accountSid).toBe(h.server.accountSid);
  });
});
