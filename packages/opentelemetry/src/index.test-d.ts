import type { MeterProvider, TracerProvider } from '@opentelemetry/api';
import type { TokenEvent, TokenManagerOptions } from '@twilio-oauth/core';
import { expectTypeOf, it } from 'vitest';
import {
  DEFAULT_MAX_CREDENTIALS,
  type TwilioOAuthTelemetryOptions,
  twilioOAuthTelemetry,
} from './index';

it('returns a listener that fits every onEvent option', () => {
  expectTypeOf(twilioOAuthTelemetry()).toEqualTypeOf<(event: TokenEvent) => void>();
  expectTypeOf(twilioOAuthTelemetry()).toMatchTypeOf<NonNullable<TokenManagerOptions['onEvent']>>();
});

it('takes the providers of the OpenTelemetry API and a listener of your own', () => {
  expectTypeOf<TwilioOAuthTelemetryOptions['meterProvider']>().toEqualTypeOf<
    MeterProvider | undefined
  >();
  expectTypeOf<TwilioOAuthTelemetryOptions['tracerProvider']>().toEqualTypeOf<
    TracerProvider | undefined
  >();
  expectTypeOf<TwilioOAuthTelemetryOptions['onEvent']>().toEqualTypeOf<
    ((event: TokenEvent) => void) | undefined
  >();
  // @ts-expect-error: attribute values are strings, numbers or booleans
  twilioOAuthTelemetry({ attributes: { tenant: { id: 1 } } });
});

it('bounds its state with a number of credentials, its default exported', () => {
  expectTypeOf<TwilioOAuthTelemetryOptions['maxCredentials']>().toEqualTypeOf<number | undefined>();
  expectTypeOf(DEFAULT_MAX_CREDENTIALS).toEqualTypeOf<number>();
  // @ts-expect-error: a count, not a string
  twilioOAuthTelemetry({ maxCredentials: '100' });
});
