/**
 * HTTP with the retries an executor needs: network errors and transient 5xx back off and try again a few times,
 * the app's 503 `busy` waits for its `Retry-After`. Everything else is answered to the caller as it came.
 */
import { CliError, EXIT } from './errors';
import { printable } from './printable';

/** What the IO side of the CLI gives the HTTP code. */
export interface IoDeps {
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  /** Progress and retry notices (stderr or stdout, the caller decides). */
  log: (line: string) => void;
}

/** An answer that arrived (any status). */
export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

/** How much of an answer a caller reads, and what to tell the user when a service sends more. */
export interface AnswerLimit {
  /** The most bytes read from one answer's body. */
  bytes: number;
  /** What to do about it, for the message. */
  hint: string;
}

/** The web trigger's answers (a job, an error) are a few KiB. */
export const SMALL_ANSWER: AnswerLimit = { bytes: 1024 * 1024, hint: 'Check that the URL points at the service.' };

/** "1 MiB", "32 MiB", "512 KiB": a limit as it is said. */
export function sizeWords(bytes: number): string {
  return bytes >= 1048576 ? `${+(bytes / 1048576).toFixed(1)} MiB` : `${Math.max(1, Math.round(bytes / 1024))} KiB`;
}

/**
 * Reads a body up to `max` bytes, as a stream, so a server that sends without end costs no more than the limit.
 * Undefined when the body is longer (the rest is cancelled unread).
 */
export async function readCapped(res: Response, max: number): Promise<string | undefined> {
  if (!res.body) return '';
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > max) {
    await res.body.cancel().catch(() => undefined);
    return undefined;
  }
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Retry limits. */
export interface RetryPolicy {
  /** Attempts in all when the network fails or the service answers a transient 5xx. */
  networkAttempts: number;
  /** Attempts in all when the service says it is busy (503 busy, 429). */
  busyAttempts: number;
  /** First backoff (ms); doubles each time. */
  baseDelayMs: number;
  /** Longest wait for one Retry-After (ms). */
  maxRetryAfterMs: number;
  /** Per-request timeout (ms). */
  requestTimeoutMs: number;
}

/** Defaults: four tries over about 7 s for network trouble, six for a busy service. */
export const DEFAULT_RETRY: RetryPolicy = {
  networkAttempts: 4,
  busyAttempts: 6,
  baseDelayMs: 1000,
  maxRetryAfterMs: 120_000,
  requestTimeoutMs: 60_000,
};

/** Parses `Retry-After` (seconds or an HTTP date) into ms; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const s = Number(value);
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

const TLS_CODES = /^(CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_TLS_|ERR_SSL_|HOSTNAME_MISMATCH|ERR_CERT)/;

/** The innermost error with a `code` (fetch wraps socket errors as `TypeError: fetch failed` with a cause). */
function rootCause(err: unknown): { code?: string; message: string } {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return { code, message: (e as Error).message ?? String(e) };
    e = (e as { cause?: unknown }).cause;
  }
  return { message: err instanceof Error ? err.message : String(err) };
}

/** A network failure in words: what happened and its code (ECONNREFUSED, ENOTFOUND, a TLS error, ...). */
export function describeNetworkError(err: unknown, url: string): { text: string; permanent: boolean } {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return { text: 'the request timed out', permanent: false };
  const { code, message } = rootCause(err);
  const host = new URL(url).host;
  if (code === 'ECONNREFUSED') return { text: `connection refused (ECONNREFUSED): nothing accepts connections at ${host}`, permanent: false };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { text: `host name not found (${code}): ${new URL(url).hostname} does not resolve; check the URL's spelling and your DNS`, permanent: code === 'ENOTFOUND' };
  if (code === 'ECONNRESET') return { text: `connection reset (ECONNRESET) by ${host} or a proxy on the way`, permanent: false };
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') return { text: `connection timed out (${code}) to ${host}; a firewall may drop it, or a proxy is needed (HTTPS_PROXY)`, permanent: false };
  if (code === 'EPROXY') return { text: message, permanent: true };
  if (code && TLS_CODES.test(code)) {
    return {
      text: `TLS error (${code}): ${message}. If your network inspects TLS, give Node its CA with NODE_EXTRA_CA_CERTS=/path/to/ca.pem`,
      permanent: true,
    };
  }
  return { text: `${message}${code ? ` (${code})` : ''}`, permanent: false };
}

