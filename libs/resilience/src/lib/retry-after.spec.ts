import { parseRetryAfter, retryAfterOf } from './retry-after';

const now = Date.parse('2026-01-01T00:00:00Z');

describe('parseRetryAfter', () => {
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP-date relative to now, and a past date as 0', () => {
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
  });

  it('gives undefined for anything else', () => {
    for (const bad of [undefined, null, '', '-5', '1.5', 'soon', '12 seconds']) {
      expect(parseRetryAfter(bad, now)).toBeUndefined();
    }
  });
});

describe('retryAfterOf', () => {
  it('prefers a retryAfterMs number on the error', () => {
    expect(retryAfterOf(Object.assign(new Error('429'), { retryAfterMs: 250, headers: { 'retry-after': '9' } }), now)).toBe(250);
  });

  it('reads the retry-after header of a plain headers object, a fetch Headers or error.response', () => {
    expect(retryAfterOf({ headers: { 'retry-after': '3' } }, now)).toBe(3_000);
    expect(retryAfterOf({ headers: { 'retry-after': ['4'] } }, now)).toBe(4_000);
    expect(retryAfterOf({ headers: new Headers({ 'Retry-After': '5' }) }, now)).toBe(5_000);
    expect(retryAfterOf({ response: { headers: { 'retry-after': 'Thu, 01 Jan 2026 00:00:02 GMT' } } }, now)).toBe(2_000);
  });

  it('gives undefined when the error says nothing usable', () => {
    for (const error of [undefined, 'text', new Error('x'), { retryAfterMs: -1 }, { retryAfterMs: Number.NaN }, { headers: {} }]) {
      expect(retryAfterOf(error, now)).toBeUndefined();
    }
  });
});
