/**
 * From a delivery's results to Xray's import bodies (contract section 5): status mapping, linked Tests by their
 * current keys, one import test per Xray Test, the Test Execution's fields, and the job's outcome. Pure.
 */
import type { JobCounts, JobState } from '../shared/types';
import type { DeliveryResult, RunMeta } from './results-payload';
import { toXrayDate } from './results-payload';
import { SiteStatusMap, siteStatusMap } from './status-map';
import { idList, jobMsg, type JobMessage } from './job-messages';
import { StoredAttempt, collapseEntries, severity } from './attempts';
import { outcomeOf } from './history';
import { issueSummary } from './issue-summary';

/* Xray's import shapes (REST v2 JSON and the multipart `info` part); `src/xray` re-exports them. */

/** One test of Xray's JSON import (Cloud spells evidence `evidence`). */
export interface XrayImportTest {
  /** The linked Test; absent for a Test the import creates or finds again by `testInfo`. */
  testKey?: string;
  /** A Generic Test to create once and find again by its definition (contract section 8, created Tests). */
  testInfo?: { projectKey: string; summary: string; type: 'Generic'; definition: string };
  status: string;
  start?: string;
  finish?: string;
  comment?: string;
  evidence?: Array<{ data: string; filename: string; contentType: string }>;
  /** A data-driven test's iterations (Xray's JSON format), each with the site's status. */
  iterations?: XrayIteration[];
}

/** One iteration of Xray's JSON import: a data set's parameters and its status. */
export interface XrayIteration {
  name?: string;
  parameters?: Array<{ name: string; value: string }>;
  status: string;
}

/** Xray's JSON import body. */
export interface XrayImportJson {
  testExecutionKey?: string;
  info?: { project?: string; summary?: string; description?: string; startDate?: string; finishDate?: string; testPlanKey?: string; testEnvironments?: string[] };
  tests: XrayImportTest[];
}

/** The `info` part of the multipart import: the new Test Execution's Jira fields. */
export interface XrayMultipartInfo {
  fields: {
    project: { key: string };
    summary: string;
    issuetype: { name?: string; id?: string };
    labels?: string[];
    description?: string;
    /** The template's and the run's own fields (fixVersions, components, Revision, custom fields). */
    [field: string]: unknown;
  };
  xrayFields?: { testPlanKey?: string; environments?: string[] };
}

/** Xray's name for the issue type of a Test Execution (sites that renamed it: see the README's open questions). */
export const TEST_EXECUTION_TYPE = 'Test Execution';
/** Jira summaries hold at most 255 characters. */
/** Comments are Jira text; far below Jira's 32,767-character cap, so a merged comment still fits. */
const MAX_COMMENT = 30_000;
/** How many ids a job lists (contract: first 100 unmapped). */
export const MAX_LISTED_IDS = 100;

/** A linked Xray Test as Jira reports it now. */
export interface CurrentTest {
  issueId: string;
  key: string;
  projectKey: string;
}

/** One test (a case's entries of the delivery, attempts included) that will be sent. */
export interface MappedResult {
  /** The index of the case's first entry in the delivery. */
  index: number;
  testCaseId: string;
  xrayStatus: string;
  test: CurrentTest;
  /** The case's entries as one result: the comment, times and files to send. */
  result: DeliveryResult;
  /** The incoming word the status stands for (`FLAKY` when it passed only on a retry). */
  word: string;
  /** The highest attempt, when the test has attempts. */
  attempts?: number;
  /** It passed only on a retry. */
  flaky?: boolean;
  /** The attempts to store for the run. */
  tries?: StoredAttempt[];
  /** A data-driven result's iterations, mapped to the site's statuses. */
  iterations?: XrayIteration[];
  /**
   * The case is linked to no Test and created Tests are on: the import creates (or finds again) this Generic Test,
   * and `test` holds only its project until the sync reads the Test's id back.
   */
  create?: { definition: string; summary: string };
}

/** The definition that finds a case's created Test again (never its summary). */
export function createdTestDefinition(caseId: string): string {
  return `testsigma:case:${caseId}`;
}

