import type { TokenEvent } from '@twilio-oauth/core';

interface Base {
  readonly key: string;
  readonly time: number;
}

/**
 * The events this package reads, as the core emits them: one exchange is
 * bracketed by `token.requested` (attempt 1) and `token.issued` or
 * `token.request_failed`; `cache.hit` carries the token's `expiresAt` and
 * `cache.miss` where it looked. Fields a core release does not send yet are
 * optional here, so that an older core is still observed as well as it can be.
 */
export type ObservedEvent =
  | (Base & { readonly type: 'token.requested'; readonly attempt: number })
  | (Base & {
      readonly type: 'token.issued';
      readonly expiresAt: number;
      readonly attempts: number;
      readonly durationMs: number;
    })
  | (Base & {
      readonly type: 'token.request_failed';
      readonly error: Error;
      readonly code: string;
      readonly attempts: number;
      readonly durationMs: number;
      readonly servingStale: boolean;
    })
  | (Base & { readonly type: 'token.served_stale'; readonly expiresAt: number })
  | (Base & {
      readonly type: 'cache.hit';
      readonly state: 'fresh' | 'stale';
      readonly source: 'memory' | 'store';
      readonly expiresAt?: number;
    })
  | (Base & { readonly type: 'cache.miss'; readonly source?: 'memory' | 'store' })
  | (Base & {
      readonly type: 'store.error';
      readonly operation: 'get' | 'set' | 'delete' | 'lock';
    })
  | (Base & { readonly type: 'token.refresh_failed' });

/** Every event the core's `onEvent` may receive. */
export type ListenedEvent = TokenEvent | ObservedEvent;
