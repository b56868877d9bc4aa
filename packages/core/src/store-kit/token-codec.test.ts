import { describe, expect, it } from 'vitest';
import { InvalidOptionsError } from '../errors';
import type { StoredToken } from '../types';
import { toBase64Url } from './base64';
import { TokenCodec } from './token-codec';

const KEY = 'twilio-oauth:{00112233445566778899aabbccddeeff}:token';
const token: StoredToken = {
  accessToken: 'eyJhbGciOiJIUzI1NiJ9.payload.signature',
  tokenType: 'Bearer',
  expiresAt: 1_700_000_360_000,
  issuedAt: 1_700_000_000_000,
};
const randomKey = () => globalThis.crypto.getRandomValues(new Uint8Array(32));
const sealed = () => TokenCodec.create({ encryptionKey: randomKey() });
const plain = TokenCodec.create();

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
    const raw = await plain.encode(withExtra, KEY);
    expect(JSON.parse(raw)).toEqual({ v: 1, ...token });
    await expect(plain.decode(raw, KEY)).resolves.toEqual(token);
  });

  it.each(GARBAGE)('reads %j as a miss', async (raw) => {
    await expect(plain.decode(raw, KEY)).resolves.toBeUndefined();
  });
});

describe('encrypted values', () => {
  it('round-trip without the token in clear', async () => {
    const codec = sealed();
    expect(codec.encrypted).toBe(true);
    expect(plain.encrypted).toBe(false);
    const raw = await codec.encode(token, KEY);
    expect(raw).not.toContain(token.accessToken);
    expect(raw).not.toContain('signature');
    expect(raw).not.toContain(
      toBase64Url(new TextEncoder().encode(token.accessToken)).slice(0, 12),
    );
    await expect(codec.decode(raw, KEY)).resolves.toEqual(token);
  });

  it('refuse plain values: a writer to the store cannot plant a token', async () => {
    const raw = await plain.encode(token, KEY);
    await expect(sealed().decode(raw, KEY)).resolves.toBeUndefined();
  });

  it('read as a miss under another store key, another encryption key, or without a key', async () => {
    const codec = sealed();
    const raw = await codec.encode(token, KEY);
    await expect(codec.decode(raw, KEY.replace('00', 'ff'))).resolves.toBeUndefined();
    await expect(sealed().decode(raw, KEY)).resolves.toBeUndefined();
    await expect(plain.decode(raw, KEY)).resolves.toBeUndefined();
  });

  it('read a value sealed by an older key (rotation), and seal with the current one', async () => {
    const oldKey = randomKey();
    const before = await TokenCodec.create({ encryptionKey: oldKey }).encode(token, KEY);
    const rotated = TokenCodec.create({ encryptionKey: randomKey(), decryptionKeys: [oldKey] });
    await expect(rotated.decode(before, KEY)).resolves.toEqual(token);
    const after = await rotated.encode(token, KEY);
    await expect(TokenCodec.create({ encryptionKey: oldKey }).decode(after, KEY)).resolves.toBe(
      undefined,
    );
  });

  it.each(GARBAGE)('read %j as a miss', async (raw) => {
    await expect(sealed().decode(raw, KEY)).resolves.toBeUndefined();
  });
});

describe('TokenCodec.create', () => {
  it('refuses decryptionKeys without encryptionKey, naming the option', () => {
    expect(() => TokenCodec.create({ decryptionKeys: [randomKey()] })).toThrow(InvalidOptionsError);
    expect(() => TokenCodec.create({ decryptionKeys: [] })).toThrow(/"decryptionKeys"/);
  });
});
