import { InvalidOptionsError } from '@twilio-oauth/core';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisTokenStore } from './redis-token-store';

// Never connects: construction must not touch the network.
const client = new Redis({ lazyConnect: true });
afterAll(() => client.disconnect());

function optionOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionsError);
    return (error as InvalidOptionsError).option;
  }
  throw new Error('expected an InvalidOptionsError');
}

describe('RedisTokenStore options', () => {
  it('has defaults and does not connect', () => {
    const store = new RedisTokenStore({ client });
    expect(store.keyPrefix).toBe('twilio-oauth:');
    expect(store.encrypted).toBe(false);
    expect(client.status).toBe('wait');
  });

  it('reports encryption when a key is given', () => {
    const store = new RedisTokenStore({ client, encryptionKey: new Uint8Array(32) });
    expect(store.encrypted).toBe(true);
  });

  it.each([
    ['options', undefined],
    ['options', null],
    ['client', {}],
    ['client', { client: undefined }],
    ['client', { client: { get() {} } }],
    // A key-value object with every command name still cannot take the lock atomically.
    ['client', { client: { get() {}, set() {}, del() {}, eval() {} } }],
    ['client', { client: new Map() }],
    ['keyPrefix', { client, keyPrefix: 5 }],
    ['keyPrefix', { client, keyPrefix: 'app{1}:' }],
    ['keyPrefix', { client, keyPrefix: 'app}' }],
    ['commandTimeoutMs', { client, commandTimeoutMs: 0 }],
    ['commandTimeoutMs', { client, commandTimeoutMs: -1 }],
    ['commandTimeoutMs', { client, commandTimeoutMs: Number.NaN }],
    ['commandTimeoutMs', { client, commandTimeoutMs: Number.POSITIVE_INFINITY }],
    ['commandTimeoutMs', { client, commandTimeoutMs: 2 ** 31 }],
    ['commandTimeoutMs', { client, commandTimeoutMs: '500' }],
    ['encryptionKey', { client, encryptionKey: new Uint8Array(16) }],
    ['encryptionKey', { client, encryptionKey: 'too-short' }],
    ['decryptionKeys', { client, decryptionKeys: [new Uint8Array(32)] }],
    ['decryptionKeys[0]', { client, encryptionKey: new Uint8Array(32), decryptionKeys: [''] }],
  ])('throws naming %s', (option, options) => {
    expect(optionOf(() => new RedisTokenStore(options as never))).toBe(option);
  });
});
