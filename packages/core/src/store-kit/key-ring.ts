import { InvalidOptionsError } from '../errors';
import { fromBase64, toBase64Url } from './base64';

/**
 * A WebCrypto key, as `crypto.subtle.importKey` / `generateKey` return it on any
 * runtime: written structurally, so that the DOM's, Node's (`webcrypto.CryptoKey`)
 * and Workers' `CryptoKey` all fit without their global types.
 */
export interface WebCryptoKey {
  readonly type: string;
  readonly algorithm: object;
  readonly usages: readonly string[];
  readonly extractable: boolean;
}

/**
 * A 256-bit AES-GCM key: 32 raw bytes (`Uint8Array`, so also a Node `Buffer`), the
 * same 32 bytes as a base64 or base64url string, or a WebCrypto `CryptoKey`
 * (algorithm `AES-GCM`, length 256, usages `encrypt` and `decrypt`; it may be
 * non-extractable).
 *
 * @example
 * const key: EncryptionKey = process.env.TOKEN_STORE_KEY!; // `openssl rand -base64 32`
 */
export type EncryptionKey = Uint8Array | string | WebCryptoKey;

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID_BYTES = 6;
const ENVELOPE_VERSION = 1;

const KEY_SHAPE = 'must be 32 bytes: a Uint8Array, a base64 string or an AES-GCM CryptoKey';

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

const subtle = (): SubtleCrypto => globalThis.crypto.subtle;

// A key id is a key check value: the GCM tag of an empty message under a fixed
// IV that is never used for data (seal() redraws an all-zero IV). It names the
// key without revealing it and works for non-extractable CryptoKeys too, so the
// same 32 bytes get the same id whichever form they are passed in.
const KEY_ID_IV = new Uint8Array(IV_BYTES);
// The label predates the kit (values sealed by @twilio-oauth/redis 0.1 keep their ids).
const KEY_ID_LABEL = utf8.encode('twilio-oauth/redis key id v1');

interface ResolvedKey {
  readonly key: CryptoKey;
  readonly id: string;
}

// A key made by this runtime's WebCrypto is its own `CryptoKey`: only the shape is checked here.
const isCryptoKey = (value: unknown): value is CryptoKey =>
  typeof value === 'object' &&
  value !== null &&
  'algorithm' in value &&
  'usages' in value &&
  'type' in value;

/** Checks a key's shape synchronously (at construction) and returns how to load it. */
function prepareKey(option: string, value: unknown): () => Promise<ResolvedKey> {
  let load: () => Promise<CryptoKey>;
  if (isCryptoKey(value)) {
    const algorithm = value.algorithm as { name?: unknown; length?: unknown };
    if (value.type !== 'secret' || algorithm.name !== 'AES-GCM' || algorithm.length !== 256) {
      throw new InvalidOptionsError(
        option,
        `${KEY_SHAPE}; got a CryptoKey that is not AES-GCM 256`,
      );
    }
    if (!value.usages.includes('encrypt') || !value.usages.includes('decrypt')) {
      throw new InvalidOptionsError(option, 'a CryptoKey needs the usages "encrypt" and "decrypt"');
    }
    load = async () => value;
  } else {
    let bytes: Uint8Array | undefined;
    if (value instanceof Uint8Array) bytes = value;
    else if (typeof value === 'string') bytes = fromBase64(value.trim());
    else throw new InvalidOptionsError(option, KEY_SHAPE);
    // The length is safe to report; the key's content never is.
    if (bytes === undefined)
      throw new InvalidOptionsError(option, `${KEY_SHAPE}; got a non-base64 string`);
    if (bytes.length !== KEY_BYTES) {
      throw new InvalidOptionsError(option, `${KEY_SHAPE}; got ${bytes.length} bytes`);
    }
    // Copied so that later changes to the caller's buffer cannot change the key.
    const raw = Uint8Array.from(bytes);
    load = async () => {
      const key = await subtle().importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
      raw.fill(0);
      return key;
    };
  }
  let resolved: Promise<ResolvedKey> | undefined;
  return () => {
    resolved ??= load().then(async (key) => ({ key, id: await keyIdOf(key) }));
    return resolved;
  };
}

