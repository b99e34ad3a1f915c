import { SYNC_BATCH_OPS_PER_MINUTE } from '../store/sync-pacer';

/** Timings and bounds of the `xray-sync` consumer; tests shorten them. */
export interface SyncTuning {
  /** How long a started job is held (the consumer's 900 s limit plus a little). */
  leaseMs: number;
  /** How long into an invocation Xray calls may still start (leaves time to record the outcome). */
  workMs: number;
  /** Transient failures (Xray or Testsigma 429/5xx/network, storage throttling) before the job ends failed. */
  maxTransientFailures: number;
  /**
   * Creates of the run's Test Execution a job sends while each fails without a known outcome (5xx, timeout, lost
   * answer) and no lookup finds it, before the job ends failed (contract section 6).
   */
  maxCreates: number;
  /**
   * Label lookups after a lost create answer: the waits between them, in seconds (Jira's index lags). They are
   * timed from the lost answer, however many deliveries of the run come by meanwhile.
   */
  lookupDelaysSeconds: number[];
  /** How long a job may wait between attempts, all waits together, before it ends failed with the reason. */
  maxWaitMs: number;
  /** Pull mode: seconds between polls of an unfinished Testsigma run. */
  pollDelaySeconds: number;
  /** Pull mode: how long to wait for a run to finish. */
  pollWindowMs: number;
  /**
   * The batch operations all syncs of a site may spend in a minute (of Forge's 45), so that panels keep the rest;
   * 0 leaves syncs unpaced (`src/store/sync-pacer.ts`).
   */
  batchOpsPerMinute: number;
}

/** Defaults: the platform's limits and the contract's schedules. */
export const DEFAULT_SYNC_TUNING: SyncTuning = {
  leaseMs: 930_000,
  workMs: 840_000,
  maxTransientFailures: 5,
  maxCreates: 3,
  lookupDelaysSeconds: [60, 120, 240],
  // Past the pull mode's hour of polling, with room for the budget's windows after it.
  maxWaitMs: 90 * 60 * 1000,
  pollDelaySeconds: 180,
  pollWindowMs: 60 * 60 * 1000,
  batchOpsPerMinute: SYNC_BATCH_OPS_PER_MINUTE,
};
