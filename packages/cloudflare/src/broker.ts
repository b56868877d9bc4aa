import {
  type BrokerOperation,
  type LockAnswer,
  MAX_LOCK_WAIT_MS,
  MAX_VALUE_CHARS,
  type ReadAnswer,
  type UnlockAnswer,
} from './protocol';
import type { BrokerState, BrokerStorage } from './types';

/** The one storage key of an object: each object holds one credential's token. */
const TOKEN_KEY = 'token';
const MAX_TTL_MS = 31 * 24 * 3_600_000;

interface Lock {
  readonly owner: string;
  /** Epoch ms, by the object's clock. */
  readonly until: number;
}

interface StoredValue {
  readonly value: string;
  /** Epoch ms, by the object's clock. */
  readonly deleteAt: number;
}

class BadRequest extends Error {}

const json = (body: object): Response =>
  new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });

function field(body: Readonly<{ [name: string]: unknown }>, name: string, max: number): number;
function field(body: Readonly<{ [name: string]: unknown }>, name: string): string;
function field(body: Readonly<{ [name: string]: unknown }>, name: string, max?: number) {
  const value = body[name];
  if (max === undefined) {
    if (typeof value === 'string' && value !== '' && value.length <= MAX_VALUE_CHARS) return value;
    throw new BadRequest(`"${name}" must be a non-empty string`);
  }
  if (typeof value === 'number' && value >= 0 && value <= max) return value;
  throw new BadRequest(`"${name}" must be a number from 0 to ${max}`);
}

const isStoredValue = (value: unknown): value is StoredValue =>
  typeof (value as StoredValue | undefined)?.value === 'string' &&
  typeof (value as StoredValue).deleteAt === 'number';

/**
 * The Durable Object that holds one credential's token for every isolate of a
 * Worker: `durableObjectStore(env.TWILIO_TOKENS)` addresses one object per store
 * key. It keeps the token in its storage with its expiry (an alarm deletes it
 * then), so an evicted or restarted object still has it; it hands out a lock
 * (owner value, TTL, released only by its owner) so that one isolate fetches
 * while the others wait; and a waiting isolate's `lock` call is answered the
 * moment the token arrives, instead of being polled for. It never sees the
 * client secret, and with the store's `encryptionKey` never the token in clear.
 *
 * Re-export it from the Worker's entry module and bind it in `wrangler.toml`:
 *
 * @example
 * ```ts
 * export { TwilioTokenBroker } from '@twilio-oauth/cloudflare';
 * ```
 * ```toml
 * [[durable_objects.bindings]]
 * name = "TWILIO_TOKENS"
 * class_name = "TwilioTokenBroker"
 *
 * [[migrations]]
 * tag = "twilio-tokens-v1"
 * new_sqlite_classes = ["TwilioTokenBroker"]
 * ```
 */
export class TwilioTokenBroker {
  readonly #storage: BrokerStorage;
  /** In memory only: an object that restarts forgets it, which costs at most one token request. */
  #lock: Lock | undefined;
  /** Callers of `lock` waiting for a change: a new token (its value) or a released lock. */
  readonly #waiters = new Set<(value: string | undefined) => void>();

  /** Called by the runtime with the object's state; `env` is not used. */
  constructor(ctx: BrokerState, _env?: unknown) {
    this.#storage = ctx.storage;
  }

  /** Answers the store's calls (`POST /get`, `/set`, `/delete`, `/lock`, `/unlock`). */
  async fetch(request: Request): Promise<Response> {
    const operation = new URL(request.url).pathname.slice(1) as BrokerOperation;
    try {
      const body = await request.json().catch(() => undefined);
      if (typeof body !== 'object' || body === null) throw new BadRequest('the body must be JSON');
      return json(await this.#answer(operation, body as { [name: string]: unknown }));
    } catch (error) {
      if (!(error instanceof BadRequest)) throw error;
      return new Response(error.message, { status: 400 });
    }
  }

  /** Deletes the token once it has expired (the alarm set with each new token). */
  async alarm(): Promise<void> {
    const stored = await this.#storage.get(TOKEN_KEY);
    if (!isStoredValue(stored) || stored.deleteAt <= Date.now())
      await this.#storage.delete(TOKEN_KEY);
    else await this.#storage.setAlarm(stored.deleteAt);
  }

  async #answer(
    operation: BrokerOperation,
    body: Readonly<{ [name: string]: unknown }>,
  ): Promise<ReadAnswer | LockAnswer | UnlockAnswer | { ok: true }> {
    switch (operation) {
      case 'get':
        return { value: (await this.#read())?.value ?? null };
      case 'set':
        await this.#write(field(body, 'value'), field(body, 'ttlMs', MAX_TTL_MS));
        return { ok: true };
      case 'delete':
        await this.#storage.delete(TOKEN_KEY);
        await this.#storage.deleteAlarm();
        return { ok: true };
      case 'lock':
        return this.#acquire(
          field(body, 'owner'),
          field(body, 'ttlMs', MAX_TTL_MS),
          field(body, 'waitMs', MAX_LOCK_WAIT_MS),
        );
      case 'unlock':
        return { released: this.#release(field(body, 'owner')) };
      default:
        throw new BadRequest(`unknown operation "${String(operation).slice(0, 20)}"`);
    }
  }

  async #read(): Promise<StoredValue | undefined> {
    const stored = await this.#storage.get(TOKEN_KEY);
    return isStoredValue(stored) && stored.deleteAt > Date.now() ? stored : undefined;
  }

  async #write(value: string, ttlMs: number): Promise<void> {
    const deleteAt = Date.now() + ttlMs;
    await this.#storage.put(TOKEN_KEY, { value, deleteAt } satisfies StoredValue);
    await this.#storage.setAlarm(deleteAt);
    this.#wake(value);
  }

  /**
   * Takes the lock if it is free (or expired, or already the caller's); else waits up
   * to `waitMs` for the holder's token (answered with it), its release or its expiry
   * (then tries again).
   */
  async #acquire(owner: string, ttlMs: number, waitMs: number): Promise<LockAnswer> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const now = Date.now();
      const lock = this.#lock;
      if (!lock || lock.until <= now || lock.owner === owner) {
        this.#lock = { owner, until: now + ttlMs };
        return { acquired: true };
      }
      if (now >= deadline) return { acquired: false };
      const value = await this.#change(Math.min(deadline, lock.until) - now);
      if (value !== undefined) return { acquired: false, value };
    }
  }

  #release(owner: string): boolean {
    if (this.#lock?.owner !== owner) return false;
    this.#lock = undefined;
    this.#wake(undefined);
    return true;
  }

  /** Resolves with a new token's value, `undefined` on a release or after `ms`. */
  #change(ms: number): Promise<string | undefined> {
    return new Promise((resolve) => {
      const done = (value: string | undefined) => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        resolve(value);
      };
      const timer = setTimeout(() => done(undefined), ms);
      this.#waiters.add(done);
    });
  }

  #wake(value: string | undefined): void {
    for (const done of [...this.#waiters]) done(value);
  }
}
