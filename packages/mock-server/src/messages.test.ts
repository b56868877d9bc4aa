import { describe, expect, it } from 'vitest';
import { countSegments, MessageStore, rfc2822 } from './messages';

describe('countSegments', () => {
  it.each([
    ['', 1],
    ['a'.repeat(160), 1],
    ['a'.repeat(161), 2],
    ['a'.repeat(306), 2],
    ['a'.repeat(307), 3],
    // Extension characters take two septets.
    ['€'.repeat(80), 1],
    ['€'.repeat(81), 2],
    ['é'.repeat(160), 1],
    // Outside GSM-7: UCS-2, 70 per segment, 67 when split, counted in UTF-16 units.
    ['ł'.repeat(70), 1],
    ['ł'.repeat(71), 2],
    ['😀'.repeat(35), 1],
    ['😀'.repeat(36), 2],
  ])('%j needs %i segment(s)', (body, segments) => {
    expect(countSegments(body)).toBe(segments);
  });
});

describe('rfc2822', () => {
  it('formats like Twilio dates', () => {
    expect(rfc2822(Date.UTC(2015, 6, 30, 20, 12, 31))).toBe('Thu, 30 Jul 2015 20:12:31 +0000');
    expect(rfc2822(Date.UTC(2030, 0, 5, 3, 4, 5))).toBe('Sat, 05 Jan 2030 03:04:05 +0000');
  });
});

describe('MessageStore', () => {
  const account = `AC${'1'.repeat(32)}`;
  const fields = (body: string) => ({ to: '+1', from: '+2', messagingServiceSid: null, body });

  it('lists newest first and pages', () => {
    const store = new MessageStore();
    for (const body of ['a', 'b', 'c']) store.create(account, fields(body), 0);
    expect(store.list(account).map((m) => m.body)).toEqual(['c', 'b', 'a']);
    expect(store.page(account, 0, 2)).toMatchObject({ start: 0, hasNext: true });
    const last = store.page(account, 1, 2);
    expect(last?.messages.map((m) => m.body)).toEqual(['a']);
    expect(last).toMatchObject({ start: 2, hasNext: false });
    expect(store.page(account, 9, 2)?.messages).toEqual([]);
    store.clear();
    expect(store.list(account)).toEqual([]);
  });

  it('pages after a sid, unaffected by messages created meanwhile; get() by sid', () => {
    const store = new MessageStore();
    const [, b] = ['a', 'b', 'c', 'd'].map((body) => store.create(account, fields(body), 0));
    const first = store.page(account, 0, 2); // d, c
    const afterC = first?.messages.at(-1)?.sid ?? '';
    store.create(account, fields('e'), 0); // would shift an offset-based second page
    const second = store.page(account, 1, 2, afterC);
    expect(second?.messages.map((m) => m.body)).toEqual(['b', 'a']);
    expect(second).toMatchObject({ start: 3, hasNext: false });
    expect(store.page(account, 1, 2, `SM${'0'.repeat(32)}`)).toBeUndefined();
    expect(store.get(account, b?.sid ?? '')).toBe(b);
    expect(store.get(`AC${'2'.repeat(32)}`, b?.sid ?? '')).toBeUndefined();
  });

  it('gives each message a unique SM sid', () => {
    const store = new MessageStore();
    const sids = Array.from({ length: 20 }, () => store.create(account, fields('x'), 0).sid);
    expect(new Set(sids).size).toBe(20);
    for (const sid of sids) expect(sid).toMatch(/^SM[0-9a-f]{32}$/);
  });
});
