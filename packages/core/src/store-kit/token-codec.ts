import { InvalidOptionsError } from '../errors';
import type { StoredToken } from '../types';
import { type EncryptionKey, KeyRing } from './key-ring';

const FORMAT_VERSION = 1;

/** The encryption options every shared store takes, under these names. */
export interface TokenEncryptionOptions {
  /**
   * Encrypts stored values with AES-256-GCM (WebCrypto), bound to their store key.
   * @defaultValue none: tokens are stored in clear (they are bearer credentials).
   */
  readonly encryptionKey?: EncryptionKey;
  /**
   * Older keys, tried when a value was sealed by one of them (key rotation).
   * Requires `encryptionKey`.
   * @defaultValue `[]`
   */
  readonly decryptionKeys?: readonly EncryptionKey[];
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const isFiniteNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);

function toStoredToken(value: Record<string, unknown> | undefined): StoredToken | undefined {
  if (value === undefined) return undefined;
  const { accessToken, tokenType, expiresAt, issuedAt } = value;
  if (typeof accessToken !== 'string' || accessToken === '') return undefined;
  if (typeof tokenType !== 'string' || tokenType === '') return undefined;
  if (!isFiniteNumber(expiresAt) || !isFiniteNumber(issuedAt)) return undefined;
  return { accessToken, tokenType, expiresAt, issuedAt };
}

/**
 * How a shared store writes a token as text and reads it back: plain JSON of
 * the four {@link StoredToken} fields, or, with `encryptionKey`, an AES-GCM
 * envelope `{"v":1,"kid","iv","ct"}` bound to the store key (additional data),
 * sealed with the current key and opened with it or any of `decryptionKeys`.
 * Anything that is not a well-formed value reads as a miss, never an error.
 *
 * @example
 * const codec = TokenCodec.create({ encryptionKey: env.TOKEN_STORE_KEY });
 * await client.set(key, await codec.encode(token, key));
 * const token = await codec.decode(await client.get(key), key);
 */
export class TokenCodec {
  readonly #ring: KeyRing | undefined;

  private constructor(ring: KeyRing | undefined) {
    this.#ring = ring;
  }

  /**
   * Validates the keys now (synchronously); importing them into WebCrypto waits
   * for first use.
   *
   * @throws {InvalidOptionsError} naming `encryptionKey`, `decryptionKeys` or
   *   `decryptionKeys[i]`; never echoing key material.
   */
  static create(options: TokenEncryptionOptions = {}): TokenCodec {
    const { encryptionKey, decryptionKeys } = options;
    if (encryptionKey === undefined) {
      if (decryptionKeys !== undefined) {
        throw new InvalidOptionsError('decryptionKeys', 'requires encryptionKey');
      }
      return new TokenCodec(undefined);
    }
    return new TokenCodec(KeyRing.create(encryptionKey, decryptionKeys));
  }

  /** Whether values are encrypted. */
  get encrypted(): boolean {
    return this.#ring !== undefined;
  }

  /** The stored value of `token` under `storeKey`. Only the four known fields are written. */
  async encode(token: StoredToken, storeKey: string): Promise<string> {
    const { accessToken, tokenType, expiresAt, issuedAt } = token;
    const fields = { accessToken, tokenType, expiresAt, issuedAt };
    return this.#ring
      ? this.#ring.seal(JSON.stringify(fields), storeKey)
      : JSON.stringify({ v: FORMAT_VERSION, ...fields });
  }

  /**
   * The token in `raw`, or `undefined` for anything else: garbage, a value of
   * another store key or another encryption key, and, with a key, a plain value
   * (whoever can write to the store must not plant a token of their choosing).
   */
  async decode(raw: string, storeKey: string): Promise<StoredToken | undefined> {
    const outer = parseObject(raw);
    if (outer?.v !== FORMAT_VERSION) return undefined;
    if (!this.#ring) return toStoredToken(outer);
    const plaintext = await this.#ring.open(outer, storeKey);
    return plaintext === undefined ? undefined : toStoredToken(parseObject(plaintext));
  }
}
