import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { TwilioOAuthError } from '../errors';
import { StoreError } from './store-error';

class ExampleStoreError extends StoreError<'get' | 'lock'> {
  static override readonly label = 'Example';
  override readonly name = 'ExampleStoreError';
}

const TOKEN = 'eyJ.stored-token.signature';

describe('StoreError', () => {
  it('names the store and the operation, with a stable code', () => {
    const error = ExampleStoreError.timedOut('get', 500);
    expect(error).toBeInstanceOf(ExampleStoreError);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toBeInstanceOf(TwilioOAuthError);
    expect(error).toMatchObject({
      name: 'ExampleStoreError',
      code: 'store_timeout',
      operation: 'get',
      message: 'Example get timed out after 500 ms',
    });
    expect(new StoreError('store_error', 'set', 'failed').message).toBe('store set failed');
  });

  it('wraps a client error keeping one line of its message and a safe cause', () => {
    const clientError = Object.assign(new Error('WRONGTYPE Operation against a key\n holding…'), {
      name: 'ReplyError',
      code: 'WRONGTYPE',
      // ioredis attaches the command, whose arguments may be the stored token.
      command: { name: 'set', args: ['key', TOKEN] },
    });
    const error = ExampleStoreError.from('lock', clientError);
    expect(error).toMatchObject({ code: 'store_error', operation: 'lock' });
    expect(error.message).toBe(
      'Example lock failed (ReplyError): WRONGTYPE Operation against a key holding…',
    );
    expect(error.cause).toBeInstanceOf(Error);
    expect(error.cause).not.toBe(clientError);
    expect((error.cause as Error).name).toBe('ReplyError');
    for (const rendering of [
      JSON.stringify(error),
      inspect(error, { depth: 5, showHidden: true }),
      String(error),
      inspect(error.cause, { depth: 5, showHidden: true }),
    ]) {
      expect(rendering).not.toContain(TOKEN);
    }
  });

  it('passes its own errors through and wraps non-errors', () => {
    const own = ExampleStoreError.timedOut('get', 5);
    expect(ExampleStoreError.from('get', own)).toBe(own);
    const other = StoreError.timedOut('get', 5);
    expect(ExampleStoreError.from('get', other)).not.toBe(other);
    expect(ExampleStoreError.from('get', 'down').message).toBe('Example get failed (string)');
    expect(new StoreError('store_error', 'get', 'failed').cause).toBeUndefined();
  });

  it('keeps long messages to one bounded line', () => {
    const error = ExampleStoreError.from('get', new Error(`a\n${'x'.repeat(1_000)}`));
    expect(error.message.length).toBeLessThan(260);
    expect(error.message).not.toContain('\n');
  });
});
