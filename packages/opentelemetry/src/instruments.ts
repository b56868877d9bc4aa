import type {
  Attributes,
  Counter,
  Histogram,
  Meter,
  ObservableCounter,
  ObservableGauge,
} from '@opentelemetry/api';

/** Instrumentation scope of the meter and the tracer. */
export const INSTRUMENTATION_SCOPE = '@twilio-oauth/opentelemetry';

/** Name of the span covering one token exchange (all its attempts). */
export const SPAN_NAME = 'twilio_oauth.token.request';

/**
 * Seconds. An exchange is one round trip when all goes well, and up to a
 * few timeouts plus backoff when it does not.
 */
const DURATION_BUCKETS_S = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60,
];

/** The six `result` × `source` pairs of `twilio_oauth.cache.lookups`, by slot. */
export const LOOKUP_ATTRIBUTES: readonly Attributes[] = [
  { result: 'fresh', source: 'memory' },
  { result: 'fresh', source: 'store' },
  { result: 'stale', source: 'memory' },
  { result: 'stale', source: 'store' },
  { result: 'miss', source: 'memory' },
  { result: 'miss', source: 'store' },
];

/** Slot in {@link LOOKUP_ATTRIBUTES}. */
export const lookupSlot = (result: 'fresh' | 'stale' | 'miss', source: 'memory' | 'store') =>
  (result === 'fresh' ? 0 : result === 'stale' ? 2 : 4) + (source === 'store' ? 1 : 0);

/** The instruments, with the names and units this package documents. */
export interface Instruments {
  readonly requests: Counter;
  readonly duration: Histogram;
  /** Asynchronous: a lookup (every cached `getToken()`) only bumps a number; collection reads it. */
  readonly lookups: ObservableCounter;
  readonly servedStale: Counter;
  readonly storeErrors: Counter;
  readonly timeToExpiry: ObservableGauge;
}

/** Creates every instrument on `meter`. */
export function createInstruments(meter: Meter): Instruments {
  return {
    requests: meter.createCounter('twilio_oauth.token.requests', {
      unit: '{request}',
      description: 'Token exchanges (each with all its attempts), by outcome.',
    }),
    duration: meter.createHistogram('twilio_oauth.token.request.duration', {
      unit: 's',
      description: 'Duration of one token exchange, all attempts and backoff included.',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS_S },
    }),
    lookups: meter.createObservableCounter('twilio_oauth.cache.lookups', {
      unit: '{lookup}',
      description: 'Token lookups in memory or in the shared store, by result.',
    }),
    servedStale: meter.createCounter('twilio_oauth.token.served_stale', {
      unit: '{token}',
      description: 'Still-valid tokens served because refreshing them failed.',
    }),
    storeErrors: meter.createCounter('twilio_oauth.store.errors', {
      unit: '{error}',
      description: 'Failed operations of the shared token store, by operation.',
    }),
    timeToExpiry: meter.createObservableGauge('twilio_oauth.token.time_to_expiry', {
      unit: 's',
      description: 'Seconds until the held token expires (the soonest, across credentials).',
    }),
  };
}
