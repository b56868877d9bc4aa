import { describe, expectTypeOf, it } from 'vitest';
import {
  type AccessToken,
  httpStatusForError,
  type MemoryTokenStore,
  requestToken,
  type TokenErrorCode,
  type TokenEvent,
  type TokenHandle,
  type TokenManager,
  type TokenRequestError,
  type TokenStore,
} from './index';
import type { TokenManagerPool } from './pool';

describe('public types', () => {
  it('TokenManager is a TokenHandle and AsyncDisposable', () => {
    expectTypeOf<TokenManager>().toMatchTypeOf<TokenHandle>();
    expectTypeOf<TokenManager>().toMatchTypeOf<AsyncDisposable>();
    expectTypeOf<TokenManager['getToken']>().returns.toEqualTypeOf<Promise<AccessToken>>();
    expectTypeOf<TokenManager['key']>().toEqualTypeOf<string>();
    expectTypeOf(requestToken).returns.toEqualTypeOf<Promise<AccessToken>>();
    expectTypeOf<TokenManagerPool['get']>().returns.toEqualTypeOf<
      TokenManager | Promise<TokenManager>
    >();
  });

  it('MemoryTokenStore is a TokenStore; errors carry typed fields', () => {
    expectTypeOf<MemoryTokenStore>().toMatchTypeOf<TokenStore>();
    expectTypeOf<TokenRequestError['code']>().toEqualTypeOf<TokenErrorCode>();
    expectTypeOf<TokenRequestError['status']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<TokenRequestError['twilioCode']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<TokenRequestError['moreInfo']>().toEqualTypeOf<string | undefined>();
    expectTypeOf(httpStatusForError).returns.toEqualTypeOf<502 | 503 | undefined>();
  });

  it('events narrow by type', () => {
    const listen = (event: TokenEvent) => {
      if (event.type === 'store.error') {
        expectTypeOf(event.operation).toEqualTypeOf<'get' | 'set' | 'delete' | 'lock'>();
      }
      if (event.type === 'cache.hit') {
        expectTypeOf(event.source).toEqualTypeOf<'memory' | 'store'>();
      }
    };
    expectTypeOf(listen).parameter(0).toEqualTypeOf<TokenEvent>();
  });
});
