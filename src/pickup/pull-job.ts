/**
 * A pull-mode job for a Testsigma run the app found or started itself (contract section 8): a run started from Jira
 * (`runPlan`, `rerunFailed`), which waits for Testsigma while the pick-up follows it, or a run the pick-up found
 * finished, which is queued at once. The sync then reads the run's results from Testsigma as for `testsigmaRunId`.
 */
import type { Clock, QueuePort } from '../ports';
import type { KvsPort } from '../store/kvs-port';
import type { RunSource } from '../shared/types';
import { JobRecord, JobStore, KvsItem, QUEUE_DEADLINE_MS, newJobId } from '../store/job-store';
import { planRunItem } from '../store/run-store';
import { followItem, runJobItem, type RunJobMark } from '../store/pickup-store';
import { runConcurrencyKey } from '../domain/run-mark';

/** How long a run started from Jira is followed before its job fails (contract section 8: up to 24 hours). */
export const FOLLOW_WINDOW_MS = 24 * 60 * 60 * 1000;
/** A waiting job's deadline runs past the follow window by this, so the round that fails it finds it unexpired. */
const WAIT_GRACE_MS = 60 * 60 * 1000;

/** What a new pull job is made of. */
export interface PullJobInput {
  /** The Testsigma run to read. */
  testsigmaRunId: string;
  testsigmaPlanId: string;
  source: RunSource;
  testsigmaUrl?: string;
  /** True for a run Testsigma has not finished: the job waits, and the pick-up follows the run. */
  follow: boolean;
  /** The run-id mark, when the caller has not claimed one already. */
  mark?: RunJobMark;
}

/** What creating pull jobs needs. */
export interface PullJobDeps {
  kvs: KvsPort;
  queue: QueuePort;
  clock: Clock;
  randomHex(bytes: number): string;
}

/**
 * Stores the job (listed under its plan at once) and, for a finished run, queues it. A job whose event the queue
 * refused is taken back and the error thrown, so the caller can leave the run for the next round.
 */
export async function createPullJob(deps: PullJobDeps, input: PullJobInput): Promise<JobRecord> {
  const jobs = new JobStore(deps.kvs);
  const now = deps.clock.now();
  const iso = new Date(now).toISOString();
  const jobId = newJobId(now, deps.randomHex);
  const rec: JobRecord = {
    jobId,
    runId: input.testsigmaRunId,
    state: 'queued',
    counts: { received: 0, synced: 0, unmapped: 0, failed: 0 },
    unmapped: [],
    errors: [],
    attempts: 0,
    createdAt: iso,
    updatedAt: iso,
    deadline: now + (input.follow ? FOLLOW_WINDOW_MS + WAIT_GRACE_MS : QUEUE_DEADLINE_MS),
    retries: 0,
    mode: 'pull',
    testsigmaRunId: input.testsigmaRunId,
    testsigmaPlanId: input.testsigmaPlanId,
    source: input.source,
    ...(input.testsigmaUrl ? { testsigmaUrl: input.testsigmaUrl } : {}),
    ...(input.follow ? { waiting: 'testsigma' as const } : {}),
    intake: [],
    chunks: 0,
    attChunks: 0,
    pollSince: now,
  };
  const extra: KvsItem[] = [planRunItem(input.testsigmaPlanId, jobId)];
  if (input.mark) extra.push(runJobItem(input.testsigmaRunId, { ...input.mark, jobId }));
  if (input.follow) extra.push(followItem({ runId: input.testsigmaRunId, jobId, until: now + FOLLOW_WINDOW_MS }));
  try {
    await jobs.create(rec, [], extra);
  } catch (err) {
    // A batch that landed in part would leave a job that never runs (and a run mark that hides the run from the
    // next round): take back what may have landed, as the web trigger does.
    await jobs.remove(rec, extra.map((i) => i.key)).catch(() => undefined);
    throw err;
  }
  if (!input.follow) await queueJob(deps, rec, extra);
  return rec;
}

/**
 * Queues a stored job. When the queue refuses, the error is thrown; a new job (`takeBack`) is removed first with
 * `alsoKeys`, so that no job shows that would never run.
 */
export async function queueJob(deps: PullJobDeps, rec: JobRecord, alsoKeys: readonly KvsItem[] = [], takeBack = true): Promise<void> {
  try {
    await deps.queue.push([{ body: { jobId: rec.jobId }, concurrency: { key: runConcurrencyKey(rec.runId), limit: 1 } }]);
  } catch (err) {
    if (takeBack) await new JobStore(deps.kvs).remove(rec, alsoKeys.map((i) => i.key)).catch(() => undefined);
    throw err;
  }
}
