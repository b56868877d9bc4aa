// A Redis Cluster failover under a running fleet: the master that holds the
// token is replaced by its replica (`CLUSTER FAILOVER`) while callers keep
// asking for tokens and the token reaches its renewal. Shared by the store's
// own test and the reliability suite, which records what it measured.
import { type TokenEvent, TokenManager } from '@twilio-oauth/core';
import type { MockServer } from '@twilio-oauth/mock-server';
import { RedisTokenStore } from '../../src/index';
import { type ClusterKind, openClusterClient, type TestClient } from './clients';
import { type OwnCluster, startCluster, until } from './cluster.mjs';

export interface FailoverResult {
  /** Managers, each on its own cluster client. */
  readonly managers: number;
  readonly kinds: readonly ClusterKind[];
  /** getToken() calls made while the failover ran, and how many of them failed. */
  readonly calls: number;
  readonly failures: number;
  /** Token requests before the failover (one per fleet) and for the renewal that fell into it. */
  readonly requestsBefore: number;
  readonly renewalRequests: number;
  /** `store.error` events during the failover. */
  readonly storeErrors: number;
  /** From `CLUSTER FAILOVER` to the replica serving as master with the cluster ok. */
  readonly failoverMs: number;
  /** A manager started after the failover: token requests it made (0: served by the store). */
  readonly requestsOfNewProcess: number;
  /** The slot of the credential's keys moved to another node. */
  readonly movedFrom: number;
  readonly movedTo: number;
}

const KINDS: readonly ClusterKind[] = ['ioredis', 'node-redis-5', 'node-redis-6'];
const LIFETIME_MS = 3_600_000;
const pace = () => new Promise((resolve) => setTimeout(resolve, 2));

export async function runFailover(mock: MockServer, prefix: string): Promise<FailoverResult> {
  const cluster: OwnCluster = await startCluster(3);
  const connections: TestClient[] = [];
  const managers: TokenManager[] = [];
  let offsetMs = 0;
  mock.setClock(() => Date.now() + offsetMs);
  const events: TokenEvent[] = [];
  const [credentials] = mock.clients;
  const startManager = async (kind: ClusterKind) => {
    const connection = await openClusterClient(kind, cluster.rootNodes);
    connections.push(connection);
    const manager = new TokenManager({
      clientId: credentials?.clientId ?? '',
      clientSecret: credentials?.clientSecret ?? '',
      tokenUrl: mock.tokenUrl,
      store: new RedisTokenStore({ client: connection.client, keyPrefix: prefix }),
      now: () => Date.now() + offsetMs,
      onEvent: (event) => events.push(event),
    });
    managers.push(manager);
    return manager;
  };
  try {
    const kinds = [...KINDS, ...KINDS];
    const fleet = await Promise.all(kinds.map(startManager));
    const first = await Promise.all(fleet.map((manager) => manager.getToken()));
    const requestsBefore = mock.stats().tokenRequests;
    const firstToken = first[0]?.accessToken;

    // The master holding the token gets a replica, fully synced.
    let master = cluster.nodes[0];
    for (const node of cluster.nodes) {
      if ((await cluster.admin(node).keys(`${prefix}*`)).length > 0) master = node;
    }
    if (!master) throw new Error('no master holds the token');
    const replica = await cluster.addReplica(master);

    // Callers run; the replica takes over; the token reaches its renewal meanwhile.
    let stop = false;
    let calls = 0;
    let failures = 0;
    const callers = fleet.map(async (manager) => {
      while (!stop) {
        calls += 1;
        await manager.getToken().catch(() => {
          failures += 1;
        });
        await pace();
      }
    });
    const errorsBefore = events.filter((e) => e.type === 'store.error').length;
    const started = performance.now();
    const promote = () => cluster.admin(replica).call('CLUSTER', 'FAILOVER');
    await promote();
    // Inside refresh-ahead: served at once, one renewal for the fleet.
    offsetMs = LIFETIME_MS - 200_000;
    let asked = performance.now();
    await until('the replica promoted', async () => {
      const [role] = (await cluster.admin(replica).call('ROLE')) as unknown[];
      if (role === 'master') return true;
      // A manual failover the old master did not agree to in time is dropped: ask again.
      if (performance.now() - asked > 3_000) {
        asked = performance.now();
        await promote();
      }
      return false;
    });
    await cluster.waitUntilOk(4);
    const failoverMs = performance.now() - started;
    // Every manager holds the renewed token before the callers stop.
    await until('every manager renewed', async () => {
      const held = await Promise.all(fleet.map((manager) => manager.getToken()));
      return held.every((token) => token.accessToken !== firstToken);
    });
    stop = true;
    await Promise.all(callers);
    await Promise.all(fleet.map((manager) => manager.settled()));
    const renewalRequests = mock.stats().tokenRequests - requestsBefore;
    const storeErrors = events.filter((e) => e.type === 'store.error').length - errorsBefore;

    // A process started now finds the renewed token on the promoted master.
    const before = mock.stats().tokenRequests;
    await (await startManager('ioredis')).getToken();
    return {
      managers: fleet.length,
      kinds: KINDS,
      calls,
      failures,
      requestsBefore,
      renewalRequests,
      storeErrors,
      failoverMs,
      requestsOfNewProcess: mock.stats().tokenRequests - before,
      movedFrom: master.port,
      movedTo: replica.port,
    };
  } finally {
    await Promise.all(managers.map((manager) => manager.close()));
    await Promise.all(connections.map((connection) => connection.close()));
    mock.setClock(Date.now);
    await cluster.dispose();
  }
}