/** Where each test of a delivery stands before the import (counted by test: a case's entries are one). */
export interface ResultTriage {
  mapped: MappedResult[];
  /** Case ids with no linked Xray Test, in delivery order, unique. */
  unmappedIds: string[];
  unmappedCount: number;
  /** Tests not sent, and why (grouped into a few human messages). */
  failedCount: number;
  errors: JobMessage[];
}

/** What triage needs to turn attempts into one result (contract section 3, `attempt`). */
export interface TriageAttempts {
  /** Attempts the run already stored for a case synced to this Test. */
  stored?(caseId: string, testIssueId: string): readonly StoredAttempt[] | undefined;
  /** The delivery is this Testsigma re-run: each result is the next attempt of its test. */
  rerunOf?: string;
  /** The admin's status overrides (how a word counts as passing). */
  overrides?: Readonly<Record<string, string>>;
  /** Created Tests are on: a result of an unlinked case makes (or finds again) a Generic Test in this project. */
  createIn?: string;
}

/**
 * Sorts a delivery's tests into mapped, unmapped and failed. `statuses` is the effective map, or the site's
 * reading of it (`siteStatusMap`), which also catches a target the site lacks; `links` maps a case id to the
 * linked Test's issue id; `tests` holds the issues Jira still shows (by id). A case's entries (attempts, or one per
 * machine) are one test (`src/domain/attempts.ts`). A link to an issue that is gone, or a status the site lacks,
 * is a failed test with a message naming it, never sent.
 */
