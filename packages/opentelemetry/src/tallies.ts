import type { Attributes, Meter, ObservableResult } from '@opentelemetry/api';
import { createInstruments, type Instruments, LOOKUP_ATTRIBUTES } from './instruments';
import { type RecentEntry, RecentMap } from './recent';

/** One set of base attributes, shared by every listener on a meter that has the same. */
export interface Series {
  /** Finds the series again (and its holders). */
  readonly id: string;
  readonly attributes: Attributes;
  /** Cumulative lookups, by slot of LOOKUP_ATTRIBUTES. */
  readonly lookups: number[];
  /** Set when it holds one credential's key: released when no listener follows that key. */
  readonly perCredential: boolean;
  /** Listeners' credential states that count into it (per-credential series only). */
  users: number;
  /** Once a token's expiry was reported: the gauge then says 0 when none is left. */
  reportsExpiry: boolean;
}

/** One credential in one series, as the time-to-expiry gauge sees it. */
interface Holder extends RecentEntry {
  readonly series: Series;
  /** The clock of the listener that last reported the expiry. */
  now: () => number;
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
   * Only held tokens, until they expire, and as many as the largest `maxCredentials` asks.
   */
  readonly #holders = new RecentMap<Holder>({ max: 1 });
  /** Per-credential series let go since the last collection, by id: they say 0 one last time. */
  readonly #released = new Map<string, Series>();

  constructor(meter: Meter) {
    this.instruments = createInstruments(meter);
    this.instruments.lookups.addCallback((result) => this.#observeLookups(result));
    this.instruments.timeToExpiry.addCallback((result) => this.#observeExpiry(result));
  }

  /** Lets the holders of this meter number `maxCredentials` (the largest asked for wins). */
  allow(maxCredentials: number): void {
    this.#holders.allow(maxCredentials);
  }

  /**
   * The series with exactly these attributes. A per-credential one is counted as used until
   * {@link Tallies.release}d.
   */
  series(attributes: Attributes, perCredential: boolean): Series {
    const id = idOf(attributes);
    let series = this.#series.get(id);
    if (!series) {
      series = {
        id,
        attributes: Object.freeze({ ...attributes }),
        lookups: LOOKUP_ATTRIBUTES.map(() => 0),
        perCredential,
        users: 0,
        reportsExpiry: false,
      };
      this.#series.set(id, series);
      this.#released.delete(id);
    }
    if (perCredential) series.users++;
    return series;
  }

  /** A listener no longer follows credential `key` of `series`; the last one lets it go. */
  release(series: Series, key: string): void {
    if (!series.perCredential || --series.users > 0) return;
    this.#series.delete(series.id);
    this.#holders.delete(`${series.id} ${key}`);
    if (!series.reportsExpiry) return;
    // Bounded even without collections: the oldest go first (they would only have said 0).
    if (this.#released.size >= this.#holders.max)
      this.#released.delete(this.#released.keys().next().value ?? '');
    this.#released.set(series.id, series);
  }

  /**
   * Credential `key` of `series` holds a token expiring at `expiresAt` (epoch ms, on the clock
   * `now` of the listener reporting it): what the time-to-expiry gauge shows.
   */
  held(series: Series, key: string, expiresAt: number, now: () => number): void {
    const id = `${series.id} ${key}`;
    let holder = this.#holders.get(id);
    if (!holder) {
      holder = { series, expiresAt: undefined, now };
      this.#holders.set(id, holder);
    }
    holder.now = now;
    this.#holders.expires(holder, expiresAt);
    series.reportsExpiry = true;
    this.#holders.prune(now());
  }

  /** Number of credentials whose tokens the gauge follows, for tests. */
  get holderCount(): number {
    return this.#holders.size;
  }

  /** Number of series (base and per credential), for tests. */
  get seriesCount(): number {
    return this.#series.size;
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
   * Expired tokens are forgotten here.
   */
  #observeExpiry(result: ObservableResult): void {
    const soonest = new Map<Series, number>();
    for (const series of this.#series.values()) if (series.reportsExpiry) soonest.set(series, 0);
    for (const series of this.#released.values()) soonest.set(series, 0);
    this.#released.clear();
    for (const holder of this.#holders.values()) {
      const { series, expiresAt } = holder;
      const leftMs = expiresAt === undefined ? 0 : Math.max(0, expiresAt - holder.now());
      if (leftMs === 0) continue;
      const seen = soonest.get(series) ?? 0;
      if (seen === 0 || leftMs < seen) soonest.set(series, leftMs);
    }
    this.#holders.deleteWhere((h) => h.expiresAt === undefined || h.expiresAt <= h.now());
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