/**
 * Sends one request with retries. `build` is called per attempt, so that signatures carry a fresh timestamp.
 * `classify.isBusy` says whether an answer asks to come back later, `classify.isPermanent` whether a 5xx will not
 * change on retry (the caller knows the service's way of saying so).
 * Throws a {@link CliError} (exit 2) naming `service` once the attempts are used up.
 */
export async function requestWithRetry(
  deps: IoDeps,
  service: string,
  build: () => { url: string; init: RequestInit },
  classify: { isBusy: (a: HttpAnswer) => boolean; isPermanent?: (a: HttpAnswer) => boolean; limit?: AnswerLimit },
  policy: RetryPolicy = DEFAULT_RETRY,
): Promise<HttpAnswer> {
  let networkTries = 0;
  let busyTries = 0;
  for (;;) {
    const { url, init } = build();
    let answer: HttpAnswer | undefined;
    let failure: { text: string; permanent: boolean } | undefined;
    try {
      // A redirect would carry the signature (or Bearer secret) and the body to wherever it points: refused below.
      const res = await deps.fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(policy.requestTimeoutMs) });
      if (res.status >= 300 && res.status < 400) {
        await res.body?.cancel().catch(() => undefined);
        const to = res.headers.get('location');
        throw new CliError(
          `${service} at ${new URL(url).origin} answered HTTP ${res.status}, a redirect${to ? ` to ${printable(new URL(to, url).toString())}` : ''}; ` +
            'xts does not follow redirects, so the secret and the results go to no other host. Put the final address in --url (or the matching variable) and try again.',
          EXIT.USAGE,
        );
      }
      const limit = classify.limit ?? SMALL_ANSWER;
      const text = await readCapped(res, limit.bytes);
      if (text === undefined) {
        throw new CliError(`${service} answered more than ${sizeWords(limit.bytes)} (the limit for its answers); xts stopped reading. ${limit.hint}`, EXIT.USAGE);
      }
      let json: unknown = undefined;
      try {
        json = text === '' ? undefined : JSON.parse(text);
      } catch {
        json = undefined;
      }
      answer = { status: res.status, headers: res.headers, text, json };
    } catch (err) {
      if (err instanceof CliError) throw err;
      failure = describeNetworkError(err, url);
    }

    if (answer && classify.isBusy(answer)) {
      busyTries++;
      if (busyTries >= policy.busyAttempts) {
        throw new CliError(`${service} stayed busy after ${busyTries} attempts (HTTP ${answer.status}). Nothing was lost on this side: try again in a few minutes.`, EXIT.USAGE);
      }
      const wait = Math.min(parseRetryAfter(answer.headers.get('retry-after'), deps.now()) ?? policy.baseDelayMs * 2 ** (busyTries - 1), policy.maxRetryAfterMs);
      deps.log(`${service} is busy (HTTP ${answer.status}); retrying in ${Math.ceil(wait / 1000)} s (attempt ${busyTries + 1} of ${policy.busyAttempts}).`);
      await deps.sleep(wait);
      continue;
    }
    const transient = answer !== undefined && [500, 502, 503, 504].includes(answer.status) && !classify.isPermanent?.(answer);
    if (answer && !transient) return answer;

    networkTries++;
    const why = failure?.text ?? `HTTP ${answer?.status}`;
    if (networkTries >= policy.networkAttempts || failure?.permanent) {
      if (answer) return answer;
      const tries = networkTries === 1 ? '' : `, after ${networkTries} attempts`;
      throw new CliError(`Could not reach ${service} at ${new URL(url).origin}: ${why}${tries}. Check the URL and your network or proxy, then try again.`, EXIT.USAGE);
    }
    const wait = policy.baseDelayMs * 2 ** (networkTries - 1);
    deps.log(`${service}: ${why}; retrying in ${Math.ceil(wait / 1000)} s (attempt ${networkTries + 1} of ${policy.networkAttempts}).`);
    await deps.sleep(wait);
  }
}
