/**
 * The few members of Cloudflare's Durable Object types this package uses, written
 * structurally so that its declarations need no global types: a
 * `DurableObjectNamespace` and a `DurableObjectState` from
 * `@cloudflare/workers-types` (or from `wrangler types`) fit them.
 */

/** What a Durable Object's `fetch` answer offers the store. */
export interface BrokerResponse {
  readonly ok: boolean;
  readonly status: number;
  json(): Promise<unknown>;
}

/** A stub: `namespace.get(id)`. */
export interface BrokerStub {
  fetch(url: string, init: { method: 'POST'; body: string }): Promise<BrokerResponse>;
}

/**
 * The binding of the {@link TwilioTokenBroker} class, `env.TWILIO_TOKENS` for
 * `[[durable_objects.bindings]] name = "TWILIO_TOKENS"`.
 */
export interface TokenBrokerNamespace {
  idFromName(name: string): unknown;
  /** Takes what `idFromName` returned. */
  get(id: unknown): BrokerStub;
}

/** The part of `DurableObjectStorage` the broker uses. */
export interface BrokerStorage {
  get(key: string): Promise<unknown>;
  put(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<boolean>;
  setAlarm(scheduledTime: number): Promise<void>;
  deleteAlarm(): Promise<void>;
}

/** The part of `DurableObjectState` (the `ctx` of a Durable Object) the broker uses. */
export interface BrokerState {
  readonly storage: BrokerStorage;
}
