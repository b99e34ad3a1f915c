/** Lozenge colours and people's words for Xray run statuses and sync job states. */
import type { LozengeProps } from '@forge/react';
import type { JobState } from '../../shared/types';

/** The appearances the Lozenges here use (Atlassian's classic set, which every UI Kit host renders). */
export type LozengeAppearance = NonNullable<LozengeProps['appearance']>;

// Xray's own colours: PASSED green, FAILED red, TODO grey, EXECUTING yellow (Atlaskit's `moved` is its warning
// yellow), ABORTED blue (`inprogress` is the information blue; `new` would be purple).
const XRAY_STATUS_APPEARANCE: Record<string, LozengeAppearance> = {
  PASSED: 'success',
  FAILED: 'removed',
  TODO: 'default',
  EXECUTING: 'moved',
  ABORTED: 'inprogress',
};

/**
 * The Lozenge appearance of an Xray test run status. Matching ignores case; admins' custom statuses get the neutral
 * default, since their colour lives in Xray and is not sent to us.
 */
export function xrayStatusAppearance(status: string): LozengeAppearance {
  return XRAY_STATUS_APPEARANCE[status.trim().toUpperCase()] ?? 'default';
}

const JOB_STATE_APPEARANCE: Record<JobState, LozengeAppearance> = {
  queued: 'default',
  running: 'inprogress',
  succeeded: 'success',
  partial: 'moved',
  failed: 'removed',
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
