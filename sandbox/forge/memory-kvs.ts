import { KVS_LIMITS, KvsPort, KvsQueryBuilder, KvsQueryPage, KvsSetOptions, KvsTransaction, Ttl } from '../../src/store/kvs-port';
import { KvsRateLimitConfig, KvsRateLimiter, KvsUsage } from './rate-limits';

/** Options of the in-memory store. */
export interface MemoryKvsOptions {
  /**
   * The sandbox's clock in ms, for ttl expiry and the rate limits. Without one, ttl follows `Date.now` and the rate
   * limits count on a clock that stands still (every request falls in the same second and minute), so no test
   * depends on how fast the machine runs.
   */
  now?: () => number;
  /**
   * Forge's per-installation rate limits (`./rate-limits.ts`): on unless `false`; an object changes some of them.
   * A test that turns them off says why.
   */
  rateLimits?: boolean | Partial<KvsRateLimitConfig>;
  /** Simulated latency of every call, in ms (the bench uses 10). */
  latencyMs?: number;
  /** Fraction of calls (0..1) throttled at random like Forge storage's 429, before they act (the chaos bench uses 0.02). */
  throttleRate?: number;
  /** The random source for `throttleRate`; defaults to `Math.random`. */
  random?: () => number;
}

interface Entry {
  value: string;
  expiresAt?: number;
}

/** A storage error shaped like Forge's (`code`, `message`), so the app cannot tell it apart. */
export class MemoryKvsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'ForgeKvsAPIError';
  }
}

const TTL_MS: Record<Ttl['unit'], number> = { SECONDS: 1000, MINUTES: 60_000, HOURS: 3_600_000, DAYS: 86_400_000 };

/**
 * An in-memory stand-in for `@forge/kvs` that enforces Forge's documented limits (key charset and length, 240 KiB
 * values, 25-key batches, 20-result query pages, a 4,000,000-byte `batchSet`, FAIL_IF_EXISTS, ttl, secrets kept apart
 * and not queryable) and its per-installation rate limits (on by default, see `./rate-limits.ts`), counts every call
 * and what it spent in Forge's currencies, and can throttle on demand. Values are stored as JSON so callers never share objects with the store.
 */
export class MemoryKvs implements KvsPort {
  private readonly data = new Map<string, Entry>();
  private readonly secrets = new Map<string, string>();
  private readonly now: () => number;
  /** Simulated latency per call in ms. */
  latencyMs: number;
  /** Calls made, by operation (`get`, `set`, `batchGet`, `query`, ...). */
  readonly calls: Record<string, number> = {};
  private throttleNext = 0;
  /** Fraction of calls throttled at random (see {@link MemoryKvsOptions.throttleRate}). */
  throttleRate: number;
  private readonly random: () => number;
  /** Calls refused by `throttle` or `throttleRate`. */
  throttled = 0;
  /** Forge's rate limits on this store: what it spent in Forge's currencies and what it refused. */
  readonly limiter: KvsRateLimiter;

  constructor(options: MemoryKvsOptions = {}) {
    this.now = options.now ?? Date.now;
    const limits = options.rateLimits ?? true;
    this.limiter = new KvsRateLimiter(options.now ?? (() => 0), typeof limits === 'object' ? limits : {}, limits !== false);
    this.latencyMs = options.latencyMs ?? 0;
    this.throttleRate = options.throttleRate ?? 0;
    this.random = options.random ?? Math.random;
  }

  /** Total calls of every kind. */
  get totalCalls(): number {
    return Object.values(this.calls).reduce((a, b) => a + b, 0);
  }

  /** Resets the call counters (and the totals in Forge's currencies; the limits' windows keep counting). */
  resetCalls(): void {
    for (const k of Object.keys(this.calls)) delete this.calls[k];
    this.limiter.resetUsage();
  }

  /** Requests, batch operations, read units and write units spent since the last {@link resetCalls}. */
  get usage(): KvsUsage {
    return { ...this.limiter.usage };
  }

  /** Makes the next `n` calls fail like Forge storage's 429. */
  throttle(n: number): void {
    this.throttleNext = n;
  }

  /** Every live key (for tests that check nothing changed), secrets excluded. */
  keys(): string[] {
    return [...this.data.keys()].filter((k) => this.live(k) !== undefined).sort();
  }

