import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { callWithin } from './deadline';

const timeout = () => new Error('too slow');

describe('callWithin', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('settles as the command does within the deadline, leaving no timer', async () => {
    await expect(callWithin(async () => 7, { timeoutMs: 50, onTimeout: timeout })).resolves.toBe(7);
    await expect(
      callWithin(() => Promise.reject(new Error('refused')), { timeoutMs: 50, onTimeout: timeout }),
    ).rejects.toThrow('refused');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('turns a synchronous throw into a rejection', async () => {
    const command = (): Promise<number> => {
      throw new Error('no connection');
    };
    await expect(callWithin(command, { timeoutMs: 50, onTimeout: timeout })).rejects.toThrow(
      'no connection',
    );
  });

  it('rejects with onTimeout() at the deadline, and hands a late success to onLate', async () => {
    let answer: (value: string) => void = () => {};
    const onLate = vi.fn();
    const call = callWithin(() => new Promise<string>((resolve) => (answer = resolve)), {
      timeoutMs: 50,
      onTimeout: timeout,
      onLate,
    });
    const settled = expect(call).rejects.toThrow('too slow');
    await vi.advanceTimersByTimeAsync(49);
    expect(onLate).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    await settled;
    answer('OK');
    await vi.waitFor(() => expect(onLate).toHaveBeenCalledWith('OK'));
  });

  it('swallows a late failure (nobody is waiting for it)', async () => {
    let fail: (error: Error) => void = () => {};
    const call = callWithin(() => new Promise<never>((_, reject) => (fail = reject)), {
      timeoutMs: 10,
      onTimeout: timeout,
    });
    const settled = expect(call).rejects.toThrow('too slow');
    await vi.advanceTimersByTimeAsync(10);
    await settled;
    // An unhandled rejection would fail the run.
    fail(new Error('late'));
    await vi.advanceTimersByTimeAsync(0);
  });
});
