import type { FetchPort, HttpRequestInit, HttpResponseLike, JiraPort } from '../../src/ports';

/** Counts of outbound requests per host, for the bench and tests. */
export type EgressCounts = Record<string, number>;

/**
 * Forge's egress, emulated: the app calls the real hosts named in the manifest (`https://eu.xray.cloud.getxray.app`,
 * `https://app.testsigma.com`), and this fetch sends each to the emulator that plays it, telling it the original
 * host in `x-forwarded-host` (the Xray emulator decides the region from it). Hosts the manifest does not allow are
 * refused, as Forge refuses them.
 */
export function createRoutingFetch(routes: Record<string, string>, counts: EgressCounts = {}): FetchPort {
  return async (url: string, init: HttpRequestInit = {}): Promise<HttpResponseLike> => {
    const target = new URL(url);
    if (target.protocol !== 'https:') throw new Error(`Forge fetch allows https only: ${target.protocol}//${target.host}`);
    const base = routes[target.host];
    if (!base) {
      const err = new Error(`URL not included in the external fetch backend permissions: ${target.host}`);
      err.name = 'REQUEST_EGRESS_ALLOWLIST_ERR';
      throw err;
    }
    counts[target.host] = (counts[target.host] ?? 0) + 1;
    return fetch(`${base}${target.pathname}${target.search}`, {
      method: init.method ?? 'GET',
      headers: { ...(init.headers ?? {}), 'x-forwarded-host': target.host },
      ...(init.body !== undefined ? { body: init.body as BodyInit } : {}),
      ...(init.signal ? { signal: init.signal } : {}),
    });
  };
}

/**
 * Forge's `requestJira`, emulated: asUser and asApp calls go to the Jira emulator with the credentials Forge would
 * add (`Bearer user:<accountId>` or `Bearer app`), on the same site-relative paths.
 */
export function createSandboxJira(jiraUrl: string): JiraPort {
  const call = (auth: string) => (path: string, init: HttpRequestInit = {}) =>
    fetch(`${jiraUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: { ...(init.headers ?? {}), Authorization: auth },
      ...(init.body !== undefined ? { body: init.body as BodyInit } : {}),
      ...(init.signal ? { signal: init.signal } : {}),
    }) as Promise<HttpResponseLike>;
  return {
    asUser: (accountId: string) => call(`Bearer user:${accountId}`),
    asApp: () => call('Bearer app'),
  };
}
