import type { MockServer } from '@twilio-oauth/mock-server';
import { expect } from 'vitest';

/** A running edge runtime serving `fixtures/app.mjs`. */
export interface EdgeTarget {
  request(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/** Lifetime of the mock's tokens; the fixture's managers are fresh 40 s, stale 10 s, then in the 10-s buffer. */
export const TOKEN_TTL_SECONDS = 60;
export const FRESH_FOR_MS = 40_000;
export const STALE_UNTIL_MS = 50_000;
export const EXPIRES_AFTER_MS = TOKEN_TTL_SECONDS * 1000;

/** The lifecycle tests' lanes: each its own credential (client id `<good id>-<lane>`), hence its own manager. */
export const LANES = ['renewal', 'ahead', 'stale', 'burst', 'lock', 'lockfill'] as const;
export type Lane = (typeof LANES)[number];

/** What `/…/token` answered. */
export interface TokenAnswer {
  readonly status: number;
  /** The token's expiry (epoch ms) when the status is 200. */
  readonly expiresAt?: number;
  readonly headerMatches?: boolean;
  /** The body as text otherwise. */
  readonly text?: string;
}

/** What the fixture's test store reports. */
export interface StoreStats {
  readonly gets: number;
  readonly sets: number;
  readonly locksTaken: number;
  readonly locksRefused: number;
  readonly lockHeld: boolean;
}

/** One recorded token event of a lane (no token or secret in it). */
export interface LaneEvent {
  readonly type: string;
  readonly expiresAt?: number;
  readonly code?: string;
}

/**
 * Drives one runtime and the mock server together: moves both clocks (the managers'
 * injected `now` in the isolate, and the mock's), asks for tokens and reads what the
 * isolate recorded.
 */
export class EdgeSession {
  #offsetMs = 0;

  constructor(
    readonly server: MockServer,
    readonly edge: EdgeTarget,
    readonly goodClientId: string,
  ) {}

  clientId(lane: Lane): string {
    return `${this.goodClientId}-${lane}`;
  }

  /** Moves the isolate's and the mock's clocks forward by `ms`. */
  async advance(ms: number): Promise<void> {
    this.#offsetMs += ms;
    const offsetMs = this.#offsetMs;
    this.server.setClock(() => Date.now() + offsetMs);
    const response = await this.#post('/__test/clock', { offsetMs });
    expect(await response.json()).toEqual({ offsetMs });
  }

  /** GET `path` (a `/…/token` route). */
  async token(path: string): Promise<TokenAnswer> {
    const response = await this.edge.request(path);
    if (response.status !== 200) return { status: response.status, text: await response.text() };
    const body = (await response.json()) as { expiresAt: number; headerMatches: boolean };
    return { status: 200, ...body };
  }

  laneToken(lane: Lane): Promise<TokenAnswer> {
    return this.token(`/lane/${lane}/token`);
  }

  /** Status the Messages API gave the lane's `c.var.twilio.fetch()`. */
  async laneMessages(lane: Lane): Promise<number> {
    const response = await this.edge.request(`/lane/${lane}/messages`);
    expect(response.status).toBe(200);
    return ((await response.json()) as { status: number }).status;
  }

  /** Token requests of a client that reached the mock. */
  tokenRequests(clientId: string): number {
    return this.server.stats().byClient[clientId]?.tokenRequests ?? 0;
  }

  laneRequests(lane: Lane): number {
    return this.tokenRequests(this.clientId(lane));
  }

  async events(lane: Lane): Promise<LaneEvent[]> {
    const response = await this.edge.request(`/__test/events?lane=${lane}`);
    return (await response.json()) as LaneEvent[];
  }

  /** Sets the store's lock or fills it as another holder would; answers its counters. */
  async store(change: {
    lockHeld?: boolean;
    accessToken?: string;
    expiresInSeconds?: number;
  }): Promise<StoreStats> {
    return (await (await this.#post('/__test/store', change)).json()) as StoreStats;
  }

  #post(path: string, body: unknown): Promise<Response> {
    return this.edge.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }
}
