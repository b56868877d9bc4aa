import type { Credential, SecretReader } from './credential';
import { type Entry, toEntry } from './entry';
import type { ExchangeConfig } from './options';
import { exchangeRotating, type Issued } from './request-token';
import type { StoreSync } from './store-sync';

/** The manager's timings, in ms, and its clock of elapsed time. */
export interface Policy {
  readonly bufferMs: number;
  readonly aheadMs: number;
  readonly lockWaitMs: number;
  readonly maxWaitMs: number;
  readonly failFastMs: number;
  /** Elapsed time, ms (see `monotonicNow`). */
  readonly monotonicNow: () => number;
}

/** What one refresh reads; it holds no state of its own. */
export interface RefreshParts {
  readonly config: ExchangeConfig;
  readonly policy: Policy;
  readonly secret: SecretReader;
  readonly store: StoreSync | undefined;
}

/** One refresh, as the token cache starts it. */
export interface RefreshRun {
  /** Ask the fleet's store first (not when forced, nor after invalidate()). */
  readonly useStore: boolean;
  /** Backoff timers hold the process open only for a refresh somebody awaits. */
  readonly background: boolean;
  readonly signal: AbortSignal;
  /** Whether a stored token is worth adopting (newer than ours, never refused by the API). */
  readonly accept: (entry: Entry) => boolean;
  /** For the `token.request_failed` event: whether a held token keeps being served. */
  readonly servingStale: () => boolean;
}

/**
 * The longest one exchange can take: every attempt, its backoff and an honoured
 * `Retry-After`. The fleet lock is held this long, and a refresh running longer than
 * this plus a lock wait can only be one that will never settle.
 */
export const longestExchangeMs = (c: ExchangeConfig): number =>
  (c.timeoutMs + c.maxDelayMs + c.maxRetryAfterMs) * c.maxAttempts;

/**
 * Gets a new entry: the fleet's token when the store has a usable one, else a token
 * request (with the store's lock, so that one process of a fleet asks), written back to
 * the store in the background. Whether the entry is adopted is the caller's decision.
 */
export async function refreshEntry(parts: RefreshParts, run: RefreshRun): Promise<Entry> {
  const credential = await parts.secret.read();
  const store = parts.store;
  if (!store || !run.useStore) return requestEntry(parts, run, credential);
  const shared = await store.obtain(await credential.storeKey(), {
    accept: (stored) => {
      const entry = toEntry(stored, parts.policy);
      return run.accept(entry) ? entry : undefined;
    },
    signal: run.signal,
    lockTtlMs: longestExchangeMs(parts.config),
    lockWaitMs: parts.policy.lockWaitMs,
  });
  return shared.entry ?? requestEntry(parts, run, credential, shared.release);
}

/** Requests a token; `release` (a store lock) is let go once the store holds it. */
async function requestEntry(
  parts: RefreshParts,
  run: RefreshRun,
  credential: Credential,
  release?: () => Promise<void>,
): Promise<Entry> {
  const { config, store } = parts;
  let earned: { issued: Issued; credential: Credential } | undefined;
  try {
    earned = await exchangeRotating(config, {
      reader: parts.secret,
      credential,
      signal: run.signal,
      keepAlive: !run.background,
      servingStale: run.servingStale,
    });
    return toEntry(earned.issued, parts.policy);
  } finally {
    // Callers get the token now: writing it for the fleet (to a slow or unreachable store,
    // maybe) must not delay them. settled() waits for it.
    const ttlMs = earned ? earned.issued.expiresAt - config.now() : 0;
    if (store && earned && ttlMs > 0) {
      store.write(earned.credential.storeKey(), { ...earned.issued, tokenType: 'Bearer' }, ttlMs);
    }
    if (store && release) store.release(release);
  }
}
