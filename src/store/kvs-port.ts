/**
 * The part of Forge's key-value store (`@forge/kvs`) the app uses, as a structural interface. `src/platform` passes
 * the real `kvs` object; the sandbox passes an in-memory store that enforces the same limits. Nothing else in the app
 * knows which one it has.
 */

/** A time to live, in Forge's shape. */
export interface Ttl {
  value: number;
  unit: 'SECONDS' | 'MINUTES' | 'HOURS' | 'DAYS';
}

/** Options of `set`: `FAIL_IF_EXISTS` makes the write an atomic claim that throws when the key exists. */
export interface KvsSetOptions {
  ttl?: Ttl;
  keyPolicy?: 'OVERRIDE' | 'FAIL_IF_EXISTS';
}

/** One failed key of a batch operation. */
export interface KvsBatchError {
  key: string;
  error: { code: string; message: string };
}

/** A page of a key-prefix query. */
export interface KvsQueryPage<T> {
  results: Array<{ key: string; value: T }>;
  nextCursor?: string;
}

/** Forge's query builder: key-ordered, `BEGINS_WITH` only, at most 20 results a page. */
export interface KvsQueryBuilder {
  where(property: 'key', condition: { condition: 'BEGINS_WITH'; values: [string | number] }): KvsQueryBuilder;
  cursor(cursor: string): KvsQueryBuilder;
  limit(limit: number): KvsQueryBuilder;
  getMany<T>(): Promise<KvsQueryPage<T>>;
}

/** Forge's transaction builder (all-or-nothing; conditions exist only for custom entities, which we do not use). */
export interface KvsTransaction {
  set<T>(key: string, value: T, entity?: undefined, options?: { ttl?: Ttl }): KvsTransaction;
  delete(key: string): KvsTransaction;
  execute(): Promise<void>;
}

/** The store: plain values, batches (at most 25 keys), prefix queries, secrets (encrypted, not queryable). */
export interface KvsPort {
  get<T>(key: string): Promise<T | undefined>;
  set<T>(key: string, value: T, options?: KvsSetOptions): Promise<void>;
  delete(key: string): Promise<void>;
  batchGet<T>(items: Array<{ key: string }>): Promise<{
    successfulKeys: Array<{ key: string; value: T }>;
    failedKeys: KvsBatchError[];
  }>;
  batchSet<T>(items: Array<{ key: string; value: T; options?: { ttl?: Ttl } }>): Promise<{
    successfulKeys: Array<{ key: string }>;
    failedKeys: KvsBatchError[];
  }>;
  batchDelete(items: Array<{ key: string }>): Promise<{
    successfulKeys: Array<{ key: string }>;
    failedKeys: KvsBatchError[];
  }>;
  query(): KvsQueryBuilder;
  transact(): KvsTransaction;
  getSecret<T>(key: string): Promise<T | undefined>;
  setSecret<T>(key: string, value: T): Promise<void>;
  deleteSecret(key: string): Promise<void>;
}

