// The official twilio SDK's client of a manager, one per manager, for `handle.client`.
import { InvalidOptionsError } from '../errors';
import type { TokenManager } from '../token-manager';

/**
 * Filled in by `@twilio-oauth/twilio` (module augmentation) with `{ client: Twilio }`, so that
 * `handle.client` has the SDK's type once that package is imported; the core never imports the SDK.
 */
// biome-ignore lint/suspicious/noEmptyInterface: augmented by @twilio-oauth/twilio.
export interface TwilioOAuthClients {}

/** The type of `handle.client`: the SDK's `Twilio` with `@twilio-oauth/twilio`, else `unknown`. */
export type SdkClient = TwilioOAuthClients extends { client: infer C } ? C : unknown;

/** What an SDK client factory gets: a manager's `fetch`, token failures mapped for the framework. */
export interface SdkClientFetcher {
  fetch(input: URL, init?: RequestInit): Promise<Response>;
}

/**
 * The adapters' `sdkClient` option: builds the SDK client of one manager, e.g.
 * `twilioClientFactory({ accountSid })` of `@twilio-oauth/twilio`. Called once per manager.
 */
export type SdkClientFactory = (fetcher: SdkClientFetcher) => SdkClient;

/** The SDK client of a manager, or of one still resolving (then a client per call). */
export type ClientOf = (manager: TokenManager | Promise<TokenManager>) => SdkClient;

/**
 * One SDK client per manager (a WeakMap: a manager dropped from a pool takes its client along).
 *
 * @throws {InvalidOptionsError} `sdkClient` when `factory` is given and not a function.
 */
export function clientsPerManager(
  factory: SdkClientFactory | undefined,
  mapError: (error: unknown) => unknown,
): ClientOf | undefined {
  if (factory === undefined) return undefined;
  if (typeof factory !== 'function') {
    throw new InvalidOptionsError('sdkClient', 'must be a function, e.g. twilioClientFactory()');
  }
  const rethrow = (error: unknown): never => {
    throw mapError(error);
  };
  const clients = new WeakMap<TokenManager, SdkClient>();
  return (manager) => {
    if (manager instanceof Promise) {
      return factory({
        fetch: (input, init) => manager.then((m) => m.fetch(input, init)).catch(rethrow),
      });
    }
    let client = clients.get(manager);
    if (client === undefined) {
      client = factory({ fetch: (input, init) => manager.fetch(input, init).catch(rethrow) });
      clients.set(manager, client);
    }
    return client;
  };
}
