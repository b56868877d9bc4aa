import { readdirSync, readFileSync } from 'node:fs';
import { DiagLogLevel, diag, type MeterProvider } from '@opentelemetry/api';
import { InvalidOptionsError, type TokenEvent } from '@twilio-oauth/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { byAttributes, startSdk } from '../test/otel';
import { twilioOAuthTelemetry } from './telemetry';

const HIT: TokenEvent = {
  type: 'cache.hit',
  state: 'fresh',
  source: 'memory',
  expiresAt: 10_000,
  key: 'https://oauth.twilio.com/v2/token OQ1',
  time: 0,
};
const ISSUED: TokenEvent = {
  type: 'token.issued',
  expiresAt: 10_000,
  attempts: 1,
  durationMs: 5,
  key: HIT.key,
  time: 0,
};

describe('options', () => {
  it.each([
    [{ meterProvider: {} }, 'meterProvider'],
    [{ tracerProvider: { getMeter() {} } }, 'tracerProvider'],
    [{ onEvent: 'log' }, 'onEvent'],
    [{ now: 5 }, 'now'],
    [{ includeCredentialKey: 'yes' }, 'includeCredentialKey'],
    [{ attributes: ['tenant'] }, 'attributes'],
    [{ attributes: { tenant: { id: 1 } } }, 'attributes.tenant'],
    [{ maxCredentials: 0 }, 'maxCredentials'],
    [{ maxCredentials: 1.5 }, 'maxCredentials'],
    [{ maxCredentials: Number.POSITIVE_INFINITY }, 'maxCredentials'],
    [{ maxCredentials: '100' }, 'maxCredentials'],
  ])('%o is refused, naming %s', (options, option) => {
    expect(() => twilioOAuthTelemetry(options as never)).toThrow(InvalidOptionsError);
    expect(() => twilioOAuthTelemetry(options as never)).toThrow(`"${option}"`);
  });

  it('are copied: changing the caller’s attributes afterwards changes nothing', async () => {
    const sdk = startSdk();
    const attributes = { tenant: 'acme' };
    const listener = twilioOAuthTelemetry({ meterProvider: sdk.meterProvider, attributes });
    attributes.tenant = 'other';
    listener(ISSUED);
    expect(byAttributes(await sdk.points('twilio_oauth.token.requests'))).toEqual([
      { attributes: { tenant: 'acme', outcome: 'issued' }, value: 1 },
    ]);
    await sdk.shutdown();
  });
});

describe('composition with your own listener', () => {
  afterEach(() => diag.disable());

  it('your listener gets every event, after it was recorded', async () => {
    const sdk = startSdk();
    const seen: string[] = [];
    const listener = twilioOAuthTelemetry({
      meterProvider: sdk.meterProvider,
      onEvent: (event) => seen.push(event.type),
    });
    listener(HIT);
    listener(ISSUED);
    expect(seen).toEqual(['cache.hit', 'token.issued']);
    await sdk.shutdown();
  });

  it('a throwing listener of yours does not lose the measurement', async () => {
    const sdk = startSdk();
    const listener = twilioOAuthTelemetry({
      meterProvider: sdk.meterProvider,
      onEvent: () => {
        throw new Error('yours');
      },
    });
    expect(() => listener(ISSUED)).toThrow('yours');
    expect(byAttributes(await sdk.points('twilio_oauth.token.requests'))).toEqual([
      { attributes: { outcome: 'issued' }, value: 1 },
    ]);
    await sdk.shutdown();
  });

  it('failing telemetry still reaches your listener, and says so through diag', () => {
    const logged = vi.fn();
    diag.setLogger(
      { error: logged, warn() {}, info() {}, debug() {}, verbose() {} },
      DiagLogLevel.ERROR,
    );
    const broken = {
      getMeter() {
        throw new Error('meter down');
      },
    } as unknown as MeterProvider;
    const seen: string[] = [];
    const listener = twilioOAuthTelemetry({
      meterProvider: broken,
      onEvent: (event) => seen.push(event.type),
    });
    expect(() => listener(ISSUED)).not.toThrow();
    expect(seen).toEqual(['token.issued']);
    expect(logged).toHaveBeenCalledWith(
      '@twilio-oauth/opentelemetry: could not record token.issued',
      expect.objectContaining({ message: 'meter down' }),
    );
  });
});

describe('runtime', () => {
  it('the source imports only @opentelemetry/api and the core: no Node built-in, process or Buffer', () => {
    const dir = new URL('./', import.meta.url);
    const sources = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.includes('.test'));
    expect(sources.length).toBeGreaterThan(3);
    for (const file of sources) {
      const text = readFileSync(new URL(file, dir), 'utf8');
      const imports = [...text.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
      for (const spec of imports) {
        expect(spec, file).toMatch(/^(\.\/|@opentelemetry\/api$|@twilio-oauth\/core$)/);
      }
      expect(text, file).not.toMatch(/\b(process|Buffer)\b/);
    }
  });
});