/** Forge's documented limits, enforced by the sandbox store and respected by our typed stores. */
export const KVS_LIMITS = {
  maxKeyLength: 500,
  keyPattern: /^[a-zA-Z0-9:._\s\-#]+$/,
  maxValueBytes: 240 * 1024,
  maxQueryPage: 20,
  maxBatch: 25,
  /** A `batchSet` payload's bytes (Forge says 4 MB; counted as 4,000,000). */
  maxBatchSetBytes: 4_000_000,
} as const;

/** Room left under {@link KVS_LIMITS.maxBatchSetBytes} for the request's own framing and escaping. */
const BATCH_SET_BUDGET = KVS_LIMITS.maxBatchSetBytes - 50_000;

/**
 * Cuts items for `batchSet` into batches that Forge takes: at most 25 keys and under 4,000,000 bytes of JSON each
 * (25 values of 200 KB would be 5 MB).
 */
export function batchSetParts<T extends { key: string; value: unknown }>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  let cur: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = Buffer.byteLength(JSON.stringify(item)) + 1;
    if (cur.length > 0 && (cur.length >= KVS_LIMITS.maxBatch || bytes + size > BATCH_SET_BUDGET)) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(item);
    bytes += size;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

/** Splits a list into chunks of at most `size` (batch calls take at most 25 keys). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Reads many keys with as few batch calls as the limit allows; missing keys are absent from the map. */
export async function getMany<T>(kvs: KvsPort, keys: readonly string[]): Promise<Map<string, T>> {
  const unique = [...new Set(keys)];
  const found = new Map<string, T>();
  const pages = await Promise.all(
    chunk(unique, KVS_LIMITS.maxBatch).map((part) => kvs.batchGet<T>(part.map((key) => ({ key })))),
  );
  for (const page of pages) {
    for (const item of page.successfulKeys) if (item.value !== undefined) found.set(item.key, item.value);
  }
  return found;
}

/**
 * Reads a few keys: one `get` each up to {@link FEW_KEYS}, else as {@link getMany}. Forge allows 45 batch operations a
 * minute but 1,000 requests a second, so a user's single-record change spends requests, not batch operations.
 */
export async function getFew<T>(kvs: KvsPort, keys: readonly string[]): Promise<Map<string, T>> {
  const unique = [...new Set(keys)];
  return unique.length > FEW_KEYS ? getMany<T>(kvs, unique) : getEach<T>(kvs, unique);
}

/** Reads keys one `get` each, all at once (requests, never batch operations); missing keys are absent. */
export async function getEach<T>(kvs: KvsPort, keys: readonly string[]): Promise<Map<string, T>> {
  const values = await Promise.all(keys.map((key) => kvs.get<T>(key)));
  const found = new Map<string, T>();
  keys.forEach((key, i) => {
    if (values[i] !== undefined) found.set(key, values[i]!);
  });
  return found;
}

/** Up to how many keys {@link getFew} (and `writeItems`) use single calls. */
export const FEW_KEYS = 3;

/** Reads every entry under a key prefix, page by page (20 a page). `max` bounds the reads for large prefixes. */
export async function queryAll<T>(
  kvs: KvsPort,
  prefix: string,
  max = Number.POSITIVE_INFINITY,
): Promise<Array<{ key: string; value: T }>> {
  const out: Array<{ key: string; value: T }> = [];
  let cursor: string | undefined;
  do {
    let q = kvs.query().where('key', { condition: 'BEGINS_WITH', values: [prefix] }).limit(KVS_LIMITS.maxQueryPage);
    if (cursor) q = q.cursor(cursor);
    const page = await q.getMany<T>();
    out.push(...page.results);
    cursor = page.nextCursor;
  } while (cursor && out.length < max);
  return out.slice(0, max);
}

/**
 * Writes `value` under `key` only if the key is free: an atomic claim (`FAIL_IF_EXISTS`). Answers whether this write
 * won and, when it lost, the value that holds the key. A lost claim throws with no code to rely on (contract
 * section 6), so a read tells it apart from a real failure, which is thrown again.
 */
export async function claimKey<T>(
  kvs: KvsPort,
  key: string,
  value: T,
  options: { ttl?: Ttl } = {},
): Promise<{ won: true } | { won: false; holder: T }> {
  try {
    await kvs.set(key, value, { ...options, keyPolicy: 'FAIL_IF_EXISTS' });
    return { won: true };
  } catch (err) {
    const holder = await kvs.get<T>(key);
    if (holder === undefined) throw err;
    return { won: false, holder };
  }
}

/** Tells whether a thrown error is a storage throttle (HTTP 429 from Forge storage), to answer `busy`. */
export function isKvsThrottle(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: unknown; status?: unknown; message?: unknown; responseDetails?: { status?: unknown } };
  return (
    e.status === 429 ||
    // Forge's KVS errors carry the HTTP status here.
    e.responseDetails?.status === 429 ||
    e.code === 'RATE_LIMIT_EXCEEDED' ||
    // Another writer held a store lock (`store-lock.ts`) through every pause: as busy as a throttle.
    e.code === 'STORE_LOCK_BUSY' ||
    e.code === 'TOO_MANY_REQUESTS' ||
    (typeof e.message === 'string' && /rate limit|too many requests|429/i.test(e.message))
  );
}

/** Pauses before calling storage again after a throttle: Forge's 429 passes within the second or the minute. */
export const THROTTLE_PAUSES_MS: readonly number[] = [250, 1000, 2000];

/**
 * Runs a storage call, pausing and calling again while storage throttles it. Only for calls that may run twice
 * (reads, and writes that end in the same state however often they run).
 */
export async function patiently<T>(
  call: () => Promise<T>,
  pauses: readonly number[] = THROTTLE_PAUSES_MS,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await call();
    } catch (err) {
      const pause = pauses[i];
      if (!isKvsThrottle(err) || pause === undefined) throw err;
      await sleep(pause);
    }
  }
}

/**
 * A store whose every call waits out a throttle as {@link patiently} does. A throttled call did nothing (Forge
 * refused it whole), so calling it again is safe for writes and claims too.
 */
export function patientKvs(kvs: KvsPort, pauses: readonly number[] = THROTTLE_PAUSES_MS, sleep?: (ms: number) => Promise<void>): KvsPort {
  const p = <T>(call: () => Promise<T>) => patiently(call, pauses, sleep);
  return {
    get: (key) => p(() => kvs.get(key)),
    set: (key, value, options) => p(() => kvs.set(key, value, options)),
    delete: (key) => p(() => kvs.delete(key)),
    batchGet: (items) => p(() => kvs.batchGet(items)),
    batchSet: (items) => p(() => kvs.batchSet(items)),
    batchDelete: (items) => p(() => kvs.batchDelete(items)),
    query: () => {
      const builder = kvs.query();
      const wrapped: KvsQueryBuilder = {
        where: (property, condition) => (builder.where(property, condition), wrapped),
        cursor: (cursor) => (builder.cursor(cursor), wrapped),
        limit: (limit) => (builder.limit(limit), wrapped),
        getMany: () => p(() => builder.getMany()),
      };
      return wrapped;
    },
    transact: () => kvs.transact(),
    getSecret: (key) => p(() => kvs.getSecret(key)),
    setSecret: (key, value) => p(() => kvs.setSecret(key, value)),
    deleteSecret: (key) => p(() => kvs.deleteSecret(key)),
  };
}
