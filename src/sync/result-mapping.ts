/**
 * Mapping a delivery's results to Xray: each Testsigma case to its linked Xray Test by the Test's current key (read
 * from Jira at sync time), each status through the site's reading of the status map, and the linked Test Plan.
 */
import type { JiraPort } from '../ports';
import type { KvsPort } from '../store/kvs-port';
import type { Delivery } from '../domain/results-payload';
import { bulkFetchIssues } from '../jira/jira-client';
import { LinkStore } from '../store/link-store';
import { CaseResultRecord, RunRecord, caseResultItem, readCaseResults, runRecordKey } from '../store/run-store';
import type { KvsItem } from '../store/job-store';
import { attemptsOfRun } from '../domain/history';
import { getMany } from '../store/kvs-port';
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
  // The run records (each machine's, when split) and the site's cached statuses come in one batch read beside the
  // links; so do the cases' result records (history and the run's attempts so far: one batch read per 25 cases, no
  // call per result). Machines of a run share these reads.
  const [owners, caseResults, kept, planLink] = await Promise.all([
    links.ownersOfCases(caseIds),
    readCaseResults(deps.kvs, caseIds),
    getMany<unknown>(deps.kvs, [...new Set(groups.map((g) => runRecordKey(g.delivery.runId))), STATUS_CACHE_KEY]),
    delivery.testPlanId ? links.owner('testPlan', delivery.testPlanId) : undefined,
  ]);
  const siteStatuses = await statusesFor(asCachedStatuses(kept.get(STATUS_CACHE_KEY)));
  const issueIds = new Set<string>([...owners.values()].map((o) => o.issueId));
  if (planLink) issueIds.add(planLink.issueId);
  const issues = issueIds.size > 0 ? await bulkFetchIssues(deps.jira.asApp(), [...issueIds]) : new Map();
  const current = new Map<string, CurrentTest>();
  for (const i of issues.values()) current.set(i.id, { issueId: i.id, key: i.key, projectKey: i.projectKey });
  const caseToIssue = new Map<string, string>();
  for (const [caseId, rec] of owners) caseToIssue.set(caseId, rec.issueId);
  const planIssue = planLink ? current.get(planLink.issueId) : undefined;
  return groups.map((g) => {
    const runRec = kept.get(runRecordKey(g.delivery.runId)) as RunRecord | undefined;
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
      ...(planLink ? { planLink: { issueId: planLink.issueId } } : {}),
      ...(planIssue ? { planIssue } : {}),
    };
  });
}

/**
 * The writes that record a delivery's synced tests: each case's record with its last result, its history (one entry
 * a run) and the run's attempts, from the record read by {@link mapDelivery}, so history costs no read of its own.
 */
export function caseRecordItems(
  mapped: readonly MappedResult[],
  args: {
    caseResults: ReadonlyMap<string, CaseResultRecord>;
    runId: string;
    execution: { key: string; id?: string };
    at: string;
    overrides: Readonly<Record<string, string>>;
  },
): KvsItem[] {
  return mapped.map((m) =>
    caseResultItem(
      m.testCaseId,
      args.caseResults.get(m.testCaseId),
      {
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
      args.overrides,
    ),
  );
}
