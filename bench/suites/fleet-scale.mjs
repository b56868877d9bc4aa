import { TokenManager } from '@twilio-oauth/core';
import { startMockServer } from '@twilio-oauth/mock-server';
import { RedisTokenStore } from '@twilio-oauth/redis';
import {
  connect,
  redisServerAvailable,
  startFleetServers,
  startOwnRedis,
} from '../lib/fleet-servers.mjs';
import { round } from '../lib/stats.mjs';

const TOKEN_TTL_S = 3_600;
const STORE_COMMANDS = ['get', 'set', 'del', 'eval', 'evalsha'];

/** Calls of the store's commands so far, summed over `admins` (one per Redis node). */
async function storeCommands(admins) {
  const counts = Object.fromEntries(STORE_COMMANDS.map((name) => [name, 0]));
  for (const admin of admins) {
    const info = await admin.info('commandstats');
    for (const name of STORE_COMMANDS) {
      const calls = new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(info)?.[1];
      counts[name] += Number(calls ?? 0);
    }
  }
  return counts;
}

const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

/**
 * Fleet at scale: 200 managers, each on its own connection (an Upstash client
 * each: its own HTTP client), hold one token and reach its expiry together, on
 * every client. Measured for that renewal: token requests, the store's Redis
 * commands (counted by the servers, INFO commandstats), and each caller's wait
 * for its token, the slowest included: the price of waiting for the lock holder.
 */
export async function runFleetScale({ smoke, log }) {
  if (!redisServerAvailable()) return { skipped: 'redis-server is not on PATH' };
  const managersPerRun = smoke ? 20 : 200;
  let offsetMs = 0;
  const mock = await startMockServer({
    tokenTtlSeconds: TOKEN_TTL_S,
    now: () => Date.now() + offsetMs,
  });
  const [credentials] = mock.clients;
  // A Redis of its own, so that the command counts are this section's alone.
  const redis = await startOwnRedis();
  const servers = await startFleetServers(redis.url);
  const single = (await connect('ioredis', { redisUrl: redis.url })).client;
  const rows = {};
  try {
    for (const [label, kind] of Object.entries(servers.kinds)) {
      log(`fleet-scale: ${managersPerRun} managers on ${label}`);
      const admins = kind.endsWith('-cluster')
        ? servers.cluster.nodes.map((node) => servers.cluster.admin(node))
        : [single];
      offsetMs = 0;
      mock.reset();
      const connections = await Promise.all(
        Array.from({ length: managersPerRun }, () => connect(kind, servers.endpoints)),
      );
      const managers = connections.map(
        ({ client }) =>
          new TokenManager({
            clientId: credentials.clientId,
            clientSecret: credentials.clientSecret,
            tokenUrl: mock.tokenUrl,
            store: new RedisTokenStore({ client, keyPrefix: `scale:${label}:` }),
            now: () => Date.now() + offsetMs,
          }),
      );
      try {
        await Promise.all(managers.map((manager) => manager.getToken()));
        await Promise.all(managers.map((manager) => manager.settled()));
        const warmRequests = mock.stats().tokenRequests;
        const httpBefore = servers.upstash.stats.commands;
        const before = await storeCommands(admins);
        // Past expiry (and its buffer): every caller must wait for the renewed token.
        offsetMs = (TOKEN_TTL_S + 1) * 1_000;
        const started = performance.now();
        const waits = await Promise.all(
          managers.map(async (manager) => {
            await manager.getToken();
            return performance.now() - started;
          }),
        );
        await Promise.all(managers.map((manager) => manager.settled()));
        const after = await storeCommands(admins);
        const byCommand = Object.fromEntries(
          STORE_COMMANDS.map((name) => [name, after[name] - before[name]]).filter(([, n]) => n > 0),
        );
        const commands = Object.values(byCommand).reduce((sum, n) => sum + n, 0);
        const sorted = waits.sort((a, b) => a - b);
        rows[label] = {
          managers: managersPerRun,
          warmTokenRequests: warmRequests,
          renewalTokenRequests: mock.stats().tokenRequests - warmRequests,
          redisCommands: commands,
          commandsPerManager: round(commands / managersPerRun, 2),
          byCommand,
          ...(kind === 'upstash'
            ? { restCommands: servers.upstash.stats.commands - httpBefore }
            : {}),
          medianWaitMs: round(percentile(sorted, 0.5), 1),
          p95WaitMs: round(percentile(sorted, 0.95), 1),
          slowestWaitMs: round(sorted[sorted.length - 1], 1),
        };
      } finally {
        await Promise.all(managers.map((manager) => manager.close()));
        await Promise.all(connections.map((connection) => connection.close()));
      }
    }
    return { tokenTtlSeconds: TOKEN_TTL_S, managers: managersPerRun, clients: rows };
  } finally {
    single.disconnect();
    await servers.close();
    await redis.dispose();
    await mock.close();
  }
}
