import { describe, expect, it } from 'vitest';
import { InvalidOptionsError } from '../errors';
import { checkMillis } from './options';

describe('checkMillis', () => {
  it('takes the fallback for undefined and a number within bounds as is', () => {
    expect(checkMillis({ name: 'timeoutMs', value: undefined, fallback: 500 })).toBe(500);
    expect(checkMillis({ name: 'timeoutMs', value: 0, fallback: 500 })).toBe(0);
    expect(checkMillis({ name: 'timeoutMs', value: 2_147_483_647, fallback: 1 })).toBe(
      2_147_483_647,
    );
  });

  it.each([-1, 0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31, '500', null])(
    'refuses %s, naming the option and not the value',
    (value) => {
      let caught: unknown;
      try {
        checkMillis({ name: 'store.timeoutMs', value, fallback: 1, min: 1 });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(InvalidOptionsError);
      expect(caught).toMatchObject({ option: 'store.timeoutMs', code: 'invalid_option' });
      expect((caught as Error).message).toMatch(/from 1 to 2147483647/);
    },
  );

  it('keeps max within what a timer takes', () => {
    expect(() => checkMillis({ name: 'n', value: 600_001, fallback: 1, max: 600_000 })).toThrow(
      /from 0 to 600000/,
    );
    expect(() => checkMillis({ name: 'n', value: 2 ** 31, fallback: 1, max: 2 ** 40 })).toThrow(
      /"n"/,
    );
  });
});
