/**
 * The site's Xray Test Run statuses as last read with `getStatuses` (contract section 3): one KVS value,
 * `xray:statuses`, kept a day. The sync resolves the status map's targets against it; the connection test
 * refreshes it.
 */
import type { KvsPort, Ttl } from './kvs-port';

/** How long a read list is kept. */
export const STATUS_CACHE_TTL: Ttl = { value: 1, unit: 'DAYS' };
/** A list is read again when a target is missing from it, but at most this often. */
export const STATUS_REREAD_MS = 5 * 60 * 1000;

/** The key, for callers that batch this read with others. */
export const STATUS_CACHE_KEY = 'xray:statuses';
const KEY = STATUS_CACHE_KEY;

/** What is stored. */
export interface CachedStatuses {
  /** Status names in Xray's order. */
  names: string[];
  /** When they were read (ms). */
  readAt: number;
}

/** A stored value as a list, or undefined when it is none (absent or of another shape). */
export function asCachedStatuses(v: unknown): CachedStatuses | undefined {
  const c = v as Partial<CachedStatuses> | undefined;
  return c && Array.isArray(c.names) && typeof c.readAt === 'number' ? { names: c.names, readAt: c.readAt } : undefined;
}

/** The cached list over the key-value store. */
export class StatusCache {
  constructor(private readonly kvs: KvsPort) {}

  async get(): Promise<CachedStatuses | undefined> {
    return asCachedStatuses(await this.kvs.get<unknown>(KEY));
  }

  async put(names: readonly string[], readAt: number): Promise<void> {
    await this.kvs.set(KEY, { names: [...names], readAt }, { ttl: STATUS_CACHE_TTL });
  }
}
