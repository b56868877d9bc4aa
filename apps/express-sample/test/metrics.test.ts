// GET /metrics: what a Prometheus scrape of the sample gets after some traffic.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type MockServer, startMockServer } from '@twilio-oauth/mock-server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from '../src/app';

const client = { clientId: `OQ${'m'.repeat(32)}`, clientSecret: 'sample-Secret-metrics-9f8e7d' };
let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ clients: [client] });
});
afterAll(() => mock.close());

it('serves the twilio_oauth metrics in the Prometheus format, with nothing secret', async () => {
  const sample = createApp({
    ...client,
    accountSid: mock.accountSid,
    tokenUrl: mock.tokenUrl,
    apiBaseUrl: mock.apiBaseUrl,
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = sample.app.listen(0, '127.0.0.1');
    s.once('listening', () => resolve(s));
    s.once('error', reject);
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    for (const path of ['/token-info', '/messages', '/messages']) {
      expect((await fetch(`${base}${path}`)).status).toBe(200);
    }
    const token = await sample.manager.getToken();
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    const value = (name: string, labels: Record<string, string> = {}) => {
      const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
      const line = text
        .split('\n')
        .find((l) => l.startsWith(`${name}{`) && wanted.every((label) => l.includes(label)));
      return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
    };
    expect(text).toContain('# TYPE twilio_oauth_token_requests_total counter');
    expect(value('twilio_oauth_token_requests_total', { outcome: 'issued' })).toBe(1);
    expect(text).toContain('# TYPE twilio_oauth_token_request_duration histogram');
    expect(text).toContain('# UNIT twilio_oauth_token_request_duration s');
    expect(value('twilio_oauth_token_request_duration_count', { outcome: 'issued' })).toBe(1);
    const lookups = 'twilio_oauth_cache_lookups_total';
    // /token-info fetched the token; both /messages and the test's own call found it in memory.
    expect(value(lookups, { result: 'miss', source: 'memory' })).toBe(1);
    expect(value(lookups, { result: 'fresh', source: 'memory' })).toBe(3);
    expect(text).toContain('# TYPE twilio_oauth_token_time_to_expiry gauge');
    expect(value('twilio_oauth_token_time_to_expiry')).toBeGreaterThan(3_500);
    expect(mock.stats().tokenRequests).toBe(1);
    for (const secret of [client.clientSecret, client.clientId, token.accessToken]) {
      expect(text).not.toContain(secret);
    }
  } finally {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await sample.close();
  }
});
