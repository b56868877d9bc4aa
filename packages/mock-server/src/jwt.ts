import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

/** Claims of a token issued by the mock server. */
export interface TokenClaims {
  readonly iss: string;
  readonly sub: string;
  readonly iat: number;
  readonly exp: number;
  /** The exact expiry, epoch ms (`exp` is whole seconds, rounded down). */
  readonly exp_ms: number;
  readonly jti: string;
}

/** Why a bearer token was refused. */
export type TokenRejection = 'malformed' | 'bad_signature' | 'expired';

/** The claims of a valid token, or why it was refused. */
export type VerifyResult =
  | { readonly ok: true; readonly claims: TokenClaims }
  | { readonly ok: false; readonly reason: TokenRejection };

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

// Fixed header: a token whose header differs (e.g. `alg: none`) is refused before anything else.
const HEADER = encode({ alg: 'HS256', typ: 'JWT' });

/**
 * Signs and checks HS256 JWTs with a random key that never leaves the process. Twilio's SDKs
 * read `exp` from the token, so tokens are real JWTs rather than opaque strings.
 */
export class TokenSigner {
  #key: Buffer = randomBytes(32);

  constructor(private readonly issuer: string) {}

  /** Issues a token for `clientId`, valid `ttlSeconds` from `nowMs`, to the millisecond. */
  sign(clientId: string, ttlSeconds: number, nowMs: number): string {
    const expiresAtMs = nowMs + ttlSeconds * 1000;
    const claims: TokenClaims = {
      iss: this.issuer,
      sub: clientId,
      iat: Math.floor(nowMs / 1000),
      // Rounded down: a client reading `exp` never believes the token lives longer than it does.
      exp: Math.floor(expiresAtMs / 1000),
      exp_ms: expiresAtMs,
      jti: randomUUID(),
    };
    const unsigned = `${HEADER}.${encode(claims)}`;
    return `${unsigned}.${this.#mac(unsigned).toString('base64url')}`;
  }

  /** Checks shape, signature and expiry (expired once `nowMs` reaches `exp_ms`). */
  verify(token: string, nowMs: number): VerifyResult {
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== HEADER) return { ok: false, reason: 'malformed' };
    const [header, payload = '', signature = ''] = parts;
    const expected = this.#mac(`${header}.${payload}`);
    const actual = Buffer.from(signature, 'base64url');
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
      return { ok: false, reason: 'bad_signature' };
    }
    const claims = parseClaims(payload);
    if (!claims) return { ok: false, reason: 'malformed' };
    if (nowMs >= claims.exp_ms) return { ok: false, reason: 'expired' };
    return { ok: true, claims };
  }

  /** Replaces the key, so every token signed so far fails verification. */
  rotate(): void {
    this.#key = randomBytes(32);
  }

  #mac(data: string): Buffer {
    return createHmac('sha256', this.#key).update(data).digest();
  }
}

function parseClaims(payload: string): TokenClaims | undefined {
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (typeof claims !== 'object' || claims === null) return undefined;
    const { iss, sub, iat, exp, exp_ms, jti } = claims as Record<string, unknown>;
    if (
      typeof iss !== 'string' ||
      typeof sub !== 'string' ||
      typeof iat !== 'number' ||
      typeof exp !== 'number' ||
      typeof exp_ms !== 'number' ||
      typeof jti !== 'string'
    ) {
      return undefined;
    }
    return { iss, sub, iat, exp, exp_ms, jti };
  } catch {
    return undefined;
  }
}
