import { backoffDelay, DEFAULT_RETRY_POLICY, isSurelyUnsent, parseRetryAfter } from '../../src/xray/retry-policy';

describe('retry policy', () => {
  it('draws full jitter under a doubling ceiling, capped', () => {
    const p = { ...DEFAULT_RETRY_POLICY, capMs: 5000 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, p, () => 1))).toEqual([1000, 2000, 4000, 5000, 5000]);
    expect(backoffDelay(3, p, () => 0)).toBe(0);
  });

  it('reads Retry-After as seconds or a date', () => {
    const now = Date.UTC(2026, 0, 1, 0, 0, 0);
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:09 GMT', now)).toBe(9000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('treats only connection-level refusals as surely unsent', () => {
    expect(isSurelyUnsent(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }))).toBe(true);
    expect(isSurelyUnsent({ code: 'ENOTFOUND' })).toBe(true);
    expect(isSurelyUnsent(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } }))).toBe(false);
    expect(isSurelyUnsent(new Error('other'))).toBe(false);
  });
});
