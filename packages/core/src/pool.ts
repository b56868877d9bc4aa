import { readSecret } from './credential';
import { DEFAULTS } from './defaults';
import { TwilioOAuthError } from './errors';
import { checkNumber, credentialKey, DEFAULT_TOKEN_URL } from './options';
import { TokenManager } from './token-manager';
import type { RetryOptions, TokenManagerOptions, TokenStore } from './types';

interface Held {
  readonly manager: TokenManager;
  /** The settings other than the secret; a change replaces the manager of the same secret. */
  readonly settings: string;
  readonly store: TokenStore | undefined;
  /** Has held a token: its secret was accepted once. Only these can be evicted by each other. */
  proven: boolean;
}

/**
 * The data options other than the secret, in a fixed order: other fields (a request, say)
 * and functions don't make a credential different. `retry` is read field by field, as the
 * manager reads it, so that neither the order of its keys nor `retry: {}` instead of no
 * `retry` replaces a manager.
 */
function settingsOf(o: TokenManagerOptions): string {
  const retry: RetryOptions = Object(o.retry);
  return JSON.stringify([
    o.clientAuthMethod,
    o.timeoutMs,
    retry.maxAttempts,
    retry.baseDelayMs,
    retry.maxDelayMs,
    retry.maxRetryAfterMs,
    o.expiryBufferSeconds,
    o.refreshAheadSeconds,
    o.allowedHosts,
    o.lockWaitMs,
    o.maxWaitMs,
    o.failFastMs,
  ]);
}

/**
 * A bounded pool of {@link TokenManager}s for adapters whose options are computed per
 * request (multi-tenant apps, `c.env` on Workers). A pooled manager is bound to the secret
 * it was made with — the value read from `clientSecret` (a function is called once per
 * `get`), never the client id alone — so a request that names a tenant's client id with
 * any other secret gets a manager of its own, and never obtains, replaces or evicts the
 * tenant's. The same secret, whatever object or closure carries it, shares one manager and
 * one token per lifetime; a changed setting (or `store`) with the same secret replaces it.
 *
 * Managers that have earned a token and those that have not (yet) are bounded apart, each
 * to `maxManagers`, least recently used first: refused secrets only ever evict each other.
 * A dropped manager is not closed: a request holding it finishes normally, and an idle
 * manager holds no timer or socket. Secrets are compared in memory, never shown.
 *
 * @example
 * const pool = new TokenManagerPool({ maxManagers: 50 });
 * const manager = await pool.get({ clientId: env.TWILIO_CLIENT_ID, clientSecret: env.TWILIO_CLIENT_SECRET });
 */
export class TokenManagerPool {
  /** Credential key → secret → manager; both levels in least-recently-used order. */
  readonly #managers = new Map<string, Map<string, Held>>();
  readonly #maxManagers: number;
  #closed = false;

  /**
   * @param options.maxManagers - most managers kept that have earned a token, and most
   *   kept that have not. @defaultValue `DEFAULTS.maxManagers`
   * @throws {InvalidOptionsError} when `maxManagers` is not an integer >= 1.
   */
  constructor(options: { maxManagers?: number } = {}) {
    this.#maxManagers = checkNumber({
      name: 'maxManagers',
      value: options.maxManagers,
      fallback: DEFAULTS.maxManagers,
      min: 1,
      integer: true,
    });
  }

  /** Number of managers held. */
  get size(): number {
    let size = 0;
    for (const bySecret of this.#managers.values()) size += bySecret.size;
    return size;
  }

  /**
   * The manager of these options' credential and secret, created on first use: at once
   * when the secret is a string (or a function returning one), once it resolves when the
   * function returns a promise. `await` it either way.
   *
   * @throws {InvalidOptionsError} as `new TokenManager(options)`.
   * @throws {TokenRequestError} code `secret_unavailable` when a `clientSecret` function
   *   throws or returns no non-empty string.
   * @throws {TwilioOAuthError} code `closed` after {@link TokenManagerPool.close}.
   */
  get(options: TokenManagerOptions): TokenManager | Promise<TokenManager> {
    if (this.#closed) throw new TwilioOAuthError('closed', 'TokenManager is closed');
    if (typeof Object(options).clientSecret !== 'function') return this.#bound(options);
    const secret = readSecret(options.clientSecret);
    if (typeof secret === 'string') return this.#bound({ ...options, clientSecret: secret });
    return secret.then((value) => this.#bound({ ...options, clientSecret: value }));
  }

  /** Closes every manager and empties the pool; later `get()` calls throw `closed`. */
  async close(): Promise<void> {
    this.#closed = true;
    const held = [...this.#managers.values()].flatMap((bySecret) => [...bySecret.values()]);
    this.#managers.clear();
    await Promise.all(held.map(({ manager }) => manager.close()));
  }

  /** The manager bound to `options.clientSecret`, a string by now. */
  #bound(options: TokenManagerOptions): TokenManager {
    if (this.#closed) throw new TwilioOAuthError('closed', 'TokenManager is closed');
    const o = Object(options) as TokenManagerOptions;
    const secret = o.clientSecret;
    let key: string;
    let settings: string;
    try {
      if (typeof secret !== 'string') throw new TypeError();
      key = credentialKey(o.tokenUrl ?? DEFAULT_TOKEN_URL, o.clientId, o.scope);
      settings = settingsOf(o);
    } catch {
      // Values no valid options hold (no secret, a Symbol, a cycle): the manager says which.
      return new TokenManager(options);
    }
    let bySecret = this.#managers.get(key);
    const held = bySecret?.get(secret);
    if (held && held.settings === settings && held.store === options.store) {
      this.#touch(key, secret, held);
      return held.manager;
    }
    // Validates first: nothing is replaced by options that make no manager.
    const manager = new TokenManager(options);
    if (!bySecret) {
      bySecret = new Map();
      this.#managers.set(key, bySecret);
    }
    // Same credential, same secret, other settings: the same tenant, so replacing is safe.
    this.#touch(key, secret, { manager, settings, store: options.store, proven: false });
    this.#trim();
    return manager;
  }

  /** Marks an entry most recently used (re-inserting at both levels). */
  #touch(key: string, secret: string, held: Held): void {
    const bySecret = this.#managers.get(key) as Map<string, Held>;
    this.#managers.delete(key);
    this.#managers.set(key, bySecret);
    bySecret.delete(secret);
    bySecret.set(secret, held);
  }

  /**
   * Drops the least recently used managers beyond `maxManagers` in each class. A manager
   * holding a token is proven first: a flood of wrong secrets can't push out a tenant.
   */
  #trim(): void {
    let proven = 0;
    let unproven = 0;
    for (const bySecret of this.#managers.values()) {
      for (const held of bySecret.values()) {
        held.proven ||= held.manager.tokenInfo() !== undefined;
        if (held.proven) proven++;
        else unproven++;
      }
    }
    for (const [key, bySecret] of this.#managers) {
      if (proven <= this.#maxManagers && unproven <= this.#maxManagers) return;
      for (const [secret, held] of bySecret) {
        if (held.proven ? proven <= this.#maxManagers : unproven <= this.#maxManagers) continue;
        bySecret.delete(secret);
        if (held.proven) proven--;
        else unproven--;
      }
      if (bySecret.size === 0) this.#managers.delete(key);
    }
  }

  /** Safe to log: how many managers, never a key's secret. */
  toJSON() {
    return { size: this.size };
  }
}
