// A token endpoint that answers 200 with an access_token holding a line feed.
// RFC 6749 (A.12) makes that an invalid response; the core accepts it, and the
// first fetch() then fails inside `new Headers()` with a TypeError whose message
// quotes the whole "Bearer <token>" value, which each framework then logs or
// renders. Kept apart from the fault matrix so that its leak check stays green.
import type { MockServer } from '@twilio-oauth/mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS, type AdapterName, type Call, startAdapter } from './helpers/adapters';
import { LeakCapture } from './helpers/capture';
import { CLIENT_ID, CLIENT_SECRET, messagesUrl, startMock } from './helpers/mock';
import { section, writeResults } from './helpers/results';

const TOKEN_HEAD = 'eyJhbGciOiJIUzI1NiJ9.LEAK-part-one-7f3a9c';
const TOKEN_TAIL = 'LEAK-part-two-41b8e0';
const hostileToken = `${TOKEN_HEAD}\n${TOKEN_TAIL}`;

const leaks = section(
  61,
  'Leaks from a hostile token response',
  'The mock token endpoint answers 200 with `{"access_token": "<jwt-like>\\n<more>", "token_type": "Bearer", "expires_in": 3600}`; each adapter serves `GET /token` and `GET /messages` with everything captured as in the leak check above.',
);

let mock: MockServer;
beforeAll(async () => {
  mock = await startMock();
});
afterAll(async () => {
  await mock?.close();
  writeResults('hostile-token', [leaks]);
});

/** Where a capture came from, in the words of the report. */
const kindOf = (where: string): string =>
  where.includes(' response')
    ? 'the HTTP answer'
    : where.startsWith('console')
      ? 'console'
      : /^std(out|err)/.test(where)
        ? where.slice(0, 6)
        : 'the error (message, stack, inspect)';

interface Observed {
  readonly adapter: AdapterName;
  readonly token: Call;
  readonly messages: Call;
  readonly again: Call;
  readonly tokenRequests: number;
  readonly leakedInto: readonly string[];
}

async function observe(adapter: AdapterName): Promise<Observed> {
  const capture = new LeakCapture();
  mock.reset();
  mock.setFaults({
    token: {
      body: JSON.stringify({ access_token: hostileToken, token_type: 'Bearer', expires_in: 3600 }),
    },
  });
  capture.install();
  const app = await startAdapter(adapter, {
    messagesUrl: messagesUrl(mock),
    options: {
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      tokenUrl: mock.tokenUrl,
      allowedHosts: ['127.0.0.1'],
      onEvent: (event) => capture.event(adapter, event),
    },
    hooks: {
      arrive: () => {},
      error: (where, error) => capture.error(`${adapter} ${where}`, error),
      response: (where, answer) => capture.response(where, answer),
    },
  });
  try {
    const token = await app.call('token');
    const messages = await app.call('messages');
    const again = await app.call('messages');
    return {
      adapter,
      token,
      messages,
      again,
      tokenRequests: mock.stats().tokenRequests,
      leakedInto: [...new Set(capture.find([TOKEN_HEAD, TOKEN_TAIL]).map(kindOf))],
    };
  } finally {
    capture.uninstall();
    await app.close();
  }
}

describe('a token with a line feed', () => {
  // Was a bug, found by this suite and fixed in core: parseSuccess (packages/core/src/request-token.ts) accepts any non-empty string as
  // access_token. One holding CR, LF or NUL is handed out by getToken() and breaks every
  // fetch(): undici's TypeError ("Headers.set: \"Bearer …\" is an invalid header value")
  // quotes the token, and Express (development), Hono and Nest log it; Express also puts
  // it in the 500 page. Expected: `invalid_response` (502), and the token nowhere.
  it('is refused as invalid_response and appears nowhere', async () => {
    const observed: Observed[] = [];
    for (const adapter of ADAPTERS) observed.push(await observe(adapter));
    leaks.rows.push({
      fault: '200 with `access_token` containing a line feed',
      callers: `\`GET /token\`: ${observed.map((o) => `${o.adapter} ${o.token.status}`).join(', ')} · \`GET /messages\`: ${observed.map((o) => `${o.adapter} ${o.messages.status}`).join(', ')} · the token appeared in: ${observed.map((o) => `${o.adapter}: ${o.leakedInto.join(', ') || 'nowhere'}`).join('; ')}`,
      tokenRequests: [...new Set(observed.map((o) => o.tokenRequests))].join(', '),
      recovery: `nothing cached; the next calls get the same \`invalid_response\` at once for \`failFastMs\`, then one request asks again (${observed.map((o) => `${o.adapter} ${o.again.status}`).join(', ')})`,
    });
    for (const o of observed) {
      expect(o.token.status, o.adapter).toBe(502);
      expect(o.messages.status, o.adapter).toBe(502);
      expect(o.again.status, o.adapter).toBe(502);
      // A malformed answer fails fast like any other: one token request for three calls.
      expect(o.tokenRequests, o.adapter).toBe(1);
      expect(o.leakedInto, o.adapter).toEqual([]);
    }
  });
});
