import type { StoredToken } from '@twilio-oauth/core';
import { describe, expect, it } from 'vitest';
import { decodeToken, encodeToken } from './codec';
import { KeyRing } from './encryption';

const KEY = 'twilio-oauth:{00112233445566778899aabbccddeeff}:token';
const token: StoredToken = {
  accessToken: 'eyJhbGciOiJIUzI1NiJ9.payload.signature',
  tokenType: 'Bearer',
  expiresAt: 1_700_000_360_000,
  issuedAt: 1_700_000_000_000,
};
const ring = () => KeyRing.create(globalThis.crypto.getRandomValues(new Uint8Array(32)));

/** Values that must read as a miss, whatever the store's configuration. */
const GARBAGE = [
  '',
  'not json',
  '{',
  'null',
  '42',
  '"a string"',
  '[]',
  '[1,2]',
  '{}',
  '{"v":1}',
  '{"v":2,"accessToken":"t","tokenType":"Bearer","expiresAt":2,"issuedAt":1}',
  '{"accessToken":"t","tokenType":"Bearer","expiresAt":2,"issuedAt":1}',
  '{"v":1,"accessToken":"","tokenType":"Bearer","expiresAt":2,"issuedAt":1}',
  '{"v":1,"accessToken":7,"tokenType":"Bearer","expiresAt":2,"issuedAt":1}',
  '{"v":1,"accessToken":"t","tokenType":null,"expiresAt":2,"issuedAt":1}',
  '{"v":1,"accessToken":"t","tokenType":"Bearer","expiresAt":"2","issuedAt":1}',
  '{"v":1,"accessToken":"t","tokenType":"Bearer","expiresAt":2}',
  '{"v":1,"accessToken":"t","tokenType":"Bearer","expiresAt":1e999,"issuedAt":1}',
  '{"v":1,"kid":"AAAAAAAA","iv":"AAAAAAAAAAAAAAAA","ct":"AAAAAAAAAAAAAAAAAAAAAA"}',
  '\u0000\u00ff binary',
];

describe('plain values', () => {
  it('round-trip exactly the four fields, dropping anything else', async () => {
    const withExtra = { ...token, clientSecret: 'must not be written' } as StoredToken;
    const raw = await encodeToken(withExtra, KEY, undefined);
    expect(JSON.parse(raw)).toEqual({ v: 1, ...token });
    await expect(decodeToken(raw, KEY, undefined)).resolves.toEqual(token);
  });

  it.each(GARBAGE)('reads %j as a miss', async (raw) => {
    await expect(decodeToken(raw, KEY, undefined)).resolves.toBeUndefined();
  });
});

describe('encrypted values', () => {
  it('round-trip without the token in clear', async () => {
    const keys = ring();
    const raw = await encodeToken(token, KEY, keys);
    expect(raw).not.toContain(token.accessToken);
    expect(raw).not.toContain('signature');
    expect(raw).not.toContain(Buffer.from(token.accessToken).toString('base64').slice(0, 12));
    await expect(decodeToken(raw, KEY, keys)).resolves.toEqual(token);
  });

  it('refuse plain values: a writer to Redis cannot plant a token', async () => {
    const plain = await encodeToken(token, KEY, undefined);
    await expect(decodeToken(plain, KEY, ring())).resolves.toBeUndefined();
  });

  it('read as a miss under another Redis key, another encryption key, or without a key', async () => {
    const keys = ring();
    const raw = await encodeToken(token, KEY, keys);
    await expect(decodeToken(raw, KEY.replace('00', 'ff'), keys)).resolves.toBeUndefined();
    await expect(decodeToken(raw, KEY, ring())).resolves.toBeUndefined();
    await expect(decodeToken(raw, KEY, undefined)).resolves.toBeUndefined();
  });

  it('read a sealed non-token as a miss', async () => {
    const keys = ring();
    for (const inner of ['not json', '[]', '{"accessToken":""}']) {
      const raw = await keys.seal(inner, KEY);
      await expect(decodeToken(raw, KEY, keys)).resolves.toBeUndefined();
    }
  });

  it.each(GARBAGE)('read %j as a miss', async (raw) => {
    await expect(decodeToken(raw, KEY, ring())).resolves.toBeUndefined();
  });
});
