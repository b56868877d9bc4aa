// The client secret and tokens must never show up in anything a user might log.
import { format, inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { manualClock, SECRET, startServer, type TestServer, tokenBody } from '../test/token-server';
import { requestToken } from './request-token';
import { TokenManager } from './token-manager';
import type { TokenEvent } from './types';

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.secret-bearer-token.sig';

let server: TestServer;
beforeEach(async () => {
  server = await startServer(() => ({ body: tokenBody(1, { access_token: TOKEN }) }));
});
afterEach(async () => {
  await server.close();
});

const renderings = (value: unknown): string[] => [
  JSON.stringify(value) ?? '',
  inspect(value, { showHidden: true, depth: 20, getters: true }),
  format('%s %o %O %j', value, value, value, value),
  String(value),
];

const expectClean = (value: unknown) => {
  for (const text of renderings(value)) {
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('secret-bearer-token');
  }
};

describe('secrecy', () => {
  it('AccessToken redacts itself but keeps accessToken readable', async () => {
    const token = await requestToken({
      clientId: 'id',
      clientSecret: SECRET,
      tokenUrl: server.tokenUrl,
    });
    expect(token.accessToken).toBe(TOKEN);
    expectClean(token);
    expect(`${token}`).toBe('Bearer [redacted]');
    expect(JSON.parse(JSON.stringify(token))).toEqual({
      accessToken: '[redacted]',
      tokenType: 'Bearer',
      expiresAt: token.expiresAt,
    });
    expect(Object.isFrozen(token)).toBe(true);
  });

  it('manager, its errors and every event stay clean through a full life', async () => {
    const clock = manualClock();
    const events: TokenEvent[] = [];
    const manager = new TokenManager({
      clientId: 'id',
      clientSecret: SECRET,
      tokenUrl: server.tokenUrl,
      now: clock,
      retry: { maxAttempts: 2, baseDelayMs: 0 },
      onEvent: (e) => events.push(e),
      allowedHosts: ['127.0.0.1'],
    });
    expectClean(manager);
    await manager.getToken();
    await manager.fetch(`${server.url}/api`);
    expectClean(manager);

    // Failures of every kind, some answers echoing the secret and the token back.
    const failures = [
      () => ({
        status: 400,
        body: { error: 'invalid_client', error_description: `bad ${SECRET}` },
      }),
      () => ({ status: 500, body: `${SECRET} ${TOKEN}` }),
      () => ({ body: `not json ${TOKEN} ${SECRET}` }),
      () => ({ body: { access_token: TOKEN, token_type: TOKEN, expires_in: 1 } }),
      () => 'destroy' as const,
    ];
    for (const reply of failures) {
      server.onToken = reply;
      const error = await manager.getToken({ forceRefresh: true }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expectClean(error);
      expect((error as Error).message).not.toContain(SECRET);
    }
    // Stale serving and store errors produce events too.
    clock.advance(3590 * 1000);
    await manager.getToken();
    await manager.close();
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        'token.requested',
        'token.issued',
        'token.refresh_failed',
        'token.served_stale',
        'cache.hit',
        'cache.miss',
      ]),
    );
    for (const event of events) expectClean(event);
    expectClean(manager);
  });

  it('InvalidOptionsError never echoes the secret', () => {
    try {
      new TokenManager({ clientId: SECRET as never, clientSecret: 42 as never });
    } catch (error) {
      expectClean(error);
    }
    expect.assertions(8);
  });
});
