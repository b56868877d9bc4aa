// The soak's driver, shared by the Node run (the core's manager, 30 days of hourly tokens)
// and the workerd run (the Hono Worker, one day of short-lived tokens). The manager's
// clock and the mock's move together in steps of a few minutes; at each step a burst of
// concurrent calls runs, then `settle()` lets any background refresh finish. Faults start
// and end on a schedule between steps. The driver records what callers saw and what the
// token events say; the tests assert on that.
import type { TokenEvent } from '@twilio-oauth/core';
import type { Faults, MockServer } from '@twilio-oauth/mock-server';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** A small deterministic PRNG (mulberry32), so every run walks the same days. */
export function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface FaultWindow {
  readonly name: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly faults: Faults | 'revoke';
}

export interface SoakPlan {
  readonly startMs: number;
  readonly durationMs: number;
  /** One fault per period, at a pseudo-random time inside it, rotating through the kinds. */
  readonly faultPeriodMs: number;
  /** Fault windows last their nominal minutes times this (at least a minute). */
  readonly faultScale: number;
  /** An outage longer than a token lives, from this offset, for this long. */
  readonly outage: { readonly atMs: number; readonly minutes: number };
  /** Clock steps between bursts, in whole minutes. */
  readonly stepMinutes: { readonly min: number; readonly max: number };
  readonly seed: number;
}

const KINDS: readonly (readonly [string, number, Faults | 'revoke'])[] = [
  ['5xx burst (the next two token requests get 503)', 60, { token: { status: 503, times: 2 } }],
  ['503 for 20 min', 20, { token: { status: 503 } }],
  ['hung token requests for 15 min', 15, { token: { hang: true } }],
  ['connection resets for 10 min', 10, { token: { reset: true } }],
  ['429 + Retry-After for 10 min', 10, { token: { status: 429, retryAfterSeconds: 1 } }],
  ['API revokes the tokens', 1, 'revoke'],
  ['malformed token answers for 10 min', 10, { token: { malformed: true } }],
];

/** The fault windows of a plan, in time order (names carry the scaled minutes). */
export function schedule(plan: SoakPlan, random: () => number): FaultWindow[] {
  const windows: FaultWindow[] = [];
  const periods = Math.floor(plan.durationMs / plan.faultPeriodMs);
  for (let period = 0; period < periods; period++) {
    const [name, nominal, faults] = KINDS[period % KINDS.length] as (typeof KINDS)[number];
    const minutes = Math.max(1, Math.round(nominal * plan.faultScale));
    const label = plan.faultScale === 1 ? name : name.replace(/\d+ min/, `${minutes} min`);
    // Anywhere in the first 11/12 of the period (22 h of a day).
    const offsetMs = Math.floor(random() * ((plan.faultPeriodMs * 11) / 12));
    const startMs = plan.startMs + period * plan.faultPeriodMs + offsetMs;
    windows.push({ name: label, startMs, endMs: startMs + minutes * MINUTE_MS, faults });
  }
  const outage = plan.startMs + plan.outage.atMs;
  windows.push({
    name: `503 for ${plan.outage.minutes} min (outage longer than a token)`,
    startMs: outage,
    endMs: outage + plan.outage.minutes * MINUTE_MS,
    faults: { token: { status: 503 } },
  });
  return windows.sort((a, b) => a.startMs - b.startMs);
}

/** How the soak reaches the app under test. */
export interface SoakCallers {
  /** One burst of concurrent calls; a rejection is a failed call. */
  burst(): Promise<PromiseSettledResult<unknown>[]>;
  /** Lets background refreshes finish (and their events arrive). */
  settle(): Promise<void>;
}

export interface SoakOutcome {
  readonly windows: readonly FaultWindow[];
  readonly steps: number;
  readonly calls: number;
  /** Each issued token: when, its expiry, and whether the API had just refused the previous one. */
  readonly issued: readonly { at: number; expiresAt: number; afterRevoke: boolean }[];
  readonly counts: {
    requested: number;
    issuedAttempts: number;
    failedAttempts: number;
    failedExchanges: number;
  };
  readonly failuresWithToken: readonly string[];
  readonly failuresWithoutToken: number;
  readonly failedDuring: ReadonlySet<string>;
  readonly notResumed: readonly string[];
  readonly wallMs: number;
}

/**
 * Walks the plan. `connect` gets the clock and the event listener to hand to the app,
 * and answers its callers; `onDay` runs once each simulated day begins.
 */
export async function soak(
  plan: SoakPlan,
  mock: MockServer,
  connect: (clock: () => number, onEvent: (event: TokenEvent) => void) => Promise<SoakCallers>,
  onDay?: (day: number) => void,
): Promise<SoakOutcome> {
  let clock = plan.startMs;
  mock.setClock(() => clock);
  const random = prng(plan.seed);
  const windows = schedule(plan, random);
  const counts = { requested: 0, issuedAttempts: 0, failedAttempts: 0, failedExchanges: 0 };
  const issued: { at: number; expiresAt: number; afterRevoke: boolean }[] = [];
  let revokedAt = Number.NEGATIVE_INFINITY;
  /** Until when some token the API accepts is held: the last one's expiry, cut short by a revocation. */
  let validUntil = Number.NEGATIVE_INFINITY;
  const callers = await connect(
    () => clock,
    (event) => {
      if (event.type === 'token.requested') counts.requested += 1;
      if (event.type === 'token.issued') {
        counts.issuedAttempts += event.attempts;
        issued.push({ at: clock, expiresAt: event.expiresAt, afterRevoke: clock >= revokedAt });
        revokedAt = Number.POSITIVE_INFINITY;
        validUntil = event.expiresAt;
      }
      if (event.type === 'token.request_failed') {
        counts.failedExchanges += 1;
        counts.failedAttempts += event.attempts;
      }
    },
  );

  let steps = 0;
  let calls = 0;
  let failuresWithoutToken = 0;
  const failedDuring = new Set<string>();
  const notResumed: string[] = [];
  const failuresWithToken: string[] = [];
  let active: FaultWindow | undefined;
  let next = 0;
  const wallStart = performance.now();
  const endMs = plan.startMs + plan.durationMs;
  for (let day = 0; clock < endMs; ) {
    let cleared: FaultWindow | undefined;
    if (active && clock >= active.endMs) {
      mock.setFaults({});
      cleared = active;
      active = undefined;
    }
    const due = windows[next];
    if (!active && due && clock >= due.startMs) {
      if (due.faults === 'revoke') {
        mock.revokeTokens();
        revokedAt = clock;
        validUntil = clock;
      } else mock.setFaults(due.faults);
      active = due;
      next += 1;
    }

    const validTokenExists = clock < validUntil;
    const results = await callers.burst();
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
    await callers.settle();

    const { min, max } = plan.stepMinutes;
    clock += (min + Math.floor(random() * (max - min + 1))) * MINUTE_MS;
    const today = Math.floor((clock - plan.startMs) / DAY_MS);
    if (today !== day) {
      day = today;
      onDay?.(day);
    }
  }
  mock.setFaults({});
  return {
    windows,
    steps,
    calls,
    issued,
    counts,
    failuresWithToken,
    failuresWithoutToken,
    failedDuring,
    notResumed,
    wallMs: performance.now() - wallStart,
  };
}
