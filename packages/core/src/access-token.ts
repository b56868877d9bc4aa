import { INSPECT } from './errors';
import type { AccessToken } from './types';

/**
 * RFC 6749 (Appendix A.12) allows only visible ASCII and space in an access token;
 * anything else (a line feed, say) would break every header it goes into, and the
 * runtime's error for that quotes the header, token included.
 */
export const VSCHAR = /^[\x20-\x7e]+$/;

const REDACTED = '[redacted]';

/**
 * The {@link AccessToken} handed to callers. `accessToken` is a plain readable
 * property, but `JSON.stringify`, `util.inspect` and `String()` show
 * `[redacted]` in its place, so logging the object does not leak the bearer.
 */
export class RedactedToken implements AccessToken {
  declare readonly accessToken: string;
  declare readonly tokenType: string;
  declare readonly expiresAt: number;

  constructor(accessToken: string, expiresAt: number) {
    this.accessToken = accessToken;
    this.tokenType = 'Bearer';
    this.expiresAt = expiresAt;
    Object.freeze(this);
  }

  toJSON() {
    return { accessToken: REDACTED, tokenType: this.tokenType, expiresAt: this.expiresAt };
  }

  toString() {
    return `${this.tokenType} ${REDACTED}`;
  }

  /** `util.inspect` formats the same redacted object. */
  [INSPECT]() {
    return this.toJSON();
  }
}
