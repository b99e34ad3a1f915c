/**
 * The default status map (contract section 4): incoming word -> Xray status name. Shared so the admin page can
 * tell an override from a default; the backend's status rules live in `src/domain/status-map.ts`.
 */
export const DEFAULT_STATUS_MAP: Readonly<Record<string, string>> = Object.freeze({
  SUCCESS: 'PASSED',
  PASSED: 'PASSED',
  FAILURE: 'FAILED',
  FAILED: 'FAILED',
  PRE_REQUISITE_FAILED: 'FAILED',
  ABORTED: 'ABORTED',
  STOPPED: 'ABORTED',
  NOT_EXECUTED: 'TODO',
  QUEUED: 'TODO',
  TODO: 'TODO',
  RUNNING: 'EXECUTING',
  EXECUTING: 'EXECUTING',
  /** A result that passed only on a retry (contract section 3, `attempt`); an admin may send it to a custom status. */
  FLAKY: 'PASSED',
});
