/**
 * Mapping a delivery's results to Xray: each Testsigma case to its linked Xray Test by the Test's current key (read
 * from Jira at sync time), each status through the site's reading of the status map, and the linked Test Plan.
 */
import type { JiraPort } from '../ports';
import type { KvsPort } from '../store/kvs-port';
import type { Delivery } from '../domain/results-payload';
import { bulkFetchIssues } from '../jira/jira-client';
import { LinkStore, NO_PLAN_MARK, planMarkItem } from '../store/link-store';
import { CaseResultInput, CaseResultRecord, RunRecord, caseResultItem, caseResultKeys, caseResultsIn, nextCaseResult, readCaseResults, runRecordKey } from '../store/run-store';
import type { KvsItem } from '../store/job-store';
import { attemptsOfRun } from '../domain/history';
import { KVS_LIMITS, getFew, getMany, patiently } from '../store/kvs-port';
import { CASE_INDEX_META_KEY, CaseIndex, CaseIndexChange, caseIndexKeys, metaOf } from '../store/case-index';
import { isPlanId, planPartKeys, planResultsIn, updatePlanResults } from '../store/plan-results';
import { CachedStatuses, STATUS_CACHE_KEY, asCachedStatuses } from '../store/status-cache';
import { CurrentTest, MappedResult, ResultTriage, triageResults } from '../domain/xray-import';
import type { SiteStatusMap } from '../domain/status-map';
import type { MachineGroup } from '../domain/machine-split';

/** What mapping needs. */
export interface ResultMappingDeps {
  kvs: KvsPort;
  jira: JiraPort;
}

/** A delivery mapped to Xray, with the run's record read in the same round. */
export interface MappedDelivery {
  /** The delivery's case ids, unique, in delivery order. */
  caseIds: string[];
  triage: ResultTriage;
  runRec: RunRecord | undefined;
  /** The delivery's Testsigma plan is linked to this Xray Test Plan (by id). */
  planLink?: { issueId: string };
  /** The linked Test Plan as Jira shows it now; absent when it is gone or unreadable. */
  planIssue?: CurrentTest;
  /** Each case's result record (last result, history, the run's attempts), read with the links. */
  caseResults: Map<string, CaseResultRecord>;
  /** Where the results are kept: the delivery's Testsigma plan, or per case (`undefined`). */
  resultsPlan?: string;
  /** The cases whose records were found where this delivery keeps them (not carried over from older records). */
  keptHere: ReadonlySet<string>;
  /** Per-case records of an older version may exist (they are carried into the plan's records on its first run). */
  legacyResults: boolean;
}

/**
 * Reads links, the run records and the issues' current keys once for the whole delivery, and sorts each group's
 * results (one group, the delivery itself, unless the run is split by machine).
 */
