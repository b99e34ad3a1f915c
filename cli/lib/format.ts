/** Pure formatting of what xts prints. */
import type { JobView } from './webtrigger';
import { printable } from './printable';

/** One line about a job: its state, counts and Test Execution. */
export function jobLine(job: JobView): string {
  const c = job.counts;
  const key = job.testExecutionKey ? ` -> ${printable(job.testExecutionKey)}` : '';
  return `job ${printable(job.jobId)} (run ${printable(job.runId)}): ${job.state}: ${c.received} received, ${c.synced} synced, ${c.unmapped} unmapped, ${c.failed} failed${key}`;
}

/** A job in full, for `xts status`. */
export function jobDetails(job: JobView): string {
  const lines = [jobLine(job)];
  if (job.attempts !== undefined) lines.push(`  attempts: ${job.attempts}`);
  if (job.createdAt) lines.push(`  created: ${printable(job.createdAt)}${job.updatedAt ? `, updated: ${printable(job.updatedAt)}` : ''}`);
  if (job.unmapped.length > 0) {
    // The app lists the first 100 ids; the count says how many there are.
    const more = job.counts.unmapped > job.unmapped.length ? ` and ${job.counts.unmapped - job.unmapped.length} more` : '';
    lines.push(`  unmapped Testsigma test cases (no linked Xray Test): ${job.unmapped.map(printable).join(', ')}${more}`);
  }
  for (const e of job.errors) lines.push(`  - ${printable(e)}`);
  return lines.join('\n');
}

/** The closing summary of a wait over several jobs, and whether it is a warning. */
export function outcomeSummary(jobs: JobView[]): { text: string; worst: 'succeeded' | 'partial' | 'failed' } {
  const failed = jobs.filter((j) => j.state === 'failed');
  const partial = jobs.filter((j) => j.state === 'partial');
  const n = jobs.length;
  if (failed.length > 0) {
    return {
      worst: 'failed',
      text: `${failed.length} of ${n} job(s) failed: ${failed.map((j) => `${printable(j.jobId)}: ${printable(j.errors[0] ?? 'no reason given').replace(/[.\s]+$/, '')}`).join('; ')}. ` +
        'Fix the cause, then send again (the same runId updates the same Test Execution) or ask a Jira admin to retry the job from the sync log.',
    };
  }
  if (partial.length > 0) {
    const unmapped = partial.reduce((s, j) => s + j.counts.unmapped, 0);
    const rejected = partial.reduce((s, j) => s + j.counts.failed, 0);
    return {
      worst: 'partial',
      text: `Warning: ${partial.length} of ${n} job(s) synced only partly (${unmapped} result(s) unmapped, ${rejected} rejected by Xray). ` +
        'Link the unmapped Testsigma test cases to Xray Tests in Jira to include them next time.',
    };
  }
  return { worst: 'succeeded', text: `All ${n} job(s) succeeded.` };
}
