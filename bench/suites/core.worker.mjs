// Child process of the core section: the hot path of TokenManager, measured away from the mock.
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { TokenManager } from '@twilio-oauth/core';
import { twilioOAuthTelemetry } from '@twilio-oauth/opentelemetry';
import { serve } from '../lib/ipc.mjs';
import { nsPerOp } from '../lib/measure.mjs';
import { PullReader } from '../lib/otel.mjs';
import { msSince } from '../lib/stats.mjs';

let target;
const managerFor = (onEvent) =>
  new TokenManager({
    clientId: target.clientId,
    clientSecret: target.clientSecret,
    tokenUrl: target.tokenUrl,
    allowedHosts: [new URL(target.url).hostname],
    onEvent,
  });

serve({
  init(arg) {
    target = arg.target;
  },
  async cached({ rounds, timeMs, batch }) {
    const manager = managerFor();
    const token = await manager.getToken();
    const resolved = Promise.resolve(token);
    // Any listener sends the cached path through the core's event path: a no-op one shows
    // what that path costs, the telemetry one what recording a lookup adds on top.
    const listened = managerFor(() => {});
    await listened.getToken();
    const reader = new PullReader();
    const meterProvider = new MeterProvider({ readers: [reader] });
    const observed = managerFor(twilioOAuthTelemetry({ meterProvider }));
    await observed.getToken();
    // Written out rather than through a shared helper so that neither loop pays for a closure call.
    const results = await nsPerOp(
      {
        floor: async (n) => {
          for (let i = 0; i < n; i++) await resolved;
        },
        getToken: async (n) => {
          for (let i = 0; i < n; i++) await manager.getToken();
        },
        getTokenNoopListener: async (n) => {
          for (let i = 0; i < n; i++) await listened.getToken();
        },
        getTokenTelemetry: async (n) => {
          for (let i = 0; i < n; i++) await observed.getToken();
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
    // The lookups were really counted: a collection (a scrape) sees every one of them.
    const { resourceMetrics } = await reader.collect();
    const lookups = resourceMetrics.scopeMetrics
      .flatMap((scope) => scope.metrics)
      .find((metric) => metric.descriptor.name === 'twilio_oauth.cache.lookups');
    const lookupsCounted = (lookups?.dataPoints ?? []).reduce((sum, point) => sum + point.value, 0);
    await Promise.all([
      manager.close(),
      listened.close(),
      observed.close(),
      meterProvider.shutdown(),
    ]);
    return { ...results, lookupsCounted };
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
