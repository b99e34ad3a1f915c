/**
 * Reading ahead: a resolver that knows every key an answer needs reads them in one batch first, and the stores
 * that read them later in the same call (settings, results, names, caches) are answered from that batch instead of
 * storage. Forge allows an installation 45 batch operations a minute; a panel open should spend one or two.
 *
 * The keys read ahead live only as long as the call that read them ({@link readAheadScope}, an `AsyncLocalStorage`
 * scope): module memory outlives a Forge invocation, so nothing read here may answer another call. A write through
 * the wrapped store forgets what was read ahead for its keys, so a call reads its own writes.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { KvsPort, KvsQueryBuilder, KvsQueryPage, getMany } from './kvs-port';

const ABSENT = Symbol('absent');
type Ahead = Map<string, unknown>;

const scope = new AsyncLocalStorage<Ahead>();

/** Runs `work` with its own read-ahead (empty until {@link readAhead} fills it). */
export function readAheadScope<T>(work: () => Promise<T>): Promise<T> {
  return scope.run(new Map(), work);
}

/**
 * Reads `keys` in as few batch reads as Forge allows (25 keys each) and keeps them for the current scope; keys
 * read ahead already are not read again. Outside a scope it reads nothing.
 */
export async function readAhead(kvs: KvsPort, keys: readonly string[]): Promise<void> {
  const ahead = scope.getStore();
  if (!ahead) return;
  const wanted = [...new Set(keys)].filter((k) => !ahead.has(k));
  if (wanted.length === 0) return;
  // One key is one `get` (a request, not one of the minute's 45 batch operations).
  const found = wanted.length === 1 ? new Map([[wanted[0]!, await kvs.get<unknown>(wanted[0]!)]].filter(([, v]) => v !== undefined) as Array<[string, unknown]>) : await getMany<unknown>(kvs, wanted);
  for (const k of wanted) ahead.set(k, found.has(k) ? found.get(k) : ABSENT);
}

// A query page read ahead is kept under a name no key can have (`|` is no key character).
const queryName = (prefix: string, limit: number) => `|q|${limit}|${prefix}`;

/** Reads the first page of a key-prefix query ahead, for the current scope (one request). */
export async function readAheadQuery(kvs: KvsPort, prefix: string, limit: number): Promise<KvsQueryPage<unknown> | undefined> {
  const ahead = scope.getStore();
  if (!ahead) return undefined;
  const name = queryName(prefix, limit);
  if (!ahead.has(name)) ahead.set(name, await kvs.query().where('key', { condition: 'BEGINS_WITH', values: [prefix] }).limit(limit).getMany());
  return ahead.get(name) as KvsQueryPage<unknown>;
}

/** A store whose reads are answered from the current scope's read-ahead where it holds the key. */
export function withReadAhead(kvs: KvsPort): KvsPort {
  const held = (key: string): { value: unknown } | undefined => {
    const ahead = scope.getStore();
    if (!ahead?.has(key)) return undefined;
    const v = ahead.get(key);
    return { value: v === ABSENT ? undefined : v };
  };
  // A write forgets its keys and every query page read ahead (it may list them).
  const forget = (keys: readonly string[]) => {
    const ahead = scope.getStore();
    if (!ahead) return;
    for (const k of keys) ahead.delete(k);
    for (const k of [...ahead.keys()]) if (k.startsWith('|q|')) ahead.delete(k);
  };
  return {
    async get<T>(key: string) {
      const h = held(key);
      return h ? (h.value as T | undefined) : kvs.get<T>(key);
    },
    async batchGet<T>(items: Array<{ key: string }>) {
      const successfulKeys: Array<{ key: string; value: T }> = [];
      const rest: Array<{ key: string }> = [];
      for (const item of items) {
        const h = held(item.key);
        if (!h) rest.push(item);
        else if (h.value !== undefined) successfulKeys.push({ key: item.key, value: h.value as T });
      }
      if (rest.length === 0) return { successfulKeys, failedKeys: [] };
      const read = await kvs.batchGet<T>(rest);
      return { successfulKeys: [...successfulKeys, ...read.successfulKeys], failedKeys: read.failedKeys };
    },
    set(key, value, options) {
      forget([key]);
      return kvs.set(key, value, options);
    },
    delete(key) {
      forget([key]);
      return kvs.delete(key);
    },
    batchSet(items) {
      forget(items.map((i) => i.key));
      return kvs.batchSet(items);
    },
    batchDelete(items) {
      forget(items.map((i) => i.key));
      return kvs.batchDelete(items);
    },
    query: () => {
      // The same first page read ahead is answered from there; any other page goes to storage.
      let prefix: string | undefined;
      let limit = 10;
      let cursor: string | undefined;
      const builder: KvsQueryBuilder = {
        where(_p, c) {
          prefix = String(c.values[0]);
          return builder;
        },
        cursor(c) {
          cursor = c;
          return builder;
        },
        limit(n) {
          limit = n;
          return builder;
        },
        async getMany<T>() {
          const ahead = scope.getStore();
          const name = prefix === undefined ? undefined : queryName(prefix, limit);
          if (!cursor && name && ahead?.has(name)) return ahead.get(name) as KvsQueryPage<T>;
          let q = kvs.query();
          if (prefix !== undefined) q = q.where('key', { condition: 'BEGINS_WITH', values: [prefix] });
          if (cursor) q = q.cursor(cursor);
          return q.limit(limit).getMany<T>();
        },
      };
      return builder;
    },
    transact: () => {
      // A transaction's keys are not known here: forget everything read ahead.
      scope.getStore()?.clear();
      return kvs.transact();
    },
    getSecret: (key) => kvs.getSecret(key),
    setSecret: (key, value) => kvs.setSecret(key, value),
    deleteSecret: (key) => kvs.deleteSecret(key),
  };
}
