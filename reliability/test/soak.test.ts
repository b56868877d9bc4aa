// Soak: 30 simulated days of hourly tokens under steady concurrent load, with
// faults injected on a schedule. The manager's clock and the mock server's
// clock move together in steps of 1 to 5 minutes; at each step a burst of
// concurrent getToken() and fetch() calls runs, then manager.settled() lets any
// background refresh finish. Asserted: no caller fails while a valid token
// exists, one token per lifetime (a new one only once the last is stale, or
// after the API refused it), every extra request accounted for by a fault,
// and a flat heap.
import { type TokenEvent, TokenManager, type TokenRequestError } from '@twilio-oauth/core';
import type { Faults, MockServer } from '@twilio-oauth/mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_ID, CLIENT_SECRET, messagesUrl, startMock } from './helpers/mock';
import { section, writeResults } from './helpers/results';

const DAYS = 30;
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const REFRESH_AHEAD_MS = 300_000;
const GET_TOKEN_CALLS = 8;
const FETCH_CALLS = 1;

const soak = section(70, 'Soak', '');

/** A small deterministic PRNG (mulberry32), so every run walks the same 30 days. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Window {
  readonly name: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly apply: () => void;
}

let mock: MockServer;
let clock = Date.parse('2031-03-01T00:00:00Z');
const start = clock;

beforeAll(async () => {
  mock = await startMock();
  mock.setClock(() => clock);
});
afterAll(async () => {
  await mock?.close();
  writeResults('soak', [soak]);
});

/** One fault a day, rotating through the kinds, at a pseudo-random time of day. */
function schedule(random: () => number): Window[] {
  const kinds: readonly (readonly [string, number, Faults | 'revoke'])[] = [
    ['5xx burst (the next two token requests get 503)', 60, { token: { status: 503, times: 2 } }],
    ['503 for 20 min', 20, { token: { status: 503 } }],
    ['hung token requests for 15 min', 15, { token: { hang: true } }],
    ['connection resets for 10 min', 10, { token: { reset: true } }],
    ['429 + Retry-After for 10 min', 10, { token: { status: 429, retryAfterSeconds: 1 } }],
    ['API revokes the tokens', 1, 'revoke'],
    ['malformed token answers for 10 min', 10, { token: { malformed: true } }],
  ];
  const windows: Window[] = [];
  for (let day = 0; day < DAYS; day++) {
    const [name, minutes, faults] = kinds[day % kinds.length] as (typeof kinds)[number];
    const startMs = start + day * DAY_MS + Math.floor(random() * 22 * HOUR_MS);
    windows.push({
      name,
      startMs,
      endMs: startMs + minutes * MINUTE_MS,
      apply: faults === 'revoke' ? () => mock.revokeTokens() : () => mock.setFaults(faults),
    });
  }
  // Day 15: a long outage, longer than a token lives.
  const outage = start + 15 * DAY_MS + 3 * HOUR_MS;
  windows.push({
    name: '503 for 90 min (outage longer than a token)',
    startMs: outage,
    endMs: outage + 90 * MINUTE_MS,
    apply: () => mock.setFaults({ token: { status: 503 } }),
  });
  return windows.sort((a, b) => a.startMs - b.startMs);
}

/** Heap in use after a full collection (the suite runs with --expose-gc). */
const heapUsed = (gc: () => void) => {
  gc();
  return process.memoryUsage().heapUsed;
};

