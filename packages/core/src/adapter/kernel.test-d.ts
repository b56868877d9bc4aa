import { describe, expectTypeOf, it } from 'vitest';
import type { TokenManagerPool } from '../pool';
import type { TokenManager } from '../token-manager';
import type { TokenHandle, TokenManagerOptions } from '../types';
import {
  type AdapterConfig,
  type AdapterKernel,
  adapterKernel,
  type RequestScope,
  type SdkClient,
  type SharedManagerOptions,
  type TokenFailure,
  type TwilioOAuthHandle,
} from './index';

declare const manager: TokenManager;
declare const options: TokenManagerOptions;
type Req = { headers: Record<string, string> };
const toHttpError = (failure: TokenFailure) => failure;

describe('@twilio-oauth/core/adapter types', () => {
  it('accepts options, { manager } or a function of the framework context', () => {
    expectTypeOf<TokenManagerOptions>().toExtend<AdapterConfig<Req>>();
    expectTypeOf<SharedManagerOptions>().toExtend<AdapterConfig<Req>>();
    expectTypeOf<(req: Req) => TokenManagerOptions>().toExtend<AdapterConfig<Req>>();
    expectTypeOf(adapterKernel<Req>({ manager }, { toHttpError })).toEqualTypeOf<
      AdapterKernel<Req>
    >();
    expectTypeOf(adapterKernel<Req>(options, { toHttpError }).scope).parameters.toEqualTypeOf<
      [ctx: Req]
    >();
    // @ts-expect-error the factory must return options
    adapterKernel<Req>(() => 'OQ1', { toHttpError });
    // @ts-expect-error the framework's error is required
    adapterKernel<Req>(options, {});
  });

  it('hands out TwilioOAuthHandles and never-rejecting pending work', () => {
    const scope = adapterKernel<Req>(options, { toHttpError }).scope({ headers: {} });
    expectTypeOf(scope).toEqualTypeOf<RequestScope>();
    expectTypeOf(scope.handle).toExtend<TokenHandle>();
    expectTypeOf(scope.handle).toEqualTypeOf<TwilioOAuthHandle>();
    // Without @twilio-oauth/twilio in the program, the client's type is unknown.
    expectTypeOf(scope.handle.client).toEqualTypeOf<SdkClient>();
    expectTypeOf<SdkClient>().toBeUnknown();
    expectTypeOf(scope.pending()).toEqualTypeOf<Promise<void> | undefined>();
    expectTypeOf<TokenManagerPool['get']>().returns.toEqualTypeOf<
      TokenManager | Promise<TokenManager>
    >();
  });
});
