/**
 * `@twilio-oauth/twilio`: the official `twilio` SDK's client on `@twilio-oauth/core`, every
 * request sent through `manager.fetch()`.
 *
 * @packageDocumentation
 */

export type { TwilioClientOptions, TwilioFetcher } from './options';
export { DEFAULT_TIMEOUT_MS } from './options';

import './augment';

export { scimTypeOf } from './error-body';
export { twilioClient, twilioClientFactory } from './twilio-client';
