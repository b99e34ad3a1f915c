/** Pure logic of the sync log: paging and row updates. */
import type { JobView } from '../../shared/types';

/**
 * Appends a page to the jobs shown. A job can move between pages while the log is read (a retry updates it), so a
 * job already shown is updated in place rather than listed twice.
 */
export function appendPage(shown: JobView[], page: JobView[]): JobView[] {
  const byId = new Map(page.map((job) => [job.jobId, job]));
  const updated = shown.map((job) => byId.get(job.jobId) ?? job);
  const seen = new Set(shown.map((job) => job.jobId));
  return [...updated, ...page.filter((job) => !seen.has(job.jobId))];
}

/** Replaces one job (after a retry), keeping its place in the list. */
export function replaceJob(shown: JobView[], job: JobView): JobView[] {
  return shown.map((j) => (j.jobId === job.jobId ? job : j));
}

/** Shortens a long line for a table cell; the detail view shows it whole. */
export function truncate(text: string, max = 120): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
