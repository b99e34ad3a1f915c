/**
 * Retries of one test (contract section 3, `attempt`): a delivery's entries of one case, and the attempts a run
 * already stored for it, become the one result Xray gets. Pure.
 *
 * - Entries with `attempt` are attempts of one test (an entry without it beside them is attempt 1; entries with the
 *   same attempt keep the worst status); the highest attempt decides the status.
 * - When an earlier attempt did not pass and the last one passed, the result is flaky: it is sent with the status
 *   the map gives `FLAKY`, and its comment says "Passed on attempt N of N" with each earlier attempt.
 * - Entries without `attempt` (one per machine or browser) keep the worst status.
 * - An attempt in a later delivery of the run joins the attempts stored for that run (a later report of the same
 *   attempt replaces the stored one); a Testsigma re-run's results are the next attempt.
 */
import type { DeliveryResult } from './results-payload';
import type { Outcome } from './history';

/** Attempts a run's history entry keeps per case (the newest). */
export const MAX_STORED_ATTEMPTS = 10;
/** A stored attempt's message is cut to this many characters: enough for the comment of a later delivery. */
export const STORED_MESSAGE_CHARS = 1_000;

/** One attempt of a test as a run's history entry keeps it (short keys: one record holds up to 10 runs of them). */
export interface StoredAttempt {
  /** The attempt's number (1 and up). */
  n: number;
  /** The incoming word (`SUCCESS`, `FAILURE`, ...): decides whether it passed. */
  w: string;
  /** The Xray status it was mapped to. */
  s: string;
  /** Its message, cut to {@link STORED_MESSAGE_CHARS}. */
  m?: string;
  /** The Testsigma re-run it came from, so the same re-run synced again is the same attempt. */
  r?: string;
}

/** One entry of a delivery for a case, with the Xray status its word maps to on the site. */
export interface MappedEntry {
  result: DeliveryResult;
  xrayStatus: string;
}

/** What the entries of one case become. */
export interface CollapsedResult {
  /** The Xray status to send. */
  xrayStatus: string;
  /** The incoming word it stands for (`FLAKY` when it is flaky), for the history's counting. */
  word: string;
  /** One result built from the entries: merged message (the comment), earliest start, latest finish, all files. */
  result: DeliveryResult;
  /** The highest attempt, when the test has attempts. */
  attempts?: number;
  flaky: boolean;
  /** The attempts to store for the run (absent when the test had none: its history entry is its only result). */
  tries?: StoredAttempt[];
}

/** What collapsing needs to know beyond the entries. */
export interface AttemptContext {
  /** Attempts the run already stored for this case (oldest first), or undefined. */
  stored?: readonly StoredAttempt[];
  /** The delivery is this Testsigma re-run: its entries are the next attempt. */
  rerunOf?: string;
  /** How an incoming word counts (passing, failing, neither): the history's rule. */
  outcomeOf(word: string): Outcome;
  /** The site's status for `FLAKY`, or `{ missing: target }` when the site lacks the map's target. */
  flakyStatus: { status: string } | { missing: string };
}

/** The flaky result cannot be sent: the map sends FLAKY to a status the site lacks. */
export interface FlakyTargetMissing {
  missingFlakyTarget: string;
}

/**
 * How much a status says "look at me": a failure outweighs an abort, which outweighs a custom status, which
 * outweighs work in progress, which outweighs success.
 */
export function severity(status: string): number {
  switch (status.replace(/\s+/g, '').toUpperCase()) {
    case 'FAILED':
      return 0;
    case 'ABORTED':
      return 1;
    case 'EXECUTING':
      return 3;
    case 'TODO':
      return 4;
    case 'PASSED':
      return 5;
    default:
      return 2;
  }
}

function worst<T extends { xrayStatus: string }>(items: readonly T[]): T {
  return items.reduce((w, x) => (severity(x.xrayStatus) < severity(w.xrayStatus) ? x : w), items[0]!);
}

