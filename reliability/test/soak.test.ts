// Soak: simulated days of tokens under steady concurrent load, with faults injected on
// a schedule (see ./helpers/soak). Two runs:
// - Node: the core's TokenManager, 30 days of hourly tokens; also a flat heap.
// - workerd: the Hono app as a Worker in miniflare, one day of 10-minute tokens (so
//   that every request needing a renewal, every refresh ahead and every fault meets a
//   manager made by an earlier request of the isolate).
// Asserted for both: no caller fails while a valid token exists, service resumes as
// each fault ends, one token per lifetime (a new one only once the last is stale, or
// after the API refused it), every extra request accounted for by a fault.
import { TokenManager } from '@twilio-oauth/core';
import type { MockServer } from '@twilio-oauth/mock-server';
import { afterAll, describe, expect, it } from 'vitest';
import { CLIENT_ID, CLIENT_SECRET, messagesUrl, startMock } from './helpers/mock';
import { section, writeResults } from './helpers/results';
import { DAY_MS, HOUR_MS, MINUTE_MS, type SoakOutcome, type SoakPlan, soak } from './helpers/soak';
import { WorkerdHost } from './helpers/workerd';

const GET_TOKEN_CALLS = 8;
const FETCH_CALLS = 1;
const WORKERD_GET_TOKEN_CALLS = 4;
const TIMEOUT_MS = 100;
const RETRY = { maxAttempts: 3, baseDelayMs: 0, maxRetryAfterMs: 0 };

const soakSection = section(70, 'Soak', '');
const mocks: MockServer[] = [];

afterAll(async () => {
  await Promise.all(mocks.map((mock) => mock.close()));
  writeResults('soak', [soakSection]);
});

/** Heap in use after a full collection (the suite runs with --expose-gc). */
const heapUsed = (gc: () => void) => {
  gc();
  return process.memoryUsage().heapUsed;
};

/** Assertions both runs share; answers the number of requests beyond one per token. */
function expectHealthy(
  outcome: SoakOutcome,
  limits: {
    lifetimeMs: number;
    refreshAheadMs: number;
    maxStepMs: number;
    durationMs: number;
    callsPerStep: number;
  },
): number {
  // No caller failed while a valid token existed, and service resumed as each fault ended.
  expect(outcome.failuresWithToken).toEqual([]);
  expect(outcome.notResumed).toEqual([]);
  // Failures happened only once the last token had expired (in the long outage).
  expect(outcome.failuresWithoutToken).toBeGreaterThan(0);
  expect(outcome.failuresWithoutToken).toBeLessThan(40 * limits.callsPerStep);

  // One token per lifetime: a new one only once the previous was stale (or refused by the API).
  const { issued } = outcome;
  const early = issued.filter((token, i) => {
    const previous = issued[i - 1];
    return previous && !token.afterRevoke && token.at < previous.expiresAt - limits.refreshAheadMs;
  });
  expect(early).toEqual([]);
  const revocations = outcome.windows.filter((w) => w.faults === 'revoke').length;
  const shortest = limits.lifetimeMs - limits.refreshAheadMs - limits.maxStepMs;
  expect(issued.length).toBeLessThanOrEqual(
    Math.ceil(limits.durationMs / shortest) + revocations + 1,
  );
  expect(issued.length).toBeGreaterThanOrEqual(limits.durationMs / limits.lifetimeMs);

  // Every token request is either the one that got a token or an attempt that met a fault.
  const { counts } = outcome;
  expect(counts.issuedAttempts + counts.failedAttempts).toBe(counts.requested);
  const extra = counts.requested - issued.length;
  expect(extra).toBeLessThanOrEqual(3 * counts.failedExchanges + 2 * issued.length);
  return extra;
}

const faultNames = (outcome: SoakOutcome) => [...new Set(outcome.windows.map((w) => w.name))];

