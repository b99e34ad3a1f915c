/**
 * How one attempt at a job ends other than by finishing: later (a delayed event), failed for good, or a transient
 * failure that the queue's retry may fix. The parts of the sync throw these; the consumer settles the job by them.
 */
import { XrayError } from '../xray/xray-types';
import { JiraError } from '../jira/jira-client';
import { TestsigmaError } from '../testsigma/testsigma-client';
import { isKvsThrottle } from '../store/kvs-port';
import { jobMsg, type JobMessage } from '../domain/job-messages';
import { DEFAULT_LOCALE, translateMessage } from '../i18n/translate';

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

/**
 * End the job failed with this message (stored as it is, worded for each reader); `failedResults` counts results
 * Xray refused as a whole. `message` is its English sentence, for the logs.
 */
export class Fail extends Error {
  constructor(
    readonly problem: JobMessage,
    readonly failedResults = 0,
  ) {
    super(translateMessage(DEFAULT_LOCALE, problem));
  }
}

/** A step failed in a way a later attempt may fix; `problem` is what the job says should it give up. */
export class Transient extends Error {
  constructor(
    readonly problem: JobMessage,
    readonly retryAfterSeconds?: number,
  ) {
    super(translateMessage(DEFAULT_LOCALE, problem));
  }
}

/** Which failures another attempt may fix. */
export function asTransient(err: unknown): Transient | undefined {
  if (err instanceof Transient) return err;
  if (err instanceof XrayError && err.retryable) return new Transient(err.message, err.details.retryAfterSeconds);
  if (err instanceof TestsigmaError && err.retryable) return new Transient(err.message, err.details.retryAfterSeconds);
  if (err instanceof JiraError && (err.status === 429 || err.status >= 500)) {
    return new Transient(jobMsg('jiraUnavailable', { reason: err.message }));
  }
  if (isKvsThrottle(err)) return new Transient(jobMsg('storageBusy'), STORAGE_RETRY_SECONDS);
  return undefined;
}

/** A wait before the job's next attempt; `counted` when it is a failure toward `maxTransientFailures`. */
export interface Wait {
  /** Seconds to wait; the consumer's backoff decides when absent. */
  seconds?: number;
  /** What the job says should it give up while waiting. */
  problem: JobMessage;
  counted: boolean;
}

/**
 * Whether the job should wait and try again, and how. Waits the sync asked for (`Later`), a spent request budget of
 * our own (no request was sent; the window's end is known) and throttled storage are no failures of anything the
 * job depends on, so they do not count; vendors' transient failures do.
 */
export function waitOf(err: unknown): Wait | undefined {
  // A Later's reason is an English note for the logs; it reaches the job only if the wait runs out.
  if (err instanceof Later) return { seconds: err.seconds, problem: err.reason, counted: false };
  if (err instanceof XrayError && err.details.budget === true) {
    return { seconds: err.details.retryAfterSeconds ?? 60, problem: jobMsg('xrayFailed', { reason: err.message }), counted: false };
  }
  // Vendors' errors first: a vendor's 429 reads like a storage throttle to `isKvsThrottle`.
  const vendor = err instanceof Transient || err instanceof XrayError || err instanceof TestsigmaError || err instanceof JiraError;
  if (!vendor && isKvsThrottle(err)) return { seconds: STORAGE_RETRY_SECONDS, problem: jobMsg('storageBusy'), counted: false };
  const transient = asTransient(err);
  return transient ? { ...(transient.retryAfterSeconds !== undefined ? { seconds: transient.retryAfterSeconds } : {}), problem: transient.problem, counted: true } : undefined;
}

/** Turns a failure that no retry fixes into the job's message (the vendor's words as its parameter). */
export function permanentMessage(err: unknown): JobMessage | undefined {
  if (err instanceof XrayError) return jobMsg('xrayFailed', { reason: err.message });
  if (err instanceof TestsigmaError) return jobMsg('testsigmaFailed', { reason: err.message });
  if (err instanceof JiraError) {
    return err.status === 401 || err.status === 403
      ? jobMsg('jiraForbidden', { reason: err.message })
      : jobMsg('jiraRefused', { reason: err.message });
  }
  return undefined;
}

/** Xray refused the import as a whole: every result in it counts failed, with Xray's reason. */
export function refusal(err: XrayError, results: number): Fail {
  const code = /status/i.test(err.message) ? 'importRefusedStatus' : 'importRefused';
  return new Fail(jobMsg(code, { reason: err.message }), results);
}
