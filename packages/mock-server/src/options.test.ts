import { describe, expect, it } from 'vitest';
import { resolveOptions } from './options';
import type { MockServerOptions } from './types';

describe('resolveOptions', () => {
  it('fills in defaults without touching the caller object', () => {
    const options = Object.freeze({});
    const resolved = resolveOptions(options);
    expect(resolved).toMatchObject({
      port: 0,
      host: '127.0.0.1',
      tokenTtlSeconds: 3600,
      tokenErrorFormat: 'twilio',
      now: Date.now,
    });
    expect(resolved.accountSid).toMatch(/^AC[0-9a-f]{32}$/);
    expect(resolved.clients).toHaveLength(1);
    expect(options).toEqual({});
  });

  it('keeps given values', () => {
    const now = () => 1;
    const clients = [{ clientId: 'a', clientSecret: 'b' }];
    const accountSid = `AC${'F'.repeat(32)}`;
    const given = { port: 8080, host: '::1', tokenTtlSeconds: 5, accountSid, clients, now };
    expect(resolveOptions({ ...given, tokenErrorFormat: 'oauth' })).toEqual({
      ...given,
      tokenErrorFormat: 'oauth',
    });
    expect(resolveOptions({ tokenTtlSeconds: 1 }).tokenTtlSeconds).toBe(1);
    expect(resolveOptions({ tokenTtlSeconds: 2_592_000 }).tokenTtlSeconds).toBe(2_592_000);
  });

  it.each([
    [{ port: -1 }, 'port'],
    [{ port: 65_536 }, 'port'],
    [{ port: 1.5 }, 'port'],
    [{ host: '' }, 'host'],
    [{ tokenTtlSeconds: 0 }, 'tokenTtlSeconds'],
    [{ tokenTtlSeconds: 1.5 }, 'tokenTtlSeconds'],
    [{ tokenTtlSeconds: Number.POSITIVE_INFINITY }, 'tokenTtlSeconds'],
    [{ tokenTtlSeconds: 2_592_001 }, 'tokenTtlSeconds'],
    [{ tokenErrorFormat: 'rfc' }, 'tokenErrorFormat'],
    [{ accountSid: 'AC123' }, 'accountSid'],
    [{ accountSid: `XX${'0'.repeat(32)}` }, 'accountSid'],
    [{ now: 5 }, 'now'],
    [{ clients: [] }, 'clients'],
    [{ clients: [null] }, 'clients[0]'],
    [{ clients: [{ clientId: '', clientSecret: 'x' }] }, 'clients[0].clientId'],
    [{ clients: [{ clientId: 'a', clientSecret: '' }] }, 'clients[0].clientSecret'],
    [
      {
        clients: [
          { clientId: 'a', clientSecret: 'x' },
          { clientId: 'a', clientSecret: 'y' },
        ],
      },
      'clients[1].clientId',
    ],
  ])('rejects %j naming "%s"', (options, name) => {
    // Deliberately ill-typed: these are what a JavaScript caller could pass.
    const invalid = options as unknown as MockServerOptions;
    expect(() => resolveOptions(invalid)).toThrow(TypeError);
    expect(() => resolveOptions(invalid)).toThrow(`"${name}"`);
  });

  it('never echoes a secret', () => {
    const secret = { toString: () => 'SECRET-VALUE' } as unknown as string;
    const error = (() => {
      try {
        resolveOptions({ clients: [{ clientId: 'a', clientSecret: secret }] });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(TypeError);
    expect(String(error)).toContain('clientSecret');
    expect(String(error)).not.toContain('SECRET-VALUE');
  });
});
