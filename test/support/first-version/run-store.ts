// The first version's src/store/run-store.ts, verbatim from commit 547549e (imports outside the stores point at src); test/store/upgrade.test.ts writes records with it.
/**
 * Per-run and per-case sync state, and the small readers the issue panel uses.
 *
 * Keys:
 * - `run:<runId>`: the run's Test Execution once known, or the intent to create it (run ids are 1-64 of
 *   `[A-Za-z0-9._-]`, all legal in keys, so the key is the run id itself, case kept). Kept 30 days after its last
 *   write.
 * - `last:<testCaseId>`: the newest synced result of a Testsigma case (by sync time), for the Test panel. No ttl:
 *   one value per linked case.
 * - `planrun:<testsigmaPlanId>:<jobId>`: one entry per delivery of a Testsigma plan's runs, newest first, for the
 *   Test Plan panel. Kept 30 days, like the jobs it points to.
 */
import type { LastResult, RecentRun } from '../../../src/shared/types';
import { KvsPort, Ttl, claimKey, getMany } from './kvs-port';
import { JOB_TTL, KvsItem, getJobs, toJobView } from './job-store';

/** How long a run's record outlives its last delivery. */
export const RUN_TTL: Ttl = { value: 30, unit: 'DAYS' };

/** An attempt to create the run's Test Execution whose outcome may be unknown. */
export interface RunIntent {
  /** The job that tried. */
  jobId: string;
  /** When the create was sent (ms). */
  at: number;
  /** Label lookups done since, each finding nothing. */
  lookups: number;
}

/** What the app knows of a run in Xray. */
export interface RunRecord {
  runId: string;
  /** The label that marks the run's Test Execution. */
  label: string;
  /** The Test Execution, once known. */
  testExecutionKey?: string;
  testExecutionId?: string;
  /** Set before a create is sent and cleared once its outcome is known. */
  intent?: RunIntent;
  updatedAt: string;
}

const runKey = (runId: string) => `run:${runId}`;
const lastKey = (caseId: string) => `last:${caseId}`;
const planPrefix = (planId: string) => `planrun:${planId}:`;

/** Run records over the key-value store. */
export class RunStore {
  constructor(private readonly kvs: KvsPort) {}

  async get(runId: string): Promise<RunRecord | undefined> {
    return this.kvs.get<RunRecord>(runKey(runId));
  }

  async put(rec: RunRecord): Promise<void> {
    await this.kvs.set(runKey(rec.runId), rec, { ttl: RUN_TTL });
  }

  /**
   * Writes the first record of a run as an atomic claim: false when one exists already. Deliveries of one run are
   * serialised by the queue, so this only guards against the platform running two of them at once anyway.
   */
  async claim(rec: RunRecord): Promise<boolean> {
    return (await claimKey(this.kvs, runKey(rec.runId), rec, { ttl: RUN_TTL })).won;
  }
}

/** The item that records a case's newest synced result. */
export function lastResultItem(caseId: string, result: LastResult): KvsItem {
  // No ttl: the panel shows it as long as the link lives.
  return { key: lastKey(caseId), value: result };
}

/** Forgets a case's last result when it is unlinked, so a Test it is linked to later never shows another Test's result. */
export async function forgetLastResult(kvs: KvsPort, caseId: string): Promise<void> {
  if (isDigits(caseId)) await kvs.delete(lastKey(caseId));
}

/** The item that lists a delivery under its Testsigma plan. */
export function planRunItem(testsigmaPlanId: string, jobId: string): KvsItem {
  return { key: `${planPrefix(testsigmaPlanId)}${jobId}`, value: { jobId }, options: { ttl: JOB_TTL } };
}

/** Whether a Testsigma id can be part of a key. */
function isDigits(id: string): boolean {
  return /^\d{1,19}$/.test(id);
}

/** The newest synced result per Testsigma case id (one batch read per 25 cases); cases with none are absent. */
export async function readLastResults(kvs: KvsPort, caseIds: readonly string[]): Promise<Map<string, LastResult>> {
  const ids = caseIds.filter(isDigits);
  const found = await getMany<LastResult>(kvs, ids.map(lastKey));
  const out = new Map<string, LastResult>();
  for (const id of ids) {
    const r = found.get(lastKey(id));
    if (r) out.set(id, r);
  }
  return out;
}

/**
 * The latest deliveries of a Testsigma plan's runs, newest first (`limit` at most 20): one query and one batch
 * read, whatever the plan's history.
 */
export async function listPlanRuns(
  kvs: KvsPort,
  testsigmaPlanId: string,
  limit = 10,
  nowMs: number = Date.now(),
): Promise<RecentRun[]> {
  if (!isDigits(testsigmaPlanId)) return [];
  const page = await kvs
    .query()
    .where('key', { condition: 'BEGINS_WITH', values: [planPrefix(testsigmaPlanId)] })
    .limit(Math.max(1, Math.min(20, limit)))
    .getMany<{ jobId: string }>();
  const jobs = await getJobs(kvs, page.results.map((r) => r.value.jobId));
  return jobs.map((j) => {
    const v = toJobView(j, nowMs);
    return {
      runId: v.runId,
      state: v.state,
      ...(v.testExecutionKey ? { testExecutionKey: v.testExecutionKey } : {}),
      at: v.createdAt,
      counts: v.counts,
    };
  });
}
