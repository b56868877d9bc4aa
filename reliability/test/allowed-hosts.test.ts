// Where the bearer goes: manager.fetch() with URLs built to confuse a host check
// (userinfo, case, trailing dots, IDNs, ports, look-alike suffixes, IPv6,
// plain http, percent-encoding, backslashes, redirects). Loopback URLs reach
// real servers that record the Authorization header they receive; other names
// go to an injected fetch that records instead of sending.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  HostNotAllowedError,
  InvalidOptionsError,
  requestToken,
  TokenManager,
  TokenRequestError,
} from '@twilio-oauth/core';
import { type MockServer, startMockServer } from '@twilio-oauth/mock-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLIENT_ID, CLIENT_SECRET, SECRET_FORMS, startMock } from './helpers/mock';
import { section, writeResults } from './helpers/results';

const hosts = section(
  55,
  'Where the bearer goes (`allowedHosts`)',
  'A manager with `allowedHosts: ["*.twilio.com", "127.0.0.1", "[::1]", "localhost", "xn--bcher-kva.example"]` unless noted. Loopback URLs reach real servers on 127.0.0.1 and [::1] that record the `Authorization` header they get; other names reach an injected `fetch` that records instead of sending.',
);

interface Seen {
  /** `server` for a real loopback server, `injected` for the recording fetch. */
  readonly via: 'server' | 'injected';
  readonly host: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly body?: string;
}

const seen: Seen[] = [];
const servers: Server[] = [];
let mock: MockServer;
let port4 = 0;
let port6 = 0;
let ipv6 = true;

function recordingServer(
  host: string,
  answer?: (req: IncomingMessage, res: ServerResponse) => boolean,
): Promise<number> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      seen.push({
        via: 'server',
        host: req.headers.host ?? '',
        path: req.url ?? '',
        authorization: req.headers.authorization,
        body,
      });
      if (answer?.(req, res)) return;
      res.end('ok');
    });
  });
  servers.push(server);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve((server.address() as AddressInfo).port));
  });
}

/** Loopback goes out for real; any other host is recorded and answered here. */
const routingFetch: typeof globalThis.fetch = async (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (/^(127\.0\.0\.1|\[::1\]|localhost)$/.test(url.hostname)) return globalThis.fetch(input, init);
  seen.push({
    via: 'injected',
    host: url.hostname,
    path: url.pathname,
    authorization: new Headers(init?.headers).get('authorization') ?? undefined,
  });
  return new Response('injected');
};

let manager: TokenManager;
let token = '';

beforeAll(async () => {
  mock = await startMock();
  port4 = await recordingServer('127.0.0.1');
  port6 = await recordingServer('::1').catch(() => {
    ipv6 = false;
    return 0;
  });
  manager = new TokenManager({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    tokenUrl: mock.tokenUrl,
    fetch: routingFetch,
    allowedHosts: ['*.twilio.com', '127.0.0.1', '[::1]', 'localhost', 'xn--bcher-kva.example'],
  });
  token = (await manager.getToken()).accessToken;
});
beforeEach(() => {
  seen.length = 0;
});
afterAll(async () => {
  await manager?.close();
  await mock?.close();
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
  writeResults('allowed-hosts', [hosts]);
});

type Outcome = { sent: string } | { refused: string } | 'invalid';

/** What happened to one request: where the bearer went, or why nothing was sent. */
async function attempt(input: string | URL | Request, using = manager): Promise<Outcome> {
  const result = await using.fetch(input).then(
    (response) => response.text().then(() => undefined),
    (error: unknown) => error,
  );
  if (result instanceof HostNotAllowedError) {
    expect(seen, String(input)).toEqual([]);
    return { refused: result.host };
  }
  if (result instanceof TypeError && seen.length === 0) return 'invalid';
  if (result !== undefined) throw result;
  expect(seen, String(input)).toHaveLength(1);
  const [one] = seen;
  expect(one?.authorization, String(input)).toBe(`Bearer ${token}`);
  return { sent: one?.via === 'server' ? 'loopback server' : (one?.host ?? '') };
}

