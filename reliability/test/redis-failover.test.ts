// A Redis Cluster failover under a running fleet (the scenario of
// @twilio-oauth/redis's failover test, whose helpers start the cluster): the
// master holding the token is replaced by its replica with `CLUSTER FAILOVER`
// while managers on ioredis and node-redis 5/6 cluster clients call getToken()
// into the token's renewal.
import { type MockServer, startMockServer } from '@twilio-oauth/mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FailoverResult, runFailover } from '../../packages/redis/test/helpers/failover';
import { redisServerAvailable } from './helpers/redis';
import { section, writeResults } from './helpers/results';

const failover = section(
  41,
  'Redis Cluster failover',
  'A real Redis Cluster started by the test (three masters, `redis-server --cluster-enabled yes`, `redis-cli --cluster create`); the master holding the token gets a replica, which is promoted with `CLUSTER FAILOVER` while the fleet runs. Each manager stands for one process, on its own cluster client; the clock is moved into the token’s refresh-ahead window as the failover starts, so the renewal falls into it.',
);

describe.skipIf(!redisServerAvailable())('a Redis Cluster failover under a running fleet', () => {
  let mock: MockServer;
  let result: FailoverResult;

  beforeAll(async () => {
    mock = await startMockServer({ tokenTtlSeconds: 3_600 });
    result = await runFailover(mock, 'reliability-failover:');
  }, 60_000);

  afterAll(async () => {
    await mock?.close();
    writeResults('redis-failover', [failover]);
  });

  it('no caller fails while a valid token is held; one renewal; the store serves again after', () => {
    expect(result.failures).toBe(0);
    expect(result.calls).toBeGreaterThan(result.managers);
    expect(result.requestsBefore).toBe(1);
    expect(result.renewalRequests).toBeGreaterThanOrEqual(1);
    expect(result.renewalRequests).toBeLessThanOrEqual(2);
    expect(result.requestsOfNewProcess).toBe(0);
    expect(result.movedTo).not.toBe(result.movedFrom);
    failover.rows.push({
      fault: `the master holding the token fails over to its replica (\`CLUSTER FAILOVER\`) while ${result.managers} managers (${result.kinds.join(', ')} cluster clients) call \`getToken()\` into the renewal`,
      callers: `${result.calls} calls during the failover, ${result.failures} failed; ${result.storeErrors} \`store.error\` events; the replica served as master within the run (measured ${Math.round(result.failoverMs)} ms)`,
      tokenRequests: `${result.renewalRequests} for the renewal (at most 2 allowed: one extra), after 1 for the fleet`,
      recovery: `a process started afterwards is served by the store on the promoted master (${result.requestsOfNewProcess} token requests)`,
    });
  });
});
