import { describe, expect, it } from 'vitest';
import { appendParams, decodeBody, encodeBody } from './encode';

const params = (value: unknown) => {
  const target = new URLSearchParams();
  appendParams(target, value);
  return target.toString();
};

describe('appendParams', () => {
  it('repeats array keys, brackets nested keys, skips undefined, empties null', () => {
    expect(
      params({
        To: '+1 555',
        StatusCallbackEvent: ['initiated', 'ringing'],
        Skip: undefined,
        Empty: null,
        Flag: true,
        Count: 3,
        Nested: { a: 'b' },
      }),
    ).toBe(
      'To=%2B1+555&StatusCallbackEvent=initiated&StatusCallbackEvent=ringing&Empty=&Flag=true&Count=3&Nested%5Ba%5D=b',
    );
  });

  it('writes dates as ISO 8601', () => {
    expect(params({ At: new Date(0) })).toBe('At=1970-01-01T00%3A00%3A00.000Z');
  });
});

describe('encodeBody', () => {
  it('encodes by content type', () => {
    expect(encodeBody({ A: [1, 2] }, 'application/x-www-form-urlencoded')).toBe('A=1&A=2');
    expect(encodeBody({ A: [1, 2] }, 'application/json')).toBe('{"A":[1,2]}');
    expect(encodeBody('raw', 'text/plain')).toBe('raw');
    expect(encodeBody(undefined, 'application/json')).toBeUndefined();
  });
});

describe('decodeBody', () => {
  it('parses JSON and keeps anything else as text', () => {
    expect(decodeBody('{"a":1}')).toEqual({ a: 1 });
    expect(decodeBody('<Response/>')).toBe('<Response/>');
    expect(decodeBody('')).toBe('');
  });
});
