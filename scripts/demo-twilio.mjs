// The twilio SDK scenes of `pnpm demo` (mock mode only): the same 50 SDK calls with the SDK's
// own OAuth provider and through @twilio-oauth/twilio; then the token endpoint failing while
// tokens are held. Everything runs in this process against a mock server of its own.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const CALLS = 50;
const OUTAGE_CALLS = 20;
const TOKEN_DELAY_MS = 50;
const TO = '+15005550006';
const FROM = '+15005550001';

/**
 * Runs both scenes and prints their tables. `ui` = { log, paint, printTable } from demo.mjs.
 * Throws when a scene does not behave as described (the demo then fails).
 */
export async function runTwilioScenes(root, ui) {
  const load = (path) => import(pathToFileURL(join(root, path)).href);
  const { startMockServer } = await load('packages/mock-server/dist/index.mjs');
  const { TokenManager } = await load('packages/core/dist/index.mjs');
  const { twilioClient } = await load('packages/twilio/dist/index.mjs');
  // The SDK as the bridge package resolves it (its peer, the workspace's twilio).
  const sdk = createRequire(join(root, 'packages/twilio/package.json'));
  const mock = await startMockServer();
  const env = { mock, sdk, TokenManager, twilioClient };
  try {
    await callsScene(env, ui);
    await outageScene(env, ui);
  } finally {
    await mock.close();
  }
}

/** 50 calls, one in five a create, the others a list of 5: the same for every client. */
async function fiftyCalls(client) {
  for (let i = 0; i < CALLS; i++) {
    if (i % 5 === 0) await client.messages.create({ to: TO, from: FROM, body: `demo ${i}` });
    else await client.messages.list({ limit: 5 });
  }
}

async function callsScene(env, { log, paint, printTable }) {
  const { mock, sdk } = env;
  const { version } = sdk('twilio/package.json');
  log(
    `\n${paint('1', `twilio SDK ${version}: ${CALLS} calls, token endpoint answering in ${TOKEN_DELAY_MS} ms`)}`,
  );
  const rows = [];
  const measure = async (label, client, close) => {
    mock.reset();
    mock.setFaults({ token: { delayMs: TOKEN_DELAY_MS } });
    const start = performance.now();
    await fiftyCalls(client);
    const ms = performance.now() - start;
    mock.setFaults({});
    await close();
    const { tokenRequests, apiRequests } = mock.stats();
    rows.push({
      label,
      calls: String(apiRequests),
      tokens: String(tokenRequests),
      ms: ms.toFixed(0),
    });
    return tokenRequests;
  };
  const own = await measure('SDK, its own OAuth provider', sdkOwnOAuth(env), async () => {});
  const bridged = bridge(env);
  const ours = await measure('SDK through @twilio-oauth/twilio', bridged.client, bridged.close);
  printTable(rows, [
    ['label', 'Client'],
    ['calls', 'Twilio API calls'],
    ['tokens', 'Token requests'],
    ['ms', 'Time, ms'],
  ]);
  if (own !== CALLS || ours !== 1) {
    throw new Error(`twilio scene: expected ${CALLS} and 1 token requests, got ${own} and ${ours}`);
  }
  log(
    "The SDK's provider asks for a new token before every call; through the bridge one token serves all.",
  );
}

async function outageScene(env, { log, paint, printTable }) {
  const { mock } = env;
  log(`\n${paint('1', 'Token endpoint down (503) while tokens are held')}`);
  let offsetMs = 0;
  let refreshFailures = 0;
  const bridged = bridge(env, {
    now: () => Date.now() + offsetMs,
    onEvent: (event) => {
      if (event.type === 'token.refresh_failed') refreshFailures += 1;
    },
  });
  const own = sdkOwnOAuth(env);
  mock.reset();
  await bridged.client.messages.list({ limit: 1 });
  await own.messages.list({ limit: 1 });
  mock.setFaults({ token: { status: 503 } });
  // 3 301 s into the 3 600 s token: inside refresh-ahead, so every call would like a new token.
  offsetMs = 3_301_000;
  const count = async (client) => {
    const results = await Promise.allSettled(
      Array.from({ length: OUTAGE_CALLS }, (_, i) =>
        i % 2
          ? client.messages.list({ limit: 1 })
          : client.messages.create({ to: TO, from: FROM, body: 'outage' }),
      ),
    );
    return results.filter((r) => r.status === 'fulfilled').length;
  };
  const ownOk = await count(own);
  const oursOk = await count(bridged.client);
  await bridged.manager.settled?.();
  mock.setFaults({});
  await bridged.close();
  printTable(
    [
      { label: 'SDK, its own OAuth provider', ok: `${ownOk}/${OUTAGE_CALLS}` },
      { label: 'SDK through @twilio-oauth/twilio', ok: `${oursOk}/${OUTAGE_CALLS}` },
    ],
    [
      ['label', 'Client'],
      ['ok', 'Calls that succeeded'],
    ],
  );
  if (oursOk !== OUTAGE_CALLS) {
    throw new Error(
      `outage scene: only ${oursOk} of ${OUTAGE_CALLS} calls succeeded through the bridge`,
    );
  }
  log(
    `The bridge kept serving its held token; its background refresh failed ${refreshFailures} time(s) and will try again.`,
  );
}

function bridge({ mock, TokenManager, twilioClient }, extra = {}) {
  const manager = new TokenManager({ ...mock.clientOptions(), ...extra });
  const client = twilioClient(manager, {
    accountSid: mock.accountSid,
    apiBaseUrl: mock.apiBaseUrl,
  });
  return { manager, client, close: () => manager.close() };
}

/**
 * The stock SDK with its ClientCredentialProvider, reaching the mock without interception: the
 * SDK's own RequestClient with its URLs moved onto the mock, for the API calls and for the token
 * requests. Those are made by the SDK's own token code (what its ApiTokenManager runs: the
 * OAuth v2 `token.create` on a no-auth client), given through the builder's setTokenManager
 * only because its default one builds a client the demo cannot point at the mock.
 */
function sdkOwnOAuth({ mock, sdk }) {
  const twilio = sdk('twilio');
  const { Client } = sdk('twilio/lib/base/BaseTwilio');
  const OauthBase = sdk('twilio/lib/rest/OauthBase');
  const V2 = sdk('twilio/lib/rest/oauth/V2').default;
  const { TokenListInstance } = sdk('twilio/lib/rest/oauth/v2/token');

  class MockRequestClient extends twilio.RequestClient {
    request(opts) {
      const url = new URL(opts.uri);
      return super.request({ ...opts, uri: `${mock.url}${url.pathname}${url.search}` });
    }
  }
  const [credentials] = mock.clients;
  const params = {
    grantType: 'client_credentials',
    clientId: credentials.clientId,
    clientSecret: credentials.clientSecret,
  };
  const tokenManager = {
    getParams: () => params,
    fetchToken: async () => {
      const client = new Client(undefined, undefined, { httpClient: new MockRequestClient() });
      client.setCredentialProvider(new twilio.NoAuthCredentialProvider());
      const token = await TokenListInstance(new V2(new OauthBase(client))).create(params);
      return token.accessToken;
    },
  };
  const provider = new twilio.ClientCredentialProviderBuilder()
    .setClientId(params.clientId)
    .setClientSecret(params.clientSecret)
    .setTokenManager(tokenManager)
    .build();
  const client = new twilio.Twilio(undefined, undefined, { httpClient: new MockRequestClient() });
  client.setCredentialProvider(provider);
  client.setAccountSid(mock.accountSid);
  return client;
}
