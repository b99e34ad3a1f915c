/**
 * Per-run and per-case sync state, and the small readers the issue panel uses.
 *
 * Keys:
 * - `run:<runId>`: the run's Test Execution once known, or the intent to create it (run ids are 1-64 of
 *   `[A-Za-z0-9._-]`, all legal in keys, so the key is the run id itself, case kept). Kept 30 days after its last
 *   write.
 * - `last:<testCaseId>`: the newest synced result of a Testsigma case (by sync time), for the Test panel, with the
 *   case's run history ({@link CaseResultRecord}). No ttl: one value per linked case. The sync writes it for every
 *   result anyway, so the history rides along at no extra write.
 * - `planrun:<testsigmaPlanId>:<jobId>`: one entry per delivery of a Testsigma plan's runs, newest first, for the
 *   Test Plan panel. Kept 30 days, like the jobs it points to.
 */
import type { LastResult, RecentRun } from '../shared/types';
import { appendHistory, IncomingResult, StoredHistoryEntry } from '../domain/history';
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
  /** Label lookups done since, each finding nothing (no longer read: lookups are timed from `lostAt`). */
  lookups: number;
  /** When the create's answer was lost (ms); lookups are due 1, 3 and 7 minutes after it. Else `at` stands in. */
  lostAt?: number;
  /**
   * Creates sent in a row without a known outcome, this one included (records of the first version lack it: 1).
   * Bounds a run whose creates keep failing (contract section 6).
   */
  tries?: number;
  /** Why the last of them failed, for the job's error. */
  lastError?: string;
  /** When the streak's first create was sent (ms); an issue it made is dated after this. Older records lack it. */
  since?: number;
  /** The project the create targets; a found issue elsewhere is not the run's. Older records lack it. */
  projectKey?: string;
}

/** What the app knows of a run in Xray. */
export interface RunRecord {
  runId: string;
  /** The label that marks the run's Test Execution. */
  label: string;
  /** The Test Execution, once known. */
  testExecutionKey?: string;
  testExecutionId?: string;
  /** An executor named the Test Execution (`testExecutionKey` in the body): never replaced by a new one. */
  named?: boolean;
  /** The run in Testsigma's web app, when known (pull mode's `app_url`): defects link it. */
  testsigmaUrl?: string;
  /** Set before a create is sent and cleared once its outcome is known. */
  intent?: RunIntent;
  /**
   * Create generations claimed so far (records of the first version lack it: 1). Generation 1 is claimed by
   * writing this record with FAIL_IF_EXISTS, each later one by its own `runcreate:` key, so two consumers (or one
   * event delivered twice) never both send a create.
   */
  creates?: number;
  updatedAt: string;
}

/** Who claimed a create generation (2 and up) of a run, and when (ms). */
export interface CreateClaim {
  jobId: string;
  at: number;
}

const runKey = (runId: string) => `run:${runId}`;
/** The key of a run's record, for callers that batch its read with others. */
export const runRecordKey = runKey;
const createKey = (runId: string, generation: number) => `runcreate:${runId}:${generation}`;
const lastKey = (caseId: string) => `last:${caseId}`;
/** The keys of these cases' per-case result records (ids that cannot be part of a key have none). */
export function caseResultKeys(caseIds: readonly string[]): string[] {
  return caseIds.filter(isDigits).map(lastKey);
}
const planPrefix = (planId: string) => `planrun:${planId}:`;
/** The prefix that lists a Testsigma plan's deliveries, and the page {@link listPlanRuns} reads, for reading ahead. */
export const planRunsPage = (planId: string, limit: number) => ({ prefix: planPrefix(planId), limit: Math.max(1, Math.min(20, limit)) });

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

  /**
   * Claims the right to send create number `generation` (2 and up) of a run whose record exists, at `at` (ms).
   * Answers true when won; otherwise the claim that holds it (claims written before `at` was kept read as 0). The
   * winner then writes the record with `creates: generation`.
   */
  async claimCreate(runId: string, generation: number, jobId: string, at: number): Promise<true | CreateClaim> {
    const claimed = await claimKey<CreateClaim>(this.kvs, createKey(runId, generation), { jobId, at }, { ttl: RUN_TTL });
    return claimed.won ? true : { jobId: claimed.holder.jobId, at: typeof claimed.holder.at === 'number' ? claimed.holder.at : 0 };
  }
}

/** The item that records a case's newest synced result. */
export function lastResultItem(caseId: string, result: LastResult): KvsItem {
  // No ttl: the panel shows it as long as the link lives.
  return { key: lastKey(caseId), value: result };
}

/**
 * A case's `last:` record: its newest synced result (what `LinkView.lastResult` shows) and its history. Older
 * records are a bare {@link LastResult}; {@link readCaseResults} reads both.
 */
