/**
 * `@twilio-oauth/core/adapter`: the kernel behind the Express, Hono and Nest adapters. One call,
 * {@link adapterKernel}, turns an adapter's config into lazy per-request handles; the adapter
 * adds its framework's glue and error type.
 *
 * @packageDocumentation
 */
export type { AdapterConfig, OptionsFactory, SharedManagerOptions } from './config';
export type { FailureLogger, FailureLoggerOption } from './failure-log';
export type { TwilioOAuthHandle } from './handle';
export {
  type AdapterKernel,
  adapterKernel,
  type KernelOptions,
  type RequestScope,
} from './kernel';
export type {
  SdkClient,
  SdkClientFactory,
  SdkClientFetcher,
  TwilioOAuthClients,
} from './sdk-client';
export type { TokenFailure } from './token-failure';
