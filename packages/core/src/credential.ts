import { InvalidOptionsError, TokenRequestError } from './errors';
import { safeError } from './safe-error';

/** `clientSecret` as given: a string, or a function read for each exchange (rotation without restart). */
export type SecretSource = string | (() => string | Promise<string>);

/** The secret read for one exchange, and the store key it earns. */
export interface Credential {
  readonly secret: string;
  /** Resolves the secret-bound store key (computed on first use, then kept). */
  readonly storeKey: () => Promise<string>;
}

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

/**
 * The key a shared store keeps a credential's token under: the public key plus
 * HMAC-SHA-256(secret, public key). A manager with the right client id and a
 * wrong secret computes another key, so it can never read the other's token; the
 * same id and secret (a fleet) compute the same one. The secret never leaves
 * WebCrypto, and the MAC does not reveal it.
 */
export async function secretBoundKey(publicKey: string, secret: string): Promise<string> {
  const encoder = new TextEncoder();
  const subtle = globalThis.crypto.subtle;
  const hmacKey = await subtle.importKey(
    'raw',
    encoder.encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = await subtle.sign('HMAC', hmacKey, encoder.encode(publicKey));
  return `${publicKey} #${base64url(new Uint8Array(mac))}`;
}

/** Throws at construction when a store is given but the runtime has no WebCrypto to bind its keys. */
export function requireWebCrypto(): void {
  if (typeof globalThis.crypto?.subtle?.sign !== 'function') {
    throw new InvalidOptionsError(
      'store',
      'needs WebCrypto (crypto.subtle) to bind entries to the secret',
    );
  }
}

const unavailable = (detail: string, cause?: unknown) =>
  new TokenRequestError('secret_unavailable', `Token request failed: ${detail}`, {
    retryable: true,
    cause: cause === undefined ? undefined : safeError(cause),
  });

const checked = (secret: unknown): string => {
  if (typeof secret !== 'string' || secret === '') {
    throw unavailable('the clientSecret function returned no non-empty string');
  }
  return secret;
};

/**
 * The secret now: the string itself, or what the function returns — synchronously when it
 * returns a string, so that callers that can stay synchronous do.
 * @throws {TokenRequestError} code `secret_unavailable` (retryable) when the function throws,
 *   rejects or returns no non-empty string (the promise rejects for an async function).
 */
export function readSecret(source: SecretSource): string | Promise<string> {
  if (typeof source !== 'function') return checked(source);
  let value: unknown;
  try {
    value = source();
  } catch (error) {
    throw unavailable('the clientSecret function failed', error);
  }
  if (typeof (value as PromiseLike<unknown> | undefined)?.then !== 'function')
    return checked(value);
  return Promise.resolve(value).then(checked, (error) => {
    throw unavailable('the clientSecret function failed', error);
  });
}

/**
 * Reads the secret for each exchange; the last value's store key is kept so that
 * a static secret (or an unchanged one) costs one HMAC for the manager's life.
 */
export class SecretReader {
  readonly #source: SecretSource;
  readonly #publicKey: string;
  #last: { secret: string; key: Promise<string> | undefined } | undefined;
  /** The secret the token endpoint refused last (compared, never shown). */
  #refused: string | undefined;

  constructor(source: SecretSource, publicKey: string) {
    this.#source = source;
    this.#publicKey = publicKey;
  }

  /** True when the secret is a function, so it may change between exchanges. */
  get rotates(): boolean {
    return typeof this.#source === 'function';
  }

  /**
   * The secret now, with its store key.
   * @throws {TokenRequestError} code `secret_unavailable` (retryable) when the function throws or returns no non-empty string.
   */
  async read(): Promise<Credential> {
    const read = readSecret(this.#source);
    // A string costs no tick: callers joining in the same turn see the request go out.
    const secret = typeof read === 'string' ? read : await read;
    let last = this.#last;
    if (last?.secret !== secret) {
      last = { secret, key: undefined };
      this.#last = last;
    }
    const held = last;
    return {
      secret,
      storeKey: () => {
        held.key ??= secretBoundKey(this.#publicKey, secret);
        return held.key;
      },
    };
  }

  /** The token endpoint refused the secret read last. */
  refused(): void {
    this.#refused = this.#last?.secret;
  }

  /**
   * Whether a `clientSecret` function now returns another value than the refused one (a
   * rotation, to be tried at once). Always false for a string secret or a failing function.
   */
  async rotatedSinceRefusal(): Promise<boolean> {
    if (!this.rotates || this.#refused === undefined) return false;
    try {
      return (await readSecret(this.#source)) !== this.#refused;
    } catch {
      return false;
    }
  }

  /** The store key of the secret read last, if one was computed (for invalidate()). */
  lastStoreKey(): Promise<string> | undefined {
    return this.#last?.key;
  }
}
