/**
 * A Test's case results for its panel, wherever the sync kept them: in the result parts of each Testsigma plan the
 * Test's plan marks name (`plan-results.ts`), in per-case records when a mark says so (deliveries without a plan),
 * and, on a site upgraded from a version that kept every result per case, in those records for cases no plan holds
 * yet. The keys are known from the Test's links and marks alone, so a panel reads them ahead in one batch.
 */
import { HISTORY_LENGTH } from '../domain/history';
import { KvsPort, getMany } from './kvs-port';
import { CASE_INDEX_META_KEY, metaOf } from './case-index';
import { planPartKeys, planResultsIn, updatePlanResults } from './plan-results';
import { NO_PLAN_MARK } from './link-store';
import { CaseResultRecord, caseResultKeys, putCaseResult, readCaseResults } from './run-store';

/** A case whose results to read: the Test it belongs to and where its results are kept. */
export interface CaseWhere {
  caseId: string;
  testIssueId: string;
  /** Testsigma plan ids ({@link NO_PLAN_MARK}: per-case records). */
  plans: readonly string[];
}

/** Every key {@link readResultsOf} reads for these cases (the older records aside). */
export function resultKeysOf(cases: readonly CaseWhere[]): string[] {
  const byPlan = new Map<string, string[]>();
  for (const c of cases) for (const plan of c.plans) byPlan.set(plan, [...(byPlan.get(plan) ?? []), c.caseId]);
  const keys = [CASE_INDEX_META_KEY];
  for (const [plan, ids] of byPlan) keys.push(...(plan === NO_PLAN_MARK ? caseResultKeys(ids) : planPartKeys(plan, ids)));
  return [...new Set(keys)];
}

/** The keys a Test's panel reads for its cases and plan marks (see {@link readTestResults}). */
export function testResultKeys(caseIds: readonly string[], plans: readonly string[]): string[] {
  return resultKeysOf(caseIds.map((caseId) => ({ caseId, testIssueId: '', plans })));
}

/**
 * Each case's record as its Test's panel shows it: the newest result among the places that hold one for that Test,
 * with the histories of all of them merged (one entry a run, newest first, at most 10). One batch read for the keys
 * {@link resultKeysOf} names; cases with none are absent.
 */
export async function readResultsOf(kvs: KvsPort, cases: readonly CaseWhere[]): Promise<Map<string, CaseResultRecord>> {
  const found = await getMany<unknown>(kvs, resultKeysOf(cases));
  const held = new Map<string, CaseResultRecord[]>();
  const byCase = new Map(cases.map((c) => [c.caseId, c]));
  const add = (caseId: string, rec: CaseResultRecord) => {
    const c = byCase.get(caseId);
    if (!c || (rec.testIssueId !== undefined && rec.testIssueId !== c.testIssueId)) return;
    held.set(caseId, [...(held.get(caseId) ?? []), rec]);
  };
  const plans = new Set(cases.flatMap((c) => c.plans));
  for (const plan of plans) {
    if (plan === NO_PLAN_MARK) continue;
    const ids = cases.filter((c) => c.plans.includes(plan)).map((c) => c.caseId);
    for (const [caseId, rec] of planResultsIn(found, plan, ids)) add(caseId, rec);
  }
  const perCase = cases.filter((c) => c.plans.includes(NO_PLAN_MARK)).map((c) => c.caseId);
  const meta = metaOf(found);
  // Records of the version before plan parts: only for cases no plan holds yet (their next run carries them over).
  const older = !meta || meta.legacyResults ? cases.map((c) => c.caseId).filter((id) => !held.has(id) && !perCase.includes(id)) : [];
  for (const [caseId, rec] of await readCaseResults(kvs, [...perCase, ...older])) add(caseId, rec);
  const out = new Map<string, CaseResultRecord>();
  for (const [caseId, recs] of held) out.set(caseId, merged(recs));
  return out;
}

/** A Test's cases' records ({@link readResultsOf}). */
export function readTestResults(kvs: KvsPort, testIssueId: string, caseIds: readonly string[], plans: readonly string[]): Promise<Map<string, CaseResultRecord>> {
  return readResultsOf(kvs, caseIds.map((caseId) => ({ caseId, testIssueId, plans })));
}

/** The newest of a case's records, its history the union of theirs (a run's newer entry wins). */
function merged(recs: readonly CaseResultRecord[]): CaseResultRecord {
  const newest = recs.reduce((a, b) => (b.at > a.at ? b : a));
  if (recs.length === 1) return newest;
  const byRun = new Map<string, NonNullable<CaseResultRecord['history']>[number]>();
  for (const rec of recs) {
    for (const h of rec.history ?? []) {
      const had = byRun.get(h.runId);
      if (!had || h.at > had.at) byRun.set(h.runId, h);
    }
  }
  const history = [...byRun.values()].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).slice(0, HISTORY_LENGTH);
  return { ...newest, history };
}

/** Where a case's shown record is kept: under a Testsigma plan, or in its per-case record (`plan` absent). */
export interface FoundCaseResult {
  rec: CaseResultRecord;
  plan?: string;
}

/**
 * The record a Test's panel shows for one case (its newest for this Test) and where it is kept, so a change to it
 * (a defect filed) is written back there.
 */
export async function findCaseResult(kvs: KvsPort, testIssueId: string, caseId: string, plans: readonly string[]): Promise<FoundCaseResult | undefined> {
  const where: CaseWhere = { caseId, testIssueId, plans };
  const found = await getMany<unknown>(kvs, resultKeysOf([where]));
  const candidates: FoundCaseResult[] = [];
  for (const plan of plans) {
    if (plan === NO_PLAN_MARK) continue;
    const rec = planResultsIn(found, plan, [caseId]).get(caseId);
    if (rec) candidates.push({ rec, plan });
  }
  const meta = metaOf(found);
  if (plans.includes(NO_PLAN_MARK) || (candidates.length === 0 && (!meta || meta.legacyResults))) {
    const rec = (await readCaseResults(kvs, [caseId])).get(caseId);
    if (rec) candidates.push({ rec });
  }
  const mine = candidates.filter((c) => c.rec.testIssueId === undefined || c.rec.testIssueId === testIssueId);
  return mine.length === 0 ? candidates[0] : mine.reduce((a, b) => (b.rec.at > a.rec.at ? b : a));
}

/** Writes a changed record back where {@link findCaseResult} found it (under the plan's lock for a plan's record). */
export async function putCaseResultBack(kvs: KvsPort, caseId: string, found: FoundCaseResult, next: CaseResultRecord): Promise<void> {
  if (found.plan === undefined) {
    await putCaseResult(kvs, caseId, next);
    return;
  }
  // Changed only while it is still the same run's result (a sync may have recorded a newer one meanwhile).
  await updatePlanResults(kvs, found.plan, [caseId], (_id, current) => (current && current.runId === found.rec.runId && current.testIssueId === found.rec.testIssueId ? { ...current, ...next, history: current.history } : undefined));
}