  /** A copy of all live plain data, for before/after comparisons. */
  snapshot(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const k of this.keys()) out[k] = JSON.parse(this.data.get(k)!.value);
    return out;
  }

  /** One live value, read without counting a call or being throttled (for observers such as the chaos bench). */
  peek<T>(key: string): T | undefined {
    const e = this.live(key);
    return e ? (JSON.parse(e.value) as T) : undefined;
  }

  /** One secret, read without counting a call or being throttled (for observers such as the chaos bench). */
  peekSecret<T>(key: string): T | undefined {
    const v = this.secrets.get(key);
    return v === undefined ? undefined : (JSON.parse(v) as T);
  }

  /**
   * Puts records straight into the store, as another version of the app left them (the upgrade test loads a
   * snapshot): not counted, not throttled. `expiresAt` is in ms of the store's clock.
   */
  load(records: ReadonlyArray<{ key: string; value: unknown; expiresAt?: number }>): void {
    for (const r of records) {
      this.checkKey(r.key);
      this.data.set(r.key, { value: this.encode(r.value), ...(r.expiresAt !== undefined ? { expiresAt: r.expiresAt } : {}) });
    }
  }

  /** Every stored secret value (tests search responses and logs for them). */
  secretValues(): unknown[] {
    return [...this.secrets.values()].map((v) => JSON.parse(v));
  }

  private async op(name: string): Promise<void> {
    this.calls[name] = (this.calls[name] ?? 0) + 1;
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    if (this.throttleNext > 0 || (this.throttleRate > 0 && this.random() < this.throttleRate)) {
      if (this.throttleNext > 0) this.throttleNext--;
      this.throttled++;
      throw new MemoryKvsError('RATE_LIMIT_EXCEEDED', 'Too many requests to storage', 429);
    }
  }

  /**
   * Weighs a request that passed its other checks against Forge's rate limits: refused with Forge's 429 (having
   * done nothing) or spent. Called after the request's work is known and before any write is applied.
   */
  private charge(op: string, sent: unknown, received: unknown = null): void {
    const cost = { op, sentBytes: bytesOf(sent), receivedBytes: bytesOf(received) };
    const over = this.limiter.check(cost);
    if (over) {
      this.limiter.refuse(over);
      const limit = {
        'requests a second': this.limiter.config.requestsPerSecond,
        'read units a minute': this.limiter.config.readUnitsPerMinute,
        'write units a minute': this.limiter.config.writeUnitsPerMinute,
        'batch operations a minute': this.limiter.config.batchOpsPerMinute,
      }[over];
      throw new MemoryKvsError('RATE_LIMIT_EXCEEDED', `Rate limit exceeded: the installation used its ${limit} ${over} of storage`, 429);
    }
    this.limiter.spend(cost);
  }

  private checkKey(key: string): void {
    if (typeof key !== 'string' || key.length === 0 || key.length > KVS_LIMITS.maxKeyLength) {
      throw new MemoryKvsError('INVALID_KEY', `Key length must be 1..${KVS_LIMITS.maxKeyLength}: ${String(key)}`);
    }
    if (!KVS_LIMITS.keyPattern.test(key)) {
      throw new MemoryKvsError('INVALID_KEY', `Key has characters outside [a-zA-Z0-9:._\\s-#]: ${key}`);
    }
  }

  private encode(value: unknown): string {
    if (value === undefined) throw new MemoryKvsError('INVALID_VALUE', 'Value must not be undefined');
    const json = JSON.stringify(value);
    if (Buffer.byteLength(json) > KVS_LIMITS.maxValueBytes) {
      throw new MemoryKvsError('VALUE_TOO_LARGE', `Value of ${Buffer.byteLength(json)} bytes exceeds 240 KiB`);
    }
    return json;
  }

  private expiry(ttl?: Ttl): number | undefined {
    return ttl ? this.now() + ttl.value * TTL_MS[ttl.unit] : undefined;
  }

  private live(key: string): Entry | undefined {
    const e = this.data.get(key);
    if (!e) return undefined;
    if (e.expiresAt !== undefined && e.expiresAt <= this.now()) {
      this.data.delete(key);
      return undefined;
    }
    return e;
  }

  async get<T>(key: string): Promise<T | undefined> {
    await this.op('get');
    this.checkKey(key);
    const e = this.live(key);
    this.charge('get', key, e?.value ?? null);
    return e ? (JSON.parse(e.value) as T) : undefined;
  }

  async set<T>(key: string, value: T, options?: KvsSetOptions): Promise<void> {
    await this.op('set');
    this.checkKey(key);
    const encoded = this.encode(value);
    this.charge('set', [key, encoded]);
    if (options?.keyPolicy === 'FAIL_IF_EXISTS' && this.live(key)) {
      throw new MemoryKvsError('KEY_ALREADY_EXISTS', `Key already exists: ${key}`, 409);
    }
    this.data.set(key, { value: encoded, expiresAt: this.expiry(options?.ttl) });
  }

  async delete(key: string): Promise<void> {
    await this.op('delete');
    this.checkKey(key);
    this.charge('delete', key);
    this.data.delete(key);
  }

  private checkBatch(n: number): void {
    if (n > KVS_LIMITS.maxBatch) throw new MemoryKvsError('INVALID_REQUEST', `A batch takes at most 25 keys, got ${n}`);
  }

  async batchGet<T>(items: Array<{ key: string }>) {
    await this.op('batchGet');
    this.checkBatch(items.length);
    const successfulKeys: Array<{ key: string; value: T }> = [];
    for (const { key } of items) {
      this.checkKey(key);
      const e = this.live(key);
      if (e) successfulKeys.push({ key, value: JSON.parse(e.value) as T });
    }
    this.charge('batchGet', items, successfulKeys);
    return { successfulKeys, failedKeys: [] };
  }

  async batchSet<T>(items: Array<{ key: string; value: T; options?: { ttl?: Ttl } }>) {
    await this.op('batchSet');
    this.checkBatch(items.length);
    const encoded = items.map((i) => {
      this.checkKey(i.key);
      return { key: i.key, value: this.encode(i.value), expiresAt: this.expiry(i.options?.ttl) };
    });
    const payload = bytesOf(items);
    if (payload > this.limiter.config.maxBatchSetBytes) {
      throw new MemoryKvsError('PAYLOAD_TOO_LARGE', `A batchSet payload takes at most ${this.limiter.config.maxBatchSetBytes} bytes, got ${payload}`, 413);
    }
    this.charge('batchSet', items);
    for (const e of encoded) this.data.set(e.key, { value: e.value, expiresAt: e.expiresAt });
    return { successfulKeys: items.map((i) => ({ key: i.key })), failedKeys: [] };
  }

  async batchDelete(items: Array<{ key: string }>) {
    await this.op('batchDelete');
    this.checkBatch(items.length);
    this.charge('batchDelete', items);
    for (const { key } of items) this.data.delete(key);
    return { successfulKeys: items.map((i) => ({ key: i.key })), failedKeys: [] };
  }

  query(): KvsQueryBuilder {
    let prefix = '';
    let after: string | undefined;
    let limit = 10;
    const builder: KvsQueryBuilder = {
      where: (_p, c) => {
        prefix = String(c.values[0]);
        return builder;
      },
      cursor: (c) => {
        after = Buffer.from(c, 'base64').toString('utf8');
        return builder;
      },
      limit: (n) => {
        if (n < 1 || n > KVS_LIMITS.maxQueryPage) {
          throw new MemoryKvsError('INVALID_REQUEST', `Query limit must be 1..${KVS_LIMITS.maxQueryPage}, got ${n}`);
        }
        limit = n;
        return builder;
      },
      getMany: async <T>(): Promise<KvsQueryPage<T>> => {
        await this.op('query');
        const keys = this.keys().filter((k) => k.startsWith(prefix) && (after === undefined || k > after));
        const page = keys.slice(0, limit);
        const results = page.map((key) => ({ key, value: JSON.parse(this.data.get(key)!.value) as T }));
        this.charge('query', prefix, results);
        const last = page[page.length - 1];
        return keys.length > limit && last ? { results, nextCursor: Buffer.from(last).toString('base64') } : { results };
      },
    };
    return builder;
  }

  transact(): KvsTransaction {
    const ops: Array<{ kind: 'set'; key: string; value: string; expiresAt?: number } | { kind: 'delete'; key: string }> = [];
    const tx: KvsTransaction = {
      set: (key, value, _entity, options) => {
        this.checkKey(key);
        ops.push({ kind: 'set', key, value: this.encode(value), expiresAt: this.expiry(options?.ttl) });
        return tx;
      },
      delete: (key) => {
        this.checkKey(key);
        ops.push({ kind: 'delete', key });
        return tx;
      },
      execute: async () => {
        await this.op('transact');
        this.checkBatch(ops.length);
        this.charge('transact', ops);
        for (const o of ops) {
          if (o.kind === 'set') this.data.set(o.key, { value: o.value, expiresAt: o.expiresAt });
          else this.data.delete(o.key);
        }
      },
    };
    return tx;
  }

  async getSecret<T>(key: string): Promise<T | undefined> {
    await this.op('getSecret');
    this.checkKey(key);
    const v = this.secrets.get(key);
    this.charge('getSecret', key, v ?? null);
    return v === undefined ? undefined : (JSON.parse(v) as T);
  }

  async setSecret<T>(key: string, value: T): Promise<void> {
    await this.op('setSecret');
    this.checkKey(key);
    const encoded = this.encode(value);
    this.charge('setSecret', [key, encoded]);
    this.secrets.set(key, encoded);
  }

  async deleteSecret(key: string): Promise<void> {
    await this.op('deleteSecret');
    this.checkKey(key);
    this.charge('deleteSecret', key);
    this.secrets.delete(key);
  }
}

/** A request's size on the wire: a string's bytes, anything else's JSON bytes. */
function bytesOf(v: unknown): number {
  if (v === null || v === undefined) return 0;
  return Buffer.byteLength(typeof v === 'string' ? v : JSON.stringify(v));
}
