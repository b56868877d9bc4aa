import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SECRET } from '../test/token-server';
import { InvalidOptionsError } from './errors';
import { credentialKey, DEFAULT_TOKEN_URL, exchangeConfig, isSecure } from './options';
import { requestToken } from './request-token';

describe('credentialKey', () => {
  it('joins the normalised token URL, client id and scope', () => {
    expect(credentialKey('https://OAUTH.twilio.com/v2/token', 'OQ1')).toBe(
      'https://oauth.twilio.com/v2/token OQ1',
    );
    expect(credentialKey(DEFAULT_TOKEN_URL, 'OQ1', 'a b')).toBe(
      'https://oauth.twilio.com/v2/token OQ1 a%20b',
    );
    expect(credentialKey('not a url', 'x')).toBe('not a url x');
  });

  it('never makes two credentials share a key', () => {
    fc.assert(
      fc.property(
        fc.tuple(fc.string(), fc.option(fc.string(), { nil: undefined })),
        fc.tuple(fc.string(), fc.option(fc.string(), { nil: undefined })),
        ([id1, scope1], [id2, scope2]) => {
          const same = id1 === id2 && (scope1 || undefined) === (scope2 || undefined);
          const equal =
            credentialKey(DEFAULT_TOKEN_URL, id1, scope1) ===
            credentialKey(DEFAULT_TOKEN_URL, id2, scope2);
          expect(equal).toBe(same);
        },
      ),
    );
  });
});

describe('options', () => {
  it('applies the documented defaults', () => {
    const config = exchangeConfig({ clientId: 'id', clientSecret: SECRET });
    expect(config).toMatchObject({
      tokenUrl: DEFAULT_TOKEN_URL,
      basic: false,
      timeoutMs: 10_000,
      maxAttempts: 3,
      baseDelayMs: 200,
      maxDelayMs: 5_000,
      maxRetryAfterMs: 30_000,
      now: Date.now,
    });
  });

  it('isSecure: https anywhere, http on loopback only', () => {
    const secure = (url: string) => isSecure(new URL(url));
    expect(secure('https://example.com/')).toBe(true);
    expect(secure('http://localhost:1/')).toBe(true);
    expect(secure('http://127.255.0.1/')).toBe(true);
    expect(secure('http://[::1]/')).toBe(true);
    expect(secure('http://127.0.0.1.nip.io/')).toBe(false);
    expect(secure('http://localhost.evil.example/')).toBe(false);
    expect(secure('http://128.0.0.1/')).toBe(false);
    expect(secure('ftp://localhost/')).toBe(false);
  });

  it('requestToken rejects bad options with InvalidOptionsError', async () => {
    await expect(requestToken({ clientId: 'id', clientSecret: '' })).rejects.toBeInstanceOf(
      InvalidOptionsError,
    );
    await expect(
      requestToken({ clientId: 'id', clientSecret: SECRET, tokenUrl: 'http://example.com/t' }),
    ).rejects.toMatchObject({ option: 'tokenUrl' });
  });
});
