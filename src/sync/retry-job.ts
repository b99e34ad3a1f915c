/**
 * `retryJob` for the admin page's sync log (contract section 2): runs a job's stored results again into the same
 * Test Execution, keeping its jobId. A job that is running, or queued and still due to run, is answered as it is.
 */
import type { JobView } from '../shared/types';
import type { Clock, Logger, QueuePort } from '../ports';
import type { KvsPort } from '../store/kvs-port';
import { AppError } from '../errors/app-error';
import { msg } from '../shared/message';
import { JobRecord, JobStore, QUEUE_DEADLINE_MS, isJobId, toJobView } from '../store/job-store';
import { runConcurrencyKey } from '../domain/run-mark';

/** What `retryJob` needs. */
export interface RetryJobDeps {
  kvs: KvsPort;
  queue: QueuePort;
  clock: Clock;
  log: Logger;
}

/**
 * Queues a job again. Its counts and problems start over from what the delivery itself carried (skipped
 * attachments), its attempts keep counting, it gets a fresh time to wait (`giveUpAt`), and a pull job a fresh hour
 * to wait for its Testsigma run.
 * The view's problems are in `locale` (the admin's). Throws `AppError('not_found')` for an unknown or expired job and `AppError('rate_limited')` when the queue is busy.
 */
export async function retryJob(deps: RetryJobDeps, jobId: string, locale?: unknown): Promise<JobView> {
  const jobs = new JobStore(deps.kvs);
  const id = typeof jobId === 'string' ? jobId.trim() : '';
  const job = isJobId(id) ? await jobs.get(id) : undefined;
  if (!job) throw new AppError('not_found', msg('apiErrors.jobs.gone'));
  const now = deps.clock.now();
  const view = toJobView(job, now, locale);
  // Running, or waiting for its event: running it twice would only race the first run.
  if (view.state === 'running' || view.state === 'queued') return view;

  const iso = new Date(now).toISOString();
  // The run record keeps the Test Execution; the job shows it again once this run has used it.
  const { testExecutionKey: _shown, statuses: _sent, giveUpAt: _waited, ...rest } = job;
  const again: JobRecord = {
    ...rest,
    state: 'queued',
    counts: { received: job.mode === 'push' ? job.counts.received : 0, synced: 0, unmapped: 0, failed: 0 },
    unmapped: [],
    errors: [...job.intake],
    retries: 0,
    deadline: now + QUEUE_DEADLINE_MS,
    updatedAt: iso,
    ...(job.mode === 'pull' ? { pollSince: now } : {}),
  };
  await jobs.put(again);
  try {
    await deps.queue.push([{ body: { jobId: job.jobId }, concurrency: { key: runConcurrencyKey(job.runId), limit: 1 } }]);
  } catch (err) {
    // Put the job back as it was, so the log does not show a retry that will never run.
    await jobs.put(job).catch(() => undefined);
    deps.log.warn('retryJob: queue push refused', { jobId: job.jobId, error: err instanceof Error ? err.message : String(err) });
    throw new AppError('rate_limited', msg('apiErrors.jobs.queueBusy'));
  }
  deps.log.info('retryJob: job queued again', { jobId: job.jobId, runId: job.runId });
  return toJobView(again, now, locale);
}
