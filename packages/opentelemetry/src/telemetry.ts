import { diag, metrics, trace } from '@opentelemetry/api';
import type { TokenEvent } from '@twilio-oauth/core';
import { INSTRUMENTATION_SCOPE } from './instruments';
import { type TwilioOAuthTelemetryOptions, telemetryConfig } from './options';
import { Recorder } from './recorder';
import { talliesOf } from './tallies';

/**
 * An `onEvent` listener for `TokenManager` (or any adapter's options) that
 * records OpenTelemetry metrics and one span per token exchange:
 *
 * - `twilio_oauth.token.requests` (counter, `{request}`): `outcome` `issued` | `failed`,
 *   and `error.type` (the `TokenRequestError` code) on failure;
 * - `twilio_oauth.token.request.duration` (histogram, `s`): per exchange, all attempts; `outcome`;
 * - `twilio_oauth.cache.lookups` (counter, `{lookup}`): `result` `fresh` | `stale` | `miss`,
 *   `source` `memory` | `store`;
 * - `twilio_oauth.token.served_stale` (counter): a still-valid token served because a refresh failed;
 * - `twilio_oauth.store.errors` (counter): `operation` `get` | `set` | `delete` | `lock`;
 * - `twilio_oauth.token.time_to_expiry` (gauge, `s`): the held token (the soonest to expire
 *   when several credentials share the listener, unless `includeCredentialKey`);
 * - span `twilio_oauth.token.request` (client): `server.address`, `twilio_oauth.attempts`,
 *   on failure `error.type` and status error; an event `twilio_oauth.token.retry` per retry.
 *
 * No attribute holds the secret, a token, or the client id (unless `includeCredentialKey`).
 * Create it once and share it between managers (tenants): it keeps a little state per
 * credential key, for `maxCredentials` keys at most and until the key's token expired. Providers not given are the global ones; the meter provider is read when
 * the first event arrives, so the SDK may be registered after the listener is created.
 *
 * @throws {InvalidOptionsError} when an option has the wrong type or is out of range (the message names it).
 * @example
 * const manager = new TokenManager({ clientId, clientSecret, onEvent: twilioOAuthTelemetry() });
 */
export function twilioOAuthTelemetry(
  options?: TwilioOAuthTelemetryOptions,
): (event: TokenEvent) => void {
  const config = telemetryConfig(options);
  const user = config.onEvent;
  let recorder: Recorder | undefined;
  return (event) => {
    try {
      recorder ??= new Recorder(
        config,
        talliesOf(
          (config.meterProvider ?? metrics.getMeterProvider()).getMeter(INSTRUMENTATION_SCOPE),
        ),
        (config.tracerProvider ?? trace.getTracerProvider()).getTracer(INSTRUMENTATION_SCOPE),
      );
      recorder.record(event);
    } catch (error) {
      // Telemetry must never break token handling, nor keep the event from the user's listener.
      diag.error(`${INSTRUMENTATION_SCOPE}: could not record ${event.type}`, error);
    }
    user?.(event);
  };
}
