// One process of the fleet section: a TokenManager on a clock the parent drives,
// optionally sharing its token through Redis with the seven other processes.
import { TokenManager } from '@twilio-oauth/core';
import { RedisTokenStore } from '@twilio-oauth/redis';
import { connect } from '../lib/fleet-servers.mjs';
import { serve } from '../lib/ipc.mjs';
import { nsPerOp } from '../lib/measure.mjs';

let target;
let clock = 0;
let manager;
/** Open connections by client kind: one per kind per process. */
const connections = new Map();
const seen = new Set();

const managerOptions = (store, now) => ({
  clientId: target.clientId,
  clientSecret: target.clientSecret,
  tokenUrl: target.tokenUrl,
  allowedHosts: [new URL(target.url).hostname],
  ...(now ? { now } : {}),
  ...(store ? { store } : {}),
});

/** Counts reads so the figure can show that a cache hit never reached Redis. */
class CountingStore extends RedisTokenStore {
  reads = 0;
  get(key) {
    this.reads++;
    return super.get(key);
  }
}

async function clientOf(kind, endpoints) {
  if (!connections.has(kind)) connections.set(kind, connect(kind, endpoints));
  return (await connections.get(kind)).client;
}

serve({
  async init(arg) {
    target = arg.target;
    await manager?.close();
    seen.clear();
    clock = arg.now;
    const store = arg.redis
      ? new RedisTokenStore({
          client: await clientOf(arg.redis.kind, arg.redis.endpoints),
          keyPrefix: arg.redis.keyPrefix,
        })
      : undefined;
    manager = new TokenManager(managerOptions(store, () => clock));
  },
  // One step of simulated time: some callers ask for the token, background refreshes finish.
  async tick({ now, calls }) {
    clock = now;
    await Promise.all(Array.from({ length: calls }, () => manager.getToken()));
    await manager.settled();
    seen.add((await manager.getToken()).accessToken);
  },
  report() {
    return { distinctTokens: seen.size };
  },
  // Cache-hit cost with the Redis store configured, against a store-less manager and the floor.
  async hitCost({ kind, endpoints, keyPrefix, rounds, timeMs, batch }) {
    const store = new CountingStore({ client: await clientOf(kind, endpoints), keyPrefix });
    const withRedis = new TokenManager(managerOptions(store));
    const plain = new TokenManager(managerOptions());
    const resolved = Promise.resolve(await plain.getToken());
    await withRedis.getToken();
    const readsBefore = store.reads;
    const results = await nsPerOp(
      {
        floor: async (n) => {
          for (let i = 0; i < n; i++) await resolved;
        },
        plain: async (n) => {
          for (let i = 0; i < n; i++) await plain.getToken();
        },
        redisStore: async (n) => {
          for (let i = 0; i < n; i++) await withRedis.getToken();
        },
      },
      { rounds, timeMs, batch },
    );
    const storeReadsDuringHits = store.reads - readsBefore;
    await withRedis.close();
    await plain.close();
    return { results, storeReadsDuringHits };
  },
  async onExit() {
    await manager?.close();
    for (const connection of connections.values()) await (await connection).close();
  },
});
