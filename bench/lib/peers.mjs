import { OAuth2Client, OAuth2Fetch } from '@badgateway/oauth2-client';
import { TokenManager } from '@twilio-oauth/core';
import simpleOAuth2 from 'simple-oauth2';

/**
 * The contenders of the peers section, each set up the way its documentation
 * suggests, all doing the same work: list Messages.json (one page of 50) with a
 * client-credentials bearer from the mock server, parsing the JSON answer.
 *
 * `target` = { url, tokenUrl, accountSid, clientId, clientSecret } of the mock.
 * Each factory returns { list(): Promise<void>, cachedGet(): Promise<unknown>,
 * cachedLoop(n), close() }. `cachedLoop` awaits the cached get n times; each peer
 * has its own loop so that no call site is shared (and made megamorphic) between them.
 */
export const PEERS = {
  static: {
    label: 'static bearer (no OAuth client)',
    create: createStatic,
  },
  ours: {
    label: '@twilio-oauth/core TokenManager.fetch',
    create: createOurs,
  },
  badgateway: {
    label: '@badgateway/oauth2-client OAuth2Fetch',
    create: createBadgateway,
  },
  'simple-oauth2': {
    label: 'simple-oauth2, hand-written cache',
    create: createSimpleOAuth2,
  },
};

/** The Messages list URL every peer calls. */
export function messagesUrl(target) {
  return `${target.url}/2010-04-01/Accounts/${target.accountSid}/Messages.json?PageSize=50`;
}

/** Throws unless the mock answered a Messages page. */
export async function readPage(response) {
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new Error(`Messages.json answered ${response.status}`);
  }
  const page = await response.json();
  if (!Array.isArray(page.messages)) throw new Error('Messages.json answered without messages');
}

/** One token from the mock, by hand: the "static token" every other time is compared with. */
export async function fetchTokenOnce(target) {
  const response = await fetch(target.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: target.clientId,
      client_secret: target.clientSecret,
    }),
  });
  if (response.status !== 200) throw new Error(`token endpoint answered ${response.status}`);
  const body = await response.json();
  return body.access_token;
}

async function createStatic(target) {
  const url = messagesUrl(target);
  const authorization = `Bearer ${await fetchTokenOnce(target)}`;
  const held = Promise.resolve(authorization);
  return {
    list: async () => readPage(await fetch(url, { headers: { authorization } })),
    cachedGet: () => held,
    cachedLoop: async (n) => {
      for (let i = 0; i < n; i++) await held;
    },
    close: async () => {},
  };
}

/** Our manager for the mock (its host allowed), on an optional movable clock. */
export function oursManager(target, { now } = {}) {
  return new TokenManager({
    clientId: target.clientId,
    clientSecret: target.clientSecret,
    tokenUrl: target.tokenUrl,
    allowedHosts: [new URL(target.url).hostname],
    ...(now ? { now } : {}),
  });
}

async function createOurs(target, options) {
  const url = messagesUrl(target);
  const manager = oursManager(target, options);
  return {
    manager,
    list: async () => readPage(await manager.fetch(url)),
    cachedGet: () => manager.getToken(),
    cachedLoop: async (n) => {
      for (let i = 0; i < n; i++) await manager.getToken();
    },
    close: () => manager.close(),
  };
}

async function createBadgateway(target) {
  const url = messagesUrl(target);
  const client = new OAuth2Client({
    server: target.url,
    tokenEndpoint: target.tokenUrl,
    clientId: target.clientId,
    clientSecret: target.clientSecret,
    // Twilio documents client_secret_post; the library defaults to basic.
    authenticationMethod: 'client_secret_post',
  });
  const wrapper = new OAuth2Fetch({ client, getNewToken: () => client.clientCredentials() });
  return {
    list: async () => readPage(await wrapper.fetch(url)),
    cachedGet: () => wrapper.getToken(),
    cachedLoop: async (n) => {
      for (let i = 0; i < n; i++) await wrapper.getToken();
    },
    close: async () => {},
  };
}

// The code most people write around simple-oauth2: keep the token in a
// variable, get a new one when it is (about to be) expired. No single flight.
async function createSimpleOAuth2(target) {
  const url = messagesUrl(target);
  const tokenUrl = new URL(target.tokenUrl);
  const oauth = new simpleOAuth2.ClientCredentials({
    client: { id: target.clientId, secret: target.clientSecret },
    auth: { tokenHost: tokenUrl.origin, tokenPath: tokenUrl.pathname },
    options: { authorizationMethod: 'body' },
  });
  let token;
  const getToken = async () => {
    if (!token || token.expired(60)) token = await oauth.getToken({});
    return token;
  };
  return {
    list: async () => {
      const { token: raw } = await getToken();
      const headers = { authorization: `Bearer ${raw.access_token}` };
      return readPage(await fetch(url, { headers }));
    },
    cachedGet: getToken,
    cachedLoop: async (n) => {
      for (let i = 0; i < n; i++) await getToken();
    },
    close: async () => {},
  };
}
