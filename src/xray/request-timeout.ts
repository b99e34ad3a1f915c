/**
 * A per-request time limit. The AbortController stops the socket where the fetch honours signals (Node's does);
 * the Promise.race is the fallback for one that does not, so a hung Xray never holds an invocation to its own
 * platform timeout. The body is read inside the limit too: a stalled body is as bad as no answer.
 */
import type { FetchPort, HttpRequestInit, HttpResponseLike } from '../ports';

/** Our own time limit ran out; the request may or may not have reached Xray. */
export class RequestTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`No answer within ${Math.round(timeoutMs / 100) / 10} s`);
    this.name = 'RequestTimeoutError';
  }
}

/** A response with its body already read. */
export interface ReadResponse {
  status: number;
  headers: HttpResponseLike['headers'];
  text: string;
}

/** Sends one request and reads its body within `timeoutMs`, or rejects with `RequestTimeoutError`. */
export async function fetchWithTimeout(
  fetch: FetchPort,
  url: string,
  init: HttpRequestInit,
  timeoutMs: number,
): Promise<ReadResponse> {
  const controller = typeof AbortController === 'function' ? new AbortController() : undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller?.abort();
      reject(new RequestTimeoutError(timeoutMs));
    }, timeoutMs);
  });
  const exchange = (async (): Promise<ReadResponse> => {
    const res = await fetch(url, controller ? { ...init, signal: controller.signal } : init);
    const text = await res.text();
    return { status: res.status, headers: res.headers, text };
  })();
  try {
    return await Promise.race([exchange, expired]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}
