import { describe, expectTypeOf, it } from 'vitest';
import {
  type AdapterConfig,
  type ClientTokenHandle,
  createTokenHandle,
  type ManagerSource,
  managerSource,
  pendingWork,
  type SdkClient,
  type SharedManagerOptions,
  type TokenManagerPool,
} from './adapter';
import type { TokenManager } from './token-manager';
import type { TokenHandle, TokenManagerOptions } from './types';

declare const manager: TokenManager;
declare const options: TokenManagerOptions;
type Req = { headers: Record<string, string> };

describe('@twilio-oauth/core/adapter types', () => {
  it('accepts options, { manager } or a function of the framework context', () => {
    expectTypeOf<TokenManagerOptions>().toExtend<AdapterConfig<Req>>();
    expectTypeOf<SharedManagerOptions>().toExtend<AdapterConfig<Req>>();
    expectTypeOf<(req: Req) => TokenManagerOptions>().toExtend<AdapterConfig<Req>>();
    expectTypeOf(managerSource<Req>({ manager })).toEqualTypeOf<ManagerSource<Req>>();
    expectTypeOf(managerSource<Req>(options).managerFor).parameters.toEqualTypeOf<[ctx: Req]>();
    // @ts-expect-error the factory must return options
    managerSource<Req>(() => 'OQ1');
  });

  it('hands out TokenHandles and never-rejecting pending work', () => {
    const handle = createTokenHandle(
      () => manager,
      (error) => error,
    );
    expectTypeOf(handle).toExtend<TokenHandle>();
    expectTypeOf(handle).toEqualTypeOf<ClientTokenHandle>();
    // Without @twilio-oauth/twilio in the program, the client's type is unknown.
    expectTypeOf(handle.client).toEqualTypeOf<SdkClient>();
    expectTypeOf<SdkClient>().toBeUnknown();
    expectTypeOf(pendingWork(handle)).toEqualTypeOf<Promise<void> | undefined>();
    expectTypeOf<TokenManagerPool['get']>().returns.toEqualTypeOf<
      TokenManager | Promise<TokenManager>
    >();
  });
});
