/**
 * When to send an Xray request again, and after how long. Xray documents no Retry-After for its 429s, so the client
 * backs off on its own: exponential with full jitter (AWS's "full jitter"), so that invocations that hit the limit
 * together do not come back together.
 */

/** Retry limits. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** The first backoff's upper bound, in ms. */
  baseMs: number;
  /** No single wait is longer than this, in ms. */
  capMs: number;
}

/** Four attempts, waits drawn from [0, 1 s), [0, 2 s), [0, 4 s): at most 7 s of waiting in the worst case. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 4, baseMs: 1000, capMs: 30_000 };

/**
 * The wait before the retry that follows `failures` failed attempts (1 for the first retry): a uniform draw from
 * [0, min(cap, base * 2^(failures-1))). `random` is injectable so tests can pin the draw.
 */
export function backoffDelay(failures: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, failures - 1));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * ceiling);
}

/**
 * A Retry-After header in ms (seconds or an HTTP date), undefined when absent or unreadable. Xray does not document
 * one, but a proxy in front of it may send it, and it then knows better than our guess.
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

// Errors raised before a byte of the request left: the connection was never made, so Xray cannot have acted on it.
const UNSENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * Whether a thrown fetch error proves the request never reached Xray (refused connection, DNS failure). Anything
 * else (reset, socket closed, timeout, an error of unknown shape) may have happened after Xray got the request, so
 * a create must not be sent again.
 */
export function isSurelyUnsent(err: unknown): boolean {
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && UNSENT_CODES.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