export function triageResults(
  results: readonly DeliveryResult[],
  statuses: Readonly<Record<string, string>> | SiteStatusMap,
  links: ReadonlyMap<string, string>,
  tests: ReadonlyMap<string, CurrentTest>,
  attempts: TriageAttempts = {},
): ResultTriage {
  const site: SiteStatusMap = typeof statuses.outcome === 'function' ? (statuses as SiteStatusMap) : siteStatusMap(statuses as Record<string, string>);
  const overrides = attempts.overrides ?? {};
  const flakyOutcome = site.outcome('FLAKY');
  const flakyStatus =
    flakyOutcome.kind === 'send' ? { status: flakyOutcome.status } : { missing: flakyOutcome.kind === 'missing_target' ? flakyOutcome.target : 'FLAKY' };
  const byCase = new Map<string, Array<{ result: DeliveryResult; index: number }>>();
  results.forEach((result, index) => {
    const list = byCase.get(result.testCaseId);
    if (list) list.push({ result, index });
    else byCase.set(result.testCaseId, [{ result, index }]);
  });
  const mapped: MappedResult[] = [];
  const unmapped: string[] = [];
  const unknownStatus = new Map<string, string[]>();
  const missingStatus = new Map<string, string[]>();
  const goneTests: Array<{ caseId: string; issueId: string }> = [];
  const note = (m: Map<string, string[]>, key: string, caseId: string) => m.set(key, [...(m.get(key) ?? []), caseId]);
  for (const [caseId, entries] of byCase) {
    // A data-driven entry stands for the worst of its own status and its iterations' (contract section 8).
    const words = entries.map((e) => [e.result.status, ...(e.result.iterations ?? []).map((it) => it.status)]);
    const unknownWord = words.flat().find((w) => site.outcome(w).kind === 'unknown_word');
    if (unknownWord !== undefined) {
      note(unknownStatus, unknownWord, caseId);
      continue;
    }
    // The word that decides each entry, so the history counts a data-driven result by its worst iteration too.
    const deciding = words.map((ws) => ws.reduce((w, x) => (worse(site.outcome(x), site.outcome(w)) ? x : w), ws[0]!));
    const outcomes = words.map((ws) => worstOutcome(ws.map((w) => site.outcome(w))));
    const issueId = links.get(caseId);
    if (issueId === undefined && !attempts.createIn) {
      unmapped.push(caseId);
      continue;
    }
    const test = issueId === undefined ? { issueId: '', key: '', projectKey: attempts.createIn! } : tests.get(issueId);
    if (!test) {
      goneTests.push({ caseId, issueId: issueId! });
      continue;
    }
    const missing = outcomes.find((o) => o.kind === 'missing_target');
    if (missing && missing.kind === 'missing_target') {
      note(missingStatus, missing.target, caseId);
      continue;
    }
    const collapsed = collapseEntries(
      entries.map((e, i) => ({
        result: deciding[i] === e.result.status ? e.result : { ...e.result, status: deciding[i]! },
        xrayStatus: (outcomes[i] as { status: string }).status,
      })),
      {
        stored: issueId === undefined ? undefined : attempts.stored?.(caseId, issueId),
        ...(attempts.rerunOf !== undefined ? { rerunOf: attempts.rerunOf } : {}),
        outcomeOf: (word) => outcomeOf(word, overrides),
        flakyStatus,
      },
    );
    if ('missingFlakyTarget' in collapsed) {
      note(missingStatus, collapsed.missingFlakyTarget, caseId);
      continue;
    }
    const iterations = iterationsOf(entries.map((e) => e.result), collapsed.attempts, attempts.rerunOf !== undefined, site);
    const name = entries.map((e) => e.result.testCaseName).find((n) => !!n);
    mapped.push({
      ...(issueId === undefined ? { create: { definition: createdTestDefinition(caseId), summary: issueSummary(name, `Testsigma test case ${caseId}`) } } : {}),
      ...(iterations ? { iterations } : {}),
      index: entries[0]!.index,
      testCaseId: caseId,
      xrayStatus: collapsed.xrayStatus,
      test,
      result: collapsed.result,
      word: collapsed.word,
      ...(collapsed.attempts !== undefined ? { attempts: collapsed.attempts } : {}),
      ...(collapsed.flaky ? { flaky: true } : {}),
      ...(collapsed.tries ? { tries: collapsed.tries } : {}),
    });
  }
  const errors: JobMessage[] = [];
  for (const [word, ids] of unknownStatus) {
    errors.push(jobMsg('unknownStatus', { count: ids.length, status: word, ids: idList(ids) }));
  }
  if (goneTests.length > 0) {
    const cases = idList(goneTests.map((g) => g.caseId));
    const issues = idList(goneTests.map((g) => g.issueId));
    errors.push(jobMsg('testsGone', { count: goneTests.length, ids: cases, issueIds: issues }));
  }
  for (const [target, ids] of missingStatus) {
    errors.push(jobMsg('statusMissing', { count: ids.length, status: target, statuses: (site.siteStatuses ?? []).join(', '), ids: idList(ids) }));
  }
  const count = (m: Map<string, string[]>) => [...m.values()].reduce((n, ids) => n + ids.length, 0);
  const failedCount = goneTests.length + count(unknownStatus) + count(missingStatus);
  return { mapped, unmappedIds: unmapped, unmappedCount: unmapped.length, failedCount, errors };
}

type Outcome = ReturnType<SiteStatusMap['outcome']>;

/** The outcome that decides among several words: an unknown word or a missing target first, else the worst status. */
function worstOutcome(outcomes: readonly Outcome[]): Outcome {
  const problem = outcomes.find((o) => o.kind === 'unknown_word') ?? outcomes.find((o) => o.kind === 'missing_target');
  if (problem) return problem;
  return outcomes.reduce((w, o) => (worse(o, w) ? o : w), outcomes[0]!);
}

/** Whether outcome `a` says more than `b`: both sendable and `a`'s status is more severe. */
function worse(a: Outcome, b: Outcome): boolean {
  return a.kind === 'send' && b.kind === 'send' && severity(a.status) < severity(b.status);
}

/**
 * The iterations sent for a case: those of the entries that decided its status (the highest attempt's when it has
 * attempts; every entry's otherwise), with the site's statuses. Undefined when none of them is data-driven.
 */
