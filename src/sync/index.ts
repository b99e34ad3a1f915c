/**
 * What other parts of the app use from the sync pipeline: the consumer, the admin page's job API, and the panel's
 * readers of synced results.
 */
export { createSyncConsumer, DEFAULT_SYNC_TUNING } from './sync-consumer';
export type { SyncDeps, SyncEvent, SyncAnswer, SyncTuning } from './sync-consumer';
export { retryJob } from './retry-job';
export type { RetryJobDeps } from './retry-job';
export { listJobs } from '../store/job-store';
export { readLastResults, listPlanRuns } from '../store/run-store';
