/**
 * Batch reads issued together travel together. Forge allows an installation 45 batch operations a minute, so a
 * panel whose parts each read a few keys at the same moment (a Test's last results, its cases' cached names, the
 * Testsigma cool-down mark) should spend one `batchGet`, not one per part. This wraps a store so that every
 * `batchGet` started in the same turn of the event loop is sent as one (25 keys a call, duplicates once), and each
 * caller gets back its own keys. Everything else passes through unchanged.
 */
import { KVS_LIMITS, KvsBatchError, KvsPort, chunk } from './kvs-port';

interface Waiting {
  keys: string[];
  resolve(answer: { successfulKeys: Array<{ key: string; value: unknown }>; failedKeys: KvsBatchError[] }): void;
  reject(err: unknown): void;
}

/** A store whose concurrent `batchGet` calls are merged (see the file's comment). */
export function coalesceBatchGets(kvs: KvsPort): KvsPort {
  let waiting: Waiting[] = [];

  async function flush(batch: Waiting[]): Promise<void> {
    const keys = [...new Set(batch.flatMap((w) => w.keys))];
    try {
      const pages = await Promise.all(chunk(keys, KVS_LIMITS.maxBatch).map((part) => kvs.batchGet<unknown>(part.map((key) => ({ key })))));
      const found = new Map<string, unknown>();
      const failed = new Map<string, KvsBatchError>();
      for (const page of pages) {
        for (const item of page.successfulKeys) found.set(item.key, item.value);
        for (const f of page.failedKeys) failed.set(f.key, f);
      }
      for (const w of batch) {
        const mine = new Set(w.keys);
        w.resolve({
          successfulKeys: [...mine].filter((k) => found.has(k)).map((key) => ({ key, value: found.get(key) })),
          failedKeys: [...mine].flatMap((k) => (failed.has(k) ? [failed.get(k)!] : [])),
        });
      }
    } catch (err) {
      for (const w of batch) w.reject(err);
    }
  }

  // Every other call goes straight through, looked up when made (a store may be filled in after this wraps it).
  return {
    get: (key) => kvs.get(key),
    set: (key, value, options) => kvs.set(key, value, options),
    delete: (key) => kvs.delete(key),
    batchSet: (items) => kvs.batchSet(items),
    batchDelete: (items) => kvs.batchDelete(items),
    query: () => kvs.query(),
    transact: () => kvs.transact(),
    getSecret: (key) => kvs.getSecret(key),
    setSecret: (key, value) => kvs.setSecret(key, value),
    deleteSecret: (key) => kvs.deleteSecret(key),
    batchGet<T>(items: Array<{ key: string }>) {
      return new Promise<{ successfulKeys: Array<{ key: string; value: T }>; failedKeys: KvsBatchError[] }>((resolve, reject) => {
        if (waiting.length === 0) {
          // After the current turn's synchronous work and promise jobs: every part of a panel has asked by then.
          setImmediateLike(() => {
            const batch = waiting;
            waiting = [];
            void flush(batch);
          });
        }
        waiting.push({
          keys: items.map((i) => i.key),
          resolve: resolve as Waiting['resolve'],
          reject,
        });
      });
    },
  };
}

/** Runs `fn` once the promise jobs queued so far have run (a resolved promise chain, so fake timers do not stall it). */
function setImmediateLike(fn: () => void): void {
  let p: Promise<void> = Promise.resolve();
  // A few hops let parts that await one resolved promise before their read join the same batch.
  for (let i = 0; i < 4; i++) p = p.then(() => undefined);
  void p.then(fn);
}
