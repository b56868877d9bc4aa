import { InvalidOptionsError, type StoredToken } from '@twilio-oauth/core';

/**
 * A 256-bit AES-GCM key: 32 raw bytes, the same 32 bytes in base64 (or base64url),
 * or a WebCrypto `CryptoKey` (AES-GCM, 256 bits, usages `encrypt` and `decrypt`).
 *
 * @example
 * const encryptionKey: EncryptionKey = env.TOKEN_STORE_KEY; // a secret: `openssl rand -base64 32`
 */
export type EncryptionKey = Uint8Array | string | CryptoKey;

const VERSION = 1;
const IV_BYTES = 12;
const KEY_SHAPE = 'must be 32 bytes: a Uint8Array, a base64 string or an AES-GCM CryptoKey';
const utf8 = new TextEncoder();

const toBase64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));

function fromBase64(text: string): Uint8Array<ArrayBuffer> | undefined {
  try {
    const standard = text.trim().replace(/-/g, '+').replace(/_/g, '/');
    return Uint8Array.from(atob(standard), (char) => char.charCodeAt(0));
  } catch {
    return undefined;
  }
}

/**
 * Checks `encryptionKey` now (synchronously, naming the option) and returns how to
 * load it into WebCrypto on first use.
 *
 * @throws {InvalidOptionsError} naming `encryptionKey`; never echoes the key.
 */
export function keyLoader(value: unknown): () => Promise<CryptoKey> {
  if (typeof crypto === 'undefined' || typeof crypto.subtle?.encrypt !== 'function') {
    throw new InvalidOptionsError('encryptionKey', 'needs WebCrypto (globalThis.crypto.subtle)');
  }
  if (typeof value === 'object' && value !== null && 'algorithm' in value && 'usages' in value) {
    const key = value as CryptoKey;
    const algorithm = key.algorithm as { name?: unknown; length?: unknown };
    if (algorithm.name !== 'AES-GCM' || algorithm.length !== 256) {
      throw new InvalidOptionsError('encryptionKey', `${KEY_SHAPE}; got another CryptoKey`);
    }
    if (!key.usages.includes('encrypt') || !key.usages.includes('decrypt')) {
      throw new InvalidOptionsError('encryptionKey', 'a CryptoKey needs "encrypt" and "decrypt"');
    }
    return () => Promise.resolve(key);
  }
  const bytes =
    value instanceof Uint8Array ? value : typeof value === 'string' ? fromBase64(value) : undefined;
  if (bytes?.length !== 32) {
    const got = bytes ? `; got ${bytes.length} bytes` : '';
    throw new InvalidOptionsError('encryptionKey', `${KEY_SHAPE}${got}`);
  }
  // Copied: a later change to the caller's buffer must not change the key.
  const raw = Uint8Array.from(bytes);
  let key: Promise<CryptoKey> | undefined;
  return () => {
    key ??= crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
    return key;
  };
}

/**
 * What the object keeps for `token`: JSON of its four fields, or with a key an
 * AES-GCM envelope `{"v":1,"iv","ct"}` bound to the store key (additional data), so
 * that a value copied to another object does not open.
 */
export async function encodeToken(
  token: StoredToken,
  storeKey: string,
  key: (() => Promise<CryptoKey>) | undefined,
): Promise<string> {
  const { accessToken, tokenType, expiresAt, issuedAt } = token;
  const plain = JSON.stringify({ v: VERSION, accessToken, tokenType, expiresAt, issuedAt });
  if (!key) return plain;
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: utf8.encode(storeKey) },
    await key(),
    utf8.encode(plain),
  );
  return JSON.stringify({ v: VERSION, iv: toBase64(iv), ct: toBase64(new Uint8Array(sealed)) });
}

/**
 * The token in a value, or `undefined` for anything else (garbage, another key, a
 * plain value when a key is set: whoever can write to the object must not plant a
 * token of their choosing). Never throws.
 */
export async function decodeToken(
  value: string,
  storeKey: string,
  key: (() => Promise<CryptoKey>) | undefined,
): Promise<StoredToken | undefined> {
  try {
    let fields = JSON.parse(value);
    if (key) {
      const iv = fromBase64(fields.iv);
      const ct = fromBase64(fields.ct);
      if (fields.v !== VERSION || iv?.length !== IV_BYTES || !ct) return undefined;
      const plain = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv, additionalData: utf8.encode(storeKey) },
        await key(),
        ct,
      );
      fields = JSON.parse(new TextDecoder().decode(plain));
    }
    const { v, accessToken, tokenType, expiresAt, issuedAt } = fields;
    if (v !== VERSION || typeof accessToken !== 'string' || typeof tokenType !== 'string') {
      return undefined;
    }
    if (!Number.isFinite(expiresAt) || !Number.isFinite(issuedAt)) return undefined;
    return { accessToken, tokenType, expiresAt, issuedAt };
  } catch {
    return undefined;
  }
}
