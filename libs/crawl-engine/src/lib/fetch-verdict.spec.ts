import { SafeFetchError, BlockedAddressError } from '@sluice/safe-fetch';
import { isHtml, judgeError, judgeResponse, pageError, retryDelayMs } from './fetch-verdict';

describe('fetch verdicts', () => {
  it('stores ordinary responses as pages, including client errors', () => {
    for (const status of [200, 204, 301, 404, 410, 501]) expect(judgeResponse(status, {})).toEqual({ action: 'page' });
  });

  it('backs off the host on 429 and 503, carrying Retry-After', () => {
    expect(judgeResponse(429, { 'retry-after': '2' })).toEqual({ action: 'backoff', retryAfter: '2', reason: 'HTTP 429' });
    expect(judgeResponse(503, {})).toEqual({ action: 'backoff', retryAfter: undefined, reason: 'HTTP 503' });
  });

  it('retries other server errors', () => {
    expect(judgeResponse(502, {})).toMatchObject({ action: 'retry' });
    expect(judgeResponse(500, {})).toMatchObject({ action: 'retry' });
  });

  it('retries timeouts and network errors but fails refusals and size limits for good', () => {
    expect(judgeError(new SafeFetchError('timeout', 'slow'))).toMatchObject({ action: 'retry' });
    expect(judgeError(new SafeFetchError('network', 'reset'))).toMatchObject({ action: 'retry' });
    expect(judgeError(new BlockedAddressError('x', '10.0.0.1', 'private'))).toMatchObject({ action: 'fail', reason: expect.stringContaining('blocked_address') });
    expect(judgeError(new SafeFetchError('decompressed_too_large', 'bomb'))).toMatchObject({ action: 'fail' });
    expect(judgeError(new SafeFetchError('body_too_large', 'huge'))).toMatchObject({ action: 'fail' });
    expect(judgeError(new Error('breaker is open'))).toEqual({ action: 'retry', reason: 'breaker is open' });
  });

  it('doubles the retry delay up to a minute', () => {
    expect([1, 2, 3, 4].map(retryDelayMs)).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(retryDelayMs(20)).toBe(60_000);
  });

  it('names HTTP errors and recognises HTML', () => {
    expect(pageError(200)).toBeUndefined();
    expect(pageError(404)).toBe('HTTP 404');
    expect(isHtml('text/html; charset=Shift_JIS')).toBe(true);
    expect(isHtml(undefined)).toBe(true);
    expect(isHtml('application/pdf')).toBe(false);
  });
});
