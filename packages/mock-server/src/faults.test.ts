import { describe, expect, it } from 'vitest';
import { FaultState, parseFaults } from './faults';

describe('parseFaults', () => {
  it('accepts every documented field', () => {
    const faults = {
      token: {
        status: 503,
        retryAfterSeconds: 2,
        delayMs: 10,
        hang: false,
        reset: false,
        malformed: false,
        oversized: false,
        times: 3,
        tokenType: 'mac',
        expiresIn: null,
        body: '{}',
        contentType: 'text/plain',
        twilioCode: 322402,
        throttledForSeconds: 30,
      },
      api: { status: 429 },
    };
    expect(parseFaults(faults)).toEqual(faults);
  });

  it('accepts {} and drops undefined fields', () => {
    expect(parseFaults({})).toEqual({});
    expect(parseFaults({ token: { status: undefined, times: 1 }, api: undefined })).toEqual({
      token: { times: 1 },
    });
  });

  it.each([
    [null, /Invalid faults: must be an object/],
    [[], /Invalid faults: must be an object/],
    [{ tokens: {} }, /unknown endpoint "tokens"/],
    [{ token: 'down' }, /"token": must be an object/],
    [{ token: { time: 1 } }, /"token\.time": unknown field/],
    [{ token: { status: 99 } }, /"token\.status": must be an integer from 200 to 599/],
    [{ token: { status: 600 } }, /"token\.status"/],
    [{ api: { status: 502.5 } }, /"api\.status"/],
    [{ api: { times: 0 } }, /"api\.times"/],
    [{ api: { delayMs: -1 } }, /"api\.delayMs"/],
    [{ api: { delayMs: 600_001 } }, /"api\.delayMs"/],
    [{ api: { retryAfterSeconds: '1' } }, /"api\.retryAfterSeconds"/],
    [{ api: { hang: 'yes' } }, /"api\.hang": must be a boolean/],
    [{ api: { body: 1 } }, /"api\.body": must be a string/],
    [{ api: { contentType: 'a\r\nX-Injected: 1' } }, /"api\.contentType"/],
    [{ api: { tokenType: 'Bearer' } }, /"api\.tokenType": only applies to the token fault/],
    [{ api: { expiresIn: 1 } }, /"api\.expiresIn"/],
    [{ token: { expiresIn: Number.NaN } }, /"token\.expiresIn"/],
    [{ token: { twilioCode: 0 } }, /"token\.twilioCode": must be an integer from 1/],
    [{ token: { twilioCode: '322402' } }, /"token\.twilioCode"/],
    [{ api: { throttledForSeconds: -1 } }, /"api\.throttledForSeconds"/],
    [{ api: { throttledForSeconds: 86_401 } }, /"api\.throttledForSeconds"/],
    [{ token: { expiresIn: {} } }, /"token\.expiresIn"/],
    // JSON would turn Infinity into null, which is what `null` is for.
    [{ token: { expiresIn: Number.POSITIVE_INFINITY } }, /"token\.expiresIn"/],
  ])('rejects %j', (input, message) => {
    expect(() => parseFaults(input)).toThrow(TypeError);
    expect(() => parseFaults(input)).toThrow(message);
  });
});

describe('FaultState', () => {
  it('serves a fault with times that many times, counting down', () => {
    const state = new FaultState();
    state.set({ token: { status: 500, times: 2 } });
    expect(state.take('token')).toEqual({ status: 500, times: 2 });
    expect(state.current()).toEqual({ token: { status: 500, times: 1 } });
    expect(state.take('token')).toEqual({ status: 500, times: 1 });
    expect(state.take('token')).toBeUndefined();
    expect(state.current()).toEqual({});
  });

  it('keeps a fault without times until replaced, and targets are independent', () => {
    const state = new FaultState();
    state.set({ api: { status: 503 } });
    for (let i = 0; i < 5; i++) expect(state.take('api')).toEqual({ status: 503 });
    expect(state.take('token')).toBeUndefined();
    state.set({ token: { hang: true } });
    expect(state.take('api')).toBeUndefined();
    state.set({});
    expect(state.take('token')).toBeUndefined();
  });

  it('does not keep a reference to the caller object', () => {
    const state = new FaultState();
    const faults = { token: { status: 500 } };
    state.set(faults);
    faults.token.status = 502;
    expect(state.take('token')).toEqual({ status: 500 });
  });

  it('rejects invalid faults and keeps the previous ones', () => {
    const state = new FaultState();
    state.set({ token: { status: 500 } });
    expect(() => state.set({ token: { status: 1 } })).toThrow(TypeError);
    expect(state.current()).toEqual({ token: { status: 500 } });
  });
});
