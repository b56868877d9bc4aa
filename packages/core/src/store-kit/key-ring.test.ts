import { describe, expect, it } from 'vitest';
import { InvalidOptionsError } from '../errors';
import { fromBase64, toBase64Url } from './base64';
import { KeyRing } from './key-ring';

const subtle = globalThis.crypto.subtle;
const randomKey = () => globalThis.crypto.getRandomValues(new Uint8Array(32));
const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const CONTEXT = 'twilio-oauth:{0123}:token';

const envelopeOf = (sealed: string) => JSON.parse(sealed) as Record<string, string | number>;

function optionError(run: () => unknown): InvalidOptionsError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionsError);
    return error as InvalidOptionsError;
  }
  throw new Error('expected an InvalidOptionsError');
}

describe('KeyRing.create validates keys at construction', () => {
  it.each([
    ['16 bytes', new Uint8Array(16)],
    ['33 bytes', new Uint8Array(33)],
    ['an empty string', ''],
    ['a 32-character passphrase', 'correct horse battery staple!!!!'],
    ['base64 of 31 bytes', toBase64(new Uint8Array(31).fill(7))],
    ['a number', 42],
    ['null', null],
    ['an ArrayBuffer', new ArrayBuffer(32)],
  ])('refuses %s, naming encryptionKey', (_, key) => {
    const error = optionError(() => KeyRing.create(key));
    expect(error.option).toBe('encryptionKey');
    expect(error.code).toBe('invalid_option');
  });

  it('never echoes the key material in the message', () => {
    const secret = 'c2VjcmV0LWtleS1tYXRlcmlhbC10b28tc2hvcnQ'; // base64 of 29 bytes
    const bytes = new Uint8Array(20).fill(0xab);
    const fromString = optionError(() => KeyRing.create(secret));
    const fromBytes = optionError(() => KeyRing.create(bytes));
    expect(fromString.message).not.toContain(secret);
    expect(fromString.message).not.toContain(secret.slice(0, 8));
    expect(fromBytes.message).not.toMatch(/ab|171/i);
    expect(fromBytes.message).toContain('20 bytes');
    expect(JSON.stringify(fromString)).not.toContain(secret);
  });

  it('refuses CryptoKeys that are not AES-GCM 256 with encrypt and decrypt', async () => {
    const cbc = await subtle.generateKey({ name: 'AES-CBC', length: 256 }, false, [
      'encrypt',
      'decrypt',
    ]);
    const gcm128 = await subtle.generateKey({ name: 'AES-GCM', length: 128 }, false, [
      'encrypt',
      'decrypt',
    ]);
    const encryptOnly = await subtle.importKey('raw', randomKey(), 'AES-GCM', false, ['encrypt']);
    for (const key of [cbc, gcm128, encryptOnly]) {
      expect(optionError(() => KeyRing.create(key)).option).toBe('encryptionKey');
    }
  });

  it('names the offending entry of decryptionKeys', () => {
    expect(optionError(() => KeyRing.create(randomKey(), [randomKey(), 'nope'])).option).toBe(
      'decryptionKeys[1]',
    );
    expect(optionError(() => KeyRing.create(randomKey(), randomKey())).option).toBe(
      'decryptionKeys',
    );
  });

  it('accepts base64 and base64url, padded or not, with surrounding whitespace', async () => {
    const key = randomKey();
    const b64 = toBase64(key);
    const sealed = await KeyRing.create(key).seal('x', CONTEXT);
    for (const form of [b64, b64.replace(/=$/, ''), toBase64Url(key), `${b64}\n`]) {
      await expect(KeyRing.create(form).open(envelopeOf(sealed), CONTEXT)).resolves.toBe('x');
    }
  });
});

