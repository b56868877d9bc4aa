import { createHash } from 'node:crypto';
import { credentialKey } from '@twilio-oauth/core';
import { describe, expect, it } from 'vitest';
import { redisKeys } from './keys';

const credential = credentialKey('https://oauth.twilio.com/v2/token', 'OQ0123456789abcdef');

describe('redisKeys', () => {
  it('puts a short hash of the credential key in a shared hash tag', async () => {
    const { token, lock } = await redisKeys('app:', credential);
    const hash = createHash('sha256').update(credential).digest('hex').slice(0, 32);
    expect(token).toBe(`app:{${hash}}:token`);
    expect(lock).toBe(`app:{${hash}}:lock`);
  });

  it('never holds the credential key, client id or token URL', async () => {
    const { token, lock } = await redisKeys('twilio-oauth:', credential);
    for (const key of [token, lock]) {
      expect(key).not.toContain('OQ0123456789abcdef');
      expect(key).not.toContain('oauth.twilio.com');
    }
  });

  it('is stable per credential and differs between credentials', async () => {
    const a = await redisKeys('p:', credential);
    const again = await redisKeys('p:', credential);
    const other = await redisKeys('p:', credentialKey('https://oauth.twilio.com/v2/token', 'OQx'));
    const scoped = await redisKeys(
      'p:',
      credentialKey('https://oauth.twilio.com/v2/token', 'OQ0123456789abcdef', 's'),
    );
    expect(again).toEqual(a);
    expect(other.token).not.toBe(a.token);
    expect(scoped.token).not.toBe(a.token);
  });
});