describe('30 days of hourly tokens (Node, the core)', () => {
  it('serves every caller while a valid token exists, with one token per lifetime and a flat heap', {
    timeout: 90_000,
  }, async () => {
    const gc = globalThis.gc;
    if (typeof gc !== 'function') throw new Error('run with --expose-gc (see vitest.config.ts)');
    const DAYS = 30;
    const plan: SoakPlan = {
      startMs: Date.parse('2031-03-01T00:00:00Z'),
      durationMs: DAYS * DAY_MS,
      faultPeriodMs: DAY_MS,
      faultScale: 1,
      outage: { atMs: 15 * DAY_MS + 3 * HOUR_MS, minutes: 90 },
      stepMinutes: { min: 1, max: 5 },
      seed: 20310301,
    };
    const mock = await startMock();
    mocks.push(mock);
    const api = messagesUrl(mock);
    let manager: TokenManager | undefined;
    const heap: number[] = [];
    let outcome: SoakOutcome;
    try {
      outcome = await soak(
        plan,
        mock,
        async (now, onEvent) => {
          const m = new TokenManager({
            clientId: CLIENT_ID,
            clientSecret: CLIENT_SECRET,
            tokenUrl: mock.tokenUrl,
            allowedHosts: ['127.0.0.1'],
            now,
            timeoutMs: TIMEOUT_MS,
            retry: RETRY,
            onEvent,
          });
          manager = m;
          return {
            burst: () =>
              Promise.allSettled([
                ...Array.from({ length: GET_TOKEN_CALLS }, () => m.getToken()),
                ...Array.from({ length: FETCH_CALLS }, () =>
                  m.fetch(api).then(async (response) => {
                    await response.arrayBuffer();
                    if (response.status !== 200) throw new Error(`API answered ${response.status}`);
                  }),
                ),
              ]),
            settle: () => m.settled(),
          };
        },
        (day) => {
          if (day === 2 || day % 7 === 0 || day === DAYS) heap.push(heapUsed(gc));
        },
      );
    } finally {
      await manager?.close();
    }
    const stats = mock.stats();
    const extra = expectHealthy(outcome, {
      lifetimeMs: HOUR_MS,
      refreshAheadMs: 300_000,
      maxStepMs: 5 * MINUTE_MS,
      durationMs: plan.durationMs,
      callsPerStep: GET_TOKEN_CALLS + FETCH_CALLS,
    });
    // (On a busy machine an attempt may time out before the mock reads it, or after the mock
    // issued a token: the client's own count is the exact one.)
    expect(stats.tokenRequests).toBeLessThanOrEqual(outcome.counts.requested);
    expect(stats.tokensIssued).toBeGreaterThanOrEqual(outcome.issued.length);

    // Heap: flat from day 2 to day 30.
    const [baseline = 0, ...later] = heap;
    const growthMb = (Math.max(...later) - baseline) / 2 ** 20;
    expect(growthMb).toBeLessThan(4);

    soakSection.intro = `Manager clock and mock clock moved together in steps of a few minutes; at each step a burst of concurrent calls, then the background refresh (if any) is let finish. Retries 3 without delay, timeout ${TIMEOUT_MS} ms. One fault per period at a pseudo-random time (fixed seed), rotating: ${faultNames(outcome).join('; ')}.`;
    soakSection.rows.push({
      fault: `core (Node): ${outcome.calls} calls over ${DAYS} days (${outcome.steps} steps of 1–5 min, each ${GET_TOKEN_CALLS} concurrent \`getToken()\` and ${FETCH_CALLS} \`fetch()\` to the Messages API, then \`settled()\`), 1-h tokens, \`refreshAheadSeconds\` 300, ${outcome.windows.length} fault windows (one a day)`,
      callers: `0 failures while a valid token existed; ${outcome.failuresWithoutToken} failures, all after the last token had expired, during: ${[...outcome.failedDuring].join('; ')}`,
      tokenRequests: `${stats.tokensIssued} tokens issued (≥ ${plan.durationMs / HOUR_MS} lifetimes of 1 h, each new token only after the previous one turned stale or was refused by the API); ${extra} more requests, all attempts that met a fault (${outcome.counts.failedExchanges} failed exchanges)`,
      recovery: `every fault window ended with service resumed at the next step; heap growth day 2 → day 30 under 4 MB (measured ${growthMb.toFixed(2)} MB); wall time ${(outcome.wallMs / 1000).toFixed(1)} s`,
    });
  });
});

