/**
 * Forge's per-installation rate limits on storage and the async events queue, counted on the sandbox's clock.
 *
 * Sources (developer.atlassian.com):
 * - platform/forge/limits-kvs-ce/: 1,000 requests a second; 4,000 read units and 4,000 write units a minute, a unit
 *   being a request's size rounded up to 10 KB (we count, per request, the larger of what it sends and what it gets
 *   back, at least 1); over a limit the store answers 429 `RATE_LIMIT_EXCEEDED`.
 * - platform/forge/storage-reference/batch-operations/ (Feb 2026): "a maximum of 45 batch operations per minute";
 *   a `batchSet` payload of at most 4 MB (we count 4,000,000 bytes). We count `batchGet`, `batchSet`, `batchDelete`
 *   and `transact` as batch operations.
 * - platform/forge/limits-async-events/: 500 events a minute an installation; `delayInSeconds` at most 900.
 *
 * Windows slide: a request counts for exactly one second (requests) or one minute (units, batch operations) of
 * the clock after it was made. A refused request costs nothing, as a throttled call did nothing.
 */

/** The limits the sandbox store enforces; each may be changed by a test that says why. */
export interface KvsRateLimitConfig {
  requestsPerSecond: number;
  readUnitsPerMinute: number;
  writeUnitsPerMinute: number;
  batchOpsPerMinute: number;
  /** Bytes of one unit. */
  unitBytes: number;
  /** The largest `batchSet` payload, in bytes of its JSON. */
  maxBatchSetBytes: number;
}

/** Forge's documented storage limits. */
export const FORGE_KVS_RATE_LIMITS: KvsRateLimitConfig = {
  requestsPerSecond: 1000,
  readUnitsPerMinute: 4000,
  writeUnitsPerMinute: 4000,
  batchOpsPerMinute: 45,
  unitBytes: 10 * 1024,
  maxBatchSetBytes: 4_000_000,
};

/** Forge's documented queue limits. */
export const FORGE_QUEUE_LIMITS = { eventsPerMinute: 500, maxDelaySeconds: 900 } as const;

/** Storage operations that are batch operations. */
export const BATCH_OPS = new Set(['batchGet', 'batchSet', 'batchDelete', 'transact']);
/** Storage operations that spend write units; every other one spends read units. */
export const WRITE_OPS = new Set(['set', 'delete', 'batchSet', 'batchDelete', 'transact', 'setSecret', 'deleteSecret']);

/** A storage request as the limiter weighs it. */
export interface KvsRequestCost {
  op: string;
  sentBytes: number;
  receivedBytes: number;
}

/** What a store has spent in Forge's currencies (every request that was not refused). */
export interface KvsUsage {
  requests: number;
  batchOps: number;
  readUnits: number;
  writeUnits: number;
}

/** The units a request costs: its larger side rounded up to whole units, at least one. */
export function unitsOf(cost: Pick<KvsRequestCost, 'sentBytes' | 'receivedBytes'>, unitBytes = FORGE_KVS_RATE_LIMITS.unitBytes): number {
  return Math.max(1, Math.ceil(Math.max(cost.sentBytes, cost.receivedBytes) / unitBytes));
}

/** A sliding window of amounts spent at instants of a clock. */
class Window {
  private entries: Array<{ at: number; amount: number }> = [];
  private total = 0;

  constructor(private readonly spanMs: number) {}

  /** What was spent within the span before `now`. */
  spent(now: number): number {
    while (this.entries.length > 0 && this.entries[0]!.at <= now - this.spanMs) this.total -= this.entries.shift()!.amount;
    return this.total;
  }

  /** When the amount spent will next fall (ms of the clock), for a retry hint. */
  nextRelease(now: number): number {
    const first = this.entries[0];
    return first ? first.at + this.spanMs : now;
  }

  clear(): void {
    this.entries = [];
    this.total = 0;
  }

  add(now: number, amount: number): void {
    this.entries.push({ at: now, amount });
    this.total += amount;
  }
}

