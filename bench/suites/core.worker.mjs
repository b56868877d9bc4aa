// Child process of the core section: the hot path of TokenManager, measured away from the mock.
import { TokenManager } from '@twilio-oauth/core';
import { serve } from '../lib/ipc.mjs';
import { nsPerOp } from '../lib/measure.mjs';
import { msSince } from '../lib/stats.mjs';

let target;
const managerFor = () =>
  new TokenManager({
    clientId: target.clientId,
    clientSecret: target.clientSecret,
    tokenUrl: target.tokenUrl,
    allowedHosts: [new URL(target.url).hostname],
  });

serve({
  init(arg) {
    target = arg.target;
  },
  async cached({ rounds, timeMs, batch }) {
    const manager = managerFor();
    const token = await manager.getToken();
    const resolved = Promise.resolve(token);
    // Written out rather than through a shared helper so that neither loop pays for a closure call.
    const results = await nsPerOp(
      {
        floor: async (n) => {
          for (let i = 0; i < n; i++) await resolved;
        },
        getToken: async (n) => {
          for (let i = 0; i < n; i++) await manager.getToken();
        },
        // The one thing the hot path adds to the floor: reading the clock to check freshness.
        clockRead: async (n) => {
          let sum = 0;
          for (let i = 0; i < n; i++) sum += Date.now();
          return sum;
        },
        getAuthorizationHeader: async (n) => {
          for (let i = 0; i < n; i++) await manager.getAuthorizationHeader();
        },
      },
      { rounds, timeMs, batch },
    );
    await manager.close();
    return results;
  },
  async coldCallers({ callers }) {
    const manager = managerFor();
    const start = process.hrtime.bigint();
    const tokens = await Promise.all(Array.from({ length: callers }, () => manager.getToken()));
    const elapsedMs = msSince(start);
    const distinct = new Set(tokens.map((token) => token.accessToken)).size;
    await manager.close();
    return { elapsedMs, distinctTokens: distinct };
  },
});
