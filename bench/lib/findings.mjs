// What reading each peer's source (the versions pinned in package.json) says about its token
// handling; the measured rows of the peers section are quoted next to it.

/** Markdown notes on each peer's token behaviour, with this run's figures where they exist. */
export function peerFindings(peers) {
  const by = peers ? Object.fromEntries(peers.peers.map((p) => [p.peer, p.scenarios])) : {};
  const n = peers?.calls;
  const measured = (peer, key) =>
    by[peer]
      ? ` Measured: ${by[peer][key].tokenRequests} token requests for ${n} ${key} calls.`
      : '';
  return [
    '## Peer token behaviour (from their source)',
    '',
    '- **twilio 6.3.1** (`lib/credential_provider/ClientCredentialProvider.js`, ' +
      '`lib/auth_strategy/TokenAuthStrategy.js`, `lib/http/bearer_token/ApiTokenManager.js`, ' +
      '`lib/base/BaseTwilio.js`): `BaseTwilio.request()` calls `credentialProvider.toAuthStrategy()` ' +
      'for every API request, and `toAuthStrategy()` returns a *new* `TokenAuthStrategy` each time. ' +
      'The strategy does keep a token (reused while its JWT `exp`, decoded on every call, is more ' +
      'than 30 s away), but a new strategy starts empty, so every API call first POSTs to ' +
      '`https://oauth.twilio.com/v2/token`. `ApiTokenManager.fetchToken()` also builds a new `Client` ' +
      '(new `RequestClient`, new `https.Agent`) per token. No single flight, no refresh ahead, no retry ' +
      'of a 401 with a new token. The token request carries an empty `Authorization:` header ' +
      '(`NoAuthStrategy`). `OrgsCredentialProvider` / `OrgsTokenManager` are the same code for the ' +
      `Organizations API.${measured('twilio', 'sequential')}`,
    '- **@badgateway/oauth2-client 3.3.1** (`src/fetch-wrapper.ts`): `OAuth2Fetch` holds one token ' +
      'and shares one request among concurrent callers (`activeRefresh`); it accepts ' +
      '`refresh_token: null`. No expiry buffer (a token is used until `expiresAt`, computed when the ' +
      'response arrived), no refresh ahead without a refresh token (Twilio issues none), so once per ' +
      'lifetime callers wait for the token request; a 401 is retried once with a new token. Every ' +
      '`fetch` builds a `Request` and clones it; `getToken()` is an `async` method. Defaults to ' +
      `client_secret_basic (set to client_secret_post here).${measured('badgateway', 'concurrent')}`,
    '- **simple-oauth2 5.1.0**, hand-written cache: the token lives in a variable and ' +
      '`token.expired(60)` decides when to ask again; nothing shares a request in flight, so every ' +
      'caller that finds no valid token makes its own request (cold starts and every expiry).' +
      `${measured('simple-oauth2', 'concurrent')}`,
    '- **ours**: one request per credential for any number of concurrent callers, the cached token ' +
      'served from memory, a background refresh ahead of expiry, a 401 retried once with a new token.' +
      `${measured('ours', 'concurrent')}`,
  ].join('\n');
}
