/** Lozenge colours and people's words for Xray run statuses and sync job states. */
import type { LozengeProps } from '@forge/react';
import type { JobState } from '../../shared/types';

/** The appearances the Lozenges here use (Atlassian's classic set, which every UI Kit host renders). */
export type LozengeAppearance = NonNullable<LozengeProps['appearance']>;

// The closest of UI Kit's fixed appearances to Xray's default colours, so that green and red mean an outcome and
// nothing else: PASSED green, FAILED red, EXECUTING blue (`inprogress`), TODO and ABORTED neutral (Xray draws
// ABORTED dark, and UI Kit has no dark Lozenge). Yellow is left to "Flaky" alone.
const XRAY_STATUS_APPEARANCE: Record<string, LozengeAppearance> = {
  PASSED: 'success',
  FAILED: 'removed',
  TODO: 'default',
  EXECUTING: 'inprogress',
  ABORTED: 'default',
};

/**
 * The Lozenge appearance of an Xray test run status. Matching ignores case. An admin's custom status takes the colour
 * of what the status map makes of it when the caller knows (`outcome`), else the neutral default: its own colour
 * lives in Xray and is not sent to us.
 */
export function xrayStatusAppearance(status: string, outcome?: 'pass' | 'fail'): LozengeAppearance {
  const known = XRAY_STATUS_APPEARANCE[status.trim().toUpperCase()];
  if (known) return known;
  return outcome === 'pass' ? 'success' : outcome === 'fail' ? 'removed' : 'default';
}

/** Xray's own statuses in the order its run views list them; custom statuses follow, by name. */
const XRAY_STATUS_ORDER = ['PASSED', 'FAILED', 'EXECUTING', 'TODO', 'ABORTED'];

/** A run's counts by Xray status in Xray's order (custom statuses after its own, by name), empty counts left out. */
export function orderedStatusCounts(statuses: Readonly<Record<string, number>>): Array<[string, number]> {
  const rank = (s: string) => {
    const i = XRAY_STATUS_ORDER.indexOf(s.trim().toUpperCase());
    return i === -1 ? XRAY_STATUS_ORDER.length : i;
  };
  return Object.entries(statuses)
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
}

// Sync states are neutral: green and red are kept for what a run says about the release (PASSED, FAILED), so that
// "Synced" never reads as "passed". A state that needs attention is shown by its words, not its colour.
const JOB_STATE_APPEARANCE: Record<JobState, LozengeAppearance> = {
  queued: 'default',
  running: 'default',
  succeeded: 'default',
  partial: 'default',
  failed: 'default',
};

/** The job states people read as words (`jobs.state.<state>` in the resources). */
export const JOB_STATES: readonly JobState[] = ['queued', 'running', 'succeeded', 'partial', 'failed'];

/** Whether a string is one of the contract's job states. */
export function isJobState(state: string): state is JobState {
  return (JOB_STATES as readonly string[]).includes(state);
}

/**
 * The Lozenge appearance of a sync job's state. Takes any string because `RecentRun.state` is typed loosely in the
 * contract; an unknown state is shown neutrally rather than guessed at.
 */
export function jobStateAppearance(state: string): LozengeAppearance {
  return isJobState(state) ? JOB_STATE_APPEARANCE[state] : 'default';
}

/** Whether a job may be retried from the sync log (the contract allows any state; only these need it). */
export function isRetryable(state: string): boolean {
  return state === 'failed' || state === 'partial';
}

/** How an Xray status reads in a history row: passing, failing or neither (aborted, to do, a custom status). */
export function statusOutcome(status: string): 'pass' | 'fail' | 'other' {
  const s = status.trim().toUpperCase();
  return s === 'PASSED' ? 'pass' : s === 'FAILED' ? 'fail' : 'other';
}

/** Whether a status is Xray's passing one (a flaky result is sent with it by default). */
export function isPassing(status: string): boolean {
  return statusOutcome(status) === 'pass';
}

// createDefect answers no_failure for these (contract section 2): nothing to file a defect for.
const NO_FAILURE = new Set(['PASSED', 'TODO', 'EXECUTING']);

/** Whether a last result may get a defect: any status but PASSED, TODO and EXECUTING. */
export function mayFileDefect(status: string): boolean {
  return !NO_FAILURE.has(status.trim().toUpperCase());
}
