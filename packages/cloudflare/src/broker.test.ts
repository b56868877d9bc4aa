import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryStorage } from '../test/memory-namespace';
import { TwilioTokenBroker } from './broker';

const call = async (broker: TwilioTokenBroker, operation: string, body: unknown) => {
  const response = await broker.fetch(
    new Request(`https://broker.test/${operation}`, {
      method: 'POST',
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
  );
  const text = await response.text();
  return { status: response.status, body: response.ok ? JSON.parse(text) : text };
};

describe('TwilioTokenBroker', () => {
  let storage: MemoryStorage;
  let broker: TwilioTokenBroker;

  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
    storage = new MemoryStorage();
    broker = new TwilioTokenBroker({ storage });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps a value in its storage until its TTL, and an alarm deletes it then', async () => {
    expect((await call(broker, 'get', {})).body).toEqual({ value: null });
    await call(broker, 'set', { value: 'sealed-1', ttlMs: 60_000 });
    expect(storage.alarm).toBe(1_060_000);

    // A new object over the same storage (evicted, restarted) still has it.
    const restarted = new TwilioTokenBroker({ storage });
    expect((await call(restarted, 'get', {})).body).toEqual({ value: 'sealed-1' });

    vi.setSystemTime(1_060_000);
    expect((await call(restarted, 'get', {})).body).toEqual({ value: null });
    await restarted.alarm();
    expect(storage.values.size).toBe(0);
  });

  it('an alarm for an overwritten value reschedules instead of deleting the newer one', async () => {
    await call(broker, 'set', { value: 'sealed-2', ttlMs: 120_000 });
    vi.setSystemTime(1_060_000);
    await broker.alarm();
    expect((await call(broker, 'get', {})).body).toEqual({ value: 'sealed-2' });
    expect(storage.alarm).toBe(1_120_000);
  });

  it('delete drops the value and its alarm', async () => {
    await call(broker, 'set', { value: 'sealed-3', ttlMs: 60_000 });
    await call(broker, 'delete', {});
    expect((await call(broker, 'get', {})).body).toEqual({ value: null });
    expect(storage.alarm).toBeNull();
  });

  it('lends the lock to one owner; only that owner releases it', async () => {
    expect((await call(broker, 'lock', { owner: 'a', ttlMs: 30_000, waitMs: 0 })).body).toEqual({
      acquired: true,
    });
    expect((await call(broker, 'lock', { owner: 'b', ttlMs: 30_000, waitMs: 0 })).body).toEqual({
      acquired: false,
    });
    expect((await call(broker, 'unlock', { owner: 'b' })).body).toEqual({ released: false });
    expect((await call(broker, 'unlock', { owner: 'a' })).body).toEqual({ released: true });
    expect((await call(broker, 'lock', { owner: 'b', ttlMs: 30_000, waitMs: 0 })).body).toEqual({
      acquired: true,
    });
  });

  it('answers a waiting lock call with the token the moment it arrives', async () => {
    await call(broker, 'lock', { owner: 'a', ttlMs: 30_000, waitMs: 0 });
    const waiting = call(broker, 'lock', { owner: 'b', ttlMs: 30_000, waitMs: 5_000 });
    const other = call(broker, 'lock', { owner: 'c', ttlMs: 30_000, waitMs: 5_000 });

    await call(broker, 'set', { value: 'sealed-4', ttlMs: 60_000 });

    // No timer had to fire: the write itself answered both waiters.
    expect(vi.getTimerCount()).toBe(0);
    expect((await waiting).body).toEqual({ acquired: false, value: 'sealed-4' });
    expect((await other).body).toEqual({ acquired: false, value: 'sealed-4' });
  });

  it('hands the lock to one waiter when the holder lets go without a token', async () => {
    await call(broker, 'lock', { owner: 'a', ttlMs: 30_000, waitMs: 0 });
    const b = call(broker, 'lock', { owner: 'b', ttlMs: 30_000, waitMs: 5_000 });
    const c = call(broker, 'lock', { owner: 'c', ttlMs: 30_000, waitMs: 5_000 });

    await call(broker, 'unlock', { owner: 'a' });

    expect((await b).body).toEqual({ acquired: true });
    // c waits on for b's token, and gets it.
    await call(broker, 'set', { value: 'sealed-5', ttlMs: 60_000 });
    expect((await c).body).toEqual({ acquired: false, value: 'sealed-5' });
  });

  it('an expired lock goes to the next caller; a waiter gives up after waitMs', async () => {
    await call(broker, 'lock', { owner: 'a', ttlMs: 10_000, waitMs: 0 });
    const gaveUp = call(broker, 'lock', { owner: 'b', ttlMs: 10_000, waitMs: 2_000 });
    await vi.advanceTimersByTimeAsync(2_000);
    expect((await gaveUp).body).toEqual({ acquired: false });

    const takesOver = call(broker, 'lock', { owner: 'c', ttlMs: 10_000, waitMs: 60_000 });
    await vi.advanceTimersByTimeAsync(8_000);
    expect((await takesOver).body).toEqual({ acquired: true });
  });

  it('forgets its lock when restarted (at most one extra token request)', async () => {
    await call(broker, 'lock', { owner: 'a', ttlMs: 30_000, waitMs: 0 });
    const restarted = new TwilioTokenBroker({ storage });
    expect((await call(restarted, 'lock', { owner: 'b', ttlMs: 30_000, waitMs: 0 })).body).toEqual({
      acquired: true,
    });
  });

  it('answers 400 to malformed calls, naming the field and never echoing a value', async () => {
    expect(await call(broker, 'set', 'not json')).toEqual({
      status: 400,
      body: 'the body must be JSON',
    });
    expect(await call(broker, 'set', { value: 'sealed-6', ttlMs: -1 })).toEqual({
      status: 400,
      body: '"ttlMs" must be a number from 0 to 2678400000',
    });
    expect(await call(broker, 'set', { value: 42, ttlMs: 1 })).toEqual({
      status: 400,
      body: '"value" must be a non-empty string',
    });
    expect(await call(broker, 'lock', { owner: 'a', ttlMs: 1, waitMs: 600_000 })).toEqual({
      status: 400,
      body: '"waitMs" must be a number from 0 to 60000',
    });
    expect((await call(broker, 'peek', {})).status).toBe(400);
    expect(storage.values.size).toBe(0);
  });
});
