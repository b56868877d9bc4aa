import type { MeterProvider, TracerProvider } from '@opentelemetry/api';
import { InvalidOptionsError, type TokenEvent } from '@twilio-oauth/core';

/**
 * Default `maxCredentials`: most credential keys a listener keeps state for (well under 1 KiB
 * each), and, the largest of its listeners' values, whose held token a meter's time-to-expiry
 * gauge follows.
 */
export const DEFAULT_MAX_CREDENTIALS = 1_000;

/** Options of {@link twilioOAuthTelemetry}. Every field is optional. */
export interface TwilioOAuthTelemetryOptions {
  /**
   * Where the `twilio_oauth.*` instruments are created.
   * @defaultValue the global one (`metrics.getMeterProvider()`), read when the first event arrives
   */
  meterProvider?: MeterProvider;
  /**
   * Where the `twilio_oauth.token.request` spans are started.
   * @defaultValue the global one (`trace.getTracerProvider()`)
   */
  tracerProvider?: TracerProvider;
  /**
   * Your own listener, called with every event after it was recorded. Its
   * exceptions do not affect the telemetry (and the core ignores them).
   */
  onEvent?: (event: TokenEvent) => void;
  /**
   * Adds `twilio_oauth.credential_key` (token URL, client id and scope — never
   * the secret) to every metric point and span: one series per credential.
   * High cardinality with many tenants; opt in only when you need it.
   * @defaultValue false
   */
  includeCredentialKey?: boolean;
  /**
   * Constant attributes added to every metric point and span, e.g.
   * `{ tenant: 'acme' }` on the listener of one tenant's manager.
   * @defaultValue none
   */
  attributes?: Readonly<Record<string, string | number | boolean>>;
  /**
   * Most credential keys (token URL + client id + scope) the listener keeps state for. Past
   * it the least recently used one is forgotten, and a credential is forgotten anyway once its
   * token expired (on the events' clock, when the next event arrives: no timer), unless its
   * exchange is in flight. A forgotten credential seen again starts over; with
   * `includeCredentialKey` its lookup series then counts from 0 (a counter reset).
   * @defaultValue {@link DEFAULT_MAX_CREDENTIALS}
   */
  maxCredentials?: number;
  /**
   * Clock (epoch ms) against which `twilio_oauth.token.time_to_expiry` is
   * computed: pass the manager's `now` when you inject one.
   * @defaultValue `Date.now`
   */
  now?: () => number;
}

/** {@link TwilioOAuthTelemetryOptions} checked and defaulted. */
export interface TelemetryConfig {
  readonly meterProvider: MeterProvider | undefined;
  readonly tracerProvider: TracerProvider | undefined;
  readonly onEvent: ((event: TokenEvent) => void) | undefined;
  readonly includeCredentialKey: boolean;
  readonly attributes: Readonly<Record<string, string | number | boolean>>;
  readonly maxCredentials: number;
  readonly now: () => number;
}

const hasMethod = (value: unknown, method: string): boolean =>
  typeof Object(value)[method] === 'function';

function provider<T>(name: string, value: T | undefined, method: string): T | undefined {
  if (value !== undefined && !hasMethod(value, method)) {
    throw new InvalidOptionsError(name, `needs a ${method}() method`);
  }
  return value;
}

function fn<T>(name: string, value: T | undefined): T | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw new InvalidOptionsError(name, 'must be a function');
  }
  return value;
}

function attributes(value: unknown): Readonly<Record<string, string | number | boolean>> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidOptionsError('attributes', 'must be an object');
  }
  const copy: Record<string, string | number | boolean> = {};
  for (const [name, v] of Object.entries(value)) {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      throw new InvalidOptionsError(`attributes.${name}`, 'must be a string, number or boolean');
    }
    copy[name] = v;
  }
  return Object.freeze(copy);
}

function maxCredentials(value: unknown): number {
  if (value === undefined) return DEFAULT_MAX_CREDENTIALS;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidOptionsError('maxCredentials', 'must be an integer >= 1');
  }
  return value;
}

/** Validates the options without mutating them; messages name the option, never its value. */
export function telemetryConfig(given: TwilioOAuthTelemetryOptions | undefined): TelemetryConfig {
  const options: TwilioOAuthTelemetryOptions = Object(given);
  const include = options.includeCredentialKey;
  if (include !== undefined && typeof include !== 'boolean') {
    throw new InvalidOptionsError('includeCredentialKey', 'must be a boolean');
  }
  return {
    meterProvider: provider('meterProvider', options.meterProvider, 'getMeter'),
    tracerProvider: provider('tracerProvider', options.tracerProvider, 'getTracer'),
    onEvent: fn('onEvent', options.onEvent),
    includeCredentialKey: include === true,
    attributes: attributes(options.attributes),
    maxCredentials: maxCredentials(options.maxCredentials),
    now: fn('now', options.now) ?? Date.now,
  };
}
