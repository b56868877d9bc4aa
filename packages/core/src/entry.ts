import { RedactedToken } from './access-token';
import type { AccessToken, TokenState } from './types';

/** A held token with its precomputed state boundaries (epoch ms). */
export interface Entry {
  readonly token: AccessToken;
  /** Made once, so the fresh path returns it without allocating. */
  readonly promise: Promise<AccessToken>;
  readonly expiresAt: number;
  readonly staleAt: number;
  readonly expiredAt: number;
}

/** `fresh` before `staleAt`, `stale` before `expiredAt`, then `expired`. */
export const stateOf = (entry: Entry, now: number): TokenState =>
  now < entry.staleAt ? 'fresh' : now < entry.expiredAt ? 'stale' : 'expired';

/**
 * The entry for a token issued at `issuedAt`, with `bufferMs` and `aheadMs`
 * clamped to half its lifetime, so that a short-lived token still has a window
 * in which it is reused.
 */
export function toEntry(
  token: { readonly accessToken: string; readonly issuedAt: number; readonly expiresAt: number },
  policy: { readonly bufferMs: number; readonly aheadMs: number },
): Entry {
  const { accessToken, issuedAt, expiresAt } = token;
  const half = (expiresAt - issuedAt) / 2;
  const expiredAt = expiresAt - Math.min(policy.bufferMs, half);
  const staleAt = Math.min(expiresAt - Math.min(policy.aheadMs, half), expiredAt);
  const redacted = new RedactedToken(accessToken, expiresAt);
  return { token: redacted, promise: Promise.resolve(redacted), expiresAt, staleAt, expiredAt };
}
