import { type Span, SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import type { TokenEvent } from '@twilio-oauth/core';
import { lookupSlot, SPAN_NAME } from './instruments';
import type { TelemetryConfig } from './options';
import type { Holder, Series, Tallies } from './tallies';

/** What one listener knows about one credential key. */
interface KeyState {
  readonly series: Series;
  /** The held token's expiry, shared with other listeners of the same series and key. */
  readonly holder: Holder;
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
  readonly #keys = new Map<string, KeyState>();

  constructor(config: TelemetryConfig, tallies: Tallies, tracer: Tracer) {
    this.#config = config;
    this.#tallies = tallies;
    this.#tracer = tracer;
  }

  record(event: TokenEvent): void {
    const state = this.#keys.get(event.key) ?? this.#add(event.key);
    const type = event.type;
    // The hot case (every cached call) reads as few fields as it can.
    if (type === 'cache.hit') {
      const source = event.source;
      count(state.series.lookups, lookupSlot(event.state, source));
      // A memory hit serves the token whose expiry token.issued (or a store hit) reported.
      if (source === 'store') state.holder.expiresAt = event.expiresAt;
      return;
    }
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
        state.holder.expiresAt = event.expiresAt;
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
        state.holder.expiresAt = event.expiresAt;
        m.servedStale.add(1, attributes);
        return;
      case 'store.error':
        m.storeErrors.add(1, { ...attributes, operation: event.operation });
        return;
      // token.refresh_failed follows a token.request_failed, already counted.
    }
  }

  #add(key: string): KeyState {
    const { attributes, includeCredentialKey, now } = this.#config;
    const series = this.#tallies.series(
      includeCredentialKey ? { ...attributes, 'twilio_oauth.credential_key': key } : attributes,
    );
    const state: KeyState = {
      series,
      holder: this.#tallies.holder(series, key, now),
      serverAddress: serverAddressOf(key),
      span: undefined,
    };
    this.#keys.set(key, state);
    return state;
  }
}
