// Over real HTTP (the mock server) with the real OpenTelemetry SDK: what an operator sees.
import { metrics, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { DataPointType, type Histogram } from '@opentelemetry/sdk-metrics';
import type { TokenStore } from '@twilio-oauth/core';
import type { MockServer } from '@twilio-oauth/mock-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TTL_S, useHarness } from '../test/harness';
import { byAttributes, type Sdk } from '../test/otel';
import { twilioOAuthTelemetry } from './telemetry';

const h = useHarness();
const manager = h.manager;
const client = h.client;
let sdk: Sdk;
let server: MockServer;
beforeEach(() => {
  sdk = h.sdk;
  server = h.server;
});

describe('one exchange, then cached calls', () => {
  it('counts one issued request, its duration in seconds, and every lookup', async () => {
    const m = manager();
    await m.getToken();
    for (let i = 0; i < 5; i++) await m.getToken();

    const all = await sdk.metrics();
    const requests = all.get('twilio_oauth.token.requests');
    expect(requests?.descriptor.unit).toBe('{request}');
    expect(requests?.dataPointType).toBe(DataPointType.SUM);
    expect(byAttributes(requests?.dataPoints ?? [])).toEqual([
      { attributes: { outcome: 'issued' }, value: 1 },
    ]);

    const duration = all.get('twilio_oauth.token.request.duration');
    expect(duration?.descriptor.unit).toBe('s');
    expect(duration?.dataPointType).toBe(DataPointType.HISTOGRAM);
    const [point] = duration?.dataPoints ?? [];
    const histogram = point?.value as Histogram;
    expect(point?.attributes).toEqual({ outcome: 'issued' });
    expect(histogram.count).toBe(1);
    // Seconds, not milliseconds: a loopback exchange takes well under a second.
    expect(histogram.sum).toBeGreaterThan(0);
    expect(histogram.sum).toBeLessThan(5);

    const lookups = all.get('twilio_oauth.cache.lookups');
    expect(lookups?.dataPointType).toBe(DataPointType.SUM);
    expect(lookups && 'isMonotonic' in lookups && lookups.isMonotonic).toBe(true);
    expect(byAttributes(lookups?.dataPoints ?? [])).toEqual(
      expect.arrayContaining([
        { attributes: { result: 'miss', source: 'memory' }, value: 1 },
        { attributes: { result: 'fresh', source: 'memory' }, value: 5 },
      ]),
    );
    expect(lookups?.dataPoints).toHaveLength(2);
    expect(all.has('twilio_oauth.token.served_stale')).toBe(false);
    expect(all.has('twilio_oauth.store.errors')).toBe(false);
  });

  it('reports the held token’s time to expiry in seconds', async () => {
    const m = manager();
    const before = Date.now();
    const token = await m.getToken();
    const all = await sdk.metrics();
    const gauge = all.get('twilio_oauth.token.time_to_expiry');
    expect(gauge?.descriptor.unit).toBe('s');
    expect(gauge?.dataPointType).toBe(DataPointType.GAUGE);
    const [point] = gauge?.dataPoints ?? [];
    expect(point?.attributes).toEqual({});
    expect(point?.value).toBeLessThanOrEqual(TTL_S);
    expect(point?.value).toBeGreaterThan((token.expiresAt - Date.now()) / 1000 - 1);
    expect(token.expiresAt).toBeGreaterThanOrEqual(before + TTL_S * 1000 - 1000);
  });

  it('makes one client span per exchange, with the server address and the attempts', async () => {
    const m = manager();
    await Promise.all(Array.from({ length: 20 }, () => m.getToken()));
    await m.getToken();
    const spans = sdk.spans();
    expect(spans).toHaveLength(1);
    const [span] = spans;
    expect(span?.name).toBe('twilio_oauth.token.request');
    expect(span?.kind).toBe(SpanKind.CLIENT);
    expect(span?.attributes).toEqual({ 'server.address': '127.0.0.1', 'twilio_oauth.attempts': 1 });
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
    expect(span?.events).toEqual([]);
    expect(server.stats().tokenRequests).toBe(1);
  });
});

describe('retries', () => {
  it('are events of the one span; the exchange counts once, issued', async () => {
    server.setFaults({ token: { status: 503, times: 2 } });
    const m = manager();
    await m.getToken();
    expect(server.stats().tokenRequests).toBe(3);
    const [span, ...others] = sdk.spans();
    expect(others).toEqual([]);
    expect(span?.attributes['twilio_oauth.attempts']).toBe(3);
    expect(span?.events.map((e) => [e.name, e.attributes])).toEqual([
      ['twilio_oauth.token.retry', { 'twilio_oauth.attempt': 2 }],
      ['twilio_oauth.token.retry', { 'twilio_oauth.attempt': 3 }],
    ]);
    expect(byAttributes(await sdk.points('twilio_oauth.token.requests'))).toEqual([
      { attributes: { outcome: 'issued' }, value: 1 },
    ]);
  });

  it('a forced refresh is a second exchange and a second span', async () => {
    const m = manager();
    await m.getToken();
    await m.getToken({ forceRefresh: true });
    expect(sdk.spans()).toHaveLength(2);
    expect(byAttributes(await sdk.points('twilio_oauth.token.requests'))).toEqual([
      { attributes: { outcome: 'issued' }, value: 2 },
    ]);
  });
});

describe('a shared store that fails', () => {
  it('counts store errors by operation, and the manager carries on', async () => {
    const broken = () => Promise.reject(new Error('store down'));
    const store: TokenStore = { get: broken, set: broken, delete: broken };
    const m = manager({ store });
    await m.getToken();
    await m.settled();
    await m.invalidate();
    const errors = byAttributes(await sdk.points('twilio_oauth.store.errors'));
    expect(errors).toEqual(
      expect.arrayContaining([
        { attributes: { operation: 'get' }, value: 1 },
        { attributes: { operation: 'set' }, value: 1 },
        { attributes: { operation: 'delete' }, value: 1 },
      ]),
    );
    expect(errors).toHaveLength(3);
  });
});

describe('secrets', () => {
  it('no exported name or value holds the secret, the token or the client id', async () => {
    server.setFaults({ token: { status: 503, times: 1 } });
    const m = manager();
    const token = await m.getToken();
    await m.getToken();
    const strings = await sdk.exportedStrings();
    expect(strings.length).toBeGreaterThan(10);
    const { clientId, clientSecret } = client();
    for (const secret of [clientSecret, token.accessToken, clientId]) {
      expect(strings.filter((s) => s.includes(secret))).toEqual([]);
    }
  });
});

describe('per tenant', () => {
  it('one listener shared by two managers sums their series; the gauge shows the soonest expiry', async () => {
    let now = Date.now();
    const clock = () => now;
    const telemetry = twilioOAuthTelemetry({
      meterProvider: sdk.meterProvider,
      tracerProvider: sdk.tracerProvider,
      now: clock,
    });
    const a = manager({ onEvent: telemetry, now: clock }, 0);
    const b = manager({ onEvent: telemetry, now: clock }, 1);
    await a.getToken();
    now += 10_000;
    await b.getToken();
    await a.getToken();
    expect(byAttributes(await sdk.points('twilio_oauth.token.requests'))).toEqual([
      { attributes: { outcome: 'issued' }, value: 2 },
    ]);
    // a's token was issued 10 s before b's: it is the one that expires first.
    expect(byAttributes(await sdk.points('twilio_oauth.token.time_to_expiry'))).toEqual([
      { attributes: {}, value: TTL_S - 10 },
    ]);
    expect(sdk.spans()).toHaveLength(2);
  });

  it('with includeCredentialKey, each credential is its own series (and span attribute)', async () => {
    const telemetry = twilioOAuthTelemetry({
      meterProvider: sdk.meterProvider,
      tracerProvider: sdk.tracerProvider,
      includeCredentialKey: true,
      attributes: { 'deployment.environment.name': 'test' },
    });
    const a = manager({ onEvent: telemetry }, 0);
    const b = manager({ onEvent: telemetry }, 1);
    await a.getToken();
    await b.getToken();
    const series = byAttributes(await sdk.points('twilio_oauth.token.requests'));
    expect(series).toEqual(
      expect.arrayContaining(
        [a, b].map((m) => ({
          attributes: {
            'deployment.environment.name': 'test',
            'twilio_oauth.credential_key': m.key,
            outcome: 'issued',
          },
          value: 1,
        })),
      ),
    );
    expect(series).toHaveLength(2);
    expect(await sdk.points('twilio_oauth.token.time_to_expiry')).toHaveLength(2);
    expect(
      sdk
        .spans()
        .map((s) => s.attributes['twilio_oauth.credential_key'])
        .sort(),
    ).toEqual([a.key, b.key].sort());
    // The key names the client, never its secret.
    const strings = (await sdk.exportedStrings()).join('\n');
    expect(strings).toContain(client(0).clientId);
    expect(strings).not.toContain(client(0).clientSecret);
  });
});

describe('maxCredentials', () => {
  it('past it, a tenant’s own series stay right while refused client ids come and go', async () => {
    const telemetry = twilioOAuthTelemetry({
      meterProvider: sdk.meterProvider,
      tracerProvider: sdk.tracerProvider,
      includeCredentialKey: true,
      maxCredentials: 3,
    });
    const tenant = manager({ onEvent: telemetry }, 0);
    await tenant.getToken();
    for (let i = 0; i < 12; i++) {
      const stranger = manager({ onEvent: telemetry, clientId: `OQ-unknown-${i}` });
      await expect(stranger.getToken()).rejects.toMatchObject({ code: 'invalid_client' });
      await tenant.getToken();
    }
    expect(server.stats().tokenRequests).toBe(13);
    const ofTenant = async (name: string) =>
      byAttributes(await sdk.points(name)).filter(
        (point) => point.attributes['twilio_oauth.credential_key'] === tenant.key,
      );
    const key = { 'twilio_oauth.credential_key': tenant.key };
    expect(await ofTenant('twilio_oauth.cache.lookups')).toEqual(
      expect.arrayContaining([
        { attributes: { ...key, result: 'miss', source: 'memory' }, value: 1 },
        { attributes: { ...key, result: 'fresh', source: 'memory' }, value: 12 },
      ]),
    );
    expect(await ofTenant('twilio_oauth.token.requests')).toEqual([
      { attributes: { ...key, outcome: 'issued' }, value: 1 },
    ]);
    const [gauge] = await ofTenant('twilio_oauth.token.time_to_expiry');
    expect(gauge?.value).toBeGreaterThan(TTL_S - 60);
    const failed = byAttributes(await sdk.points('twilio_oauth.token.requests')).filter(
      (point) => point.attributes.outcome === 'failed',
    );
    expect(failed).toHaveLength(12);
  });
});

describe('global providers', () => {
  afterEach(() => {
    metrics.disable();
    trace.disable();
  });

  it('are used when none is given, even when registered after the listener was made', async () => {
    const m = manager({ onEvent: twilioOAuthTelemetry() });
    metrics.setGlobalMeterProvider(sdk.meterProvider);
    trace.setGlobalTracerProvider(sdk.tracerProvider);
    await m.getToken();
    expect(byAttributes(await sdk.points('twilio_oauth.token.requests'))).toEqual([
      { attributes: { outcome: 'issued' }, value: 1 },
    ]);
    expect(sdk.spans()).toHaveLength(1);
  });
});
