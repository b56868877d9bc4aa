import {
  type Attributes,
  type ObservableResult,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
} from '@opentelemetry/api';
import type { ObservedEvent } from './events';
import { type Instruments, LOOKUP_ATTRIBUTES, lookupSlot, SPAN_NAME } from './instruments';
import type { TelemetryConfig } from './options';

/** One set of base attributes: every credential, or one credential with `includeCredentialKey`. */
interface Series {
  readonly attributes: Attributes;
  /** Cumulative lookups, by slot of LOOKUP_ATTRIBUTES. */
  readonly lookups: number[];
}

/** What is known about one credential key. */
interface KeyState {
  readonly series: Series;
  /** Host of the token URL, for `server.address`; read from the key once. */
  readonly serverAddress: string | undefined;
  /** Expiry of the held token (epoch ms), as last reported. */
  expiresAt: number | undefined;
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
  readonly #instruments: Instruments;
  readonly #tracer: Tracer;
  readonly #keys = new Map<string, KeyState>();
  readonly #series = new Map<string, Series>();

  constructor(config: TelemetryConfig, instruments: Instruments, tracer: Tracer) {
    this.#config = config;
    this.#instruments = instruments;
    this.#tracer = tracer;
    instruments.lookups.addCallback((result) => this.#observeLookups(result));
    instruments.timeToExpiry.addCallback((result) => this.#observeExpiry(result));
  }

  record(event: ObservedEvent): void {
    const state = this.#keys.get(event.key) ?? this.#add(event.key);
    const { attributes } = state.series;
    const m = this.#instruments;
    switch (event.type) {
      case 'cache.hit':
        count(state.series.lookups, lookupSlot(event.state, event.source));
        if (event.expiresAt !== undefined) state.expiresAt = event.expiresAt;
        return;
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
        // Only an exchange whose end was never reported (its manager closed) can still be open.
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
        state.expiresAt = event.expiresAt;
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
        state.expiresAt = event.expiresAt;
        m.servedStale.add(1, attributes);
        return;
      case 'store.error':
        m.storeErrors.add(1, { ...attributes, operation: event.operation });
        return;
    }
  }

  #add(key: string): KeyState {
    const include = this.#config.includeCredentialKey;
    const id = include ? key : '';
    let series = this.#series.get(id);
    if (!series) {
      const base = this.#config.attributes;
      series = {
        attributes: Object.freeze(include ? { ...base, 'twilio_oauth.credential_key': key } : base),
        lookups: LOOKUP_ATTRIBUTES.map(() => 0),
      };
      this.#series.set(id, series);
    }
    const state: KeyState = {
      series,
      serverAddress: serverAddressOf(key),
      expiresAt: undefined,
      span: undefined,
    };
    this.#keys.set(key, state);
    return state;
  }

  #observeLookups(result: ObservableResult): void {
    for (const series of this.#series.values()) {
      series.lookups.forEach((count, slot) => {
        if (count > 0) result.observe(count, { ...series.attributes, ...LOOKUP_ATTRIBUTES[slot] });
      });
    }
  }

  /**
   * Per series, the soonest expiry of the tokens still valid: the one to worry about;
   * 0 when every token it had has expired (the SDK would repeat a series no longer observed).
   */
  #observeExpiry(result: ObservableResult): void {
    const now = this.#config.now();
    const soonest = new Map<Series, number>();
    for (const { series, expiresAt } of this.#keys.values()) {
      if (expiresAt === undefined) continue;
      const seen = soonest.get(series);
      const valid = expiresAt > now;
      if (seen === undefined || (valid && (seen <= now || expiresAt < seen))) {
        soonest.set(series, expiresAt);
      }
    }
    for (const [series, expiresAt] of soonest) {
      result.observe(Math.max(0, expiresAt - now) / 1000, series.attributes);
    }
  }
}
