// A client secret read from a vault for each exchange (issue 16): every adapter accepts the
// function form, and a rotation between two reads costs one retried exchange, not an outage.

import type { MockServer } from '@twilio-oauth/mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS, type Hooks, startAdapter } from './helpers/adapters';
import { CLIENT_ID, CLIENT_SECRET, messagesUrl, startMock } from './helpers/mock';
import { section, writeResults } from './helpers/results';

const OLD_SECRET = 'rotated-away-0c9e11';
const rows = section(
  57,
  'Secret rotation through every adapter',
  'The options give `clientSecret` as a function (a vault). Its first read returns a secret the token endpoint no longer accepts; every later read the new one, as after a rotation. One `GET /token` per adapter.',
);
const quiet: Hooks = { arrive: () => {}, error: () => {}, response: () => {} };

let mock: MockServer;
beforeAll(async () => {
  mock = await startMock();
});
afterAll(async () => {
  await mock.close();
  writeResults('secret-rotation', [rows]);
});

describe('clientSecret as a function', () => {
  for (const adapter of ADAPTERS) {
    it(`${adapter}: invalid_client, then the rotated secret, one call that succeeds`, async () => {
      mock.reset();
      const reads: string[] = [];
      const app = await startAdapter(adapter, {
        messagesUrl: messagesUrl(mock),
        hooks: quiet,
        options: {
          clientId: CLIENT_ID,
          clientSecret: async () => {
            reads.push(reads.length === 0 ? 'old' : 'new');
            return reads.length === 1 ? OLD_SECRET : CLIENT_SECRET;
          },
          tokenUrl: mock.tokenUrl,
          allowedHosts: ['127.0.0.1'],
        },
      });
      try {
        const first = await app.call('token');
        expect(first.status, adapter).toBe(200);
        expect(first.body).not.toContain(CLIENT_SECRET);
        expect(reads).toEqual(['old', 'new']);
        expect(mock.stats()).toMatchObject({ tokenRequests: 2, tokensIssued: 1 });
        // Cached from now on: the function is not read for a cached token.
        expect((await app.call('messages')).status, adapter).toBe(200);
        expect(reads).toHaveLength(2);
      } finally {
        await app.close();
      }
      rows.rows.push({
        fault: `${adapter}: secret rotated between two reads`,
        callers: '200 on the first call',
        tokenRequests: '2 (the old secret refused with 322402, then the new one)',
        recovery: 'the function is not read again while the token is cached',
      });
    });
  }
});