function iterationsOf(entries: readonly DeliveryResult[], attempts: number | undefined, rerun: boolean, site: SiteStatusMap): XrayIteration[] | undefined {
  const withAttempts = !rerun && entries.some((e) => e.attempt !== undefined);
  const deciding = withAttempts ? entries.filter((e) => (e.attempt ?? 1) === (attempts ?? 1)) : entries;
  const out: XrayIteration[] = [];
  for (const e of deciding) {
    for (const it of e.iterations ?? []) {
      const o = site.outcome(it.status);
      if (o.kind !== 'send') continue;
      out.push({
        ...(it.name ? { name: it.name } : {}),
        ...(it.parameters ? { parameters: Object.entries(it.parameters).map(([name, value]) => ({ name, value })) } : {}),
        status: o.status,
      });
    }
  }
  return out.length > 0 ? out : undefined;
}

/** "609, 610 and 3 more": the first 20 ids of a list, unique, in order. */
export function listIds(ids: readonly string[], max = 20): string {
  const unique = [...new Set(ids)];
  const shown = unique.slice(0, max).join(', ');
  return unique.length > max ? `${shown} and ${unique.length - max} more` : shown;
}

/** Evidence to attach to one test, per file. */
export interface Evidence {
  filename: string;
  contentType: string;
  data: string;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * One import test per Xray Test. An Xray Test may be linked to several Testsigma cases (contract section 2), so
 * their results merge: the most severe status, the earliest start and latest finish, every comment (prefixed by
 * its case when there are several) and every evidence file (each file name once).
 */
export function buildImportTests(
  mapped: readonly MappedResult[],
  evidenceOf: (m: MappedResult) => Evidence[] = () => [],
): XrayImportTest[] {
  const byKey = new Map<string, MappedResult[]>();
  for (const m of mapped) {
    const key = m.create ? m.create.definition : m.test.key;
    const list = byKey.get(key) ?? [];
    list.push(m);
    byKey.set(key, list);
  }
  const tests: XrayImportTest[] = [];
  for (const [testKey, group] of byKey) {
    const status = group.reduce((worst, m) => (severity(m.xrayStatus) < severity(worst) ? m.xrayStatus : worst), group[0]!.xrayStatus);
    const starts = group.map((m) => (m.result.startedAt ? toXrayDate(m.result.startedAt) : undefined)).filter((d): d is string => !!d);
    const finishes = group.map((m) => (m.result.finishedAt ? toXrayDate(m.result.finishedAt) : undefined)).filter((d): d is string => !!d);
    const comments = group
      .filter((m) => m.result.message)
      .map((m) => (group.length > 1 ? `Testsigma test case ${m.testCaseId}: ${m.result.message}` : m.result.message!));
    const evidence: Evidence[] = [];
    const names = new Set<string>();
    for (const m of group) {
      for (const e of evidenceOf(m)) {
        if (names.has(e.filename)) continue;
        names.add(e.filename);
        evidence.push(e);
      }
    }
    const made = group[0]!.create;
    const test: XrayImportTest = made
      ? { testInfo: { projectKey: group[0]!.test.projectKey, summary: made.summary, type: 'Generic', definition: made.definition }, status }
      : { testKey, status };
    if (starts.length > 0) test.start = starts.reduce((a, b) => (Date.parse(a) <= Date.parse(b) ? a : b));
    if (finishes.length > 0) test.finish = finishes.reduce((a, b) => (Date.parse(a) >= Date.parse(b) ? a : b));
    if (comments.length > 0) test.comment = clip(comments.join('\n\n'), MAX_COMMENT);
    if (evidence.length > 0) test.evidence = evidence;
    const iterations = group.flatMap((m) => m.iterations ?? []);
    if (iterations.length > 0) test.iterations = iterations;
    tests.push(test);
  }
  return tests;
}

/** The Test Execution's summary (contract section 5). */
export function executionSummary(meta: Pick<RunMeta, 'runId' | 'summary'>): string {
  return issueSummary(meta.summary, `Testsigma run ${meta.runId}`);
}

/** Where a new Test Execution goes. */
export interface ExecutionTarget {
  projectKey: string;
  testPlanKey?: string;
}

/**
 * Contract section 5: a linked Xray Test Plan decides (its project, attached to it); else the default project; else
 * the project of the first mapped Test. Undefined when nothing decides (no mapped Test).
 */
export function decideTarget(
  plan: CurrentTest | undefined,
  defaultProjectKey: string | undefined,
  mapped: readonly MappedResult[],
): ExecutionTarget | undefined {
  if (plan) return { projectKey: plan.projectKey, testPlanKey: plan.key };
  if (defaultProjectKey) return { projectKey: defaultProjectKey };
  const first = mapped[0];
  return first ? { projectKey: first.test.projectKey } : undefined;
}

/** The two parts of the multipart import that creates the run's Test Execution, marked with the run's label. */
export function buildCreateImport(args: {
  meta: RunMeta;
  tests: XrayImportTest[];
  target: ExecutionTarget;
  label: string;
  withEnvironments: boolean;
  /** The site's name for a Test Execution (`issueTypes.testExecution[0]`); Xray's own by default. */
  issueType?: string;
  /** Jira fields beyond project, type, summary, description and labels (`execution-template.ts`). */
  fields?: Record<string, unknown>;
  /** Labels beside the run's mark (the template's). */
  labels?: readonly string[];
}): { results: XrayImportJson; info: XrayMultipartInfo } {
  const { meta, tests, target, label } = args;
  const summary = executionSummary(meta);
  const startDate = meta.startedAt ? toXrayDate(meta.startedAt) : undefined;
  const finishDate = meta.finishedAt ? toXrayDate(meta.finishedAt) : undefined;
  const environments = args.withEnvironments && meta.environments && meta.environments.length > 0 ? meta.environments : undefined;
  const results: XrayImportJson = {
    info: {
      summary,
      ...(startDate ? { startDate } : {}),
      ...(finishDate ? { finishDate } : {}),
    },
    tests,
  };
  const xrayFields = {
    ...(target.testPlanKey ? { testPlanKey: target.testPlanKey } : {}),
    ...(environments ? { environments } : {}),
  };
  const info: XrayMultipartInfo = {
    fields: {
      ...(args.fields ?? {}),
      project: { key: target.projectKey },
      summary,
      issuetype: { name: args.issueType ?? TEST_EXECUTION_TYPE },
      labels: [...new Set([label, ...(args.labels ?? [])])],
      description: executionDescription(meta),
    },
    ...(Object.keys(xrayFields).length > 0 ? { xrayFields } : {}),
  };
  return { results, info };
}

/** The Test Execution's description: which Testsigma run it records, and a link back to it when known. */
export function executionDescription(meta: Pick<RunMeta, 'runId' | 'testsigmaUrl'>): string {
  const said = `Results of Testsigma run ${meta.runId}, recorded by Testsigma links for Xray.`;
  return meta.testsigmaUrl ? `${said}\nOpen the run in Testsigma: ${meta.testsigmaUrl}` : said;
}

/** The import that adds a later delivery to the run's Test Execution (idempotent: it names the execution). */
export function buildUpdateImport(testExecutionKey: string, tests: XrayImportTest[], testPlanKey?: string): XrayImportJson {
  // A later delivery may be the first to name a linked Test Plan; Xray links the execution to it then (idempotent).
  return { testExecutionKey, ...(testPlanKey ? { info: { testPlanKey } } : {}), tests };
}

/**
 * Whether Xray refused an import because of its test environments (the only captured wording: "the following
 * environments don't exist or are not in the context of test execution project: 'dev'!"). Answers the names to
 * report, or undefined when the refusal is about something else.
 */
export function refusedEnvironments(message: string, sent: readonly string[] | undefined): string[] | undefined {
  if (!sent || sent.length === 0 || !/environment/i.test(message)) return undefined;
  const named = sent.filter((e) => message.includes(`'${e}'`) || message.includes(`"${e}"`));
  return named.length > 0 ? named : [...sent];
}

/** A job's end state from its counts (contract section 3's `partial`). */
export function outcomeState(counts: JobCounts): Exclude<JobState, 'queued' | 'running'> {
  if (counts.synced === 0) return 'failed';
  return counts.synced === counts.received ? 'succeeded' : 'partial';
}
