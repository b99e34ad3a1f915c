/**
 * The site's Xray request budget (300 or 1,000 requests per 5 minutes), shared by every invocation through KVS.
 *
 * Algorithm: fixed 5-minute windows aligned to the epoch. Inside a window, the requests are positions 0..limit-1
 * on a line, handed out as contiguous ranges. A range that starts at `s` is claimed by writing the key
 * `xray:budget:<window>:at:<s>` = `{ n }` with `keyPolicy: 'FAIL_IF_EXISTS'`; the next range then starts at
 * `s + n`. Every claimant walks the same chain from position 0 (shortened by a `next` hint), and a position can be
 * claimed only once, so ranges never overlap: the count is exact under any concurrency, with no read-then-write
 * race and no safety margin. A claimant that loses a position reads the winner's `n` and moves on.
 *
 * KVS cost: a reservation is 1 read (the hint) + 1 claim write + 1 hint write when nobody races it, plus 1 read per
 * position lost to a racer. Clients reserve in growing blocks (1, 2, 4, 8 requests), so a run of k requests makes
 * about log2(k) reservations: under one KVS operation per Xray request for runs, three for a one-off panel call.
 * Units of a block left unused when the invocation ends are lost for the window (at most 7, usually 0-1).
 *
 * Known limit: fixed windows allow a burst of up to twice the budget across a window boundary. Xray's own window is
 * not documented; if it is sliding, such a burst meets a 429, which the client backs off from like any other.
 */
import type { Clock, Logger } from '../ports';
import type { KvsPort } from '../store/kvs-port';
import { claimKey } from '../store/kvs-port';
import { XrayError } from './xray-types';

/** The budget window: Xray counts requests per 5 minutes. */
export const BUDGET_WINDOW_MS = 5 * 60_000;
// Claims outlive their window by 5 minutes, long enough for a straggler to finish its walk, then expire.
const CLAIM_TTL = { value: 10, unit: 'MINUTES' } as const;
/** The largest block a client reserves at once. */
export const MAX_BLOCK = 8;

/** A granted range of the window's requests. */
export interface Reservation {
  granted: number;
  window: number;
}

/** The window index of a time. */
export function budgetWindow(now: number): number {
  return Math.floor(now / BUDGET_WINDOW_MS);
}

/** Whole seconds (at least 1) from `now` to the start of the next window. */
export function secondsToNextWindow(now: number): number {
  const next = (budgetWindow(now) + 1) * BUDGET_WINDOW_MS;
  return Math.max(1, Math.ceil((next - now) / 1000));
}

/** The error for a spent budget: no request was sent, so the caller may safely retry after the window. */
export function budgetSpentError(limit: number, now: number): XrayError {
  const seconds = secondsToNextWindow(now);
  return new XrayError(
    'rate_limited',
    `This site's Xray request budget (${limit} requests per 5 minutes) is spent. Try again in ${seconds} seconds.`,
    { retryAfterSeconds: seconds, budget: true },
  );
}

/** The KVS-kept counter of one site's Xray requests. */
export class RequestBudget {
  constructor(
    private readonly kvs: KvsPort,
    private readonly clock: Clock,
    /** Requests per window. */
    readonly limit: number,
    private readonly log?: Logger,
  ) {}

  /**
   * Reserves up to `n` requests of the current window; answers how many were granted (1..n: fewer only when the
   * window has fewer left). Throws `XrayError('rate_limited')` with `retryAfterSeconds` when none are left.
   */
  async reserve(n: number): Promise<Reservation> {
    const want = Math.max(1, Math.floor(n));
    const now = this.clock.now();
    const window = budgetWindow(now);
    const prefix = `xray:budget:${window}`;
    const hint = await this.kvs.get<unknown>(`${prefix}:next`);
    let pos = typeof hint === 'number' && Number.isInteger(hint) && hint >= 0 ? hint : 0;
    // Positions only grow and each step moves at least one, so the walk ends within `limit` steps.
    for (let step = 0; step <= this.limit; step++) {
      if (pos >= this.limit) break;
      const granted = Math.min(want, this.limit - pos);
      const key = `${prefix}:at:${pos}`;
      const claim = await claimKey<{ n?: unknown }>(this.kvs, key, { n: granted }, { ttl: CLAIM_TTL });
      if (!claim.won) {
        // Lost to a racer: its range starts here; move past it.
        const n = claim.holder?.n;
        if (typeof n !== 'number' || n < 1) throw new Error(`Xray budget claim ${key} holds no range size`);
        pos += Math.floor(n);
        continue;
      }
      try {
        await this.kvs.set(`${prefix}:next`, pos + granted, { ttl: CLAIM_TTL });
      } catch (err) {
        // The hint only shortens later walks; the claim above is what counts.
        this.log?.warn('Xray budget hint not written', { error: err instanceof Error ? err.message : String(err) });
      }
      return { granted, window };
    }
    throw budgetSpentError(this.limit, now);
  }
}

/**
 * One client's share of the budget: takes one unit per request, reserving blocks that double in size (1, 2, 4, 8)
 * as the client keeps sending, so short calls waste little and long runs cost few KVS operations. Units belong to
 * their window and are dropped when it ends. Calls are serialised so parallel requests do not reserve twice.
 */
export class BudgetLease {
  private left = 0;
  private window = -1;
  private nextBlock = 1;
  private queue: Promise<unknown> = Promise.resolve();
  /** Reservations made (KVS round trips), for stats. */
  reservations = 0;

  constructor(
    private readonly budget: RequestBudget,
    private readonly clock: Clock,
  ) {}

  /** Takes one request from the budget, reserving a block when this client holds none. */
  take(): Promise<void> {
    const run = this.queue.then(() => this.takeNow());
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Reserves ahead for `n` requests the caller knows it will send (one KVS reservation instead of several). */
  reserveAhead(n: number): Promise<number> {
    const run = this.queue.then(async () => {
      this.dropStale();
      if (this.left >= n) return this.left;
      await this.reserve(n - this.left);
      return this.left;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private dropStale(): void {
    if (this.window !== budgetWindow(this.clock.now())) {
      this.left = 0;
      this.window = budgetWindow(this.clock.now());
    }
  }

  private async reserve(n: number): Promise<void> {
    const r = await this.budget.reserve(n);
    this.reservations++;
    // A reservation that landed in a newer window than the units held makes those units void.
    if (r.window !== this.window) this.left = 0;
    this.window = r.window;
    this.left += r.granted;
  }

  private async takeNow(): Promise<void> {
    this.dropStale();
    if (this.left === 0) {
      await this.reserve(this.nextBlock);
      this.nextBlock = Math.min(MAX_BLOCK, this.nextBlock * 2);
    }
    this.left--;
  }
}

/**
 * About how many requests of the current window are left, read from the window's hint (one KVS read, no claim):
 * for planning work (the pick-up sizes its round by it), never for spending, which goes through `reserve`.
 */
export async function requestsLeft(kvs: KvsPort, now: number, limit: number): Promise<number> {
  const hint = await kvs.get<unknown>(`xray:budget:${budgetWindow(now)}:next`);
  const used = typeof hint === 'number' && Number.isInteger(hint) && hint >= 0 ? hint : 0;
  return Math.max(0, limit - used);
}
