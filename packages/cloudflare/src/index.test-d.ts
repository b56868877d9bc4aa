// Compiled against @cloudflare/workers-types (tsconfig.workers.json): the bindings and
// the state a Worker really has fit this package's types.
import type { TokenStore } from '@twilio-oauth/core';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type DurableObjectTokenStore,
  durableObjectStore,
  type TokenBrokerError,
  TwilioTokenBroker,
} from './index';

interface Env {
  TWILIO_TOKENS: DurableObjectNamespace;
  TOKEN_STORE_KEY: string;
}

describe('@twilio-oauth/cloudflare types', () => {
  it('takes a DurableObjectNamespace binding and returns a core TokenStore with a lock', () => {
    const env = {} as Env;
    const store = durableObjectStore(env.TWILIO_TOKENS, { encryptionKey: env.TOKEN_STORE_KEY });
    expectTypeOf(store).toEqualTypeOf<DurableObjectTokenStore>();
    expectTypeOf(store).toExtend<TokenStore>();
    expectTypeOf(store.acquireLock).toBeFunction();
    // @ts-expect-error: a KV namespace is not a Durable Object namespace
    durableObjectStore({} as KVNamespace);
  });

  it('is a Durable Object class: constructed from DurableObjectState, answers fetch and alarm', () => {
    const ctx = {} as DurableObjectState;
    const broker = new TwilioTokenBroker(ctx, {});
    expectTypeOf(broker).toExtend<DurableObject>();
    expectTypeOf(broker.fetch).returns.toEqualTypeOf<Promise<Response>>();
  });

  it('store errors carry a code and the operation', () => {
    expectTypeOf<TokenBrokerError['code']>().toBeString();
    expectTypeOf<TokenBrokerError['operation']>().toEqualTypeOf<
      'get' | 'set' | 'delete' | 'lock' | 'unlock'
    >();
  });
});