const sentCases: readonly (readonly [string, () => string, string])[] = [
  ['plain', () => 'https://api.twilio.com/2010-04-01/Accounts', 'api.twilio.com'],
  ['mixed case', () => 'https://API.Twilio.COM/x', 'api.twilio.com'],
  ['trailing dot', () => 'https://api.twilio.com./x', 'api.twilio.com.'],
  ['a port', () => 'https://api.twilio.com:8443/x', 'api.twilio.com'],
  ['percent-encoded dots', () => 'https://api%2Etwilio%2Ecom/x', 'api.twilio.com'],
  ['userinfo naming another host', () => 'https://evil.example@api.twilio.com/x', 'api.twilio.com'],
  ['backslashes for slashes', () => 'https:\\\\api.twilio.com\\x', 'api.twilio.com'],
  [
    'a backslash, then a look-alike path',
    () => 'https://api.twilio.com\\.evil.example/',
    'api.twilio.com',
  ],
  ['full-width letters', () => 'https://ａｐｉ.twilio.com/x', 'api.twilio.com'],
  ['ideographic full stops', () => 'https://api。twilio。com/x', 'api.twilio.com'],
  ['unicode IDN, punycode pattern', () => 'https://bücher.example/x', 'xn--bcher-kva.example'],
  ['http to 127.0.0.1', () => `http://127.0.0.1:${port4}/x`, 'loopback server'],
  ['http to 127.1 (short form)', () => `http://127.1:${port4}/x`, 'loopback server'],
  ['http to localhost', () => `http://localhost:${port4}/x`, 'loopback server'],
];

const refusedCases: readonly (readonly [string, () => string, string])[] = [
  ['userinfo before another host', () => 'https://api.twilio.com@evil.example/', 'evil.example'],
  [
    'twilio.com as a subdomain label',
    () => 'https://api.twilio.com.evil.example/',
    'api.twilio.com.evil.example',
  ],
  [
    '`*.twilio.com.evil.example`',
    () => 'https://x.twilio.com.evil.example/',
    'x.twilio.com.evil.example',
  ],
  ['look-alike suffix', () => 'https://eviltwilio.com/', 'eviltwilio.com'],
  ['look-alike with a dash', () => 'https://evil-twilio.com/', 'evil-twilio.com'],
  ['the bare domain (`*.` means subdomains)', () => 'https://twilio.com/', 'twilio.com'],
  ['IDN homograph (í)', () => 'https://api.twílio.com/', 'api.xn--twlio-0sa.com'],
  ['a backslash before userinfo', () => 'https://evil.example\\@api.twilio.com/', 'evil.example'],
  [
    'a tab inside the host',
    () => 'https://api.twilio.com\t.evil.example/',
    'api.twilio.com.evil.example',
  ],
  ['http to a Twilio host', () => 'http://api.twilio.com/x', 'api.twilio.com'],
  ['http to a loopback look-alike', () => 'http://127.0.0.1.nip.io/', '127.0.0.1.nip.io'],
  [
    'http to localhost as a label',
    () => 'http://localhost.evil.example/',
    'localhost.evil.example',
  ],
  ['IPv4-mapped IPv6 loopback', () => `http://[::ffff:127.0.0.1]:${port4}/`, '[::ffff:7f00:1]'],
];

