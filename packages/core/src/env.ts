import { InvalidOptionsError } from './errors';
import type { TokenManagerOptions } from './types';

/** Twilio's REST API origin: where `apiBaseUrl` points unless the environment says otherwise. */
export const DEFAULT_API_BASE_URL = 'https://api.twilio.com';

/** An environment: `process.env`, Workers' `c.env`, or a getter such as `ConfigService.get`. */
export type EnvSource = Readonly<Record<string, unknown>> | ((name: string) => string | undefined);

/** What {@link settingsFromEnv} reads, ready for a manager, an adapter and the SDK bridge. */
export interface TwilioEnvSettings {
  /** `TokenManager` options: `clientId`, `clientSecret`, and `tokenUrl` / `allowedHosts` when set. */
  readonly options: TokenManagerOptions;
  /** `TWILIO_ACCOUNT_SID`, when set (an organization app may have none). */
  readonly accountSid: string | undefined;
  /** Where API URLs start: `TWILIO_API_BASE_URL`, or {@link DEFAULT_API_BASE_URL}. */
  readonly apiBaseUrl: string;
}

/**
 * Reads a Twilio OAuth app's settings from the environment, so that the same code runs
 * against Twilio and against the local mock (`twilio-oauth-mock` prints these lines):
 *
 * | variable | becomes |
 * |---|---|
 * | `TWILIO_CLIENT_ID`, `TWILIO_CLIENT_SECRET` | `options.clientId`, `options.clientSecret` (required) |
 * | `TWILIO_TOKEN_URL` | `options.tokenUrl` (default Twilio's Token API) |
 * | `TWILIO_ALLOWED_HOSTS` | `options.allowedHosts`, comma-separated (default `*.twilio.com`) |
 * | `TWILIO_ACCOUNT_SID` | `accountSid` |
 * | `TWILIO_API_BASE_URL` | `apiBaseUrl` (default `https://api.twilio.com`) |
 *
 * Empty values count as unset. Nothing is validated beyond presence here: the manager
 * checks the options as it checks any.
 *
 * @throws {InvalidOptionsError} naming `TWILIO_CLIENT_ID` or `TWILIO_CLIENT_SECRET` when unset
 *   (never echoing a value).
 * @example
 * const twilio = settingsFromEnv(process.env);
 * app.use(twilioOAuth(twilio.options));
 * const messages = `${twilio.apiBaseUrl}/2010-04-01/Accounts/${twilio.accountSid}/Messages.json`;
 */
export function settingsFromEnv(env: EnvSource): TwilioEnvSettings {
  const read = (name: string): string | undefined => {
    const value = typeof env === 'function' ? env(name) : Object(env)[name];
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  };
  const required = (name: string): string => {
    const value = read(name);
    if (value === undefined) throw new InvalidOptionsError(name, 'is not set in the environment');
    return value;
  };
  const options: TokenManagerOptions = {
    clientId: required('TWILIO_CLIENT_ID'),
    clientSecret: required('TWILIO_CLIENT_SECRET'),
  };
  const tokenUrl = read('TWILIO_TOKEN_URL');
  if (tokenUrl !== undefined) options.tokenUrl = tokenUrl;
  const allowedHosts = read('TWILIO_ALLOWED_HOSTS')
    ?.split(',')
    .map((host) => host.trim())
    .filter((host) => host !== '');
  if (allowedHosts?.length) options.allowedHosts = allowedHosts;
  return {
    options,
    accountSid: read('TWILIO_ACCOUNT_SID'),
    apiBaseUrl: (read('TWILIO_API_BASE_URL') ?? DEFAULT_API_BASE_URL).replace(/\/+$/, ''),
  };
}
