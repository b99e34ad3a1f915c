import type { QueueEvent, QueuePort } from '../../src/ports';
import { FORGE_QUEUE_LIMITS, QueueRateLimiter } from './rate-limits';

/** What the consumer receives, in Forge's shape. */
export interface DeliveredEvent {
  body: Record<string, unknown>;
  queueName: string;
  jobId: string;
  eventId: string;
  retryContext?: { retryCount: number; retryReason: string; retryData?: unknown };
}

/** A consumer: resolves to nothing when done, or to a retry request (Forge's `InvocationError`). */
export type Consumer = (event: DeliveredEvent) => Promise<void | { retryAfterSeconds: number; reason: string }>;

/** Options of the in-memory queue. */
export interface MemoryQueueOptions {
  queueName?: string;
  /** Real milliseconds per second of requested delay; 1000 is real time, tests use less. */
  msPerSecond?: number;
  /** Retries the platform grants an event that asks for one (Forge documents a few; do not count on more). */
  maxRetries?: number;
  /** Called with an event's error when the consumer throws (Forge does not retry those). */
  onError?: (err: unknown, event: DeliveredEvent) => void;
  /**
   * The sandbox's clock in ms, on which the 500 events a minute are counted. Without one the clock stands still
   * (every push falls in the same minute), so no test depends on how fast the machine runs.
   */
  now?: () => number;
  /** Forge's 500 events a minute: on unless `false` (a test that turns it off says why), or another rate. */
  rateLimit?: boolean | { eventsPerMinute: number };
  /**
   * Moves the sandbox's clock to at least this instant (ms) when a delayed event comes due: with `msPerSecond` below
   * 1000 a delay passes faster than real time, and the clock (so the rate limits' windows) must pass with it.
   */
  advanceClock?: (toMs: number) => void;
}

/** A push the queue refused for its rate, shaped like Forge's 429. */
export class QueueRateLimitError extends Error {
  readonly status = 429;
  readonly code = 'RATE_LIMIT_EXCEEDED';
  constructor(limit: number) {
    super(`Too many requests: the installation pushed its ${limit} events a minute to the queue`);
    this.name = 'RateLimitError';
  }
}

/**
 * Forge's async events, emulated in memory: push limits (50 events, 200 KB a call, 100 KB an event, delays of at
 * most 900 s), the installation's 500 events a minute (on by default), delays, retries requested by the consumer's
 * answer, and `concurrency: { key, limit: 1 }` serialisation.
 */
export class MemoryQueue implements QueuePort {
  private consumer?: Consumer;
  private pending = 0;
  private readonly running = new Map<string, Promise<void>>();
  private idleWaiters: Array<() => void> = [];
  private seq = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;
  private readonly queueName: string;
  private readonly msPerSecond: number;
  private readonly maxRetries: number;
  /** Events pushed, deliveries made, and retries granted. */
  readonly stats = { pushed: 0, delivered: 0, retried: 0, dropped: 0 };
  /** When true, `push` fails like a throttled queue. */
  failPushes = false;
  /** The installation's events a minute. */
  readonly limiter: QueueRateLimiter;

  constructor(private readonly options: MemoryQueueOptions = {}) {
    const rate = options.rateLimit ?? true;
    this.limiter = new QueueRateLimiter(
      options.now ?? (() => 0),
      typeof rate === 'object' ? rate.eventsPerMinute : FORGE_QUEUE_LIMITS.eventsPerMinute,
      rate !== false,
    );
    this.queueName = options.queueName ?? 'xray-sync';
    this.msPerSecond = options.msPerSecond ?? 1000;
    this.maxRetries = options.maxRetries ?? 4;
  }

  /** Sets the function that consumes the queue. */
  setConsumer(consumer: Consumer): void {
    this.consumer = consumer;
  }

  async push(events: QueueEvent[]): Promise<void> {
    if (this.failPushes) throw Object.assign(new Error('Too many requests: queue rate limit exceeded'), { status: 429 });
    if (events.length === 0 || events.length > 50) throw new Error(`push takes 1 to 50 events, got ${events.length}`);
    const total = Buffer.byteLength(JSON.stringify(events));
    if (total > 200 * 1024) throw new Error(`push payload of ${total} bytes exceeds 200 KB`);
    for (const e of events) {
      const size = Buffer.byteLength(JSON.stringify(e.body));
      if (size > 100 * 1024) throw new Error(`event of ${size} bytes exceeds 100 KB`);
      const delay = e.delayInSeconds ?? 0;
      if (delay < 0 || delay > FORGE_QUEUE_LIMITS.maxDelaySeconds) {
        throw new Error(`delayInSeconds must be 0 to ${FORGE_QUEUE_LIMITS.maxDelaySeconds}, got ${delay}`);
      }
    }
    if (!this.limiter.fits(events.length)) {
      this.limiter.refused++;
      throw new QueueRateLimitError(this.limiter.eventsPerMinute);
    }
    this.limiter.spend(events.length);
    const jobId = `qjob-${++this.seq}`;
    for (const e of events) {
      this.stats.pushed++;
      this.schedule(e, { body: structuredClone(e.body), queueName: this.queueName, jobId, eventId: `${jobId}-${++this.seq}` }, e.delayInSeconds ?? 0);
    }
  }

  /** Events waiting or running (0 when idle). */
  pendingCount(): number {
    return this.pending;
  }

  /** Resolves once nothing is waiting or running. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Drops every event still waiting (the sandbox is shutting down), so no timer outlives it. */
  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.pending -= this.timers.size;
    this.timers.clear();
    if (this.pending <= 0) {
      this.pending = 0;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private schedule(source: QueueEvent, event: DeliveredEvent, delaySeconds: number): void {
    if (this.closed) return;
    this.pending++;
    const dueAt = this.options.now && delaySeconds > 0 ? this.options.now() + delaySeconds * 1000 : undefined;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (dueAt !== undefined) this.options.advanceClock?.(dueAt);
      const key = source.concurrency?.key;
      const previous = (key && this.running.get(key)) || Promise.resolve();
      const run = previous.then(() => this.deliver(source, event));
      if (key) {
        this.running.set(key, run);
        void run.then(() => {
          if (this.running.get(key) === run) this.running.delete(key);
        });
      }
    }, delaySeconds * this.msPerSecond);
    // A waiting event must not keep a test run or the demo's process alive on its own.
    timer.unref();
    this.timers.add(timer);
  }

  private async deliver(source: QueueEvent, event: DeliveredEvent): Promise<void> {
    try {
      if (!this.consumer) throw new Error('no consumer registered');
      this.stats.delivered++;
      const answer = await this.consumer(event);
      if (answer && typeof answer.retryAfterSeconds === 'number') {
        const count = (event.retryContext?.retryCount ?? 0) + 1;
        if (count > this.maxRetries) {
          this.stats.dropped++;
        } else {
          this.stats.retried++;
          this.schedule(source, { ...event, retryContext: { retryCount: count, retryReason: answer.reason } }, Math.max(1, answer.retryAfterSeconds));
        }
      }
    } catch (err) {
      this.options.onError?.(err, event);
    } finally {
      this.pending--;
      if (this.pending === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const w of waiters) w();
      }
    }
  }
}