describe('a day of 10-minute tokens (Hono on workerd)', () => {
  it('serves every request while a valid token exists, renewing across requests of the isolate', {
    timeout: 90_000,
  }, async () => {
    const LIFETIME_S = 600;
    const REFRESH_AHEAD_S = 120;
    const plan: SoakPlan = {
      startMs: Date.parse('2031-06-01T00:00:00Z'),
      durationMs: DAY_MS,
      faultPeriodMs: 2 * HOUR_MS,
      faultScale: 0.25,
      outage: { atMs: 15 * HOUR_MS + 30 * MINUTE_MS, minutes: 25 },
      stepMinutes: { min: 1, max: 4 },
      seed: 20310601,
    };
    const mock = await startMock({ tokenTtlSeconds: LIFETIME_S });
    mocks.push(mock);
    const host = await WorkerdHost.start({
      CLIENT_ID,
      CLIENT_SECRET,
      TOKEN_URL: mock.tokenUrl,
      MESSAGES_URL: messagesUrl(mock),
    });
    let outcome: SoakOutcome;
    try {
      outcome = await soak(plan, mock, async (now, onEvent) => {
        const app = host.adapter({
          messagesUrl: messagesUrl(mock),
          options: {
            clientId: CLIENT_ID,
            clientSecret: CLIENT_SECRET,
            allowedHosts: ['127.0.0.1'],
            timeoutMs: TIMEOUT_MS,
            retry: RETRY,
            refreshAheadSeconds: REFRESH_AHEAD_S,
            expiryBufferSeconds: 30,
            now,
            onEvent,
          },
          hooks: { arrive: () => {}, error: () => {}, response: () => {} },
        });
        const expectOk = async (route: 'token' | 'messages') => {
          const call = await app.call(route);
          if (call.status !== 200) throw new Error(`${route}: HTTP ${call.status} ${call.body}`);
        };
        return {
          burst: () =>
            Promise.allSettled([
              ...Array.from({ length: WORKERD_GET_TOKEN_CALLS }, () => expectOk('token')),
              ...Array.from({ length: FETCH_CALLS }, () => expectOk('messages')),
            ]),
          settle: () => app.settle?.() ?? Promise.resolve(),
        };
      });
    } finally {
      await host.close();
    }
    const extra = expectHealthy(outcome, {
      lifetimeMs: LIFETIME_S * 1000,
      refreshAheadMs: REFRESH_AHEAD_S * 1000,
      maxStepMs: 4 * MINUTE_MS,
      durationMs: plan.durationMs,
      callsPerStep: WORKERD_GET_TOKEN_CALLS + FETCH_CALLS,
    });
    const renewedAhead = outcome.issued.filter((token, i) => {
      const previous = outcome.issued[i - 1];
      return previous && token.at < previous.expiresAt;
    }).length;
    // Most renewals happened ahead of expiry, in the background of a request already answered.
    expect(renewedAhead).toBeGreaterThan(outcome.issued.length / 2);

    soakSection.rows.push({
      fault: `Hono on workerd (miniflare, one isolate, options from bindings): ${outcome.calls} requests over 1 day (${outcome.steps} steps of 1–4 min, each ${WORKERD_GET_TOKEN_CALLS} concurrent \`GET /token\` and ${FETCH_CALLS} \`GET /messages\`), 10-min tokens, \`refreshAheadSeconds\` 120, \`expiryBufferSeconds\` 30, ${outcome.windows.length} fault windows (one every 2 h, a quarter as long)`,
      callers: `0 failed requests while a valid token existed; ${outcome.failuresWithoutToken} failures, all after the last token had expired, during: ${[...outcome.failedDuring].join('; ')}`,
      tokenRequests: `${outcome.issued.length} tokens issued (≥ ${plan.durationMs / (LIFETIME_S * 1000)} lifetimes of 10 min), ${renewedAhead} of them refreshed ahead of expiry; ${extra} more requests, all attempts that met a fault (${outcome.counts.failedExchanges} failed exchanges)`,
      recovery: `every fault window ended with service resumed at the next step; wall time ${(outcome.wallMs / 1000).toFixed(1)} s`,
    });
  });
});
