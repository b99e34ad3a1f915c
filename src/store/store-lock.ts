/**
 * Short write locks over the key-value store. Forge's plain keys take no transaction conditions, so a record that
 * several writers change by read-modify-write (a shard of the case index, a Testsigma plan's results) is guarded by
 * a lock key claimed with `FAIL_IF_EXISTS`. The lock carries a ttl, so a writer killed while holding it blocks the
 * others for that long at most.
 */
import { KvsPort, Ttl } from './kvs-port';

/** How long a lock outlives a writer that died holding it. Every holder finishes in a few storage calls. */
export const LOCK_TTL: Ttl = { value: 60, unit: 'SECONDS' };
/** Pauses between tries while another writer holds the lock (about 6 s in all: a resolver has 25). */
export const LOCK_PAUSES_MS: readonly number[] = [50, 100, 200, 400, 800, 1600, 3000];
/** The same for a sync, which has 900 s and whose other choice is to wait a minute and read everything again. */
export const SYNC_LOCK_PAUSES_MS: readonly number[] = [...LOCK_PAUSES_MS, 5000, 8000, 12000];

/** The lock stayed taken through every pause: storage is busy for this write, the caller answers or waits. */
export class StoreBusyError extends Error {
  readonly code = 'STORE_LOCK_BUSY';
  constructor(readonly lockKey: string) {
    super(`Another writer holds ${lockKey}; try again in a few seconds.`);
    this.name = 'StoreBusyError';
  }
}

/**
 * Runs `work` while holding the lock `lockKey`, waiting through `pauses` for it; throws
 * {@link StoreBusyError} when it stays taken. The lock is given back however `work` ends.
 */
export async function withLock<T>(
  kvs: KvsPort,
  lockKey: string,
  work: () => Promise<T>,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  pauses: readonly number[] = LOCK_PAUSES_MS,
): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      await kvs.set(lockKey, { at: Date.now() }, { ttl: LOCK_TTL, keyPolicy: 'FAIL_IF_EXISTS' });
      break;
    } catch (err) {
      // A lost claim throws with no code to rely on: only a key that is there now tells it from a real failure.
      if ((await kvs.get(lockKey)) === undefined) {
        if (i < pauses.length) continue;
        throw err;
      }
      const pause = pauses[i];
      if (pause === undefined) throw new StoreBusyError(lockKey);
      await sleep(pause);
    }
  }
  try {
    return await work();
  } finally {
    await kvs.delete(lockKey);
  }
}
