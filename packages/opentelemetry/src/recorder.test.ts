// The event contract of the core, fed by hand: failures, stale serving and store lookups
// that a healthy mock server cannot be made to produce on cue.
import { SpanStatusCode } from '@opentelemetry/api';
import type { Histogram } from '@opentelemetry/sdk-metrics';
import { type TokenEvent, TokenRequestError } from '@twilio-oauth/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { byAttributes, type Sdk, startSdk } from '../test/otel';
import { twilioOAuthTelemetry } from './telemetry';

const KEY = 'https://oauth.twilio.com/v2/token OQ-client-id';
let sdk: Sdk;
let now: number;
// Distributes over the union, as the core's own event bodies do.
type Body<E> = E extends TokenEvent ? Omit<E, 'key' | 'time'> : never;
let emit: (event: Body<TokenEvent>) => void;

beforeEach(() => {
  sdk = startSdk();
  now = 1_800_000_000_000;
  const listener = twilioOAuthTelemetry({
    meterProvider: sdk.meterProvider,
    tracerProvider: sdk.tracerProvider,
    now: () => now,
  });
  emit = (event) => listener({ ...event, key: KEY, time: now } as TokenEvent);
});
afterEach(() => sdk.shutdown());

const failed = (code: string, attempts: number, servingStale = false) => ({
  type: 'token.request_failed' as const,
  error: new TokenRequestError(code, 'Token request failed: test', { retryable: true }),
  code,
  attempts,
  durationMs: 1_500,
  servingStale,
});

describe('token.request_failed', () => {
  it('counts a failed request with error.type, records its duration and fails its span', async () => {
    emit({ type: 'token.requested', attempt: 1 });
    emit({ type: 'token.requested', attempt: 2 });
    emit({ type: 'token.requested', attempt: 3 });
    emit(failed('server_error', 3));

    expect(byAttributes(await sdk.points('twilio_oauth.token.requests'))).toEqual([
      { attributes: { outcome: 'failed', 'error.type': 'server_error' }, value: 1 },
    ]);
    const [point] = await sdk.points('twilio_oauth.token.request.duration');
    expect(point?.attributes).toEqual({ outcome: 'failed', 'error.type': 'server_error' });
    expect((point?.value as Histogram | undefined)?.sum).toBe(1.5);

    const [span, ...others] = sdk.spans();
    expect(others).toEqual([]);
    expect(span?.attributes).toEqual({
      'server.address': 'oauth.twilio.com',
      'error.type': 'server_error',
      'twilio_oauth.attempts': 3,
    });
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR });
    expect(span?.events.map((e) => e.attributes?.['twilio_oauth.attempt'])).toEqual([2, 3]);
  });

  it('issued and failed exchanges are series of one counter', async () => {
    emit({ type: 'token.requested', attempt: 1 });
    emit({ type: 'token.issued', expiresAt: now + 3_600_000, attempts: 1, durationMs: 20 });
    emit({ type: 'token.requested', attempt: 1 });
    emit(failed('invalid_client', 1));
    emit({ type: 'token.requested', attempt: 1 });
    emit(failed('invalid_client', 1));
    expect(byAttributes(await sdk.points('twilio_oauth.token.requests'))).toEqual(
      expect.arrayContaining([
        { attributes: { outcome: 'issued' }, value: 1 },
        { attributes: { outcome: 'failed', 'error.type': 'invalid_client' }, value: 2 },
      ]),
    );
    expect(sdk.spans().map((s) => s.status.code)).toEqual([
      SpanStatusCode.UNSET,
      SpanStatusCode.ERROR,
      SpanStatusCode.ERROR,
    ]);
  });

  it('token.refresh_failed is not counted again (request_failed already was)', async () => {
    emit({ type: 'token.requested', attempt: 1 });
    emit(failed('timeout', 3, true));
    emit({ type: 'token.refresh_failed', error: new Error('x'), servingStale: true });
    expect(byAttributes(await sdk.points('twilio_oauth.token.requests'))).toEqual([
      { attributes: { outcome: 'failed', 'error.type': 'timeout' }, value: 1 },
    ]);
  });
});

describe('stale serving and lookups', () => {
  it('counts stale serves and stale hits, by source', async () => {
    emit({ type: 'cache.hit', state: 'stale', source: 'memory', expiresAt: now + 100_000 });
    emit({ type: 'cache.miss', reason: 'empty', source: 'memory' });
    emit({ type: 'cache.miss', reason: 'empty', source: 'store' });
    emit({ type: 'cache.hit', state: 'fresh', source: 'store', expiresAt: now + 900_000 });
    emit({ type: 'token.served_stale', expiresAt: now + 900_000 });
    emit({ type: 'token.served_stale', expiresAt: now + 900_000 });
    const lookups = byAttributes(await sdk.points('twilio_oauth.cache.lookups'));
    expect(lookups).toEqual(
      expect.arrayContaining([
        { attributes: { result: 'stale', source: 'memory' }, value: 1 },
        { attributes: { result: 'fresh', source: 'store' }, value: 1 },
        { attributes: { result: 'miss', source: 'memory' }, value: 1 },
        { attributes: { result: 'miss', source: 'store' }, value: 1 },
      ]),
    );
    expect(lookups).toHaveLength(4);
    const served = (await sdk.metrics()).get('twilio_oauth.token.served_stale');
    expect(served?.descriptor.unit).toBe('{token}');
    expect(byAttributes(served?.dataPoints ?? [])).toEqual([{ attributes: {}, value: 2 }]);
  });

  it('lookups are cumulative across collections', async () => {
    emit({ type: 'cache.hit', state: 'fresh', source: 'memory', expiresAt: now + 1 });
    await sdk.metrics();
    emit({ type: 'cache.hit', state: 'fresh', source: 'memory', expiresAt: now + 1 });
    expect(byAttributes(await sdk.points('twilio_oauth.cache.lookups'))).toEqual([
      { attributes: { result: 'fresh', source: 'memory' }, value: 2 },
    ]);
  });
});

