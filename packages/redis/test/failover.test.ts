// A failover of the Redis Cluster master that holds the token, while a fleet of
// managers on ioredis and node-redis 5/6 cluster clients keeps calling getToken().
import { type MockServer, startMockServer } from '@twilio-oauth/mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FailoverResult, runFailover } from './helpers/failover';
import { redisServerAvailable } from './helpers/redis';

const available = redisServerAvailable();

describe.skipIf(!available)('a Redis Cluster failover under a running fleet', () => {
  let mock: MockServer;
  let result: FailoverResult;

  beforeAll(async () => {
    mock = await startMockServer({ tokenTtlSeconds: 3_600 });
    result = await runFailover(mock, 'failover-test:');
  }, 60_000);
  afterAll(() => mock?.close());

  it('promotes the replica of the master that held the token', () => {
    expect(result.movedTo).not.toBe(result.movedFrom);
    expect(result.failoverMs).toBeLessThan(15_000);
  });

  it('fails no caller while a valid token is held', () => {
    expect(result.calls).toBeGreaterThan(result.managers);
    expect(result.failures).toBe(0);
  });

  it('makes one token request for the fleet, and at most one extra for the renewal during the failover', () => {
    expect(result.requestsBefore).toBe(1);
    expect(result.renewalRequests).toBeGreaterThanOrEqual(1);
    expect(result.renewalRequests).toBeLessThanOrEqual(2);
  });

  it('uses the store again once the new master serves: a new process makes no token request', () => {
    expect(result.requestsOfNewProcess).toBe(0);
  });
});
