import { describe, expect, it } from 'vitest';
import { DEFAULT_PORT, readConfig } from './config';

const secret = 'config-Secret-never-shown';
const orgSecret = 'org-config-Secret-never-shown';
const ORG_SID = `OR${'ab'.repeat(16)}`;

describe('readConfig', () => {
  it('defaults to the mock server (no credentials), Twilio URLs and 127.0.0.1:3001', () => {
    expect(readConfig({})).toEqual({
      credentials: undefined,
      accountSid: undefined,
      organization: undefined,
      tokenUrl: 'https://oauth.twilio.com/v2/token',
      apiBaseUrl: 'https://api.twilio.com',
      port: DEFAULT_PORT,
      host: '127.0.0.1',
    });
    expect(DEFAULT_PORT).toBe(3001);
  });

  it('reads every variable, trimming trailing slashes of URLs', () => {
    expect(
      readConfig({
        TWILIO_CLIENT_ID: 'OQ123',
        TWILIO_CLIENT_SECRET: secret,
        TWILIO_ACCOUNT_SID: 'AC123',
        TWILIO_ORG_CLIENT_ID: 'OQorg',
        TWILIO_ORG_CLIENT_SECRET: orgSecret,
        TWILIO_ORG_SID: ORG_SID,
        TWILIO_TOKEN_URL: 'http://127.0.0.1:9000/v2/token',
        TWILIO_API_BASE_URL: 'http://127.0.0.1:9000/',
        PORT: '0',
        HOST: '0.0.0.0',
      }),
    ).toEqual({
      credentials: { clientId: 'OQ123', clientSecret: secret },
      accountSid: 'AC123',
      organization: { clientId: 'OQorg', clientSecret: orgSecret, organizationSid: ORG_SID },
      tokenUrl: 'http://127.0.0.1:9000/v2/token',
      apiBaseUrl: 'http://127.0.0.1:9000',
      port: 0,
      host: '0.0.0.0',
    });
  });

  it('treats empty variables as unset', () => {
    expect(readConfig({ TWILIO_CLIENT_ID: '', TWILIO_CLIENT_SECRET: ' ', PORT: '' })).toMatchObject(
      {
        credentials: undefined,
        port: DEFAULT_PORT,
      },
    );
  });

  it.each([
    [{ TWILIO_CLIENT_SECRET: secret }, /TWILIO_CLIENT_ID is not set/],
    [{ TWILIO_CLIENT_ID: 'OQ123' }, /TWILIO_CLIENT_SECRET is not set/],
    [{ TWILIO_CLIENT_ID: 'OQ123', TWILIO_CLIENT_SECRET: secret }, /TWILIO_ACCOUNT_SID is not set/],
    [{ PORT: 'eighty' }, /PORT must be an integer/],
    [{ PORT: '70000' }, /PORT must be an integer/],
    [{ TWILIO_TOKEN_URL: 'not a url' }, /TWILIO_TOKEN_URL is not a valid URL/],
    [
      { TWILIO_ORG_CLIENT_ID: 'OQorg', TWILIO_ORG_CLIENT_SECRET: orgSecret },
      /^TWILIO_ORG_SID is not set: set all of TWILIO_ORG_CLIENT_ID, TWILIO_ORG_CLIENT_SECRET, TWILIO_ORG_SID/,
    ],
    [
      { TWILIO_ORG_SID: ORG_SID, TWILIO_ORG_CLIENT_ID: ' ' },
      /TWILIO_ORG_CLIENT_ID, TWILIO_ORG_CLIENT_SECRET are not set/,
    ],
    [
      { TWILIO_ORG_CLIENT_ID: 'OQorg', TWILIO_ORG_CLIENT_SECRET: orgSecret, TWILIO_ORG_SID: 'AC1' },
      /TWILIO_ORG_SID must be "OR" followed by 32 hex digits/,
    ],
  ])('refuses %o, naming the variable and never the secret', (env, message) => {
    expect(() => readConfig(env)).toThrow(message);
    try {
      readConfig(env);
    } catch (error) {
      expect(String(error)).not.toContain(secret);
      expect(String(error)).not.toContain(orgSecret);
    }
  });
});
