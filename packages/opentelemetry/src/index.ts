/**
 * `@twilio-oauth/opentelemetry`: OpenTelemetry metrics and traces for the token
 * handling of `@twilio-oauth/core`, as an `onEvent` listener. Web-standard APIs only.
 *
 * @packageDocumentation
 */
export { INSTRUMENTATION_SCOPE, SPAN_NAME } from './instruments';
export { DEFAULT_MAX_CREDENTIALS, type TwilioOAuthTelemetryOptions } from './options';
export { twilioOAuthTelemetry } from './telemetry';
