import { describe, expect, it } from 'vitest';
import { DEFAULT_PORT, DEFAULT_TOKEN_URL, readConfig } from '../src/config';
import { allowedHostsFor } from '../src/twilio-api';

describe('readConfig', () => {
  it('defaults to the mock server, Twilio URLs, port 3002 and loopback', () => {
    expect(readConfig({})).toEqual({
      credentials: undefined,
      accountSid: undefined,
      tokenUrl: DEFAULT_TOKEN_URL,
      apiBaseUrl: 'https://api.twilio.com',
      port: DEFAULT_PORT,
      host: '127.0.0.1',
    });
    expect(DEFAULT_PORT).toBe(3002);
  });

  it('reads every variable', () => {
    expect(
      readConfig({
        TWILIO_CLIENT_ID: 'OQ1',
        TWILIO_CLIENT_SECRET: 'secret-1',
        TWILIO_ACCOUNT_SID: 'AC1',
        TWILIO_TOKEN_URL: 'http://127.0.0.1:9/v2/token',
        TWILIO_API_BASE_URL: 'http://127.0.0.1:9/',
        PORT: '0',
        HOST: '0.0.0.0',
      }),
    ).toEqual({
      credentials: { clientId: 'OQ1', clientSecret: 'secret-1' },
      accountSid: 'AC1',
      tokenUrl: 'http://127.0.0.1:9/v2/token',
      apiBaseUrl: 'http://127.0.0.1:9',
      port: 0,
      host: '0.0.0.0',
    });
  });

  it('names what is missing or malformed, never a secret', () => {
    expect(() => readConfig({ TWILIO_CLIENT_SECRET: 'only-secret-7' })).toThrow(
      /^TWILIO_CLIENT_ID is not set/,
    );
    expect(() => readConfig({ TWILIO_CLIENT_ID: 'OQ1', TWILIO_CLIENT_SECRET: 's' })).toThrow(
      /^TWILIO_ACCOUNT_SID is not set/,
    );
    expect(() => readConfig({ PORT: '80a' })).toThrow(/^PORT must be/);
    expect(() => readConfig({ PORT: '70000' })).toThrow(/^PORT must be/);
    expect(() => readConfig({ TWILIO_TOKEN_URL: 'not a url' })).toThrow(/^TWILIO_TOKEN_URL/);
    try {
      readConfig({ TWILIO_CLIENT_SECRET: 'only-secret-7' });
    } catch (error) {
      expect(String(error)).not.toContain('only-secret-7');
    }
  });
});

describe('allowedHostsFor', () => {
  it("allows Twilio's hosts plus a non-Twilio API host, such as a local mock", () => {
    expect(allowedHostsFor('https://api.twilio.com')).toEqual(['*.twilio.com']);
    expect(allowedHostsFor('http://127.0.0.1:4010')).toEqual(['*.twilio.com', '127.0.0.1']);
  });
});
