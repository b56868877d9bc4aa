import type { StoredToken } from '@twilio-oauth/core';
import type { KeyRing } from './encryption';

const FORMAT_VERSION = 1;

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
 * The Redis value for `token`: plain JSON, or an AES-GCM envelope bound to
 * `redisKey` when a key ring is given. Only the four known fields are written.
 */
export async function encodeToken(
  token: StoredToken,
  redisKey: string,
  ring: KeyRing | undefined,
): Promise<string> {
  const { accessToken, tokenType, expiresAt, issuedAt } = token;
  const fields = { accessToken, tokenType, expiresAt, issuedAt };
  return ring
    ? ring.seal(JSON.stringify(fields), redisKey)
    : JSON.stringify({ v: FORMAT_VERSION, ...fields });
}

/**
 * The token held in a Redis value, or `undefined` for anything that is not a
 * well-formed value of this format: garbage is a cache miss, never an error.
 * With a key ring, plain values are refused (a writer to Redis must not be able
 * to plant a token of its choosing).
 */
export async function decodeToken(
  raw: string,
  redisKey: string,
  ring: KeyRing | undefined,
): Promise<StoredToken | undefined> {
  const outer = parseObject(raw);
  if (outer?.v !== FORMAT_VERSION) return undefined;
  if (!ring) return toStoredToken(outer);
  const plaintext = await ring.open(outer, redisKey);
  return plaintext === undefined ? undefined : toStoredToken(parseObject(plaintext));
}
