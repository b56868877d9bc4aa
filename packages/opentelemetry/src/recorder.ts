import { type Span, SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import type { TokenEvent } from '@twilio-oauth/core';
import { lookupSlot, SPAN_NAME } from './instruments';
import type { TelemetryConfig } from './options';
import { type RecentEntry, RecentMap } from './recent';
import type { Series, Tallies } from './tallies';

/** What one listener knows about one credential key. */
interface KeyState extends RecentEntry {
  readonly key: string;
  readonly series: Series;
  /** Host of the token URL, for `server.address`; read from the key once. */
  readonly serverAddress: string | undefined;
  /** The exchange in progress: a manager runs at most one at a time. */
  span: Span | undefined;
}

/** The token URL is the key's first word; IPv6 hosts lose their brackets, as semconv asks. */
function serverAddressOf(key: string): string | undefined {
  const space = key.indexOf(' ');
  try {
    return new URL(space < 0 ? key : key.slice(0, space)).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    return undefined;
  }
}

// Every slot exists: the arrays are made with one per LOOKUP_ATTRIBUTES entry.
const count = (lookups: number[], slot: number): void => {
  lookups[slot] = (lookups[slot] as number) + 1;
};

/** Turns core events into measurements and spans. One per listener, shared by its managers. */
export class Recorder {
  readonly #config: TelemetryConfig;
  readonly #tallies: Tallies;
  readonly #tracer: Tracer;
  /** The credentials it follows: the most recently used, until their tokens expire. */
  readonly #keys: RecentMap<KeyState>;

  constructor(config: TelemetryConfig, tallies: Tallies, tracer: Tracer) {
    this.#config = config;
    this.#tallies = tallies;
    this.#tracer = tracer;
    tallies.allow(config.maxCredentials);
    this.#keys = new RecentMap<KeyState>({
      max: config.maxCredentials,
      // An exchange in flight is followed to its end, whatever the held token's expiry.
      busy: (state) => state.span !== undefined,
      onDrop: (state) => tallies.release(state.series, state.key),
    });
  }

  /** Number of credential keys it keeps state for, for tests. */
  get size(): number {
    return this.#keys.size;
  }

  record(event: TokenEvent): void {
    const type = event.type;
    // The hot case (every cached call) reads as few fields as it can.
    if (type === 'cache.hit') {
      const state = this.#keys.get(event.key) ?? this.#add(event.key);
      const source = event.source;
      count(state.series.lookups, lookupSlot(event.state, source));
      // A memory hit serves the token whose expiry token.issued (or a store hit) reported.
      if (source === 'store') this.#held(state, event.expiresAt);
      return;
    }
    // Before the lookup: the credential of this very event may be one that expired.
    this.#keys.prune(event.time);
    const state = this.#keys.get(event.key) ?? this.#add(event.key);
    const { attributes } = state.series;
    const m = this.#tallies.instruments;
    switch (type) {
      case 'cache.miss':
        count(state.series.lookups, lookupSlot('miss', event.source));
        return;
      case 'token.requested':
        if (event.attempt > 1) {
          state.span?.addEvent('twilio_oauth.token.retry', {
            'twilio_oauth.attempt': event.attempt,
          });
          return;
        }
        // A span still open here lost its end: two managers of one key under one listener
        // interleave their exchanges (the metrics stay right; only spans are per key).
        state.span?.end();
        state.span = this.#tracer.startSpan(SPAN_NAME, {
          kind: SpanKind.CLIENT,
          attributes:
            state.serverAddress === undefined
              ? attributes
              : { ...attributes, 'server.address': state.serverAddress },
        });
        return;
      case 'token.issued': {
        this.#held(state, event.expiresAt);
        const outcome = { ...attributes, outcome: 'issued' };
        m.requests.add(1, outcome);
        m.duration.record(event.durationMs / 1000, outcome);
        state.span?.setAttribute('twilio_oauth.attempts', event.attempts);
        state.span?.end();
        state.span = undefined;
        return;
      }
      case 'token.request_failed': {
        const outcome = { ...attributes, outcome: 'failed', 'error.type': event.code };
        m.requests.add(1, outcome);
        m.duration.record(event.durationMs / 1000, outcome);
        state.span?.setAttributes({
          'error.type': event.code,
          'twilio_oauth.attempts': event.attempts,
        });
        // No message: the code says it, and nothing from the error can leak through a span.
        state.span?.setStatus({ code: SpanStatusCode.ERROR });
        state.span?.end();
        state.span = undefined;
        return;
      }
      case 'token.served_stale':
        this.#held(state, event.expiresAt);
        m.servedStale.add(1, attributes);
        return;
      case 'store.error':
        m.storeErrors.add(1, { ...attributes, operation: event.operation });
        return;
      // token.refresh_failed follows a token.request_failed, already counted.
    }
  }

  /** The credential holds a token until `expiresAt`: the gauge shows it, and it is kept till then. */
  #held(state: KeyState, expiresAt: number): void {
    this.#keys.expires(state, expiresAt);
    this.#tallies.held(state.series, state.key, expiresAt, this.#config.now);
  }

  #add(key: string): KeyState {
    const { attributes, includeCredentialKey } = this.#config;
    const series = includeCredentialKey
      ? this.#tallies.series({ ...attributes, 'twilio_oauth.credential_key': key }, true)
      : this.#tallies.series(attributes, false);
    const state: KeyState = {
      key,
      series,
      serverAddress: serverAddressOf(key),
      span: undefined,
      expiresAt: undefined,
    };
    this.#keys.set(key, state);
    return state;
  }
}
