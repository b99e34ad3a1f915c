/**
 * A linked case's run history and whether it is flaky (contract section 2, `LinkView.history` and `flaky`).
 *
 * One entry a run, newest first, at most {@link HISTORY_LENGTH}: a later delivery of a run replaces that run's entry.
 * Each entry keeps, beside what the panel shows, how it counts for flakiness (`o`), decided when it is appended from
 * the incoming word: the panel then needs no status map, and an admin's later edit of the map does not rewrite the
 * past.
 */
import type { HistoryEntry } from '../shared/types';
import { DEFAULT_STATUS_MAP } from '../shared/status-defaults';
import type { StoredAttempt } from './attempts';

/** How many runs a case's history keeps. */
export const HISTORY_LENGTH = 10;
/** Flips between passing and failing that make a case flaky. */
export const FLAKY_FLIPS = 2;

/** How a result counts: passing, failing, or neither (aborted, to do, a custom status). */
export type Outcome = 'pass' | 'fail' | 'none';

/** A history entry as stored. */
export interface StoredHistoryEntry extends HistoryEntry {
  /** How it counts; absent in entries of older shapes, which count by their Xray status. */
  o?: Outcome;
  /** It passed only on a retry (an earlier attempt of the run did not pass). */
  retried?: true;
  /** The run's attempts of the test, when it retried it: a later delivery's attempt joins them. */
  a?: StoredAttempt[];
}

/** One synced result of a case, as the sync appends it. */
export interface IncomingResult {
  /** The Xray status it was sent with. */
  status: string;
  /** The incoming status word (`SUCCESS`, `FLAKY`, an admin-added `BLOCKED`, ...). */
  word: string;
  runId: string;
  at: string;
  /** It passed only on a retry. */
  retried?: boolean;
  /** The run's attempts of the test, when it had attempts. */
  tries?: StoredAttempt[];
}

const norm = (s: string) => s.replace(/\s+/g, '').toUpperCase();

/**
 * How an incoming word counts: a word the default map sends to PASSED, and FLAKY, pass; one it sends to FAILED,
 * fail; a word the admin added counts by its target (PASSED or FAILED, else neither); anything else is neither.
 */
export function outcomeOf(word: string, overrides: Readonly<Record<string, string>>): Outcome {
  const key = norm(word);
  if (key === 'FLAKY') return 'pass';
  const byDefault = Object.prototype.hasOwnProperty.call(DEFAULT_STATUS_MAP, key) ? DEFAULT_STATUS_MAP[key] : undefined;
  const target = byDefault ?? overrideTarget(overrides, key);
  return target === undefined ? 'none' : outcomeOfXrayStatus(target);
}

function overrideTarget(overrides: Readonly<Record<string, string>>, key: string): string | undefined {
  for (const [w, t] of Object.entries(overrides)) if (norm(w) === key) return t;
  return undefined;
}

/** How an Xray status counts when no incoming word is known (entries of older shapes). */
export function outcomeOfXrayStatus(status: string): Outcome {
  const s = norm(status);
  return s === 'PASSED' ? 'pass' : s === 'FAILED' ? 'fail' : 'none';
}

/** Adds a result to a history: its run's older entry goes, the newest comes first, at most {@link HISTORY_LENGTH}. */
export function appendHistory(
  history: readonly StoredHistoryEntry[] | undefined,
  incoming: IncomingResult,
  overrides: Readonly<Record<string, string>>,
): StoredHistoryEntry[] {
  const entry: StoredHistoryEntry = {
    status: incoming.status,
    runId: incoming.runId,
    at: incoming.at,
    o: outcomeOf(incoming.word, overrides),
    ...(incoming.retried ? { retried: true as const } : {}),
    ...(incoming.tries && incoming.tries.length > 0 ? { a: incoming.tries } : {}),
  };
  const rest = (history ?? []).filter((h) => h.runId !== incoming.runId);
  return [entry, ...rest].sort(newestFirst).slice(0, HISTORY_LENGTH).map(withoutOldMessages);
}

/** Runs whose attempts keep their messages: later deliveries and re-runs come soon after a run. */
export const ATTEMPT_MESSAGE_RUNS = 3;

// Older runs keep their attempts' numbers and statuses only, so ten runs of retried tests stay a small record.
function withoutOldMessages(h: StoredHistoryEntry, i: number): StoredHistoryEntry {
  if (i < ATTEMPT_MESSAGE_RUNS || !h.a?.some((a) => a.m !== undefined)) return h;
  return { ...h, a: h.a.map(({ m: _m, ...a }) => a) };
}

// Stable for equal times (Array.prototype.sort is stable), so the entry just appended stays ahead of a same-time one.
function newestFirst(a: HistoryEntry, b: HistoryEntry): number {
  return a.at < b.at ? 1 : a.at > b.at ? -1 : 0;
}

/** Changes between passing and failing over the history; entries that count as neither are skipped. */
export function flipCount(history: readonly StoredHistoryEntry[]): number {
  let flips = 0;
  let prev: Outcome | undefined;
  for (const h of history.slice(0, HISTORY_LENGTH)) {
    const o = h.o ?? outcomeOfXrayStatus(h.status);
    if (o === 'none') continue;
    if (prev !== undefined && o !== prev) flips++;
    prev = o;
  }
  return flips;
}

/** Flaky: at least {@link FLAKY_FLIPS} flips in the last results, or the newest passed only on a retry. */
export function isFlaky(history: readonly StoredHistoryEntry[]): boolean {
  return history[0]?.retried === true || flipCount(history) >= FLAKY_FLIPS;
}

/**
 * The attempts a run stored for a case: its history entry's attempts, or, for an entry synced without attempts,
 * that one result as attempt 1 (its message is not kept). Undefined when the history has no entry of the run.
 */
export function attemptsOfRun(history: readonly StoredHistoryEntry[] | undefined, runId: string): StoredAttempt[] | undefined {
  const entry = history?.find((h) => h.runId === runId);
  if (!entry) return undefined;
  if (entry.a && entry.a.length > 0) return entry.a;
  const o = entry.o ?? outcomeOfXrayStatus(entry.status);
  return [{ n: 1, w: o === 'pass' ? 'PASSED' : o === 'fail' ? 'FAILED' : entry.status, s: entry.status }];
}

/** The history as the panel shows it (without the stored counting marks). */
export function historyView(history: readonly StoredHistoryEntry[]): HistoryEntry[] {
  return history.slice(0, HISTORY_LENGTH).map((h) => ({ status: h.status, runId: h.runId, at: h.at }));
}