async function keyIdOf(key: CryptoKey): Promise<string> {
  const tag = await subtle().encrypt(
    { name: 'AES-GCM', iv: KEY_ID_IV, additionalData: KEY_ID_LABEL },
    key,
    new Uint8Array(0),
  );
  return toBase64Url(new Uint8Array(tag).subarray(0, KEY_ID_BYTES));
}

function freshIv(): Uint8Array<ArrayBuffer> {
  const iv = new Uint8Array(IV_BYTES);
  do globalThis.crypto.getRandomValues(iv);
  while (iv.every((byte) => byte === 0));
  return iv;
}

/**
 * The current encryption key plus older keys that may still have written values.
 * Values are sealed as `{"v":1,"kid","iv","ct"}` (base64url), with the store key
 * as AES-GCM additional data: a value copied under another key fails to open.
 */
export class KeyRing {
  readonly #current: () => Promise<ResolvedKey>;
  readonly #all: readonly (() => Promise<ResolvedKey>)[];

  private constructor(current: () => Promise<ResolvedKey>, older: (() => Promise<ResolvedKey>)[]) {
    this.#current = current;
    this.#all = [current, ...older];
  }

  /**
   * Validates the keys (synchronously); importing them into WebCrypto waits for first use.
   *
   * @throws {InvalidOptionsError} naming `encryptionKey` or `decryptionKeys[i]`.
   */
  static create(encryptionKey: unknown, decryptionKeys: unknown = []): KeyRing {
    if (typeof globalThis.crypto?.subtle?.encrypt !== 'function') {
      throw new InvalidOptionsError('encryptionKey', 'needs WebCrypto (globalThis.crypto.subtle)');
    }
    if (!Array.isArray(decryptionKeys)) {
      throw new InvalidOptionsError('decryptionKeys', 'must be an array of keys');
    }
    const current = prepareKey('encryptionKey', encryptionKey);
    const older = decryptionKeys.map((key, i) => prepareKey(`decryptionKeys[${i}]`, key));
    return new KeyRing(current, older);
  }

  /** Encrypts `plaintext` with the current key, bound to `context` (the store key). */
  async seal(plaintext: string, context: string): Promise<string> {
    const { key, id } = await this.#current();
    const iv = freshIv();
    const ciphertext = await subtle().encrypt(
      { name: 'AES-GCM', iv, additionalData: utf8.encode(context) },
      key,
      utf8.encode(plaintext),
    );
    return JSON.stringify({
      v: ENVELOPE_VERSION,
      kid: id,
      iv: toBase64Url(iv),
      ct: toBase64Url(new Uint8Array(ciphertext)),
    });
  }

  /**
   * Decrypts an envelope sealed for `context` by any key of the ring;
   * `undefined` for anything else (unknown key id, tampering, wrong context, garbage).
   */
  async open(
    envelope: Readonly<Record<string, unknown>>,
    context: string,
  ): Promise<string | undefined> {
    const { v, kid, iv: ivText, ct: ctText } = envelope;
    if (v !== ENVELOPE_VERSION || typeof kid !== 'string') return undefined;
    if (typeof ivText !== 'string' || typeof ctText !== 'string') return undefined;
    const iv = fromBase64(ivText);
    const ciphertext = fromBase64(ctText);
    if (iv?.length !== IV_BYTES || ciphertext === undefined || ciphertext.length < TAG_BYTES) {
      return undefined;
    }
    const keys = await Promise.all(this.#all.map((resolve) => resolve()));
    // Ids are short, so two keys may share one; the GCM tag tells which (if any) sealed it.
    for (const { key, id } of keys) {
      if (id !== kid) continue;
      try {
        const plaintext = await subtle().decrypt(
          { name: 'AES-GCM', iv, additionalData: utf8.encode(context) },
          key,
          ciphertext,
        );
        return strictUtf8.decode(plaintext);
      } catch {
        // Not this key (or tampered with): try the next one with the same id.
      }
    }
    return undefined;
  }
}
