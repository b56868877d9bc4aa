import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SECRET, startServer, type TestServer } from '../test/token-server';
import { InvalidOptionsError } from './errors';
import { TokenManagerPool } from './pool';
import type { TokenManager } from './token-manager';
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
    const a = pool.get(options('one', { onEvent: () => {} })) as TokenManager;
    const b = pool.get(options('one', { onEvent: () => {} })) as TokenManager;
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

  it('replaces the manager when a setting changes for the same secret, without closing the old one', async () => {
    const a = pool.get(options('one')) as TokenManager;
    const b = pool.get(options('one', { timeoutMs: 500 }));
    expect(b).not.toBe(a);
    // A request that still holds the replaced manager finishes normally.
    expect((await a.getToken()).accessToken).toBe('token-1');
    expect(pool.size).toBe(1);
    expect(pool.get(options('one', { timeoutMs: 500 }))).toBe(b);
  });

  it('binds a manager to its secret: another secret for the same client id gets its own, never this one', async () => {
    const victim = pool.get(options('one')) as TokenManager;
    await victim.getToken();
    for (const clientSecret of ['wrong', () => 'wrong', async () => 'wrong']) {
      const other = await pool.get(options('one', { clientSecret }));
      expect(other).not.toBe(victim);
    }
    // The victim's manager was neither replaced nor evicted: its token is still the one.
    expect(pool.get(options('one'))).toBe(victim);
    expect(pool.get(options('one', { clientSecret: () => SECRET }))).toBe(victim);
    expect(await pool.get(options('one', { clientSecret: async () => SECRET }))).toBe(victim);
    expect(server.requests).toHaveLength(1);
  });

  it('a wrong secret function that comes first never gets the manager the right secret then uses', async () => {
    const attacker = await pool.get(options('one', { clientSecret: async () => 'guess' }));
    await expect(attacker.getToken()).resolves.toBeDefined(); // this test server accepts any secret
    const victim = pool.get(options('one', { clientSecret: () => SECRET }));
    expect(victim).not.toBe(attacker);
  });

  it('a new closure per request for the same secret shares one manager and one token', async () => {
    const tokens = [];
    for (let i = 0; i < 20; i++) {
      const secretOfRequest = { value: SECRET };
      const manager = await pool.get(options('one', { clientSecret: () => secretOfRequest.value }));
      tokens.push((await manager.getToken()).accessToken);
    }
    expect(new Set(tokens)).toEqual(new Set(['token-1']));
    expect(server.requests).toHaveLength(1);
    expect(pool.size).toBe(1);
  });

  it('managers that earned a token are never evicted by ones that have not (a flood of wrong secrets)', async () => {
    const victim = pool.get(options('one')) as TokenManager;
    await victim.getToken();
    for (let i = 0; i < 50; i++)
      pool.get(options(i % 2 ? 'one' : 'two', { clientSecret: `guess-${i}` }));
    expect(pool.get(options('one'))).toBe(victim);
    expect(pool.size).toBe(3); // the victim, and at most maxManagers (2) unproven
  });

  it('reads a secret function once per get(), mapping its failure to secret_unavailable', async () => {
    let reads = 0;
    const counted = () => {
      reads++;
      return SECRET;
    };
    pool.get(options('one', { clientSecret: counted }));
    expect(reads).toBe(1);
    expect(() => pool.get(options('one', { clientSecret: () => '' }))).toThrow(
      expect.objectContaining({ code: 'secret_unavailable' }),
    );
    await expect(
      pool.get(options('one', { clientSecret: () => Promise.reject(new Error(SECRET)) })),
    ).rejects.toMatchObject({
      code: 'secret_unavailable',
      message: expect.not.stringContaining(SECRET),
    });
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
    const one = pool.get(options('one')) as TokenManager;
    const two = pool.get(options('two')) as TokenManager;
    expect(pool.get(options('one'))).toBe(one); // one is now the most recently used
    const three = pool.get(options('three')) as TokenManager;
    expect(pool.size).toBe(2);
    expect((await one.getToken()).accessToken).toBe('token-1');
    expect((await three.getToken()).accessToken).toBe('token-2');
    expect((await two.getToken()).accessToken).toBe('token-3');
    expect(pool.get(options('two'))).not.toBe(two);
  });

  it('close() closes every manager', async () => {
    const one = pool.get(options('one')) as TokenManager;
    await pool.close();
    expect(pool.size).toBe(0);
    await expect(one.getToken()).rejects.toMatchObject({ code: 'closed' });
    expect(() => pool.get(options('one'))).toThrow(expect.objectContaining({ code: 'closed' }));
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
