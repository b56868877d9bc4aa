import { createRequire } from 'node:module';
import { twilioClient } from '@twilio-oauth/twilio';
import { fetchTokenOnce, oursManager } from './peers.mjs';

const require = createRequire(import.meta.url);
const twilio = require('twilio');
const { version } = require('twilio/package.json');

/**
 * The official SDK with no interception: requests reach the mock on loopback directly. Run in
 * the worker without nock. `target` as in peers.mjs.
 */
export const TWILIO_BRIDGE_PEERS = {
  'twilio-bridge': {
    label: `twilio ${version} SDK through @twilio-oauth/twilio`,
    create: createBridge,
  },
  'twilio-sdk-static': {
    label: `twilio ${version} SDK, static bearer, its own transport to loopback (reference)`,
    create: createStockStatic,
  },
};

async function createBridge(target, options) {
  const manager = oursManager(target, options);
  const client = twilioClient(manager, { accountSid: target.accountSid, apiBaseUrl: target.url });
  return { manager, ...lister(client), close: () => manager.close() };
}

/**
 * The stock SDK as an auth-token user has it: a fixed Authorization header (a bearer fetched
 * once: the mock takes no auth token) and the SDK's own RequestClient (axios), whose URL is
 * moved onto the mock — the rest of its transport is untouched.
 */
async function createStockStatic(target) {
  const authorization = `Bearer ${await fetchTokenOnce(target)}`;
  const strategy = {
    getAuthString: () => Promise.resolve(authorization),
    requiresAuthentication: () => true,
  };
  const client = new twilio.Twilio(undefined, undefined, {
    httpClient: new LoopbackRequestClient(target.url),
  });
  client.setCredentialProvider({ toAuthStrategy: () => strategy });
  client.setAccountSid(target.accountSid);
  return { ...lister(client), close: async () => {} };
}

/** The SDK's own transport with `https://*.twilio.com` rewritten to `base` (path and query kept). */
export class LoopbackRequestClient extends twilio.RequestClient {
  #base;
  constructor(base) {
    super();
    this.#base = base;
  }
  request(opts) {
    const url = new URL(opts.uri);
    return super.request({ ...opts, uri: `${this.#base}${url.pathname}${url.search}` });
  }
}

// Same work as the other SDK peers: one page of 50 messages.
function lister(client) {
  return {
    list: async () => {
      const messages = await client.messages.list({ limit: 50 });
      if (!Array.isArray(messages)) throw new Error('SDK returned no message list');
    },
  };
}