describe('time to expiry', () => {
  it('follows the last expiry reported, on the given clock, down to 0 once it passed', async () => {
    emit({ type: 'token.issued', expiresAt: now + 300_000, attempts: 1, durationMs: 5 });
    now += 60_000;
    expect(byAttributes(await sdk.points('twilio_oauth.token.time_to_expiry'))).toEqual([
      { attributes: {}, value: 240 },
    ]);
    // A token adopted from the store (a hit with its expiry) replaces it.
    emit({ type: 'cache.hit', state: 'fresh', source: 'store', expiresAt: now + 1_000_000 });
    expect(byAttributes(await sdk.points('twilio_oauth.token.time_to_expiry'))).toEqual([
      { attributes: {}, value: 1_000 },
    ]);
    now += 1_000_001;
    expect(byAttributes(await sdk.points('twilio_oauth.token.time_to_expiry'))).toEqual([
      { attributes: {}, value: 0 },
    ]);
  });

  it('shows the soonest of the valid tokens of several credentials; an expired one is ignored', async () => {
    const listener = twilioOAuthTelemetry({ meterProvider: sdk.meterProvider, now: () => now });
    const issued = (key: string, expiresAt: number) =>
      listener({ type: 'token.issued', expiresAt, attempts: 1, durationMs: 1, key, time: now });
    issued(`${KEY}-a`, now + 500_000);
    issued(`${KEY}-b`, now + 200_000);
    issued(`${KEY}-c`, now - 1);
    expect(byAttributes(await sdk.points('twilio_oauth.token.time_to_expiry'))).toEqual([
      { attributes: {}, value: 200 },
    ]);
  });
});

describe('store.error', () => {
  it('counts by operation', async () => {
    for (const operation of ['get', 'get', 'lock'] as const) {
      emit({ type: 'store.error', operation, error: new Error('down') });
    }
    const errors = (await sdk.metrics()).get('twilio_oauth.store.errors');
    expect(errors?.descriptor.unit).toBe('{error}');
    expect(byAttributes(errors?.dataPoints ?? [])).toEqual([
      { attributes: { operation: 'get' }, value: 2 },
      { attributes: { operation: 'lock' }, value: 1 },
    ]);
  });
});

describe('spans', () => {
  it('a new exchange of the same key ends a span whose end never came', () => {
    emit({ type: 'token.requested', attempt: 1 });
    emit({ type: 'token.requested', attempt: 1 });
    emit({ type: 'token.issued', expiresAt: now + 1_000, attempts: 1, durationMs: 5 });
    expect(sdk.spans().map((s) => s.attributes['twilio_oauth.attempts'])).toEqual([undefined, 1]);
  });

  it('server.address of an IPv6 token URL has no brackets', () => {
    const listener = twilioOAuthTelemetry({ tracerProvider: sdk.tracerProvider });
    listener({
      type: 'token.requested',
      attempt: 1,
      key: 'http://[::1]:8080/v2/token OQ1',
      time: 0,
    });
    listener({
      type: 'token.issued',
      expiresAt: 1,
      attempts: 1,
      durationMs: 1,
      key: 'http://[::1]:8080/v2/token OQ1',
      time: 0,
    });
    expect(sdk.spans()[0]?.attributes['server.address']).toBe('::1');
  });
});

describe('several listeners on one meter provider', () => {
  it('add up where their series are the same, and keep apart where they differ', async () => {
    const make = (attributes?: Record<string, string>) =>
      twilioOAuthTelemetry({ meterProvider: sdk.meterProvider, now: () => now, attributes });
    const [one, two, acme] = [make(), make(), make({ tenant: 'acme' })];
    const hit = { type: 'cache.hit', state: 'fresh', source: 'store', time: now } as const;
    one({ ...hit, key: `${KEY}-1`, expiresAt: now + 300_000 });
    two({ ...hit, key: `${KEY}-2`, expiresAt: now + 100_000 });
    two({ ...hit, key: `${KEY}-2`, expiresAt: now + 100_000 });
    acme({ ...hit, key: `${KEY}-3`, expiresAt: now + 50_000 });
    const lookups = byAttributes(await sdk.points('twilio_oauth.cache.lookups'));
    expect(lookups).toEqual(
      expect.arrayContaining([
        { attributes: { result: 'fresh', source: 'store' }, value: 3 },
        { attributes: { tenant: 'acme', result: 'fresh', source: 'store' }, value: 1 },
      ]),
    );
    expect(lookups).toHaveLength(2);
    const gauge = byAttributes(await sdk.points('twilio_oauth.token.time_to_expiry'));
    expect(gauge).toEqual(
      expect.arrayContaining([
        { attributes: {}, value: 100 },
        { attributes: { tenant: 'acme' }, value: 50 },
      ]),
    );
    expect(gauge).toHaveLength(2);
  });

  it('a later listener of the same credential takes over its expiry (a pool recreated its manager)', async () => {
    const make = () => twilioOAuthTelemetry({ meterProvider: sdk.meterProvider, now: () => now });
    const issued = {
      type: 'token.issued',
      attempts: 1,
      durationMs: 1,
      key: KEY,
      time: now,
    } as const;
    make()({ ...issued, expiresAt: now + 100_000 });
    make()({ ...issued, expiresAt: now + 500_000 });
    expect(byAttributes(await sdk.points('twilio_oauth.token.time_to_expiry'))).toEqual([
      { attributes: {}, value: 500 },
    ]);
  });
});
