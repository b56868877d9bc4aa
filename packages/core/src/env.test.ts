import { describe, expect, it } from 'vitest';
import { DEFAULT_API_BASE_URL, settingsFromEnv } from './env';
import { InvalidOptionsError } from './errors';
import { TokenManager } from './token-manager';

const SECRET = 'env-secret-4f1c';

describe('settingsFromEnv', () => {
  it('reads the credentials alone as Twilio defaults', () => {
    const settings = settingsFromEnv({ TWILIO_CLIENT_ID: 'OQ1', TWILIO_CLIENT_SECRET: SECRET });
    expect(settings).toEqual({
      options: { clientId: 'OQ1', clientSecret: SECRET },
      accountSid: undefined,
      apiBaseUrl: DEFAULT_API_BASE_URL,
    });
  });

  it('reads what the mock CLI prints: token URL, allowed hosts, account and API base URL', () => {
    const settings = settingsFromEnv({
      TWILIO_CLIENT_ID: 'OQ1',
      TWILIO_CLIENT_SECRET: SECRET,
      TWILIO_ACCOUNT_SID: 'AC1',
      TWILIO_TOKEN_URL: 'http://127.0.0.1:4010/v2/token',
      TWILIO_ALLOWED_HOSTS: ' 127.0.0.1, localhost ,',
      TWILIO_API_BASE_URL: 'http://127.0.0.1:4010/',
    });
    expect(settings).toEqual({
      options: {
        clientId: 'OQ1',
        clientSecret: SECRET,
        tokenUrl: 'http://127.0.0.1:4010/v2/token',
        allowedHosts: ['127.0.0.1', 'localhost'],
      },
      accountSid: 'AC1',
      apiBaseUrl: 'http://127.0.0.1:4010',
    });
    // What it gives is what a manager takes.
    expect(() => new TokenManager(settings.options)).not.toThrow();
  });

  it('takes a getter too (Nest ConfigService.get, a secrets client)', () => {
    const env: Record<string, string> = { TWILIO_CLIENT_ID: 'OQ1', TWILIO_CLIENT_SECRET: SECRET };
    expect(settingsFromEnv((name) => env[name]).options.clientSecret).toBe(SECRET);
  });

  it('names a missing or empty credential variable, never a value', () => {
    expect(() => settingsFromEnv({ TWILIO_CLIENT_SECRET: SECRET })).toThrow(
      expect.objectContaining({ option: 'TWILIO_CLIENT_ID' }),
    );
    const error = (() => {
      try {
        settingsFromEnv({ TWILIO_CLIENT_ID: 'OQ1', TWILIO_CLIENT_SECRET: '  ' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect(error).toMatchObject({ option: 'TWILIO_CLIENT_SECRET' });
    expect(String((error as Error).message)).not.toContain(SECRET);
  });
});