describe('manager.fetch() and allowedHosts', () => {
  it('sends the bearer where allowed, to the host the check approved', async () => {
    for (const [label, url, destination] of sentCases) {
      seen.length = 0;
      expect(await attempt(url()), label).toEqual({ sent: destination });
    }
    if (ipv6) {
      for (const url of [`http://[::1]:${port6}/x`, `http://[0:0:0:0:0:0:0:1]:${port6}/x`]) {
        seen.length = 0;
        expect(await attempt(url), url).toEqual({ sent: 'loopback server' });
      }
    }
    hosts.rows.push({
      fault: `sent: ${sentCases.map(([label]) => label).join(', ')}${ipv6 ? ', http to [::1] and [0:0:0:0:0:0:0:1]' : ''}`,
      callers:
        'the bearer reaches exactly the host the WHATWG URL parser names (the one the check approved): case folded, trailing dot ignored, ports ignored, escapes and full-width forms decoded, `\\` read as `/`, IDNs compared in punycode',
      tokenRequests: '—',
      recovery: '—',
    });
  });

  it('refuses everything else before sending a byte', async () => {
    for (const [label, url, host] of refusedCases) {
      seen.length = 0;
      expect(await attempt(url()), label).toEqual({ refused: host });
    }
    // A Request object is checked like a string.
    expect(await attempt(new Request('https://evil.example/'))).toEqual({
      refused: 'evil.example',
    });
    // Loopback only when listed: the default list refuses it, and [::1] is not 127.0.0.1.
    const narrow = new TokenManager({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      tokenUrl: mock.tokenUrl,
      fetch: routingFetch,
      allowedHosts: ['127.0.0.1'],
    });
    const defaults = new TokenManager({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      tokenUrl: mock.tokenUrl,
      fetch: routingFetch,
    });
    try {
      expect(await attempt(`http://[::1]:${port6 || 1}/`, narrow)).toEqual({ refused: '[::1]' });
      expect(await attempt(`http://127.0.0.1:${port4}/`, defaults)).toEqual({
        refused: '127.0.0.1',
      });
    } finally {
      await narrow.close();
      await defaults.close();
    }
    for (const url of [
      'https://api.twilio.com%2F.evil.example/',
      'https://api.twilio.com%00.x/',
      '/relative',
    ]) {
      seen.length = 0;
      expect(await attempt(url), url).toBe('invalid');
    }
    hosts.rows.push({
      fault: `refused: ${refusedCases.map(([label]) => label).join(', ')}; a \`Request\` to another host; [::1] when only 127.0.0.1 is listed; loopback under the default list`,
      callers:
        '`HostNotAllowedError` naming the parsed host; nothing reached any server (invalid URLs such as `%2F` or `%00` in the host, or a relative URL, reject with `TypeError`, nothing sent)',
      tokenRequests: '—',
      recovery: '—',
    });
  });

  it('does not carry the bearer across a redirect to another origin', async () => {
    const target = await recordingServer('127.0.0.1');
    const redirecting = await recordingServer('127.0.0.1', (req, res) => {
      if (req.url === '/same') {
        res.writeHead(302, { location: '/landed' });
      } else if (req.url === '/away') {
        res.writeHead(307, { location: `http://localhost:${target}/landed` });
      } else return false;
      res.end();
      return true;
    });
    const narrow = new TokenManager({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      tokenUrl: mock.tokenUrl,
      allowedHosts: ['127.0.0.1'],
    });
    try {
      seen.length = 0;
      const bearer = (await narrow.getAuthorizationHeader()) as string;
      expect((await narrow.fetch(`http://127.0.0.1:${redirecting}/away`)).status).toBe(200);
      expect(seen.map((s) => [s.path, s.authorization])).toEqual([
        ['/away', bearer],
        ['/landed', undefined],
      ]);
      seen.length = 0;
      expect((await narrow.fetch(`http://127.0.0.1:${redirecting}/same`)).status).toBe(200);
      expect(seen.map((s) => [s.path, s.authorization])).toEqual([
        ['/same', bearer],
        ['/landed', bearer],
      ]);
    } finally {
      await narrow.close();
    }
    hosts.rows.push({
      fault: 'an allowed host redirects (307) to a host that is not allowed',
      callers:
        "the redirect is followed without the bearer (Node's fetch drops `Authorization` across origins; the core itself does not check redirect targets) · a same-origin redirect keeps it",
      tokenRequests: '—',
      recovery: '—',
    });
  });

  it('never follows a redirect from the token endpoint (the secret stays put)', async () => {
    const target = await recordingServer('127.0.0.1');
    const tokenServer = await recordingServer('127.0.0.1', (_req, res) => {
      res.writeHead(307, { location: `http://127.0.0.1:${target}/stolen` });
      res.end();
      return true;
    });
    seen.length = 0;
    const error = await requestToken({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      tokenUrl: `http://127.0.0.1:${tokenServer}/v2/token`,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ code: 'invalid_response', status: 307, attempts: 1 });
    expect(seen.map((s) => s.path)).toEqual(['/v2/token']);
    for (const form of SECRET_FORMS) expect(JSON.stringify(seen.slice(1))).not.toContain(form);
    hosts.rows.push({
      fault: 'the token endpoint answers 307 to another server',
      callers:
        '`invalid_response` (HTTP 307, 1 attempt); the redirect is not followed, so the secret is posted nowhere else',
      tokenRequests: '1',
      recovery: '—',
    });
  });

  // Was a bug, found by this suite and fixed in core: bearerFetch (packages/core/src/fetch.ts) checks `new URL(String(input))` but then
  // hands the original `input` to fetch, which converts it to a string again. An input
  // whose string form changes between the two reads (here a URL subclass, a legal
  // `RequestInfo | URL`) gets the bearer sent to a host that was never checked.
  it('checks the very URL it sends to (an input that stringifies differently twice)', async () => {
    hosts.rows.push({
      fault: 'a `URL` subclass whose `toString()` names an allowed host first, another host next',
      callers:
        'the URL parsed once is both checked and sent: the bearer goes to the checked host only',
      tokenRequests: '—',
      recovery: '—',
    });
    class Shifty extends URL {
      #reads = 0;
      override toString(): string {
        this.#reads += 1;
        return this.#reads === 1 ? 'https://api.twilio.com/x' : 'https://evil.example/x';
      }
    }
    seen.length = 0;
    const outcome = await attempt(new Shifty('https://api.twilio.com/x')).catch((e: unknown) => e);
    expect(seen.filter((s) => s.host === 'evil.example')).toEqual([]);
    expect(outcome).toEqual({ sent: 'api.twilio.com' });
  });
});

