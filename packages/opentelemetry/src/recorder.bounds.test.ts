// How much a listener keeps: a bounded number of credentials, and none whose token expired.
// Fed the core's events by hand (20 000 managers against a server would take minutes); the
// sizes are read from the recorder and the meter's tallies, the metrics from the real SDK.
import { type TokenEvent, TokenRequestError } from '@twilio-oauth/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { byAttributes, type Sdk, startSdk } from '../test/otel';
import { INSTRUMENTATION_SCOPE } from './instruments';
import {
  DEFAULT_MAX_CREDENTIALS,
  type TwilioOAuthTelemetryOptions,
  telemetryConfig,
} from './options';
import { Recorder } from './recorder';
import { type Tallies, talliesOf } from './tallies';

const URL = 'https://oauth.twilio.com/v2/token';
const keyOf = (i: number) => `${URL} OQ${i.toString(16).padStart(32, '0')}`;
const LIVE = `${URL} OQlive`;
const HOUR_MS = 3_600_000;

let sdk: Sdk;
let now: number;
let tallies: Tallies;

beforeEach(() => {
  sdk = startSdk();
  now = 1_800_000_000_000;
  tallies = talliesOf(sdk.meterProvider.getMeter(INSTRUMENTATION_SCOPE));
});
afterEach(() => sdk.shutdown());

function recorder(options: TwilioOAuthTelemetryOptions = {}) {
  const config = telemetryConfig({ now: () => now, ...options });
  const tracer = sdk.tracerProvider.getTracer(INSTRUMENTATION_SCOPE);
  const recording = new Recorder(config, tallies, tracer);
  // Distributes over the union, as the core's own event bodies do.
  type Body<E> = E extends TokenEvent ? Omit<E, 'key' | 'time'> : never;
  const emit = (key: string, event: Body<TokenEvent>) =>
    recording.record({ ...event, key, time: now } as TokenEvent);
  return { recording, emit };
}

type Emit = ReturnType<typeof recorder>['emit'];

/** What a manager reports for a client id the server refuses. */
function refused(emit: Emit, key: string) {
  emit(key, { type: 'cache.miss', reason: 'empty', source: 'memory' });
  emit(key, { type: 'token.requested', attempt: 1 });
  const error = new TokenRequestError('invalid_client', 'Token request failed', {
    retryable: false,
  });
  emit(key, {
    type: 'token.request_failed',
    error,
    code: 'invalid_client',
    attempts: 1,
    durationMs: 2,
    servingStale: false,
  });
}

/** What a manager reports for a token it was given. */
function issued(emit: Emit, key: string, expiresAt: number) {
  emit(key, { type: 'cache.miss', reason: 'empty', source: 'memory' });
  emit(key, { type: 'token.requested', attempt: 1 });
  emit(key, { type: 'token.issued', expiresAt, attempts: 1, durationMs: 2 });
}

const hit = (emit: Emit, key: string) =>
  emit(key, { type: 'cache.hit', state: 'fresh', source: 'memory', expiresAt: now + HOUR_MS });

describe('20 000 client ids through one listener', () => {
  it('refused ones: state for at most maxCredentials, and every one counted', async () => {
    const { recording, emit } = recorder();
    for (let i = 0; i < 20_000; i++) refused(emit, keyOf(i));
    expect(recording.size).toBe(DEFAULT_MAX_CREDENTIALS);
    expect(tallies.seriesCount).toBe(1);
    expect(tallies.holderCount).toBe(0);
    expect(byAttributes(await sdk.points('twilio_oauth.token.requests'))).toEqual([
      { attributes: { outcome: 'failed', 'error.type': 'invalid_client' }, value: 20_000 },
    ]);
    expect(byAttributes(await sdk.points('twilio_oauth.cache.lookups'))).toEqual([
      { attributes: { result: 'miss', source: 'memory' }, value: 20_000 },
    ]);
    expect(sdk.spans()).toHaveLength(20_000);
  });

  it('with includeCredentialKey, a series each for at most maxCredentials of them', () => {
    const { recording, emit } = recorder({ includeCredentialKey: true, maxCredentials: 500 });
    for (let i = 0; i < 20_000; i++) refused(emit, keyOf(i));
    expect(recording.size).toBe(500);
    expect(tallies.seriesCount).toBe(500);
  });

  it('each holding a valid token: the gauge follows at most maxCredentials, the newest', async () => {
    const { recording, emit } = recorder({ maxCredentials: 300 });
    for (let i = 0; i < 20_000; i++) issued(emit, keyOf(i), now + HOUR_MS + i);
    expect(recording.size).toBe(300);
    expect(tallies.holderCount).toBe(300);
    // The soonest of the ones kept: the first 19 700 tokens were forgotten.
    expect(byAttributes(await sdk.points('twilio_oauth.token.time_to_expiry'))).toEqual([
      { attributes: {}, value: (HOUR_MS + 19_700) / 1000 },
    ]);
  });
});

