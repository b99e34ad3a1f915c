/**
 * Syncs share an installation's 45 batch operations a minute with every panel anyone opens. So that panels keep
 * headroom on a busy morning, syncs together spend at most {@link SYNC_BATCH_OPS_PER_MINUTE} a minute: a sync
 * reserves what a step will spend before it starts it, from the current minute's tokens, and a sync that finds
 * them gone waits for the next minute (the consumer schedules its job again; no failure is counted).
 *
 * Keys: `pace:<minute>:<n>` (n < 15), each a token of {@link TOKEN_OPS} batch operations, claimed with
 * `FAIL_IF_EXISTS` and gone by themselves after two minutes. Claiming costs requests, never batch operations.
 */
import { KvsPort, Ttl, isKvsThrottle } from './kvs-port';

/** The batch operations all syncs of a site may spend in a minute (of Forge's 45). */
export const SYNC_BATCH_OPS_PER_MINUTE = 30;
/** Batch operations a token is worth (an attempt of a run of one plan spends one or two). */
export const TOKEN_OPS = 2;
const TOKEN_TTL: Ttl = { value: 120, unit: 'SECONDS' };
const tokenKey = (minute: number, n: number) => `pace:${minute}:${n}`;

/** What a reservation found: `wait` seconds until the next minute's tokens, when this minute's were not enough. */
export type Reservation = { ok: true } | { ok: false; waitSeconds: number };

/** Reserves syncs' batch operations from the site's allowance (see the file's comment). */
export class SyncPacer {
  private readonly tokens: number;

  constructor(
    private readonly kvs: KvsPort,
    private readonly now: () => number,
    perMinute = SYNC_BATCH_OPS_PER_MINUTE,
  ) {
    this.tokens = Math.max(0, Math.floor(perMinute / TOKEN_OPS));
  }

  /**
   * Reserves `ops` batch operations in the current minute. A step larger than a minute's allowance goes once it
   * has the whole minute to itself. When not enough is left, the tokens this call took are given back and it
   * answers how long to wait. With no allowance configured, everything goes.
   */
  async reserve(ops: number): Promise<Reservation> {
    if (this.tokens === 0 || ops <= 0) return { ok: true };
    const want = Math.min(this.tokens, Math.ceil(ops / TOKEN_OPS));
    const now = this.now();
    const minute = Math.floor(now / 60_000);
    const taken: string[] = [];
    // Start at a different token each time, so concurrent syncs do not all try the same ones first.
    const start = Math.floor(Math.random() * this.tokens);
    for (let i = 0; i < this.tokens && taken.length < want; i++) {
      const key = tokenKey(minute, (start + i) % this.tokens);
      try {
        await this.kvs.set(key, { at: now }, { ttl: TOKEN_TTL, keyPolicy: 'FAIL_IF_EXISTS' });
        taken.push(key);
      } catch (err) {
        // Throttled storage is the caller's wait to handle; any other refusal is a token someone holds.
        if (isKvsThrottle(err)) {
          await this.giveBack(taken);
          throw err;
        }
      }
    }
    if (taken.length === want) return { ok: true };
    await this.giveBack(taken);
    return { ok: false, waitSeconds: Math.max(1, Math.ceil(((minute + 1) * 60_000 - now) / 1000)) };
  }

  private async giveBack(keys: readonly string[]): Promise<void> {
    await Promise.all(keys.map((k) => this.kvs.delete(k).catch(() => undefined)));
  }
}
