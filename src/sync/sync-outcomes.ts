/**
 * How one attempt at a job ends other than by finishing: later (a delayed event), failed for good, or a transient
 * failure that the queue's retry may fix. The parts of the sync throw these; the consumer settles the job by them.
 */
import { XrayError } from '../xray/xray-types';
import { JiraError } from '../jira/jira-client';
import { TestsigmaError } from '../testsigma/testsigma-client';
import { isKvsThrottle } from '../store/kvs-port';

/** Seconds to wait after storage throttled us. */
export const STORAGE_RETRY_SECONDS = 60;

/** Run the job again later: by a delayed event of our own, or the queue's retry when the queue refuses that event. */
export class Later extends Error {
  constructor(
    readonly seconds: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** End the job failed with this sentence; `failedResults` counts results Xray refused as a whole. */
export class Fail extends Error {
  constructor(
    message: string,
    readonly failedResults = 0,
  ) {
    super(message);
  }
}

/** A step failed in a way a later attempt may fix. */
export class Transient extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** Which failures another attempt may fix. */
export function asTransient(err: unknown): Transient | undefined {
  if (err instanceof Transient) return err;
  if (err instanceof XrayError && err.retryable) return new Transient(err.message, err.details.retryAfterSeconds);
  if (err instanceof TestsigmaError && err.retryable) return new Transient(err.message, err.details.retryAfterSeconds);
  if (err instanceof JiraError && (err.status === 429 || err.status >= 500)) {
    return new Transient(`Jira could not answer the app (${err.message}).`);
  }
  if (isKvsThrottle(err)) return new Transient('Forge storage is busy.', STORAGE_RETRY_SECONDS);
  return undefined;
}

/** A wait before the job's next attempt; `counted` when it is a failure toward `maxTransientFailures`. */
export interface Wait {
  /** Seconds to wait; the consumer's backoff decides when absent. */
  seconds?: number;
  reason: string;
  counted: boolean;
}

/**
 * Whether the job should wait and try again, and how. Waits the sync asked for (`Later`), a spent request budget of
 * our own (no request was sent; the window's end is known) and throttled storage are no failures of anything the
 * job depends on, so they do not count; vendors' transient failures do.
 */
export function waitOf(err: unknown): Wait | undefined {
  if (err instanceof Later) return { seconds: err.seconds, reason: err.reason, counted: false };
  if (err instanceof XrayError && err.details.budget === true) {
    return { seconds: err.details.retryAfterSeconds ?? 60, reason: err.message, counted: false };
  }
  // Vendors' errors first: a vendor's 429 reads like a storage throttle to `isKvsThrottle`.
  const vendor = err instanceof Transient || err instanceof XrayError || err instanceof TestsigmaError || err instanceof JiraError;
  if (!vendor && isKvsThrottle(err)) return { seconds: STORAGE_RETRY_SECONDS, reason: 'Forge storage is busy.', counted: false };
  const transient = asTransient(err);
  return transient ? { ...(transient.retryAfterSeconds !== undefined ? { seconds: transient.retryAfterSeconds } : {}), reason: transient.message, counted: true } : undefined;
}

/** Turns a failure that no retry fixes into the job's sentence. */
export function permanentMessage(err: unknown): string | undefined {
  if (err instanceof XrayError) return err.message;
  if (err instanceof TestsigmaError) return err.message;
  if (err instanceof JiraError) {
    return err.status === 401 || err.status === 403
      ? `Jira refused the app's request (${err.message}). Check that the app is still installed with its permissions.`
      : `Jira refused the app's request (${err.message}).`;
  }
  return undefined;
}

/** Xray refused the import as a whole: every result in it counts failed, with Xray's reason. */
export function refusal(err: XrayError, results: number): Fail {
  const hint = /status/i.test(err.message)
    ? ' Check that the status map sends only statuses that exist in Xray (the settings page\'s connection test lists them), then retry the job.'
    : '';
  return new Fail(`Xray refused the import: ${err.message}${hint}`, results);
}
