// Failures over real HTTP: rejected credentials, a token service that stays down, a refresh
// that fails while a token is held, and a shared store.
import { SpanStatusCode } from '@opentelemetry/api';
import type { Histogram } from '@opentelemetry/sdk-metrics';
import { MemoryTokenStore, TokenRequestError } from '@twilio-oauth/core';
import { describe, expect, it } from 'vitest';
import { TTL_S, useHarness } from '../test/harness';
import { byAttributes } from '../test/otel';
import { twilioOAuthTelemetry } from './telemetry';

const h = useHarness();

const failure = async (promise: Promise<unknown>): Promise<TokenRequestError> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TokenRequestError);
  return error as TokenRequestError;
};

describe('an exchange that fails', () => {
  it('rejected credentials: one failed request with the error code, a failed span, no retry', async () => {
    const wrong = 'wrong-secret-0123456789';
    const m = h.manager({ clientSecret: wrong });
    const error = await failure(m.getToken());
    expect(error.code).toBe('invalid_client');

    expect(byAttributes(await h.sdk.points('twilio_oauth.token.requests'))).toEqual([
      { attributes: { outcome: 'failed', 'error.type': 'invalid_client' }, value: 1 },
    ]);
    const [duration] = await h.sdk.points('twilio_oauth.token.request.duration');
    expect(duration?.attributes).toEqual({ outcome: 'failed', 'error.type': 'invalid_client' });
    expect((duration?.value as Histogram | undefined)?.count).toBe(1);

    const [span, ...others] = h.sdk.spans();
    expect(others).toEqual([]);
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR });
    expect(span?.attributes).toEqual({
      'server.address': '127.0.0.1',
      'error.type': 'invalid_client',
      'twilio_oauth.attempts': 1,
    });
    expect(span?.events).toEqual([]);

    const strings = await h.sdk.exportedStrings();
    for (const secret of [wrong, h.client().clientSecret, h.client().clientId]) {
      expect(strings.filter((s) => s.includes(secret))).toEqual([]);
    }
  });

  it('a token service that stays down: every attempt in one span, one failed request', async () => {
    h.server.setFaults({ token: { status: 503 } });
    const m = h.manager({ retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 } });
    const error = await failure(m.getToken());
    expect(h.server.stats().tokenRequests).toBe(3);

    expect(byAttributes(await h.sdk.points('twilio_oauth.token.requests'))).toEqual([
      { attributes: { outcome: 'failed', 'error.type': error.code }, value: 1 },
    ]);
    const [span, ...others] = h.sdk.spans();
    expect(others).toEqual([]);
    expect(span?.attributes['twilio_oauth.attempts']).toBe(3);
    expect(span?.attributes['error.type']).toBe(error.code);
    expect(span?.events.map((e) => e.attributes?.['twilio_oauth.attempt'])).toEqual([2, 3]);
  });
});

describe('a refresh that fails while a token is held', () => {
  it('counts each failed exchange once, each stale serve, and the gauge runs down', async () => {
    const start = Date.now();
    let now = start;
    const clock = () => now;
    const m = h.manager({
      now: clock,
      retry: { maxAttempts: 1 },
      onEvent: twilioOAuthTelemetry({
        meterProvider: h.sdk.meterProvider,
        tracerProvider: h.sdk.tracerProvider,
        now: clock,
      }),
    });
    const token = await m.getToken();
    h.server.setFaults({ token: { status: 503 } });

    // Stale (inside refreshAheadSeconds): served at once, the background refresh fails.
    now = start + 400_000;
    await m.getToken();
    await m.settled();
    // Inside expiryBufferSeconds: the caller's refresh fails, the still-valid token is served.
    now = start + 560_000;
    expect((await m.getToken()).expiresAt).toBe(token.expiresAt);
    // Within the cooldown that follows: served again without asking.
    expect((await m.getToken()).expiresAt).toBe(token.expiresAt);
    expect(h.server.stats().tokenRequests).toBe(3);

    const all = await h.sdk.metrics();
    expect(byAttributes(all.get('twilio_oauth.token.requests')?.dataPoints ?? [])).toEqual(
      expect.arrayContaining([
        { attributes: { outcome: 'issued' }, value: 1 },
        { attributes: { outcome: 'failed', 'error.type': 'server_error' }, value: 2 },
      ]),
    );
    expect(byAttributes(all.get('twilio_oauth.token.served_stale')?.dataPoints ?? [])).toEqual([
      { attributes: {}, value: 2 },
    ]);
    const lookups = byAttributes(all.get('twilio_oauth.cache.lookups')?.dataPoints ?? []);
    expect(lookups).toEqual(
      expect.arrayContaining([
        { attributes: { result: 'miss', source: 'memory' }, value: 2 },
        { attributes: { result: 'stale', source: 'memory' }, value: 1 },
      ]),
    );
    expect(byAttributes(all.get('twilio_oauth.token.time_to_expiry')?.dataPoints ?? [])).toEqual([
      { attributes: {}, value: (token.expiresAt - now) / 1000 },
    ]);
    expect(TTL_S - (now - start) / 1000).toBe(40);
    expect(h.sdk.spans().map((s) => s.status.code)).toEqual([
      SpanStatusCode.UNSET,
      SpanStatusCode.ERROR,
      SpanStatusCode.ERROR,
    ]);
  });
});

describe('a shared store', () => {
  it('counts memory and store lookups apart; the second manager takes the store’s token', async () => {
    const store = new MemoryTokenStore();
    const a = h.manager({ store });
    const b = h.manager({ store });
    await a.getToken();
    await a.settled();
    await b.getToken();
    await b.getToken();
    const lookups = byAttributes(await h.sdk.points('twilio_oauth.cache.lookups'));
    expect(lookups).toEqual(
      expect.arrayContaining([
        { attributes: { result: 'miss', source: 'memory' }, value: 2 },
        { attributes: { result: 'miss', source: 'store' }, value: 1 },
        { attributes: { result: 'fresh', source: 'store' }, value: 1 },
        { attributes: { result: 'fresh', source: 'memory' }, value: 1 },
      ]),
    );
    expect(lookups).toHaveLength(4);
    expect(h.server.stats().tokenRequests).toBe(1);
    expect(h.sdk.spans()).toHaveLength(1);
  });
});