describe('30 days of hourly tokens', () => {
  it('serves every caller while a valid token exists, with one token per lifetime and a flat heap', {
    timeout: 90_000,
  }, async () => {
    const gc = globalThis.gc;
    if (typeof gc !== 'function') throw new Error('run with --expose-gc (see vitest.config.ts)');
    const random = prng(20310301);
    const windows = schedule(random);
    const api = messagesUrl(mock);
    const counts = { requested: 0, issuedAttempts: 0, failedAttempts: 0, refreshFailed: 0 };
    /** Each issued token: when, its expiry, and whether the API had just refused the previous one. */
    const issued: { at: number; expiresAt: number; afterRevoke: boolean }[] = [];
    let revokedAt = Number.NEGATIVE_INFINITY;
    /** Until when some token the API accepts is held: the last one's expiry, cut short by a revocation. */
    let validUntil = Number.NEGATIVE_INFINITY;
    const manager = new TokenManager({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      tokenUrl: mock.tokenUrl,
      allowedHosts: ['127.0.0.1'],
      now: () => clock,
      timeoutMs: 100,
      retry: { maxAttempts: 3, baseDelayMs: 0, maxRetryAfterMs: 0 },
      onEvent: (event: TokenEvent) => {
        if (event.type === 'token.requested') counts.requested += 1;
        if (event.type === 'token.issued') {
          counts.issuedAttempts += event.attempts;
          issued.push({ at: clock, expiresAt: event.expiresAt, afterRevoke: clock >= revokedAt });
          revokedAt = Number.POSITIVE_INFINITY;
          validUntil = event.expiresAt;
        }
        if (event.type === 'token.refresh_failed') {
          counts.refreshFailed += 1;
          counts.failedAttempts += (event.error as TokenRequestError).attempts ?? 0;
        }
      },
    });

    let calls = 0;
    let steps = 0;
    let failuresWithoutToken = 0;
    const failedDuring = new Set<string>();
    const notResumed: string[] = [];
    const failuresWithToken: string[] = [];
    let active: Window | undefined;
    let next = 0;
    const heap: number[] = [];
    const wallStart = performance.now();
    try {
      for (let day = 0; clock < start + DAYS * DAY_MS; ) {
        // Faults start and end on the schedule, between steps.
        let cleared: Window | undefined;
        if (active && clock >= active.endMs) {
          mock.setFaults({});
          cleared = active;
          active = undefined;
        }
        const due = windows[next];
        if (!active && due && clock >= due.startMs) {
          due.apply();
          if (due.name.startsWith('API')) {
            revokedAt = clock;
            validUntil = clock;
          }
          active = due;
          next += 1;
        }

        const validTokenExists = clock < validUntil;
        const burst = [
          ...Array.from({ length: GET_TOKEN_CALLS }, () => manager.getToken()),
          ...Array.from({ length: FETCH_CALLS }, () =>
            manager.fetch(api).then(async (response) => {
              await response.arrayBuffer();
              if (response.status !== 200) throw new Error(`API answered ${response.status}`);
            }),
          ),
        ];
        const results = await Promise.allSettled(burst);
        steps += 1;
        calls += results.length;
        // The first step after a fault ends is served in full, whatever the fault left behind.
        if (cleared && results.some((r) => r.status === 'rejected')) {
          notResumed.push(`${cleared.name} at ${new Date(clock).toISOString()}`);
        }
        for (const result of results) {
          if (result.status === 'fulfilled') continue;
          if (validTokenExists) {
            failuresWithToken.push(`${new Date(clock).toISOString()}: ${String(result.reason)}`);
          } else {
            failuresWithoutToken += 1;
            failedDuring.add(active?.name ?? 'no fault window');
          }
        }
        await manager.settled();

        clock += (1 + Math.floor(random() * 5)) * MINUTE_MS;
        const today = Math.floor((clock - start) / DAY_MS);
        if (today !== day) {
          day = today;
          if (day === 2 || day % 7 === 0 || day === DAYS) heap.push(heapUsed(gc));
        }
      }
    } finally {
      await manager.close();
    }
    const wallMs = performance.now() - wallStart;
    const stats = mock.stats();

    // No caller failed while a valid token existed, and service resumed as each fault ended.
    expect(failuresWithToken).toEqual([]);
    expect(notResumed).toEqual([]);
    // Failures happened only in the long outage, once the last token had expired.
    expect(failuresWithoutToken).toBeGreaterThan(0);
    expect(failuresWithoutToken).toBeLessThan(40 * (GET_TOKEN_CALLS + FETCH_CALLS));

    // One token per lifetime: a new one only once the previous was stale (or refused by the API).
    const early = issued.filter((token, i) => {
      const previous = issued[i - 1];
      return previous && !token.afterRevoke && token.at < previous.expiresAt - REFRESH_AHEAD_MS;
    });
    expect(early).toEqual([]);
    const revocations = windows.filter((w) => w.name.startsWith('API')).length;
    const lifetimes = Math.ceil((DAYS * DAY_MS) / (HOUR_MS - REFRESH_AHEAD_MS - 5 * MINUTE_MS));
    expect(issued.length).toBeLessThanOrEqual(lifetimes + revocations + 1);
    expect(issued.length).toBeGreaterThanOrEqual((DAYS * DAY_MS) / HOUR_MS);

    // Every token request is either the one that got a token or an attempt that met a fault.
    // (On a busy machine an attempt may time out before the mock reads it, or after the mock
    // issued a token: the client's own count is the exact one.)
    expect(counts.issuedAttempts + counts.failedAttempts).toBe(counts.requested);
    expect(stats.tokenRequests).toBeLessThanOrEqual(counts.requested);
    expect(stats.tokensIssued).toBeGreaterThanOrEqual(issued.length);
    const extra = counts.requested - issued.length;
    expect(extra).toBeLessThanOrEqual(3 * counts.refreshFailed + 2 * issued.length);

    // Heap: flat from day 2 to day 30.
    const [baseline = 0, ...later] = heap;
    const growthMb = (Math.max(...later) - baseline) / 2 ** 20;
    expect(growthMb).toBeLessThan(4);

    soak.intro = `${DAYS} simulated days, manager clock and mock clock moved together in ${steps} steps of 1–5 min; each step ${GET_TOKEN_CALLS} concurrent \`getToken()\` and ${FETCH_CALLS} \`fetch()\` to the Messages API, then \`settled()\`. Token lifetime 1 h, \`refreshAheadSeconds\` 300, retries 3 without delay, timeout 100 ms. One fault a day at a pseudo-random time (fixed seed), rotating: ${[...new Set(windows.map((w) => w.name))].join('; ')}.`;
    soak.rows.push({
      fault: `${calls} calls over ${DAYS} days, ${windows.length} fault windows`,
      callers: `0 failures while a valid token existed; ${failuresWithoutToken} failures, all after the last token had expired, during: ${[...failedDuring].join('; ')}`,
      tokenRequests: `${stats.tokensIssued} tokens issued (≥ ${(DAYS * DAY_MS) / HOUR_MS} lifetimes of 1 h, each new token only after the previous one turned stale or was refused by the API); ${extra} more requests, all attempts that met a fault (${counts.refreshFailed} failed refreshes)`,
      recovery: `every fault window ended with service resumed at the next step; heap growth day 2 → day 30 under 4 MB (measured ${growthMb.toFixed(2)} MB); wall time ${(wallMs / 1000).toFixed(1)} s`,
    });
  });
});
