/** Twilio's REST API base, the default of `TWILIO_API_BASE_URL`. */
export const DEFAULT_API_BASE_URL = 'https://api.twilio.com';

/** Where the sample's routes send their Twilio calls. */
export interface TwilioApiTarget {
  /** `AC…`, the account whose messages are listed and sent. */
  readonly accountSid: string;
  /** e.g. `https://api.twilio.com`, or a local mock server; no trailing slash. */
  readonly apiBaseUrl: string;
}

/** `{apiBase}/2010-04-01/Accounts/{sid}/Messages.json`. */
export const messagesUrl = ({ accountSid, apiBaseUrl }: TwilioApiTarget): string =>
  `${apiBaseUrl}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`;

/**
 * The hosts the bearer token may be sent to: Twilio's, plus the configured API
 * host so that a local mock server (or a proxy you chose) works. The core refuses
 * to send the token anywhere else.
 */
export const allowedHostsFor = (apiBaseUrl: string): string[] => {
  const host = new URL(apiBaseUrl).hostname;
  return host.endsWith('.twilio.com') ? ['*.twilio.com'] : ['*.twilio.com', host];
};