/** Why a request was refused: the limit it would pass. */
export type KvsLimitName = 'requests a second' | 'read units a minute' | 'write units a minute' | 'batch operations a minute';

/** Storage's rate limiter for one installation (one per sandbox store, so each test starts with a fresh one). */
export class KvsRateLimiter {
  readonly config: KvsRateLimitConfig;
  private readonly requests = new Window(1000);
  private readonly reads = new Window(60_000);
  private readonly writes = new Window(60_000);
  private readonly batches = new Window(60_000);
  /** Everything spent so far (not windowed), for the bench. */
  readonly usage: KvsUsage = { requests: 0, batchOps: 0, readUnits: 0, writeUnits: 0 };
  /** Requests refused, by the limit they would have passed. */
  readonly refused: Partial<Record<KvsLimitName, number>> = {};

  constructor(
    private readonly now: () => number,
    config: Partial<KvsRateLimitConfig> = {},
    /** False: nothing is refused, everything is still counted (a harness seeds a site, then switches it on). */
    public enforce = true,
  ) {
    this.config = { ...FORGE_KVS_RATE_LIMITS, ...config };
  }

  /** Forgets what the windows hold (a harness seeded a site with the limits off and starts the measured part). */
  clearWindows(): void {
    for (const w of [this.requests, this.reads, this.writes, this.batches]) w.clear();
  }

  /** The limit this request would pass now, if any (nothing is spent). */
  check(cost: KvsRequestCost): KvsLimitName | undefined {
    if (!this.enforce) return undefined;
    const now = this.now();
    const c = this.config;
    if (this.requests.spent(now) + 1 > c.requestsPerSecond) return 'requests a second';
    if (BATCH_OPS.has(cost.op) && this.batches.spent(now) + 1 > c.batchOpsPerMinute) return 'batch operations a minute';
    const units = unitsOf(cost, c.unitBytes);
    if (WRITE_OPS.has(cost.op)) {
      if (this.writes.spent(now) + units > c.writeUnitsPerMinute) return 'write units a minute';
    } else if (this.reads.spent(now) + units > c.readUnitsPerMinute) {
      return 'read units a minute';
    }
    return undefined;
  }

  /** Records a refusal. */
  refuse(limit: KvsLimitName): void {
    this.refused[limit] = (this.refused[limit] ?? 0) + 1;
  }

  /** Spends what the request cost. */
  spend(cost: KvsRequestCost): void {
    const now = this.now();
    const units = unitsOf(cost, this.config.unitBytes);
    this.requests.add(now, 1);
    this.usage.requests++;
    if (BATCH_OPS.has(cost.op)) {
      this.batches.add(now, 1);
      this.usage.batchOps++;
    }
    if (WRITE_OPS.has(cost.op)) {
      this.writes.add(now, units);
      this.usage.writeUnits += units;
    } else {
      this.reads.add(now, units);
      this.usage.readUnits += units;
    }
  }

  /** Zeroes the totals (the bench measures one phase at a time); the windows keep counting. */
  resetUsage(): void {
    this.usage.requests = 0;
    this.usage.batchOps = 0;
    this.usage.readUnits = 0;
    this.usage.writeUnits = 0;
    for (const k of Object.keys(this.refused) as KvsLimitName[]) delete this.refused[k];
  }
}

/** The queue's limiter: events pushed in the last minute of the clock. */
export class QueueRateLimiter {
  private readonly events = new Window(60_000);
  /** Pushes refused for the rate. */
  refused = 0;

  constructor(
    private readonly now: () => number,
    readonly eventsPerMinute: number = FORGE_QUEUE_LIMITS.eventsPerMinute,
    public enforce = true,
  ) {}

  /** Whether `n` more events fit this minute (nothing is spent). */
  fits(n: number): boolean {
    return !this.enforce || this.events.spent(this.now()) + n <= this.eventsPerMinute;
  }

  spend(n: number): void {
    this.events.add(this.now(), n);
  }
}
