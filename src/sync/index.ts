/**
 * What other parts of the app use from the sync pipeline: the consumer and the admin page's job API. The panel reads
 * synced results from the stores (`src/store/run-store.ts`), never through the sync.
 */
export { createSyncConsumer, DEFAULT_SYNC_TUNING } from './sync-consumer';
export type { SyncDeps, SyncEvent, SyncAnswer, SyncTuning } from './sync-consumer';
export { retryJob } from './retry-job';
export type { RetryJobDeps } from './retry-job';
export { listJobs } from '../store/job-store';
