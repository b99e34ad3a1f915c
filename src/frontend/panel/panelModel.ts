/** Pure view-model logic of the issue panel: what the add form may do, several ids at once, and grouped runs. */
import type { IssueKind, JobCounts, PanelView, RecentRun, RunSource } from '../../shared/types';

/** At most one link: a Test Set links to one suite, a Test Plan to one plan. */
export function isSingleLink(kind: IssueKind): boolean {
  return kind !== 'test';
}

/** Whether the add form shows, and if not, why. */
export type AddFormMode = 'open' | 'readOnly' | 'full';

/** Decides the add form: hidden for users who cannot edit, and for a Test Set or Test Plan that has its one link. */
export function addFormMode(view: PanelView): AddFormMode {
  if (!view.canEdit) return 'readOnly';
  if (isSingleLink(view.issue.kind) && view.links.length > 0) return 'full';
  return 'open';
}

/**
 * The ids or URLs a user typed, one `link` call each: separated by commas, spaces or new lines, blanks and repeats
 * dropped, in the order typed. The resolver parses each (an id, or a Testsigma URL ending in the id) itself.
 */
export function splitInputs(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).map((part) => part.trim()).filter((part) => part !== ''))];
}

/**
 * How one typed id or URL fared: `linked` holds the ids it newly linked, empty when it was already linked here (the
 * resolver answers such a repeat with the unchanged view).
 */
export type LinkOutcome = { input: string; ok: true; linked: string[] } | { input: string; ok: false; code: string; message: string };

/**
 * The Testsigma id a typed input names, for messages: the input itself when it is all digits, else the last
 * all-digit path segment of a URL (the resolver's own rule), else the input as typed.
 */
export function inputId(input: string): string {
  if (/^\d+$/.test(input)) return input;
  const segments = [...input.matchAll(/\/(\d{1,19})(?=[/?#]|$)/g)];
  return segments.length > 0 ? segments[segments.length - 1]![1]! : input;
}

/** Deliveries of one run, shown as one row. */
export interface RunGroup {
  runId: string;
  /** The state of the run as a whole (see {@link groupState}). */
  state: string;
  testExecutionKey?: string;
  /** A run split by machine: every Test Execution its deliveries reached, in order. */
  testExecutionKeys?: string[];
  /** The newest delivery's time. */
  at: string;
  deliveries: number;
  counts: JobCounts;
  /** Synced results by Xray status, summed over the deliveries that carry them. */
  statuses?: Record<string, number>;
  /** Who started the run (the newest delivery's word; older views lack it: an executor). */
  source: RunSource;
  testsigmaUrl?: string;
}

/**
 * Whether a row offers "Re-run failed": a finished Testsigma run (started from Jira or picked up; an executor's
 * own run id cannot be re-run in Testsigma) with a result Xray holds as FAILED or ABORTED.
 */
export function canRerunFailed(run: RunGroup): boolean {
  if (run.source === 'executor') return false;
  if (run.state === 'queued' || run.state === 'running') return false;
  return (run.statuses?.FAILED ?? 0) + (run.statuses?.ABORTED ?? 0) > 0;
}

/**
 * The state of a run from its deliveries' states: still moving while any is queued or running; synced when all
 * synced; failed when all failed; partly synced otherwise.
 */
export function groupState(states: readonly string[]): string {
  if (states.includes('running')) return 'running';
  if (states.includes('queued')) return 'queued';
  if (states.every((s) => s === 'succeeded')) return 'succeeded';
  if (states.every((s) => s === 'failed')) return 'failed';
  return 'partial';
}

/**
 * The recent deliveries grouped by run, in the order of each run's newest delivery (the contract lists one entry a
 * delivery, newest first), with their counts summed.
 */
export function groupRuns(runs: readonly RecentRun[]): RunGroup[] {
  const groups = new Map<string, RecentRun[]>();
  for (const run of runs) groups.set(run.runId, [...(groups.get(run.runId) ?? []), run]);
  return [...groups.values()].map((deliveries) => {
    const newest = deliveries.reduce((a, b) => (b.at > a.at ? b : a));
    const key = deliveries.find((d) => d.testExecutionKey)?.testExecutionKey;
    const keys = [...new Set(deliveries.flatMap((d) => d.testExecutionKeys ?? []))];
    const counts = deliveries.reduce<JobCounts>(
      (sum, d) => ({
        received: sum.received + d.counts.received,
        synced: sum.synced + d.counts.synced,
        unmapped: sum.unmapped + d.counts.unmapped,
        failed: sum.failed + d.counts.failed,
        ...(sum.created !== undefined || d.counts.created !== undefined ? { created: (sum.created ?? 0) + (d.counts.created ?? 0) } : {}),
      }),
      { received: 0, synced: 0, unmapped: 0, failed: 0 },
    );
    const url = deliveries.find((d) => d.testsigmaUrl)?.testsigmaUrl;
    let statuses: Record<string, number> | undefined;
    for (const d of deliveries) {
      if (!d.statuses) continue;
      statuses ??= {};
      for (const [status, n] of Object.entries(d.statuses)) statuses[status] = (statuses[status] ?? 0) + n;
    }
    return {
      runId: newest.runId,
      state: groupState(deliveries.map((d) => d.state)),
      ...(key ? { testExecutionKey: key } : {}),
      ...(keys.length > 1 ? { testExecutionKeys: keys } : {}),
      at: newest.at,
      deliveries: deliveries.length,
      counts,
      ...(statuses ? { statuses } : {}),
      source: newest.source ?? 'executor',
      ...(url ? { testsigmaUrl: url } : {}),
    };
  }).sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}

/** A run Testsigma has not finished (started from Jira or picked up) and of which nothing has arrived yet. */
export function isRunningInTestsigma(run: Pick<RunGroup, 'state' | 'source' | 'counts'>): boolean {
  return run.state === 'running' && run.source !== 'executor' && run.counts.received === 0;
}

/** Whether a run's sync needs someone's attention: anything but synced in full (still going, partly, failed). */
export function syncNeedsAttention(run: Pick<RunGroup, 'state'>): boolean {
  return run.state !== 'succeeded';
}

/** How many unlinked Tests the coverage section names before "show all". */
export const COVERAGE_SHOWN = 5;
