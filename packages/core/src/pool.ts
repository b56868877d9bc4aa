import { DEFAULTS } from './defaults';
import { checkNumber, credentialKey, DEFAULT_TOKEN_URL } from './options';
import { TokenManager } from './token-manager';
import type { RetryOptions, TokenManagerOptions, TokenStore } from './types';

interface Held {
  readonly manager: TokenManager;
  /** Every data option, secret included; only ever compared, never shown. */
  readonly fingerprint: string;
  readonly store: TokenStore | undefined;
}

/**
 * The data options only, in a fixed order (secret included; only ever compared, never
 * shown): other fields (a request, say) and functions don't make a credential different.
 * `retry` is read field by field, as the manager reads it, so that neither the order of
 * its keys nor `retry: {}` instead of no `retry` replaces a manager.
 */
function fingerprintOf(o: TokenManagerOptions): string {
  const retry: RetryOptions = Object(o.retry);
  return JSON.stringify([
    o.clientSecret,
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
 * A bounded LRU of {@link TokenManager}s, one per credential key, for adapters
 * whose options are computed per request (multi-tenant apps, `c.env` on
 * Workers). The same key with the same secret and settings reuses its manager;
 * a changed secret or setting replaces it; the least recently used manager is
 * dropped when `maxManagers` is exceeded. A replaced or dropped manager is not
 * closed: requests still using it finish normally, and an idle manager holds
 * nothing (no timer, no socket) that would need closing. Functions (`fetch`,
 * `now`, `onEvent`, a `clientSecret` function) are taken from the options that
 * created the manager and do not cause a replacement.
 *
 * @example
 * const pool = new TokenManagerPool({ maxManagers: 50 });
 * const manager = pool.get({ clientId: env.TWILIO_CLIENT_ID, clientSecret: env.TWILIO_CLIENT_SECRET });
 */
export class TokenManagerPool {
  readonly #managers = new Map<string, Held>();
  readonly #maxManagers: number;

  /**
   * @param options.maxManagers - most managers kept. Default 100.
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
    return this.#managers.size;
  }

  /**
   * The manager for these options' credential, created on first use.
   * @throws {InvalidOptionsError} as `new TokenManager(options)`.
   */
  get(options: TokenManagerOptions): TokenManager {
    let key: string;
    let fingerprint: string;
    try {
      const o = Object(options) as TokenManagerOptions;
      key = credentialKey(o.tokenUrl ?? DEFAULT_TOKEN_URL, o.clientId, o.scope);
      fingerprint = fingerprintOf(o);
    } catch {
      // Values no valid options hold (a Symbol, a BigInt, a cycle): the manager says which.
      return new TokenManager(options);
    }
    const held = this.#managers.get(key);
    if (held && held.fingerprint === fingerprint && held.store === options.store) {
      // Re-inserting marks it most recently used.
      this.#managers.delete(key);
      this.#managers.set(key, held);
      return held.manager;
    }
    const manager = new TokenManager(options);
    // A replaced manager is dropped, not closed: a request holding it may still need it.
    this.#managers.delete(key);
    this.#managers.set(key, { manager, fingerprint, store: options.store });
    for (const oldest of this.#managers.keys()) {
      if (this.#managers.size <= this.#maxManagers) break;
      this.#managers.delete(oldest);
    }
    return manager;
  }

  /** Closes every manager and empties the pool. */
  async close(): Promise<void> {
    const managers = [...this.#managers.values()];
    this.#managers.clear();
    await Promise.all(managers.map((held) => held.manager.close()));
  }
}