export async function mapDelivery(
  deps: ResultMappingDeps,
  delivery: Delivery,
  groups: readonly MachineGroup[],
  statusesFor: (cached: CachedStatuses | undefined) => Promise<SiteStatusMap>,
  options: {
    statusOverrides?: Readonly<Record<string, string>>;
    /** Created Tests are on: results of unlinked cases create (or find again) Generic Tests in this project. */
    createIn?: string;
  } = {},
): Promise<Array<MachineGroup & MappedDelivery>> {
  const { statusOverrides = {}, createIn } = options;
  const links = new LinkStore(deps.kvs);
  const caseIds = [...new Set(delivery.results.map((r) => r.testCaseId))];
  // Every delivery names its plan: a later one may be the first to, and Xray then attaches the execution to it.
  // One batch read for the case index's shards (each case's Test), where the results are kept (the plan's 8 parts,
  // or each case's record for a delivery without a plan: one batch read per 25 cases), the run records (each
  // machine's, when split) and the cached statuses; machines of a run share it. The index's 16 shards, its meta and a
  // plan's 8 parts fill a batch of 25: the run record and the statuses then come by single reads beside it
  // (requests, not batch operations) rather than needing a second.
  const resultsPlan = isPlanId(delivery.testPlanId) ? delivery.testPlanId : undefined;
  const runKeys = [...new Set(groups.map((g) => runRecordKey(g.delivery.runId)))];
  const kept = resultsPlan ? planPartKeys(resultsPlan, caseIds) : caseResultKeys(caseIds);
  const batched = [...caseIndexKeys(caseIds), CASE_INDEX_META_KEY, ...kept];
  const single = [...runKeys, STATUS_CACHE_KEY];
  const fits = batched.length + single.length <= KVS_LIMITS.maxBatch;
  const [found, apart, planLink] = await Promise.all([
    getMany<unknown>(deps.kvs, fits ? [...batched, ...single] : batched),
    fits ? new Map<string, unknown>() : getFew<unknown>(deps.kvs, single),
    delivery.testPlanId ? links.owner('testPlan', delivery.testPlanId) : undefined,
  ]);
  for (const [k, v] of apart) found.set(k, v);
  const meta = metaOf(found);
  const legacyResults = !meta || meta.legacyResults;
  const here = resultsPlan ? planResultsIn(found, resultsPlan, caseIds) : caseResultsIn(found, caseIds);
  // Records of the version that kept every result per case, carried into the plan's records on its first run.
  const olderIds = resultsPlan && legacyResults ? caseIds.filter((id) => !here.has(id)) : [];
  const [caseToIssue, older] = await Promise.all([links.casesToTests(caseIds, found), olderIds.length > 0 ? readCaseResults(deps.kvs, olderIds) : new Map<string, CaseResultRecord>()]);
  const caseResults = new Map([...older, ...here]);
  const keptHere = new Set(here.keys());
  const siteStatuses = await statusesFor(asCachedStatuses(found.get(STATUS_CACHE_KEY)));
  const issueIds = new Set<string>(caseToIssue.values());
  if (planLink) issueIds.add(planLink.issueId);
  const issues = issueIds.size > 0 ? await bulkFetchIssues(deps.jira.asApp(), [...issueIds]) : new Map();
  const current = new Map<string, CurrentTest>();
  for (const i of issues.values()) current.set(i.id, { issueId: i.id, key: i.key, projectKey: i.projectKey });
  const planIssue = planLink ? current.get(planLink.issueId) : undefined;
  return groups.map((g) => {
    const runRec = found.get(runRecordKey(g.delivery.runId)) as RunRecord | undefined;
    const triage = triageResults(g.delivery.results, siteStatuses, caseToIssue, current, {
      // Attempts stored for this run count only while the case still reports to the same Test. A machine's share
      // of a split run finds them under the run's id (history is kept per run), and only while the case's last
      // result is this run's on this machine's Test Execution: the run's history entry keeps its worst machine's
      // attempts, not each machine's.
      stored: (caseId, testIssueId) => {
        const rec = caseResults.get(caseId);
        if (!rec || rec.testIssueId !== testIssueId) return undefined;
        if (g.machine === undefined) return attemptsOfRun(rec.history, g.delivery.runId);
        const sameMachine = rec.runId === delivery.runId && rec.testExecutionKey !== undefined && rec.testExecutionKey === runRec?.testExecutionKey;
        return sameMachine ? attemptsOfRun(rec.history, delivery.runId) : undefined;
      },
      ...(g.delivery.rerun ? { rerunOf: g.delivery.rerun.testsigmaRunId } : {}),
      overrides: statusOverrides,
      ...(createIn ? { createIn } : {}),
    });
    return {
      ...g,
      caseIds: [...new Set(g.delivery.results.map((r) => r.testCaseId))],
      triage,
      runRec,
      caseResults,
      ...(resultsPlan ? { resultsPlan } : {}),
      keptHere,
      legacyResults,
      ...(planLink ? { planLink: { issueId: planLink.issueId } } : {}),
      ...(planIssue ? { planIssue } : {}),
    };
  });
}

