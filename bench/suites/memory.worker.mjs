// Child process of the memory section (run with --expose-gc): heap of many managers, of one
// telemetry listener through many client ids, and of one manager through a simulated day of
// token rotations.
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { TokenManager } from '@twilio-oauth/core';
import { twilioOAuthTelemetry } from '@twilio-oauth/opentelemetry';
import { serve } from '../lib/ipc.mjs';
import { PullReader } from '../lib/otel.mjs';
import { messagesUrl, readPage } from '../lib/peers.mjs';
import { inBatches } from '../lib/stats.mjs';
import { tenantCredentials } from '../lib/tenants.mjs';

if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');

/** heapUsed after full collections, once nothing more can be freed. */
async function settledHeap() {
  let heap = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 6; i++) {
    globalThis.gc();
    await new Promise((resolve) => setImmediate(resolve));
    const used = process.memoryUsage().heapUsed;
    if (used >= heap - 1024) return Math.min(used, heap);
    heap = used;
  }
  return heap;
}

/**
 * settledHeap once it stops falling: what finished requests leave behind for a few seconds
 * (sockets closing, finalizers of response bodies) is not counted as kept.
 */
async function steadyHeap() {
  let heap = await settledHeap();
  for (let i = 0; i < 15; i++) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const next = await settledHeap();
    if (next > heap - 64 * 1024) return Math.min(next, heap);
    heap = next;
  }
  return heap;
}

let managers = [];
let day;

const options = (target, credentials, now) => ({
  ...credentials,
  tokenUrl: target.tokenUrl,
  allowedHosts: [new URL(target.url).hostname],
  ...(now ? { now } : {}),
});

serve({
  async tenants({ target, count }) {
    // Warm the code paths once so that compiled code is not counted as the managers' memory.
    const warm = new TokenManager(options(target, tenantCredentials(0)));
    await warm.getToken();
    await warm.close();
    const baseline = await settledHeap();
    managers = Array.from(
      { length: count },
      (_, i) => new TokenManager(options(target, tenantCredentials(i))),
    );
    const created = await settledHeap();
    await inBatches(count, 32, (i) => managers[i].getToken());
    const withTokens = await settledHeap();
    await Promise.all(managers.map((manager) => manager.close()));
    managers = [];
    const released = await settledHeap();
    return { baseline, created, withTokens, released };
  },
  // One telemetry listener (real MeterProvider, collected) shared by a manager per client id,
  // each refused by the server and closed: what stays is what the listener keeps.
  async telemetry({ target, count }) {
    const reader = new PullReader();
    const meterProvider = new MeterProvider({ readers: [reader] });
    const listener = twilioOAuthTelemetry({ meterProvider });
    const refused = async (i) => {
      const manager = new TokenManager({
        ...options(target, { clientId: `OQrefused${i}`, clientSecret: 'not-a-registered-secret' }),
        onEvent: listener,
      });
      await manager.getToken().then(
        () => {
          throw new Error(`client id ${i} was not refused`);
        },
        (error) => {
          if (error.code !== 'invalid_client') throw error;
        },
      );
      await manager.close();
    };
    // The listener's instruments and code paths first, then the baseline.
    await refused(-1);
    await reader.collect();
    const baseline = await settledHeap();
    await inBatches(count, 32, refused);
    await reader.collect();
    const after = await steadyHeap();
    // The listener is alive until here (the closures above hold it): its heap was counted.
    await meterProvider.shutdown();
    return { baseline, after };
  },
  async dayInit({ target, now }) {
    let clock = now;
    const manager = new TokenManager(options(target, target, () => clock));
    day = { manager, url: messagesUrl(target), setClock: (t) => (clock = t) };
  },
  // One step of simulated time: an API call, and whatever refresh it started.
  async dayTick({ now }) {
    day.setClock(now);
    await readPage(await day.manager.fetch(day.url));
    await day.manager.settled();
  },
  heap: () => settledHeap(),
  async onExit() {
    await day?.manager.close();
  },
});