const cut = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** Merges entries into one result: the given status word, every message, the earliest start and latest finish, every file. */
function mergeEntries(entries: readonly MappedEntry[], status: string, message: string | undefined): DeliveryResult {
  const first = entries[0]!.result;
  const starts = entries.map((e) => e.result.startedAt).filter((d): d is string => !!d);
  const finishes = entries.map((e) => e.result.finishedAt).filter((d): d is string => !!d);
  const attachments = entries.flatMap((e) => e.result.attachments ?? []);
  const byTime = (a: string, b: string) => Date.parse(a) - Date.parse(b);
  return {
    testCaseId: first.testCaseId,
    status,
    ...(first.testSuiteId ? { testSuiteId: first.testSuiteId } : {}),
    ...(starts.length > 0 ? { startedAt: [...starts].sort(byTime)[0]! } : {}),
    ...(finishes.length > 0 ? { finishedAt: [...finishes].sort(byTime)[finishes.length - 1]! } : {}),
    ...(message ? { message } : {}),
    ...(attachments.length > 0 ? { attachments } : {}),
  };
}

/** Whether the entries (with the context) are attempts rather than one result per machine. */
export function hasAttempts(entries: readonly MappedEntry[], ctx: Pick<AttemptContext, 'rerunOf'>): boolean {
  return ctx.rerunOf !== undefined || entries.some((e) => e.result.attempt !== undefined);
}

/**
 * The one result of a case's entries in a delivery. Entries must all be of one case and already mapped to the
 * site's statuses.
 */
export function collapseEntries(entries: readonly MappedEntry[], ctx: AttemptContext): CollapsedResult | FlakyTargetMissing {
  if (!hasAttempts(entries, ctx)) {
    const w = worst(entries);
    const messages = entries.map((e) => e.result.message).filter((m): m is string => !!m);
    return { xrayStatus: w.xrayStatus, word: w.result.status, result: mergeEntries(entries, w.result.status, messages.join('\n\n') || undefined), flaky: false };
  }

  // Number this delivery's entries; a re-run is the run's next attempt (the same one when it is synced again).
  const stored = ctx.stored ?? [];
  let rerunNumber: number | undefined;
  if (ctx.rerunOf !== undefined) {
    const again = stored.find((a) => a.r === ctx.rerunOf);
    rerunNumber = again ? again.n : Math.max(1, ...stored.map((a) => a.n)) + 1;
  }
  const byNumber = new Map<number, MappedEntry[]>();
  for (const e of entries) {
    const n = rerunNumber ?? e.result.attempt ?? 1;
    byNumber.set(n, [...(byNumber.get(n) ?? []), e]);
  }
  const all = new Map<number, StoredAttempt & { full?: string }>();
  for (const a of stored) all.set(a.n, a);
  for (const [n, group] of byNumber) {
    const w = worst(group);
    const message = group.map((e) => e.result.message).filter((m): m is string => !!m).join('\n\n');
    all.set(n, {
      n,
      w: w.result.status,
      s: w.xrayStatus,
      ...(message ? { m: cut(message, STORED_MESSAGE_CHARS), full: message } : {}),
      ...(ctx.rerunOf !== undefined ? { r: ctx.rerunOf } : {}),
    });
  }
  const ordered = [...all.values()].sort((a, b) => a.n - b.n);
  const last = ordered[ordered.length - 1]!;
  const earlier = ordered.slice(0, -1);
  const passed = (a: StoredAttempt) => ctx.outcomeOf(a.w) === 'pass';
  const flaky = passed(last) && earlier.some((a) => !passed(a));
  const n = last.n;
  const line = (a: StoredAttempt & { full?: string }) => `Attempt ${a.n}: ${a.s}${a.full ?? a.m ? `. ${a.full ?? a.m}` : '.'}`;
  const tries = ordered.slice(-MAX_STORED_ATTEMPTS).map(({ full: _full, ...a }) => a);
  const lastEntries = byNumber.get(n) ?? entries;

  if (flaky) {
    if ('missing' in ctx.flakyStatus) return { missingFlakyTarget: ctx.flakyStatus.missing };
    const comment = [`Passed on attempt ${n} of ${n}.`, ...earlier.map(line), ...(last.full ?? last.m ? [line(last)] : [])].join('\n');
    return { xrayStatus: ctx.flakyStatus.status, word: 'FLAKY', result: mergeEntries(lastEntries, 'FLAKY', comment), attempts: n, flaky: true, tries };
  }
  const single = ordered.length === 1 && n === 1;
  const comment = single
    ? (last.full ?? last.m)
    : [`Attempt ${n} of ${n}: ${last.s}.`, ...(last.full ?? last.m ? [last.full ?? last.m!] : []), ...earlier.map(line)].join('\n');
  return {
    xrayStatus: last.s,
    word: last.w,
    result: mergeEntries(lastEntries, last.w, comment),
    ...(n > 1 ? { attempts: n } : {}),
    flaky: false,
    tries,
  };
}
