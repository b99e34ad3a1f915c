/**
 * Reads of Jira that a user waits on (a panel opening) ride out a transient fault: Jira answers an occasional 429
 * or 5xx under load, and a panel that fails for one of them shows an error where a second try a moment later would
 * have shown the panel. Only reads are tried again (GETs and the bulk issue read, a POST that changes nothing), at
 * most twice, after short pauses or the Retry-After Jira asks for, up to 5 s (a resolver has 25 s).
 */
import type { HttpRequestInit, JiraPort, JiraRequest } from '../ports';

/** Pauses before the second and third try of a read, in ms, when Jira names no Retry-After. */
export const JIRA_READ_PAUSES_MS: readonly number[] = [250, 1000];
/** The longest Retry-After a read waits out; a longer one is answered as it came. */
export const JIRA_READ_MAX_WAIT_MS = 5000;
const TRANSIENT = new Set([429, 500, 502, 503, 504]);
const READ_POSTS = new Set(['/rest/api/3/issue/bulkfetch']);

function isRead(path: string, init?: HttpRequestInit): boolean {
  const method = (init?.method ?? 'GET').toUpperCase();
  return method === 'GET' || (method === 'POST' && READ_POSTS.has(path.split('?')[0]!));
}

function retrying(request: JiraRequest, sleep: (ms: number) => Promise<void>): JiraRequest {
  return async (path, init) => {
    if (!isRead(path, init)) return request(path, init);
    for (let i = 0; ; i++) {
      const res = await request(path, init);
      const retryAfterMs = Number(res.headers.get('retry-after') ?? '0') * 1000;
      const pause = JIRA_READ_PAUSES_MS[i] === undefined ? undefined : Math.max(JIRA_READ_PAUSES_MS[i]!, Number.isFinite(retryAfterMs) ? retryAfterMs : 0);
      if (!TRANSIENT.has(res.status) || pause === undefined || pause > JIRA_READ_MAX_WAIT_MS) return res;
      // The answer is dropped: read its body so the connection is free again.
      await res.text().catch(() => '');
      await sleep(pause);
    }
  };
}

/** Jira whose reads are tried again after a transient fault (see the file's comment). */
export function withReadRetries(jira: JiraPort, sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms))): JiraPort {
  return {
    asUser: (accountId) => retrying(jira.asUser(accountId), sleep),
    asApp: () => retrying(jira.asApp(), sleep),
  };
}
