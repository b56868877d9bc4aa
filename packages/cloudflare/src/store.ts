import { InvalidOptionsError, type StoredToken, type TokenStore } from '@twilio-oauth/core';
import {
  callWithin,
  checkMillis,
  StoreError,
  TokenCodec,
  type TokenEncryptionOptions,
} from '@twilio-oauth/core/store-kit';
import { BROKER_ORIGIN, type BrokerOperation, type LockAnswer, MAX_LOCK_WAIT_MS } from './protocol';
import type { TokenBrokerNamespace } from './types';

/** After a failed call, how long a `lock` call (a long wait, maybe) is not even tried. */
const SKIP_LOCK_MS = 1_000;

/** Default `timeoutMs` of {@link durableObjectStore}: 2 000 ms. */
export const DEFAULT_BROKER_TIMEOUT_MS = 2_000;
/** Default `lockWaitMs` of {@link durableObjectStore}: 5 000 ms. */
export const DEFAULT_BROKER_LOCK_WAIT_MS = 5_000;

/** Options of {@link durableObjectStore}. */
export interface DurableObjectStoreOptions extends TokenEncryptionOptions {
  // `encryptionKey` (keep it in a secret binding) encrypts tokens before they leave
  // the isolate, so the object's storage holds only ciphertext.
  /**
   * Longest wait for one answer of the object before the store call rejects (the
   * manager then carries on from its own memory). Default {@link DEFAULT_BROKER_TIMEOUT_MS}.
   */
  readonly timeoutMs?: number;
  /**
   * How long a `lock` call waits inside the object for the token another isolate is
   * fetching; it is answered as soon as that token arrives. Default
   * {@link DEFAULT_BROKER_LOCK_WAIT_MS}, at most 60 000.
   */
  readonly lockWaitMs?: number;
}

/** A core `TokenStore` backed by {@link TwilioTokenBroker} objects, one per store key. */
export interface DurableObjectTokenStore extends TokenStore {
  acquireLock(key: string, ttlMs: number): Promise<(() => Promise<void>) | undefined>;
}

interface Held {
  readonly store: DurableObjectTokenStore;
  readonly settings: readonly unknown[];
}

// One store per namespace binding (per isolate), so that options computed per request
// (`store: durableObjectStore(c.env.TWILIO_TOKENS)`) name the same store every time and
// the adapter's pool keeps its manager — and its token — across requests.
const stores = new WeakMap<object, readonly Held[]>();
const MAX_STORES_PER_NAMESPACE = 8;

/**
 * Equal settings: by value, key bytes and key lists included (keys decoded per
 * request, or a `decryptionKeys` array made per request, are the same keys).
 */
function same(a: unknown, b: unknown): boolean {
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    return a.length === b.length && a.every((byte, i) => byte === b[i]);
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => same(item, b[i]));
  }
  return a === b;
}

/**
 * The token store for a Worker: every isolate that uses it shares one token per
 * credential through a {@link TwilioTokenBroker} object (one per store key). The
 * isolate's manager still serves from its own memory first; the object is asked on
 * a miss, for the lock, and to publish a new token. A call the object does not
 * answer within `timeoutMs`, or answers with an error, rejects: the manager then
 * fetches on its own and reports `store.error` through `onEvent`.
 *
 * Returns the same store for the same namespace and options, so calling it per
 * request is fine. Keys are opaque (never logged); they name the objects.
 *
 * @param namespace - the binding of the broker class, e.g. `env.TWILIO_TOKENS`.
 * @throws {InvalidOptionsError} when `namespace` is not a Durable Object namespace
 *   binding, or an option is invalid (named, never echoed).
 * @example
 * ```ts
 * export { TwilioTokenBroker } from '@twilio-oauth/cloudflare';
 * app.use(twilioOAuth((c) => ({
 *   clientId: c.env.TWILIO_CLIENT_ID,
 *   clientSecret: c.env.TWILIO_CLIENT_SECRET,
 *   store: durableObjectStore(c.env.TWILIO_TOKENS),
 * })));
 * ```
 */
export function durableObjectStore(
  namespace: TokenBrokerNamespace,
  options: DurableObjectStoreOptions = {},
): DurableObjectTokenStore {
  const binding = namespace as Partial<TokenBrokerNamespace> | null | undefined;
  if (typeof binding?.idFromName !== 'function' || typeof binding.get !== 'function') {
    throw new InvalidOptionsError(
      'namespace',
      'must be a Durable Object namespace binding (is it declared in wrangler.toml?)',
    );
  }
  const { encryptionKey, decryptionKeys, timeoutMs, lockWaitMs } = Object(
    options,
  ) as DurableObjectStoreOptions;
  const settings = [encryptionKey, decryptionKeys, timeoutMs, lockWaitMs];
  const held = stores.get(namespace) ?? [];
  const found = held.find((h) => h.settings.every((value, i) => same(value, settings[i])));
  if (found) return found.store;
  const store = new BrokerStore(namespace, {
    codec: TokenCodec.create({ encryptionKey, decryptionKeys }),
    timeoutMs: checkMillis({
      name: 'timeoutMs',
      value: timeoutMs,
      fallback: DEFAULT_BROKER_TIMEOUT_MS,
      max: 600_000,
    }),
    lockWaitMs: checkMillis({
      name: 'lockWaitMs',
      value: lockWaitMs,
      fallback: DEFAULT_BROKER_LOCK_WAIT_MS,
      max: MAX_LOCK_WAIT_MS,
    }),
  });
  // A few option sets per binding (routes may differ); more means options made per request.
  stores.set(namespace, [{ store, settings }, ...held].slice(0, MAX_STORES_PER_NAMESPACE));
  return store;
}