export interface CaseResultRecord extends LastResult {
  /** The Test the result was synced to: a record left from another Test (a race with unlink) is not shown. */
  testIssueId?: string;
  /** The Test Execution's Jira id, once known (createDefect needs it for Xray's getTestRun). */
  testExecutionId?: string;
  /** Newest first, one entry a run, at most 10 (see `src/domain/history.ts`). */
  history?: StoredHistoryEntry[];
}

/** One synced result, as the sync hands it to {@link caseResultItem}. */
export interface CaseResultInput extends IncomingResult {
  testIssueId: string;
  testExecutionKey?: string;
  testExecutionId?: string;
  attempts?: number;
}

/**
 * The next record of a case after one synced result: the result becomes the last one, and it replaces its run's
 * entry in the history. Defects filed for the run stay while the result is of the same run (same test run in Xray).
 */
export function nextCaseResult(
  prev: CaseResultRecord | undefined,
  incoming: CaseResultInput,
  statusOverrides: Readonly<Record<string, string>>,
): CaseResultRecord {
  const old = prev ? normalise(prev) : undefined;
  const sameRun = old?.runId === incoming.runId && old.testIssueId === incoming.testIssueId;
  const history = appendHistory(old?.testIssueId === incoming.testIssueId ? old.history : [], incoming, statusOverrides);
  return {
    status: incoming.status,
    runId: incoming.runId,
    ...(incoming.testExecutionKey ? { testExecutionKey: incoming.testExecutionKey } : {}),
    at: incoming.at,
    ...(incoming.attempts !== undefined && incoming.attempts > 1 ? { attempts: incoming.attempts } : {}),
    ...(sameRun && old?.defects?.length ? { defects: old.defects } : {}),
    testIssueId: incoming.testIssueId,
    ...(incoming.testExecutionId
      ? { testExecutionId: incoming.testExecutionId }
      : sameRun && old?.testExecutionId && old.testExecutionKey === incoming.testExecutionKey
        ? { testExecutionId: old.testExecutionId }
        : {}),
    history,
  };
}

/**
 * The item the sync writes for one synced result (in place of {@link lastResultItem}): `prev` is the case's record
 * as {@link readCaseResults} read it at the start of the delivery.
 */
export function caseResultItem(
  caseId: string,
  prev: CaseResultRecord | undefined,
  incoming: CaseResultInput,
  statusOverrides: Readonly<Record<string, string>>,
): KvsItem {
  return { key: lastKey(caseId), value: nextCaseResult(prev, incoming, statusOverrides) };
}

/** Writes a case's record as createDefect changes it (defects, the Test Execution's id). */
export async function putCaseResult(kvs: KvsPort, caseId: string, rec: CaseResultRecord): Promise<void> {
  if (isDigits(caseId)) await kvs.set(lastKey(caseId), rec);
}

/** Fills what an older record lacks: its history is its last result alone. */
function normalise(rec: CaseResultRecord): CaseResultRecord {
  if (Array.isArray(rec.history)) return rec;
  return { ...rec, history: [{ status: rec.status, runId: rec.runId, at: rec.at }] };
}

/** Each case's record, old shapes included (one batch read per 25 cases); cases with none are absent. */
export async function readCaseResults(kvs: KvsPort, caseIds: readonly string[]): Promise<Map<string, CaseResultRecord>> {
  return caseResultsIn(await getMany<unknown>(kvs, caseResultKeys(caseIds)), caseIds);
}

/** The cases' per-case records from a batch read's answer that holds their keys ({@link caseResultKeys}). */
export function caseResultsIn(found: ReadonlyMap<string, unknown>, caseIds: readonly string[]): Map<string, CaseResultRecord> {
  const out = new Map<string, CaseResultRecord>();
  for (const id of caseIds) {
    const r = found.get(lastKey(id)) as CaseResultRecord | undefined;
    if (r && typeof r === 'object' && typeof r.status === 'string') out.set(id, normalise(r));
  }
  return out;
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
  const { prefix, limit: pageSize } = planRunsPage(testsigmaPlanId, limit);
  const page = await kvs.query().where('key', { condition: 'BEGINS_WITH', values: [prefix] }).limit(pageSize).getMany<{ jobId: string }>();
  const jobs = await getJobs(kvs, page.results.map((r) => r.value.jobId));
  return jobs.map((j) => {
    const v = toJobView(j, nowMs);
    return {
      runId: v.runId,
      // A job that waits for Testsigma to finish the run reads as the run does: running in Testsigma.
      state: v.waiting === 'testsigma' ? 'running' : v.state,
      ...(v.testExecutionKey ? { testExecutionKey: v.testExecutionKey } : {}),
      ...(v.testExecutionKeys ? { testExecutionKeys: v.testExecutionKeys } : {}),
      at: v.createdAt,
      counts: v.counts,
      source: j.source ?? 'executor',
      ...(v.statuses ? { statuses: v.statuses } : {}),
      ...(j.testsigmaUrl ? { testsigmaUrl: j.testsigmaUrl } : {}),
    };
  });
}
