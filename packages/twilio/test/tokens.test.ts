// What the manager brings to the SDK: one token for all, one renewal on a 401, its errors as
// thrown, and its allow-list before anything is sent.
import { HostNotAllowedError, TokenRequestError } from '@twilio-oauth/core';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { twilioClient, twilioClientFactory } from '../src/index';
import { FROM, TO, useHarness } from './setup';

const h = useHarness();

describe('tokens for the SDK', () => {
  it('20 concurrent then 50 sequential cold calls make one token request', async () => {
    await Promise.all(Array.from({ length: 20 }, () => h.client.messages.list({ limit: 1 })));
    for (let i = 0; i < 50; i++) await h.client.messages.list({ limit: 1 });
    expect(h.server.stats()).toMatchObject({
      tokenRequests: 1,
      apiRequests: 70,
      rejectedApiRequests: 0,
    });
  });

  it('a revoked token is renewed once and the call succeeds', async () => {
    await h.client.messages.list({ limit: 1 });
    h.server.revokeTokens();
    const message = await h.client.messages.create({ to: TO, from: FROM, body: 'after revoke' });
    expect(message.body).toBe('after revoke');
    // The form body was sent twice: once refused with the old token, once with the new one.
    expect(h.server.stats()).toMatchObject({ tokenRequests: 2, rejectedApiRequests: 1 });
    expect(h.server.messages()).toHaveLength(1);
  });

  it('a token failure reaches the caller as the TokenRequestError, not wrapped', async () => {
    const { client } = h.make({ clientSecret: 'wrong-secret', retry: { maxAttempts: 1 } });
    const error = await client.messages.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).not.toBeInstanceOf(twilio.RestException);
    expect(error).toMatchObject({ code: 'invalid_client', status: 400, retryable: false });
    expect(String((error as Error).message)).not.toContain('wrong-secret');
    expect(h.server.stats().apiRequests).toBe(0);
  });

  it('the SDK call rejects with the very error the manager threw', async () => {
    const { client, manager } = h.make({ clientSecret: 'wrong-secret', retry: { maxAttempts: 1 } });
    // Both wait on the same exchange (single flight), so both see the one error it produced.
    const [direct, viaSdk] = await Promise.allSettled([manager.getToken(), client.messages.list()]);
    expect(direct.status).toBe('rejected');
    expect(viaSdk.status === 'rejected' && viaSdk.reason).toBe(
      direct.status === 'rejected' && direct.reason,
    );
    expect(h.server.stats().tokenRequests).toBe(1);
  });

  it('a token service outage is retryable and reaches the callback too', async () => {
    h.server.setFaults({ token: { status: 503 } });
    const { client } = h.make({ retry: { maxAttempts: 1 } });
    const error = await new Promise((resolve) => {
      client.messages.create({ to: TO, from: FROM, body: 'x' }, (e) => resolve(e));
    });
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ code: 'server_error', retryable: true });
  });

  it('held tokens keep every call working while the token endpoint fails', async () => {
    await h.client.messages.list({ limit: 1 });
    h.server.setFaults({ token: { status: 503 } });
    for (let i = 0; i < 5; i++) await h.client.messages.list({ limit: 1 });
    expect(h.server.stats()).toMatchObject({ tokenRequests: 1, apiRequests: 6 });
  });

  it('a host outside allowedHosts is refused before anything is sent', async () => {
    const sent: string[] = [];
    const spy: typeof fetch = (input, init) => {
      sent.push(String(input instanceof Request ? input.url : input));
      return fetch(input, init);
    };
    // No apiBaseUrl: the SDK aims at api.twilio.com, which this manager does not allow.
    const { client } = h.make({ fetch: spy }, { apiBaseUrl: undefined });
    const error = await client.messages.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostNotAllowedError);
    expect(error).toMatchObject({ host: 'api.twilio.com' });
    expect(sent).toEqual([]);
    expect(h.server.stats()).toMatchObject({ tokenRequests: 0, apiRequests: 0 });
  });

  it('an apiBaseUrl on a host the manager does not allow is refused too', async () => {
    const other = h.server.apiBaseUrl.replace('127.0.0.1', 'localhost');
    const { client } = h.make({}, { apiBaseUrl: other });
    await expect(client.messages.list()).rejects.toBeInstanceOf(HostNotAllowedError);
    expect(h.server.stats().apiRequests).toBe(0);
  });

  it('a request running past timeoutMs is aborted', async () => {
    await h.client.messages.list({ limit: 1 });
    h.server.setFaults({ api: { hang: true } });
    const { client } = h.make({}, { timeoutMs: 100 });
    await expect(client.messages.list()).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('a manager that is not one is refused at creation', () => {
    expect(() => twilioClient({} as never, { accountSid: h.server.accountSid })).toThrow(
      'Invalid option "manager"',
    );
  });
});

describe('twilioClientFactory', () => {
  it('checks the options at once and builds a client per call', async () => {
    expect(() => twilioClientFactory({ accountSid: 'nope' })).toThrow(
      'Invalid option "accountSid"',
    );
    const factory = twilioClientFactory({
      accountSid: h.server.accountSid,
      apiBaseUrl: h.server.apiBaseUrl,
    });
    const client = factory(h.manager);
    await expect(client.messages.list({ limit: 1 })).resolves.toEqual([]);
    expect(factory(h.manager)).not.toBe(client);
  });
});