/** Plan marks written at once by {@link recordCaseResults}. */
const MARK_WRITES_AT_ONCE = 10;

/** Runs `work` for each item, at most `limit` at a time. */
async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** One synced result to record, for {@link recordCaseResults}. */
export interface CaseResultWrite {
  caseId: string;
  input: CaseResultInput;
}

/** The results to record for a delivery's synced tests (one a case). */
export function caseResultWrites(
  mapped: readonly MappedResult[],
  args: { runId: string; execution: { key: string; id?: string }; at: string },
): CaseResultWrite[] {
  return mapped.map((m) => ({
    caseId: m.testCaseId,
    input: {
      status: m.xrayStatus,
      word: m.word,
      runId: args.runId,
      at: args.at,
      testIssueId: m.test.issueId,
      testExecutionKey: args.execution.key,
      ...(args.execution.id ? { testExecutionId: args.execution.id } : {}),
      ...(m.attempts !== undefined ? { attempts: m.attempts } : {}),
      ...(m.flaky ? { retried: true } : {}),
      ...(m.tries ? { tries: m.tries } : {}),
    },
  }));
}

/**
 * Records synced results: each case's last result, its history (one entry a run) and the run's attempts. Under a
 * Testsigma plan they go into the plan's records now (read again under its lock, so a concurrent writer's change
 * stays); without one they are per-case records, answered as items for the caller to write with the job. First, a
 * Test that reports here for the first time gets its plan mark, so its panel knows where to read.
 */
export async function recordCaseResults(
  deps: { kvs: KvsPort; sleep?: (ms: number) => Promise<void>; lockPauses?: readonly number[] },
  mapping: Pick<MappedDelivery, 'caseResults' | 'resultsPlan' | 'keptHere' | 'legacyResults'>,
  writes: readonly CaseResultWrite[],
  overrides: Readonly<Record<string, string>>,
): Promise<KvsItem[]> {
  const plan = mapping.resultsPlan;
  const where = plan ?? NO_PLAN_MARK;
  const marks = new Map<string, KvsItem>();
  const added: CaseIndexChange[] = [];
  for (const w of writes) {
    const test = w.input.testIssueId;
    const held = mapping.keptHere.has(w.caseId) ? mapping.caseResults.get(w.caseId) : undefined;
    // A record kept here for this Test means its marks were written before it; an older version's record does not.
    if (held?.testIssueId === test && (plan || !mapping.legacyResults)) continue;
    marks.set(test, planMarkItem(test, where));
    added.push({ caseId: w.caseId, addPlan: where });
  }
  const stored = <T>(call: () => Promise<T>) => patiently(call, undefined, deps.sleep);
  // The Test's mark tells its panel where to read; the case index's tells a Test Set's flaky list. Marks are
  // written one `set` each (a plan's first run of 2,000 Tests: 2,000 requests and write units, which Forge allows
  // 1,000 a second and 4,000 a minute of, rather than 80 of the minute's 45 batch operations).
  await forEachLimited([...marks.values()], MARK_WRITES_AT_ONCE, (m) => stored(() => deps.kvs.set(m.key, m.value)));
  if (added.length > 0) await stored(() => new CaseIndex(deps.kvs, deps.sleep, deps.lockPauses).apply(added));
  if (!plan) return writes.map((w) => caseResultItem(w.caseId, mapping.caseResults.get(w.caseId), w.input, overrides));
  const byCase = new Map(writes.map((w) => [w.caseId, w.input]));
  await stored(() =>
    updatePlanResults(deps.kvs, plan, [...byCase.keys()], (caseId, current) => nextCaseResult(current ?? mapping.caseResults.get(caseId), byCase.get(caseId)!, overrides), deps.sleep, deps.lockPauses),
  );
  return [];
}
