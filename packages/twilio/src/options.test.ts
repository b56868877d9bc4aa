import { InvalidOptionsError, TokenManager } from '@twilio-oauth/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMEOUT_MS, resolveOptions } from './options';

const manager = { fetch: () => Promise.resolve(new Response()) };
const accountSid = `AC${'a1'.repeat(16)}`;

const problem = (options: unknown, target: unknown = manager) => {
  try {
    resolveOptions(target, options);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionsError);
    return { option: (error as InvalidOptionsError).option, message: (error as Error).message };
  }
  throw new Error('expected an InvalidOptionsError');
};

describe('resolveOptions', () => {
  it('applies the defaults and copies what it keeps', () => {
    const extensions = ['app/1'];
    const resolved = resolveOptions(manager, { accountSid, userAgentExtensions: extensions });
    expect(resolved).toEqual({
      accountSid,
      apiBaseUrl: undefined,
      region: undefined,
      edge: undefined,
      userAgentExtensions: ['app/1'],
      logLevel: undefined,
      timeoutMs: DEFAULT_TIMEOUT_MS,
    });
    expect(resolved.userAgentExtensions).not.toBe(extensions);
  });

  it('parses apiBaseUrl', () => {
    const { apiBaseUrl } = resolveOptions(manager, {
      accountSid,
      apiBaseUrl: 'http://127.0.0.1:4010/base',
    });
    expect(apiBaseUrl?.href).toBe('http://127.0.0.1:4010/base');
  });

  it('requires a manager with fetch', () => {
    expect(problem({ accountSid }, {}).option).toBe('manager');
    expect(problem({ accountSid }, null).option).toBe('manager');
  });

  it('takes no accountSid (an organization app), or a well-formed one, hinting at API key SIDs', () => {
    expect(problem(undefined).option).toBe('options');
    expect(resolveOptions(manager, {}).accountSid).toBeUndefined();
    expect(problem({ accountSid: '' }).option).toBe('accountSid');
    expect(problem({ accountSid: 'ACshort' }).option).toBe('accountSid');
    const sk = problem({ accountSid: `SK${'0'.repeat(32)}` });
    expect(sk.message).toContain('API key SID');
    expect(sk.message).not.toContain('0'.repeat(32));
  });

  it.each([
    [{ apiBaseUrl: 'not a url' }, 'apiBaseUrl'],
    [{ apiBaseUrl: 'ftp://127.0.0.1' }, 'apiBaseUrl'],
    [{ apiBaseUrl: 'http://127.0.0.1/?x=1' }, 'apiBaseUrl'],
    [{ apiBaseUrl: 'http://user:pw@127.0.0.1' }, 'apiBaseUrl'],
    [{ region: '' }, 'region'],
    [{ region: 'au1.evil.com/' }, 'region'],
    [{ edge: 42 }, 'edge'],
    [{ userAgentExtensions: 'app/1' }, 'userAgentExtensions'],
    [{ userAgentExtensions: ['a\r\nX-Injected: 1'] }, 'userAgentExtensions'],
    [{ logLevel: 1 }, 'logLevel'],
    [{ timeoutMs: 0 }, 'timeoutMs'],
    [{ timeoutMs: Number.NaN }, 'timeoutMs'],
    [{ timeoutMs: '5000' }, 'timeoutMs'],
  ])('refuses %o', (extra, option) => {
    expect(problem({ accountSid, ...extra }).option).toBe(option);
  });

  it('refuses a timeoutMs no timer can take (Node fires one above 2^31 - 1 ms at once)', () => {
    expect(resolveOptions(manager, { accountSid, timeoutMs: 2 ** 31 - 1 }).timeoutMs).toBe(
      2 ** 31 - 1,
    );
    const tooLong = problem({ accountSid, timeoutMs: 2 ** 31 });
    expect(tooLong.option).toBe('timeoutMs');
    expect(tooLong.message).toContain('2147483647');
  });

  it("accepts exactly the timeoutMs values the core's TokenManager accepts", () => {
    const accepts = (check: () => unknown) => {
      try {
        check();
        return true;
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidOptionsError);
        return false;
      }
    };
    const values = [-1, 0, 0.5, 1, 1.5, 30_000, 2 ** 31 - 1, 2 ** 31, Infinity, Number.NaN];
    for (const timeoutMs of values) {
      const core = accepts(
        () => new TokenManager({ clientId: 'id', clientSecret: 's', timeoutMs }),
      );
      const sdk = accepts(() => resolveOptions(manager, { accountSid, timeoutMs }));
      expect({ timeoutMs, accepted: sdk }).toEqual({ timeoutMs, accepted: core });
    }
  });

  it('names SDK options that do not apply, and unknown ones', () => {
    expect(problem({ accountSid, httpClient: {} }).message).toContain(
      'every request goes through the manager',
    );
    expect(problem({ accountSid, autoRetry: true }).option).toBe('autoRetry');
    expect(problem({ accountSid, timeout: 5 }).message).toContain('use timeoutMs');
    expect(problem({ accountSid, acountSid: accountSid }).message).toContain('unknown option');
  });

  it('does not change the caller object', () => {
    const options = Object.freeze({ accountSid, userAgentExtensions: Object.freeze(['a']) });
    expect(() => resolveOptions(manager, options)).not.toThrow();
  });
});
