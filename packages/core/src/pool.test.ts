import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SECRET, startServer, type TestServer } from '../test/token-server';
import { InvalidOptionsError } from './errors';
import { TokenManagerPool } from './pool';
import type { TokenManagerOptions } from './types';

let server: TestServer;
let pool: TokenManagerPool;
beforeEach(async () => {
  server = await startServer();
  pool = new TokenManagerPool({ maxManagers: 2 });
});
afterEach(async () => {
  await pool.close();
  await server.close();
});

const options = (clientId: string, extra: Partial<TokenManagerOptions> = {}) => ({
  clientId,
  clientSecret: SECRET,
  tokenUrl: server.tokenUrl,
  ...extra,
});

describe('TokenManagerPool', () => {
  it('reuses one manager per credential for equal options (new objects, new closures)', async () => {
    const a = pool.get(options('one', { onEvent: () => {} }));
    const b = pool.get(options('one', { onEvent: () => {} }));
    expect(b).toBe(a);
    await a.getToken();
    await b.getToken();
    expect(server.requests).toHaveLength(1);
    expect(pool.size).toBe(1);
  });

  it('keeps different credentials (client id, scope) apart', () => {
    const a = pool.get(options('one'));
    const b = pool.get(options('one', { scope: 's' }));
    expect(b).not.toBe(a);
    expect(pool.size).toBe(2);
  });

  it('replaces the manager when the secret or a setting changes, without closing the old one', async () => {
    const a = pool.get(options('one'));
    const b = pool.get(options('one', { clientSecret: 'rotated-secret' }));
    expect(b).not.toBe(a);
    // A request that still holds the replaced manager finishes normally.
    expect((await a.getToken()).accessToken).toBe('token-1');
    const c = pool.get(options('one', { clientSecret: 'rotated-secret', timeoutMs: 500 }));
    expect(c).not.toBe(b);
    expect(pool.size).toBe(1);
    expect(pool.get(options('one', { clientSecret: 'rotated-secret', timeoutMs: 500 }))).toBe(c);
  });

  it('reads retry settings the way the manager does: key order and an empty retry change nothing', () => {
    const a = pool.get(options('one', { retry: { maxAttempts: 2, baseDelayMs: 10 } }));
    expect(pool.get(options('one', { retry: { baseDelayMs: 10, maxAttempts: 2 } }))).toBe(a);
    const b = pool.get(options('two'));
    expect(pool.get(options('two', { retry: {} }))).toBe(b);
    expect(pool.get(options('two', { retry: { maxAttempts: undefined } }))).toBe(b);
    expect(pool.get(options('two', { retry: { maxAttempts: 2 } }))).not.toBe(b);
  });

  it('counts every data option, the newer ones too', () => {
    const a = pool.get(options('one'));
    const b = pool.get(options('one', { maxWaitMs: 1_000 }));
    expect(b).not.toBe(a);
    expect(pool.get(options('one', { maxWaitMs: 1_000, failFastMs: 100 }))).not.toBe(b);
  });

  it('drops the least recently used manager beyond maxManagers, leaving it usable', async () => {
    const one = pool.get(options('one'));
    const two = pool.get(options('two'));
    expect(pool.get(options('one'))).toBe(one); // one is now the most recently used
    const three = pool.get(options('three'));
    expect(pool.size).toBe(2);
    expect((await one.getToken()).accessToken).toBe('token-1');
    expect((await three.getToken()).accessToken).toBe('token-2');
    expect((await two.getToken()).accessToken).toBe('token-3');
    expect(pool.get(options('two'))).not.toBe(two);
  });

  it('close() closes every manager', async () => {
    const one = pool.get(options('one'));
    await pool.close();
    expect(pool.size).toBe(0);
    await expect(one.getToken()).rejects.toMatchObject({ code: 'closed' });
  });

  it('validates options like TokenManager and a bad maxManagers', () => {
    expect(() => pool.get(options('one', { clientSecret: '' }))).toThrow(InvalidOptionsError);
    expect(() => pool.get(undefined as unknown as TokenManagerOptions)).toThrow(
      InvalidOptionsError,
    );
    expect(() => new TokenManagerPool({ maxManagers: 0 })).toThrow(InvalidOptionsError);
  });

  it('never shows a secret when logged', () => {
    pool.get(options('one'));
    expect(JSON.stringify(pool)).not.toContain(SECRET);
    expect(inspect(pool, { showHidden: true, depth: 10 })).not.toContain(SECRET);
    expect(String(pool)).not.toContain(SECRET);
  });
});
