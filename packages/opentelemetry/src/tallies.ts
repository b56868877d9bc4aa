import type { Attributes, Meter, ObservableResult } from '@opentelemetry/api';
import { createInstruments, type Instruments, LOOKUP_ATTRIBUTES } from './instruments';

/** One set of base attributes, shared by every listener on a meter that has the same. */
export interface Series {
  readonly attributes: Attributes;
  /** Cumulative lookups, by slot of LOOKUP_ATTRIBUTES. */
  readonly lookups: number[];
}

/** One credential in one series, as the time-to-expiry gauge sees it. */
export interface Holder {
  readonly series: Series;
  /** Expiry of the held token (epoch ms), as last reported. */
  expiresAt: number | undefined;
  /** The clock of the first listener that saw the credential. */
  readonly now: () => number;
}

/** Lets every series that has a given set of attributes be found again. */
const idOf = (attributes: Attributes): string =>
  JSON.stringify(Object.entries(attributes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/**
 * The instruments of one meter and what its asynchronous ones report. Shared by every
 * listener on that meter: the SDK keeps one observation per attribute set and callback
 * round, so two listeners observing the same series apart would overwrite each other.
 */
export class Tallies {
  readonly instruments: Instruments;
  readonly #series = new Map<string, Series>();
  /**
   * By series and credential key, shared by the listeners that see them: listeners made
   * again and again (a pool that recreates its managers, say) cost no memory per listener.
   */
  readonly #holders = new Map<string, Holder>();

  constructor(meter: Meter) {
    this.instruments = createInstruments(meter);
    this.instruments.lookups.addCallback((result) => this.#observeLookups(result));
    this.instruments.timeToExpiry.addCallback((result) => this.#observeExpiry(result));
  }

  /** The series with exactly these attributes. */
  series(attributes: Attributes): Series {
    const id = idOf(attributes);
    let series = this.#series.get(id);
    if (!series) {
      series = {
        attributes: Object.freeze({ ...attributes }),
        lookups: LOOKUP_ATTRIBUTES.map(() => 0),
      };
      this.#series.set(id, series);
    }
    return series;
  }

  /** The holder of credential `key` in `series`, reported on the time-to-expiry gauge. */
  holder(series: Series, key: string, now: () => number): Holder {
    const id = `${idOf(series.attributes)} ${key}`;
    let holder = this.#holders.get(id);
    if (!holder) {
      holder = { series, expiresAt: undefined, now };
      this.#holders.set(id, holder);
    }
    return holder;
  }

  #observeLookups(result: ObservableResult): void {
    for (const series of this.#series.values()) {
      series.lookups.forEach((count, slot) => {
        if (count > 0) result.observe(count, { ...series.attributes, ...LOOKUP_ATTRIBUTES[slot] });
      });
    }
  }

  /**
   * Per series, the least time left among its valid tokens: the one to worry about; 0 when
   * every token it had has expired (the SDK would repeat a series no longer observed).
   */
  #observeExpiry(result: ObservableResult): void {
    const soonest = new Map<Series, number>();
    for (const { series, expiresAt, now } of this.#holders.values()) {
      if (expiresAt === undefined) continue;
      const leftMs = Math.max(0, expiresAt - now());
      const seen = soonest.get(series);
      if (seen === undefined || (leftMs > 0 && (seen === 0 || leftMs < seen))) {
        soonest.set(series, leftMs);
      }
    }
    for (const [series, leftMs] of soonest) result.observe(leftMs / 1000, series.attributes);
  }
}

const byMeter = new WeakMap<Meter, Tallies>();

/** The tallies of `meter`, made on first use. */
export function talliesOf(meter: Meter): Tallies {
  let tallies = byMeter.get(meter);
  if (!tallies) {
    tallies = new Tallies(meter);
    byMeter.set(meter, tallies);
  }
  return tallies;
}
