/** The Redis keys of one credential. */
export interface RedisKeys {
  /** `${prefix}{${hash}}:token` — the stored token. */
  readonly token: string;
  /** `${prefix}{${hash}}:lock` — who is fetching a new token. */
  readonly lock: string;
}

const HASH_BYTES = 16;

/**
 * Keys hold a hash of the core's credential key rather than the key itself: it
 * keeps them short, keeps the token URL and client id out of `KEYS *`, and keeps
 * `{`/`}` out of the part Redis Cluster reads as the hash tag. The tag (the
 * braces) puts the token and its lock in one slot.
 */
export async function redisKeys(prefix: string, credentialKey: string): Promise<RedisKeys> {
  const digest = await globalThis.crypto.subtle.digest(
    'SHA-256',
    new TextEncoder().encode(credentialKey),
  );
  let hash = '';
  for (const byte of new Uint8Array(digest).subarray(0, HASH_BYTES)) {
    hash += byte.toString(16).padStart(2, '0');
  }
  const base = `${prefix}{${hash}}`;
  return { token: `${base}:token`, lock: `${base}:lock` };
}
