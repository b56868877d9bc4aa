import { describe, expect, it } from 'vitest';
import { TokenSigner } from './jwt';

const NOW = Date.UTC(2030, 5, 1);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('TokenSigner', () => {
  it('round-trips claims and refuses the token from exp on', () => {
    const signer = new TokenSigner('http://issuer');
    const token = signer.sign('OQclient', 60, NOW);
    const result = signer.verify(token, NOW);
    expect(result).toEqual({
      ok: true,
      claims: {
        iss: 'http://issuer',
        sub: 'OQclient',
        iat: NOW / 1000,
        exp: NOW / 1000 + 60,
        exp_ms: NOW + 60_000,
        jti: expect.any(String),
      },
    });
    expect(signer.verify(token, NOW + 59_999).ok).toBe(true);
    expect(signer.verify(token, NOW + 60_000)).toEqual({ ok: false, reason: 'expired' });
  });

  it('expires to the millisecond, whatever the issue instant within its second', () => {
    const signer = new TokenSigner('x');
    const issuedAt = NOW + 250; // not on a second boundary
    const token = signer.sign('c', 1, issuedAt);
    expect(signer.verify(token, issuedAt + 999).ok).toBe(true);
    expect(signer.verify(token, issuedAt + 1_000)).toEqual({ ok: false, reason: 'expired' });
    const result = signer.verify(token, issuedAt);
    // `exp` (whole seconds) is rounded down: never later than the real expiry.
    expect(result.ok && result.claims.exp).toBe(Math.floor((issuedAt + 1_000) / 1000));
  });

  it('handles the 30-day upper bound exactly', () => {
    const signer = new TokenSigner('x');
    const token = signer.sign('c', 2_592_000, NOW + 1);
    expect(signer.verify(token, NOW + 2_592_000_000).ok).toBe(true);
    expect(signer.verify(token, NOW + 2_592_000_001)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses tokens of another signer and, after rotate(), its own', () => {
    const a = new TokenSigner('x');
    const b = new TokenSigner('x');
    const token = a.sign('c', 60, NOW);
    expect(b.verify(token, NOW)).toEqual({ ok: false, reason: 'bad_signature' });
    a.rotate();
    expect(a.verify(token, NOW)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(a.verify(a.sign('c', 60, NOW), NOW).ok).toBe(true);
  });

  it('refuses other headers, malformed shapes and signed payloads with missing claims', () => {
    const signer = new TokenSigner('x');
    const [, payload, signature] = signer.sign('c', 60, NOW).split('.');
    const cases = [
      '',
      'a.b',
      'a.b.c.d',
      `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`,
      `${b64({ alg: 'HS512', typ: 'JWT' })}.${payload}.${signature}`,
    ];
    for (const token of cases)
      expect(signer.verify(token, NOW)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('uses a unique jti per token', () => {
    const signer = new TokenSigner('x');
    const ids = new Set(
      Array.from({ length: 50 }, () => {
        const result = signer.verify(signer.sign('c', 60, NOW), NOW);
        return result.ok ? result.claims.jti : '';
      }),
    );
    expect(ids.size).toBe(50);
  });
});
