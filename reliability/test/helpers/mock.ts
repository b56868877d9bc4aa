// The mock Token API with credentials chosen to be easy to spot in a leak: the
// secret has characters that change under form and base64 encoding, so every
// encoded form of it can be searched for as well.
import {
  type MockServer,
  type MockServerOptions,
  startMockServer,
} from '@twilio-oauth/mock-server';

export const CLIENT_ID = `OQ${'5e'.repeat(16)}`;
export const CLIENT_SECRET = 'rel-Secret/+=&%?é-8c1f4a9d2b7e';

/** Every form in which the client secret could travel or be printed. */
export const SECRET_FORMS: readonly string[] = [
  CLIENT_SECRET,
  encodeURIComponent(CLIENT_SECRET),
  new URLSearchParams({ s: CLIENT_SECRET }).toString().slice(2),
  Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64'),
];

export function startMock(options: Omit<MockServerOptions, 'clients'> = {}): Promise<MockServer> {
  return startMockServer({
    ...options,
    clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }],
  });
}

export const messagesUrl = (mock: MockServer): string =>
  `${mock.apiBaseUrl}/2010-04-01/Accounts/${mock.accountSid}/Messages.json`;
