import { describe, expect, it } from 'vitest';
import { DEFAULT_PORT, readConfig } from './config';

const ORG_SID = `OR${'c'.repeat(32)}`;

describe('readConfig', () => {
  it('defaults to Twilio, port 3003 on loopback, and no credentials (the mock server)', () => {
    expect(readConfig({})).toEqual({
      clientId: undefined,
      clientSecret: undefined,
      accountSid: undefined,
      tokenUrl: 'https://oauth.twilio.com/v2/token',
      apiBaseUrl: 'https://api.twilio.com',
      port: DEFAULT_PORT,
      host: '127.0.0.1',
      organization: undefined,
    });
    expect(DEFAULT_PORT).toBe(3003);
  });

  it('reads every variable, trimming the API base URL’s trailing slash', () => {
    expect(
      readConfig({
        TWILIO_CLIENT_ID: 'OQ1',
        TWILIO_CLIENT_SECRET: 's',
        TWILIO_ACCOUNT_SID: 'AC1',
        TWILIO_TOKEN_URL: 'http://127.0.0.1:9/v2/token',
        TWILIO_API_BASE_URL: 'http://127.0.0.1:9/',
        PORT: '0',
        HOST: '::1',
        TWILIO_ORG_CLIENT_ID: 'OQorg',
        TWILIO_ORG_CLIENT_SECRET: 'o',
        TWILIO_ORG_SID: ORG_SID,
      }),
    ).toEqual({
      clientId: 'OQ1',
      clientSecret: 's',
      accountSid: 'AC1',
      tokenUrl: 'http://127.0.0.1:9/v2/token',
      apiBaseUrl: 'http://127.0.0.1:9',
      port: 0,
      host: '::1',
      organization: { clientId: 'OQorg', clientSecret: 'o', organizationSid: ORG_SID },
    });
  });

  it('treats empty variables as unset', () => {
    expect(readConfig({ TWILIO_CLIENT_ID: ' ', TWILIO_CLIENT_SECRET: '', PORT: '' })).toMatchObject(
      {
        clientId: undefined,
        clientSecret: undefined,
        port: DEFAULT_PORT,
      },
    );
  });

  it.each([
    [{ TWILIO_CLIENT_SECRET: 'top-secret' }, 'TWILIO_CLIENT_ID'],
    [{ TWILIO_CLIENT_ID: 'OQ1' }, 'TWILIO_CLIENT_SECRET'],
    [{ TWILIO_CLIENT_ID: 'OQ1', TWILIO_CLIENT_SECRET: 'top-secret' }, 'TWILIO_ACCOUNT_SID'],
    [{ TWILIO_TOKEN_URL: 'not a url' }, 'TWILIO_TOKEN_URL'],
    [{ TWILIO_API_BASE_URL: '/relative' }, 'TWILIO_API_BASE_URL'],
    [{ PORT: '70000' }, 'PORT'],
    [{ PORT: '12ab' }, 'PORT'],
    [
      { TWILIO_ORG_CLIENT_ID: 'OQorg', TWILIO_ORG_SID: ORG_SID },
      'TWILIO_ORG_CLIENT_SECRET not set',
    ],
    [{ TWILIO_ORG_CLIENT_SECRET: 'top-secret' }, 'TWILIO_ORG_CLIENT_ID and TWILIO_ORG_SID not set'],
    [
      {
        TWILIO_ORG_CLIENT_ID: 'OQorg',
        TWILIO_ORG_CLIENT_SECRET: 'top-secret',
        TWILIO_ORG_SID: 'AC1',
      },
      'TWILIO_ORG_SID is not an organization SID',
    ],
  ])('rejects %j naming %s, never a value', (env, name) => {
    expect(() => readConfig(env)).toThrow(name);
    expect(() => readConfig(env)).not.toThrow('top-secret');
  });
});
