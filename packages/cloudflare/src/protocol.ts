// What travels between the isolates' store and the Durable Object: one POST per
// operation, JSON both ways. Values are opaque to the object (JSON or a sealed
// envelope, written by the store); the object never sees the client secret.

/** The operations the broker answers, as URL paths (`/get`, `/set`, …). */
export type BrokerOperation = 'get' | 'set' | 'delete' | 'lock' | 'unlock';

/** Host part of the URLs sent to the object's `fetch` (never resolved: a stub routes by id). */
export const BROKER_ORIGIN = 'https://twilio-token-broker.internal';

/** Largest value the broker keeps, in characters (a sealed token is well under 4 KiB). */
export const MAX_VALUE_CHARS = 65_536;

/** Longest a `lock` call may wait inside the object for another isolate's token. */
export const MAX_LOCK_WAIT_MS = 60_000;

/** `/get` answer. */
export interface ReadAnswer {
  readonly value: string | null;
}

/**
 * `/lock` answer: taken, or refused — with the value when another isolate's token
 * arrived while this call waited for it.
 */
export interface LockAnswer {
  readonly acquired: boolean;
  readonly value?: string;
}

/** `/unlock` answer: whether the caller owned the lock. */
export interface UnlockAnswer {
  readonly released: boolean;
}