class BrokerStore implements DurableObjectTokenStore {
  readonly #namespace: TokenBrokerNamespace;
  readonly #codec: TokenCodec;
  readonly #timeoutMs: number;
  readonly #lockWaitMs: number;
  /**
   * A token that reached a waiting `lock` call, kept for the manager's next `get` (it
   * reads the store right after the lock is refused) so that read costs no call.
   */
  readonly #arrived = new Map<string, string>();
  /** Keys whose object just failed, with when to try a lock again (epoch ms). */
  readonly #failedUntil = new Map<string, number>();

  constructor(
    namespace: TokenBrokerNamespace,
    settings: { codec: TokenCodec; timeoutMs: number; lockWaitMs: number },
  ) {
    this.#namespace = namespace;
    this.#codec = settings.codec;
    this.#timeoutMs = settings.timeoutMs;
    this.#lockWaitMs = settings.lockWaitMs;
  }

  async get(key: string): Promise<StoredToken | undefined> {
    let value = this.#arrived.get(key);
    this.#arrived.delete(key);
    value ??= ((await this.#call(key, 'get', {})) as { value?: unknown }).value as string;
    return typeof value === 'string' ? this.#codec.decode(value, key) : undefined;
  }

  async set(key: string, token: StoredToken, ttlMs: number): Promise<void> {
    this.#arrived.delete(key);
    const value = await this.#codec.encode(token, key);
    await this.#call(key, 'set', { value, ttlMs: Math.max(0, Math.ceil(ttlMs)) });
  }

  async delete(key: string): Promise<void> {
    this.#arrived.delete(key);
    await this.#call(key, 'delete', {});
  }

  async acquireLock(key: string, ttlMs: number): Promise<(() => Promise<void>) | undefined> {
    // The manager asks for the lock right after its read: if that read just failed, a
    // lock call would only add a wait (up to timeoutMs + lockWaitMs) before it fetches.
    if ((this.#failedUntil.get(key) ?? 0) > Date.now()) {
      throw new TokenBrokerError('store_error', 'lock', 'not tried: the object just failed');
    }
    const owner = crypto.randomUUID();
    const waitMs = this.#lockWaitMs;
    const answer = (await this.#call(
      key,
      'lock',
      { owner, ttlMs: Math.max(1, Math.ceil(ttlMs)), waitMs },
      this.#timeoutMs + waitMs,
    )) as LockAnswer;
    if (answer.acquired === true) {
      return async () => {
        await this.#call(key, 'unlock', { owner });
      };
    }
    if (typeof answer.value === 'string') this.#arrived.set(key, answer.value);
    return undefined;
  }

  /** One call to the key's object; rejects on no answer within the time limit or an error. */
  async #call(
    key: string,
    operation: BrokerOperation,
    body: object,
    timeoutMs = this.#timeoutMs,
  ): Promise<unknown> {
    // A stub is made per call: it is an I/O object, bound to the request that made it.
    const namespace = this.#namespace;
    const stub = namespace.get(namespace.idFromName(key));
    const ask = async () => {
      const response = await stub.fetch(`${BROKER_ORIGIN}/${operation}`, {
        method: 'POST',
        body: JSON.stringify(body),
      });
      if (!response.ok)
        throw new TokenBrokerError('store_error', operation, `answered HTTP ${response.status}`);
      return response.json();
    };
    try {
      const result = await callWithin(ask, {
        timeoutMs,
        onTimeout: () => TokenBrokerError.timedOut(operation, timeoutMs),
      });
      this.#failedUntil.delete(key);
      return result;
    } catch (error) {
      this.#failedUntil.set(key, Date.now() + SKIP_LOCK_MS);
      throw TokenBrokerError.from(operation, error);
    }
  }
}

/**
 * A call to a {@link TwilioTokenBroker} object failed: the store kit's
 * `StoreError` with code `store_timeout` (no answer within `timeoutMs`) or
 * `store_error` (the object could not be reached or threw; `cause` keeps that
 * error's name and code only). The manager reports it as `store.error` and
 * carries on; the message names the operation only, never a key or a token.
 */
export class TokenBrokerError extends StoreError<BrokerOperation> {
  static override readonly label = 'token broker';
  override readonly name = 'TokenBrokerError';
}