describe('seal / open', () => {
  it('round-trips, with a fresh 96-bit IV on every write', async () => {
    const ring = KeyRing.create(randomKey());
    const first = envelopeOf(await ring.seal('the plaintext', CONTEXT));
    const second = envelopeOf(await ring.seal('the plaintext', CONTEXT));
    expect(Object.keys(first).sort()).toEqual(['ct', 'iv', 'kid', 'v']);
    expect(first.v).toBe(1);
    expect(fromBase64(String(first.iv))).toHaveLength(12);
    expect(first.iv).not.toBe(second.iv);
    expect(first.ct).not.toBe(second.ct);
    expect(first.kid).toBe(second.kid);
    await expect(ring.open(first, CONTEXT)).resolves.toBe('the plaintext');
    await expect(ring.open(second, CONTEXT)).resolves.toBe('the plaintext');
  });

  it('gives the same key the same id whichever form it comes in', async () => {
    const key = randomKey();
    const nonExtractable = await subtle.importKey('raw', key, 'AES-GCM', false, [
      'encrypt',
      'decrypt',
    ]);
    const ids = new Set<unknown>();
    for (const form of [key, toBase64(key), toBase64Url(key), nonExtractable]) {
      ids.add(envelopeOf(await KeyRing.create(form).seal('x', CONTEXT)).kid);
    }
    expect(ids.size).toBe(1);
    const [id] = ids;
    expect(id).toMatch(/^[A-Za-z0-9_-]{8}$/);
    expect(envelopeOf(await KeyRing.create(randomKey()).seal('x', CONTEXT)).kid).not.toBe(id);
  });

  it('binds a value to its context (the Redis key)', async () => {
    const ring = KeyRing.create(randomKey());
    const sealed = envelopeOf(await ring.seal('token', CONTEXT));
    await expect(ring.open(sealed, 'twilio-oauth:{4567}:token')).resolves.toBeUndefined();
  });

  it('rejects tampering and malformed envelopes as undefined, never throwing', async () => {
    const ring = KeyRing.create(randomKey());
    const good = envelopeOf(await ring.seal('token', CONTEXT));
    const ct = fromBase64(String(good.ct)) ?? new Uint8Array();
    const flipped = Uint8Array.from(ct);
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    const variants: Record<string, unknown>[] = [
      { ...good, ct: toBase64Url(flipped) },
      { ...good, ct: toBase64Url(ct.subarray(0, 15)) },
      { ...good, iv: toBase64Url(new Uint8Array(12)) },
      { ...good, iv: toBase64Url(new Uint8Array(16)) },
      { ...good, iv: '***' },
      { ...good, kid: 'AAAAAAAA' },
      { ...good, kid: 7 },
      { ...good, v: 2 },
      { ...good, ct: undefined },
      {},
    ];
    for (const variant of variants) {
      await expect(ring.open(variant, CONTEXT)).resolves.toBeUndefined();
    }
  });

  it('keeps working when the caller later overwrites the key buffer', async () => {
    const key = randomKey();
    const copy = Uint8Array.from(key);
    const ring = KeyRing.create(key);
    key.fill(0);
    const sealed = envelopeOf(await ring.seal('token', CONTEXT));
    await expect(KeyRing.create(copy).open(sealed, CONTEXT)).resolves.toBe('token');
  });
});

describe('rotation', () => {
  it('opens values of older keys, seals with the current one', async () => {
    const oldKey = randomKey();
    const newKey = randomKey();
    const before = envelopeOf(await KeyRing.create(oldKey).seal('old', CONTEXT));
    const rotated = KeyRing.create(newKey, [oldKey]);
    await expect(rotated.open(before, CONTEXT)).resolves.toBe('old');

    const after = envelopeOf(await rotated.seal('new', CONTEXT));
    expect(after.kid).not.toBe(before.kid);
    await expect(KeyRing.create(newKey).open(after, CONTEXT)).resolves.toBe('new');
    // A process that only knows the old key sees the new value as a miss.
    await expect(KeyRing.create(oldKey).open(after, CONTEXT)).resolves.toBeUndefined();
    // Once the old key is dropped, its values are misses too.
    await expect(KeyRing.create(newKey).open(before, CONTEXT)).resolves.toBeUndefined();
  });
});
