import { createRequire } from 'node:module';
import { fetchTokenOnce } from './peers.mjs';

const require = createRequire(import.meta.url);
// The SDK is CommonJS without an exports map; its strategy class is reachable by path.
const twilio = require('twilio');
const TokenAuthStrategy = require('twilio/lib/auth_strategy/TokenAuthStrategy.js').default;

/**
 * The official SDK as its README shows OAuth: a ClientCredentialProvider set on
 * the client. Requests go to Twilio's hosts, so the caller must have
 * `forwardTwilioTo(mock)` (nock) in place. `target` as in peers.mjs.
 */
export const TWILIO_PEERS = {
  twilio: {
    label: 'twilio 6.3.1 SDK, ClientCredentialProvider',
    create: async (target) =>
      sdkPeer(sdkProvider(twilio.ClientCredentialProviderBuilder, target), target),
  },
  'twilio-static': {
    label: 'twilio 6.3.1 SDK, static bearer (reference)',
    // Same SDK and interception path, no token management: what the SDK costs per call.
    create: async (target) => sdkPeer(await staticBearerProvider(target), target),
  },
};

/** One of the SDK's OAuth providers (`ClientCredentialProviderBuilder`, `OrgsCredentialProviderBuilder`). */
export function sdkProvider(Builder, target) {
  return new Builder().setClientId(target.clientId).setClientSecret(target.clientSecret).build();
}

/** A credential provider whose strategy hands out one bearer fetched now: no token management. */
export async function staticBearerProvider(target) {
  const authorization = `Bearer ${await fetchTokenOnce(target)}`;
  const strategy = {
    getAuthString: () => Promise.resolve(authorization),
    requiresAuthentication: () => true,
  };
  return { toAuthStrategy: () => strategy };
}

function sdkPeer(provider, target) {
  const client = new twilio.Twilio();
  client.setCredentialProvider(provider);
  client.setAccountSid(target.accountSid);
  return {
    list: async () => {
      const messages = await client.messages.list({ limit: 50 });
      if (!Array.isArray(messages)) throw new Error('SDK returned no message list');
    },
    close: async () => {},
  };
}

/**
 * The SDK's cache, exercised directly: TokenAuthStrategy keeps the last token
 * and decodes its JWT `exp` on every call. Reachable only by holding one
 * strategy; the SDK itself builds a new strategy (empty cache) per request.
 */
export async function twilioHeldStrategy(target) {
  const token = await fetchTokenOnce(target);
  const strategy = new TokenAuthStrategy({ fetchToken: () => Promise.resolve(token) });
  await strategy.getAuthString();
  return {
    cachedGet: () => strategy.fetchToken(),
    cachedLoop: async (n) => {
      for (let i = 0; i < n; i++) await strategy.fetchToken();
    },
  };
}
