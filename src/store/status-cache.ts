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

const KEY = 'xray:statuses';

/** What is stored. */
export interface CachedStatuses {
  /** Status names in Xray's order. */
  names: string[];
  /** When they were read (ms). */
  readAt: number;
}

/** The cached list over the key-value store. */
export class StatusCache {
  constructor(private readonly kvs: KvsPort) {}

  async get(): Promise<CachedStatuses | undefined> {
    const v = await this.kvs.get<CachedStatuses>(KEY);
    return v && Array.isArray(v.names) && typeof v.readAt === 'number' ? v : undefined;
  }

  async put(names: readonly string[], readAt: number): Promise<void> {
    await this.kvs.set(KEY, { names: [...names], readAt }, { ttl: STATUS_CACHE_TTL });
  }
}
