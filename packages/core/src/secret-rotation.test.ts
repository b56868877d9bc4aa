import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { manualClock, startServer, type TestServer, tokenBody } from '../test/token-server';
import { requestToken } from './request-token';
import { TokenManager } from './token-manager';
import type { TokenEvent } from './types';

const OLD = 'old-secret-7c1f0e99';
const NEW = 'new-secret-2b8d44aa';
let server: TestServer;
/** Secrets the token endpoint accepts right now. */
let accepted: Set<string>;
beforeEach(async () => {
  accepted = new Set([OLD]);
  server = await startServer((n, req) =>
    accepted.has(req.form.get('client_secret') ?? '')
      ? { body: tokenBody(n) }
      : { status: 400, body: { error: 'invalid_client' } },
  );
});
afterEach(() => server.close());

describe('clientSecret as a function', () => {
  it('is read for each exchange, so a rotated secret is used without a restart', async () => {
    let current = OLD;
    let reads = 0;
    const clock = manualClock();
    const manager = new TokenManager({
      clientId: 'OQrot',
      clientSecret: async () => {
        reads++;
        return current;
      },
      tokenUrl: server.tokenUrl,
      now: clock,
    });
    await manager.getToken();
    await manager.getToken(); // cached: not read again
    expect(reads).toBe(1);
    accepted.add(NEW);
    current = NEW;
    clock.advance(3600 * 1000);
    await manager.getToken();
    expect(server.requests.map((r) => r.form.get('client_secret'))).toEqual([OLD, NEW]);
    await manager.close();
  });

  it('on invalid_client, tries once more when the function now returns another secret', async () => {
    let current = OLD;
    const manager = new TokenManager({
      clientId: 'OQrot',
      clientSecret: () => current,
      tokenUrl: server.tokenUrl,
      retry: { maxAttempts: 1 },
    });
    accepted = new Set([NEW]); // the old secret was revoked; the vault is about to hand out the new one
    let first = true;
    server.onToken = (n, req) => {
      if (first) {
        first = false;
        current = NEW; // rotated while the first request was in flight
      }
      return accepted.has(req.form.get('client_secret') ?? '')
        ? { body: tokenBody(n) }
        : { status: 400, body: { error: 'invalid_client' } };
    };
    expect((await manager.getToken()).accessToken).toBe('token-2');
    expect(server.requests.map((r) => r.form.get('client_secret'))).toEqual([OLD, NEW]);
    await manager.close();
  });

  it('does not retry invalid_client when the secret is unchanged', async () => {
    const manager = new TokenManager({
      clientId: 'OQrot',
      clientSecret: () => 'wrong-secret-1234',
      tokenUrl: server.tokenUrl,
    });
    await expect(manager.getToken()).rejects.toMatchObject({ code: 'invalid_client' });
    expect(server.requests).toHaveLength(1);
    await manager.close();
  });

  it('a throwing or empty secret function is a retryable secret_unavailable, never echoed', async () => {
    const events: TokenEvent[] = [];
    const failing = new TokenManager({
      clientId: 'OQrot',
      clientSecret: () => {
        throw new Error(`vault said ${OLD}`);
      },
      tokenUrl: server.tokenUrl,
      onEvent: (e) => events.push(e),
    });
    const error = await failing.getToken().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'secret_unavailable', retryable: true });
    expect(inspect(error, { customInspect: false, depth: 10 })).not.toContain(OLD);
    expect(inspect(events, { depth: 10 })).not.toContain(OLD);
    expect(server.requests).toHaveLength(0);
    const empty = new TokenManager({
      clientId: 'OQrot',
      clientSecret: async () => '',
      tokenUrl: server.tokenUrl,
    });
    await expect(empty.getToken()).rejects.toMatchObject({ code: 'secret_unavailable' });
    await Promise.all([failing.close(), empty.close()]);
  });

  it('works for requestToken() and never shows in the manager or its renderings', async () => {
    const token = await requestToken({
      clientId: 'OQrot',
      clientSecret: () => OLD,
      tokenUrl: server.tokenUrl,
    });
    expect(token.accessToken).toBe('token-1');
    const manager = new TokenManager({ clientId: 'OQrot', clientSecret: () => OLD });
    expect(`${inspect(manager)} ${JSON.stringify(manager)}`).not.toContain(OLD);
    await manager.close();
  });
});
