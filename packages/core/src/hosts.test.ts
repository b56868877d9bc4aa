import { describe, expect, it } from 'vitest';
import { HostNotAllowedError, InvalidOptionsError } from './errors';
import { hostAllowList } from './hosts';

const verdict = (check: (url: URL) => void, url: string) => {
  try {
    check(new URL(url));
    return 'allowed';
  } catch (error) {
    expect(error).toBeInstanceOf(HostNotAllowedError);
    return 'refused';
  }
};

describe('hostAllowList', () => {
  const twilio = hostAllowList();
  const cases: [string, 'allowed' | 'refused'][] = [
    ['https://api.twilio.com/2010-04-01/Accounts.json', 'allowed'],
    ['https://messaging.us1.twilio.com/v1', 'allowed'],
    ['https://API.Twilio.COM/x', 'allowed'],
    ['https://api.twilio.com./x', 'allowed'],
    ['https://api.twilio.com:8443/x', 'allowed'],
    ['https://twilio.com/x', 'refused'],
    ['https://api.twilio.com.evil.example/x', 'refused'],
    ['https://api.twilio.com@evil.example/', 'refused'],
    ['https://api.twilio.com:443@evil.example/', 'refused'],
    ['https://evil.example/#@api.twilio.com', 'refused'],
    ['https://evil.example/?api.twilio.com', 'refused'],
    ['https://eviltwilio.com/', 'refused'],
    ['https://api.twilio.com%2eevil.example/', 'refused'],
    ['http://api.twilio.com/x', 'refused'],
    ['ws://api.twilio.com/x', 'refused'],
  ];
  for (const [url, expected] of cases) {
    it(`${expected === 'allowed' ? 'allows' : 'refuses'} ${url} by default`, () => {
      expect(verdict(twilio, url)).toBe(expected);
    });
  }

  it('matches exact names case-insensitively, normalising a trailing dot in patterns too', () => {
    const check = hostAllowList(['API.Example.com.']);
    expect(verdict(check, 'https://api.example.com/')).toBe('allowed');
    expect(verdict(check, 'https://API.EXAMPLE.COM./')).toBe('allowed');
    expect(verdict(check, 'https://sub.api.example.com/')).toBe('refused');
  });

  it('allows http only to loopback hosts that are listed', () => {
    const check = hostAllowList(['127.0.0.1', 'localhost', '[::1]', 'example.com']);
    expect(verdict(check, 'http://127.0.0.1:3000/')).toBe('allowed');
    expect(verdict(check, 'http://localhost:3000/')).toBe('allowed');
    expect(verdict(check, 'http://[::1]:3000/')).toBe('allowed');
    expect(verdict(check, 'http://example.com/')).toBe('refused');
    expect(verdict(check, 'http://127.0.0.2/')).toBe('refused');
  });

  it('names the refused host and why', () => {
    expect(() => twilio(new URL('https://user:pw@evil.example/'))).toThrow(
      /evil\.example: not in allowedHosts/,
    );
    expect(() => twilio(new URL('http://api.twilio.com/'))).toThrow(/https is required/);
    expect(() => twilio(new URL('https://evil.example/'))).toThrow(
      expect.objectContaining({ code: 'host_not_allowed', host: 'evil.example' }),
    );
  });

  it('refuses malformed patterns at creation', () => {
    for (const bad of [[''], ['*'], ['*.'], ['https://x.com'], ['x.com/path'], ['a b.com'], [3]]) {
      expect(() => hostAllowList(bad as string[])).toThrow(InvalidOptionsError);
    }
  });
});