describe('a credential whose token expired', () => {
  it('is forgotten when the next event comes after its expiry; the gauge says 0 if none is left', async () => {
    const { recording, emit } = recorder();
    issued(emit, keyOf(1), now + 300_000);
    issued(emit, keyOf(2), now + HOUR_MS);
    expect([recording.size, tallies.holderCount]).toEqual([2, 2]);

    now += 300_000;
    emit(keyOf(2), { type: 'cache.miss', reason: 'forced', source: 'memory' });
    expect(recording.size).toBe(1);
    expect(byAttributes(await sdk.points('twilio_oauth.token.time_to_expiry'))).toEqual([
      { attributes: {}, value: 3_300 },
    ]);
    expect(tallies.holderCount).toBe(1);

    now += HOUR_MS;
    emit(keyOf(3), { type: 'cache.miss', reason: 'empty', source: 'memory' });
    expect(recording.size).toBe(1);
    expect(byAttributes(await sdk.points('twilio_oauth.token.time_to_expiry'))).toEqual([
      { attributes: {}, value: 0 },
    ]);
    expect(tallies.holderCount).toBe(0);
  });

  it('with includeCredentialKey, its series goes too, the gauge saying 0 for it one last time', async () => {
    const { emit } = recorder({ includeCredentialKey: true });
    issued(emit, keyOf(1), now + 300_000);
    issued(emit, keyOf(2), now + HOUR_MS);
    now += 300_000;
    refused(emit, keyOf(3));
    expect(tallies.seriesCount).toBe(2);
    const gauge = async () =>
      byAttributes(await sdk.points('twilio_oauth.token.time_to_expiry')).map(
        ({ attributes, value }) => [attributes['twilio_oauth.credential_key'], value],
      );
    expect(await gauge()).toEqual(
      expect.arrayContaining([
        [keyOf(1), 0],
        [keyOf(2), 3_300],
      ]),
    );
  });

  it('is kept while its exchange is in flight, and its span ends as usual', () => {
    const { recording, emit } = recorder();
    issued(emit, keyOf(1), now + 300_000);
    now += 290_000;
    emit(keyOf(1), { type: 'token.requested', attempt: 1 });
    now += 20_000;
    refused(emit, keyOf(2));
    expect(recording.size).toBe(2);
    emit(keyOf(1), { type: 'token.issued', expiresAt: now + HOUR_MS, attempts: 1, durationMs: 9 });
    expect(sdk.spans().map((span) => span.attributes['twilio_oauth.attempts'])).toEqual([1, 1, 1]);
  });
});

describe('a live credential among many', () => {
  it('keeps its own series, span and gauge while thousands of others come and go', async () => {
    const { recording, emit } = recorder({ includeCredentialKey: true, maxCredentials: 100 });
    issued(emit, LIVE, now + HOUR_MS);
    emit(LIVE, { type: 'token.requested', attempt: 1 });
    let hits = 0;
    for (let i = 0; i < 20_000; i++) {
      refused(emit, keyOf(i));
      if (i % 50 === 0) {
        hit(emit, LIVE);
        hits++;
      }
    }
    expect(recording.size).toBe(100);
    now += 60_000;
    emit(LIVE, { type: 'token.issued', expiresAt: now + HOUR_MS, attempts: 2, durationMs: 9 });

    const live = { 'twilio_oauth.credential_key': LIVE };
    const points = async (name: string) =>
      byAttributes(await sdk.points(name)).filter(
        ({ attributes }) => attributes['twilio_oauth.credential_key'] === LIVE,
      );
    expect(await points('twilio_oauth.cache.lookups')).toEqual(
      expect.arrayContaining([
        { attributes: { ...live, result: 'miss', source: 'memory' }, value: 1 },
        { attributes: { ...live, result: 'fresh', source: 'memory' }, value: hits },
      ]),
    );
    expect(await points('twilio_oauth.token.time_to_expiry')).toEqual([
      { attributes: live, value: HOUR_MS / 1000 },
    ]);
    expect(await points('twilio_oauth.token.requests')).toEqual([
      { attributes: { ...live, outcome: 'issued' }, value: 2 },
    ]);
    const spans = sdk.spans().filter((s) => s.attributes['twilio_oauth.credential_key'] === LIVE);
    expect(spans.map((s) => s.attributes['twilio_oauth.attempts'])).toEqual([1, 2]);
  });

  it('forgotten or not, every lookup is still counted in the shared series', async () => {
    const { recording, emit } = recorder({ maxCredentials: 10 });
    for (let i = 0; i < 100; i++) hit(emit, keyOf(i));
    for (let i = 0; i < 100; i++) hit(emit, keyOf(i));
    expect(recording.size).toBe(10);
    expect(byAttributes(await sdk.points('twilio_oauth.cache.lookups'))).toEqual([
      { attributes: { result: 'fresh', source: 'memory' }, value: 200 },
    ]);
  });
});

describe('several listeners on one meter', () => {
  it('the meter follows as many held tokens as the largest maxCredentials of its listeners', () => {
    const small = recorder({ maxCredentials: 10 });
    const large = recorder({ maxCredentials: 50, attributes: { tenant: 'big' } });
    for (let i = 0; i < 100; i++) issued(small.emit, keyOf(i), now + HOUR_MS);
    for (let i = 0; i < 100; i++) issued(large.emit, keyOf(i), now + HOUR_MS);
    expect([small.recording.size, large.recording.size]).toEqual([10, 50]);
    expect(tallies.holderCount).toBe(50);
  });
});
