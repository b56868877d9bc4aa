import type { FaultState } from './faults';
import type { TokenSigner } from './jwt';
import type { MessageStore } from './messages';
import type { OrganizationStore } from './organizations/store';
import type { StatsCounter } from './stats';
import type { TokenErrorFormat } from './types';

/** What the request handlers share with the server. */
export interface ServerContext {
  /** Secrets by client id. */
  readonly clients: ReadonlyMap<string, string>;
  readonly tokenTtlSeconds: number;
  readonly tokenErrorFormat: TokenErrorFormat;
  readonly signer: TokenSigner;
  readonly stats: StatsCounter;
  readonly faults: FaultState;
  readonly messages: MessageStore;
  /** Users, accounts and role assignments of the Organizations API. */
  readonly organizations: OrganizationStore;
  /** The organization of each organization app, by client id. */
  readonly organizationOf: ReadonlyMap<string, string>;
  /** The server's base URL (absolute page URLs are built on it). */
  readonly url: string;
  /** The server clock, epoch milliseconds. */
  now(): number;
  /** Waits `ms`; resolves `false` instead when the server closes first. */
  sleep(ms: number): Promise<boolean>;
}