describe('the token URL', () => {
  const tokenFrom = async (tokenUrl: string, server = mock) => {
    const before = server.stats().tokensIssued;
    const m = new TokenManager({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, tokenUrl });
    try {
      await m.getToken();
    } finally {
      await m.close();
    }
    return server.stats().tokensIssued - before;
  };

  it('accepts https and loopback http in any spelling the URL parser normalises', async () => {
    const port = new URL(mock.tokenUrl).port;
    for (const url of [
      `HTTP://127.0.0.1:${port}/v2/token`,
      `http://127.1:${port}/v2/token`,
      `http://0x7f.0.0.1:${port}/v2/token`,
      `http:\\\\127.0.0.1:${port}\\v2\\token`,
      `http://localhost:${port}/v2/token`,
    ]) {
      expect(await tokenFrom(url), url).toBe(1);
    }
    if (ipv6) {
      const mock6 = await startMockServer({
        host: '::1',
        clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }],
      });
      try {
        expect(mock6.tokenUrl).toMatch(/^http:\/\/\[::1\]:/);
        expect(await tokenFrom(mock6.tokenUrl, mock6)).toBe(1);
      } finally {
        await mock6.close();
      }
    }
    hosts.rows.push({
      fault:
        'token URL: upper-case scheme, `127.1`, `0x7f.0.0.1`, backslashes, `localhost`, `[::1]`',
      callers: 'accepted (normalised by the URL parser); a token is obtained over loopback http',
      tokenRequests: '1 each',
      recovery: '—',
    });
  });

  it('refuses plain http to anything but loopback, and other schemes, at construction', () => {
    for (const url of [
      'http://oauth.twilio.com/v2/token',
      'http://localhost.evil.example/v2/token',
      'http://127.0.0.1.nip.io/v2/token',
      'http://[::ffff:127.0.0.1]/v2/token',
      'http://localhost./v2/token',
      'ftp://oauth.twilio.com/v2/token',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'oauth.twilio.com/v2/token',
    ]) {
      let thrown: unknown;
      try {
        new TokenManager({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, tokenUrl: url });
      } catch (error) {
        thrown = error;
      }
      expect(thrown, url).toBeInstanceOf(InvalidOptionsError);
      expect(thrown, url).toMatchObject({ option: 'tokenUrl' });
    }
    hosts.rows.push({
      fault:
        'token URL: http to a non-loopback host, `localhost.evil.example`, `127.0.0.1.nip.io`, IPv4-mapped loopback, `localhost.` (trailing dot), ftp:, file:, javascript:, no scheme',
      callers: '`InvalidOptionsError` (`tokenUrl`) when the manager is created',
      tokenRequests: '0',
      recovery: '—',
    });
  });

  // Was a bug, found by this suite and fixed in core: exchangeConfig() (packages/core/src/options.ts) accepts a token URL with userinfo
  // (`https://user:password@host/…`). Node's fetch refuses such URLs, so every request
  // fails (network_error, after all retries) instead of the option failing fast; and the
  // password becomes part of `manager.key`, hence of every event's `key` and of what
  // `JSON.stringify(manager)` / `util.inspect(manager)` print. Expected: InvalidOptionsError
  // (`tokenUrl`) at construction, the password nowhere.
  it('refuses a token URL with credentials in it, without echoing them', () => {
    hosts.rows.push({
      fault: 'token URL with userinfo: `https://user:password@oauth.example.test/v2/token`',
      callers: '`InvalidOptionsError` (`tokenUrl`) at construction; the password appears nowhere',
      tokenRequests: '0',
      recovery: '—',
    });
    const password = 'pa55-in-the-url-8e1c';
    let thrown: unknown;
    let built: TokenManager | undefined;
    try {
      built = new TokenManager({
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        tokenUrl: `https://user:${password}@oauth.example.test/v2/token`,
      });
    } catch (error) {
      thrown = error;
    }
    expect(built?.key ?? '').not.toContain(password);
    expect(thrown).toBeInstanceOf(InvalidOptionsError);
    expect(thrown).toMatchObject({ option: 'tokenUrl' });
    expect(String(thrown)).not.toContain(password);
  });
});
