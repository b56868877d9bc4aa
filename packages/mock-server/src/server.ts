import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ADMIN_PREFIX, handleAdmin } from './admin-endpoint';
import { API_PREFIX, handleApi } from './api-endpoint';
import type { ServerContext } from './context';
import { FaultState } from './faults';
import { requestPath, sendJson, twilioError } from './http';
import { TokenSigner } from './jwt';
import { MessageStore } from './messages';
import { ORGANIZATION_SID_PATTERN, resolveOptions } from './options';
import { handleOrganizations, ORGANIZATIONS_PREFIX } from './organizations/endpoint';
import { OrganizationStore } from './organizations/store';
import { StatsCounter } from './stats';
import { handleToken, TOKEN_PATH, TOKEN_PATHS } from './token-endpoint';
import type { MockClient, MockClientOptions, MockServer, MockServerOptions } from './types';

// Wildcard binds are reachable on loopback; the URL must name an address a client can dial.
const urlHost = (host: string, family: string): string => {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return family === 'IPv6' || host.includes(':') ? `[${host.replace(/^\[|\]$/g, '')}]` : host;
};

function clientOptions(
  given: MockClient | string,
  clients: readonly MockClient[],
  tokenUrl: string,
  url: string,
): MockClientOptions {
  const client = typeof given === 'string' ? clients.find((c) => c.clientId === given) : given;
  if (typeof given === 'string' && client === undefined) {
    // Client ids are public (they appear in every token request); only secrets are never shown.
    throw new TypeError(`Invalid argument "client": no client "${given}" on this server`);
  }
  if (typeof client !== 'object' || client === null) {
    throw new TypeError(
      'Invalid argument "client": must be a client id or { clientId, clientSecret } (leave it out for clients[0])',
    );
  }
  const { clientId, clientSecret } = client;
  return { clientId, clientSecret, tokenUrl, allowedHosts: [new URL(url).hostname] };
}

function addAccount(store: OrganizationStore, organizationSid: string, friendlyName: string) {
  if (typeof organizationSid !== 'string' || !ORGANIZATION_SID_PATTERN.test(organizationSid)) {
    throw new TypeError(
      'Invalid argument "organizationSid": must be "OR" followed by 32 hex digits',
    );
  }
  if (typeof friendlyName !== 'string' || friendlyName.length === 0 || friendlyName.length > 255) {
    throw new TypeError('Invalid argument "friendlyName": must be 1 to 255 characters');
  }
  return { ...store.addAccount(organizationSid, friendlyName) };
}

/**
 * Starts a local emulator of Twilio's Token API (`POST /v2/token`, client credentials) and of the
 * Messages API (`GET|POST /2010-04-01/Accounts/{AccountSid}/Messages.json`), with fault injection,
 * counters and admin endpoints under `/__mock/`. It imports nothing but Node built-ins and logs
 * nothing.
 *
 * @param options all optional; clients and the account SID are generated when omitted.
 * @returns the running server; call `close()` (or `await using`) when done.
 * @throws {TypeError} when an option is invalid (the message names it, never a secret).
 * @throws the listen error (e.g. `EADDRINUSE`) when the port cannot be bound.
 * @example
 * import { startMockServer, type MockServer } from '@twilio-oauth/mock-server';
 *
 * let server: MockServer;
 * beforeAll(async () => { server = await startMockServer({ tokenTtlSeconds: 600 }); });
 * afterAll(() => server.close());
 *
 * test('gets a token', async () => {
 *   const [{ clientId, clientSecret }] = server.clients;
 *   const res = await fetch(server.tokenUrl, {
 *     method: 'POST',
 *     body: new URLSearchParams({
 *       grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret,
 *     }),
 *   });
 *   expect(res.status).toBe(200);
 * });
 */
export async function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const resolved = resolveOptions(options);
  let now = resolved.now;
  const sleeps = new Set<() => void>();
  const stats = new StatsCounter(resolved.clients.map((client) => client.clientId));
  const faults = new FaultState();
  const messages = new MessageStore();
  const organizations = new OrganizationStore(resolved.accountSid, () => now());

  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const url = `http://${urlHost(resolved.host, address.family)}:${address.port}`;
  const tokenUrl = `${url}${TOKEN_PATH}`;

  const ctx: ServerContext = {
    clients: new Map(resolved.clients.map((client) => [client.clientId, client.clientSecret])),
    tokenTtlSeconds: resolved.tokenTtlSeconds,
    tokenErrorFormat: resolved.tokenErrorFormat,
    signer: new TokenSigner(url),
    stats,
    faults,
    messages,
    organizations,
    organizationOf: new Map(
      resolved.clients.flatMap((client) =>
        client.organizationSid === undefined ? [] : [[client.clientId, client.organizationSid]],
      ),
    ),
    url,
    now: () => now(),
    sleep: (ms) =>
      new Promise<boolean>((resolve) => {
        const cancel = (): void => {
          clearTimeout(timer);
          sleeps.delete(cancel);
          resolve(false);
        };
        const timer = setTimeout(() => {
          sleeps.delete(cancel);
          resolve(true);
        }, ms);
        sleeps.add(cancel);
      }),
  };

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const cancel of [...sleeps]) cancel();
      // Idle keep-alive sockets and hung requests would otherwise keep close() waiting forever.
      server.closeAllConnections();
    });
    return closing;
  };

  const mock: MockServer = {
    url,
    tokenUrl,
    apiBaseUrl: url,
    port: address.port,
    accountSid: resolved.accountSid,
    clients: resolved.clients,
    // Only a missing argument means the first client: an `undefined` passed is refused.
    clientOptions: (...client: [] | [MockClient | string]) =>
      clientOptions(
        client.length === 0 ? resolved.clients[0] : client[0],
        resolved.clients,
        tokenUrl,
        url,
      ),
    stats: () => stats.snapshot(),
    setFaults: (next) => faults.set(next),
    faults: () => faults.current(),
    reset: () => {
      stats.reset();
      faults.clear();
      messages.clear();
      organizations.clear();
    },
    revokeTokens: () => ctx.signer.rotate(),
    setClock: (clock) => {
      if (typeof clock !== 'function') {
        throw new TypeError('Invalid argument "now": must be a function returning epoch ms');
      }
      now = clock;
    },
    messages: (accountSid = resolved.accountSid) => messages.list(accountSid),
    addOrganizationAccount: (organizationSid, friendlyName = 'Mock account') =>
      addAccount(organizations, organizationSid, friendlyName),
    close,
    [Symbol.asyncDispose]: close,
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = requestPath(req);
    if (TOKEN_PATHS.has(path)) await handleToken(ctx, req, res);
    else if (path.startsWith(API_PREFIX)) await handleApi(ctx, req, res);
    else if (path.startsWith(ORGANIZATIONS_PREFIX)) await handleOrganizations(ctx, req, res);
    else if (path.startsWith(ADMIN_PREFIX)) await handleAdmin(mock, req, res);
    else sendJson(res, 404, twilioError(404, 20404, 'The requested resource was not found.'));
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    route(req, res).catch(() => {
      // A bug in a handler must not take the test run down; the client sees a 500.
      sendJson(res, 500, twilioError(500, 20500, 'Internal server error.'));
    });
  });

  return mock;
}
