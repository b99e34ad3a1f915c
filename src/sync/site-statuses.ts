/**
 * Which Xray statuses this site has, for the status map (contract section 3): from the day-long cache, read again
 * with `getStatuses` (one Xray request) when a target is missing from it and the list is at least 5 minutes old, so
 * a status an admin just added in Xray works at once without a read on every job.
 */
import type { Clock, Logger } from '../ports';
import type { KvsPort } from '../store/kvs-port';
import type { XrayClient } from '../xray/xray-types';
import { XrayError } from '../xray/xray-types';
import { CachedStatuses, STATUS_REREAD_MS, StatusCache } from '../store/status-cache';
import { SiteStatusMap, missingTargets, siteStatusMap } from '../domain/status-map';

/** What reading the site's statuses needs. */
export interface SiteStatusDeps {
  kvs: KvsPort;
  clock: Clock;
  log: Logger;
}

/**
 * The effective map as this site reads it. A retryable Xray failure of the read is thrown (the import would meet
 * the same Xray); another one falls back to the cached list, else to the map's own spelling, with a log line.
 * `preloaded` is the cache as a caller already read it (in a batch with its own keys); without it, it is read here.
 */
export async function readSiteStatusMap(
  deps: SiteStatusDeps,
  xray: Pick<XrayClient, 'getStatuses'>,
  map: Readonly<Record<string, string>>,
  deadline?: number,
  preloaded?: { cached: CachedStatuses | undefined },
): Promise<SiteStatusMap> {
  const cache = new StatusCache(deps.kvs);
  const cached = preloaded ? preloaded.cached : await cache.get();
  const now = deps.clock.now();
  const stale = !cached || (missingTargets(map, cached.names).length > 0 && now - cached.readAt >= STATUS_REREAD_MS);
  if (!stale) return siteStatusMap(map, cached.names);
  if (deadline !== undefined && now >= deadline) return siteStatusMap(map, cached?.names);
  try {
    const names = (await xray.getStatuses()).map((s) => s.name);
    await cache.put(names, now);
    return siteStatusMap(map, names);
  } catch (err) {
    if (err instanceof XrayError && err.retryable) throw err;
    deps.log.warn('sync: Xray\'s statuses could not be read; the status map is used as it is', { error: err instanceof Error ? err.message : String(err) });
    return siteStatusMap(map, cached?.names);
  }
}
