/**
 * In-memory state of the Testsigma emulator: test plans, suites, cases and the runs triggered on them.
 *
 * Pure logic with an injected clock, no HTTP: the server in `server.ts` only routes to it, and tests can seed it
 * and move runs forward directly.
 */

/** Result words Testsigma reports for plans, suites and cases (`ResultConstant` plus the words its docs use). */
export type ResultWord =
  | 'SUCCESS'
  | 'FAILURE'
  | 'ABORTED'
  | 'NOT_EXECUTED'
  | 'QUEUED'
  | 'STOPPED'
  | 'PRE_REQUISITE_FAILED';

/** Where a run is in its life. */
export type RunStatus = 'STATUS_CREATED' | 'STATUS_IN_PROGRESS' | 'STATUS_COMPLETED';

/** A Testsigma test plan. */
export interface PlanRecord {
  id: number;
  name: string;
  applicationVersionId: number;
  /** Suites in run order. */
  suiteIds: number[];
  createdDate: number;
  updatedDate: number;
}

/** A Testsigma test suite. */
export interface SuiteRecord {
  id: number;
  name: string;
  appVersionId: number;
  createdDate: number;
  updatedDate: number;
  /** The suite's result in the newest completed run that contained it. */
  lastRun: SuiteLastRun | null;
}

/** What a suite list entry shows of the suite's newest run. */
export interface SuiteLastRun {
  id: number;
  environmentResultId: number;
  startTime: number;
  endTime: number;
  result: ResultWord;
  position: number;
  totalCount: number;
  counts: ResultCounts;
}

/** A Testsigma test case. */
export interface CaseRecord {
  id: number;
  name: string;
  /** Suites that contain the case, in the order they were given. */
  suiteIds: number[];
  /** Data set names of a data-driven case (its iterations); empty for a plain case. */
  dataSets: string[];
  createdDate: number;
  updatedDate: number;
}

/** One case of a run, as planned when the run was triggered. */
export interface RunCase {
  testCaseId: number;
  testSuiteId: number;
  testCaseResultId: number;
  testSuiteResultId: number;
  result: ResultWord;
  iterationResultIds: number[];
  /** Each data set's own result, when they differ from the case's (docs: "Test Case Execution details": iterationResults). */
  iterationResults?: ResultWord[];
}

/** A triggered run of a plan (Testsigma's "execution result"). */
export interface RunRecord {
  id: number;
  planId: number;
  buildNo: string | null;
  createdAt: number;
  startedAt: number | null;
  completedAt: number | null;
  machineId: number;
  machineResultId: number;
  /** The run's machine as Testsigma titles it (`machineTitle`); "machine 1" unless a test sets it. */
  machineTitle?: string;
  cases: RunCase[];
  /** A re-run: the run it re-runs (`reRunParentId`), and how its cases were picked (`reRunType`). */
  reRunParentId?: number;
  reRunType?: ReRunType;
}

/** How a re-run picks its cases from the run it re-runs (Testsigma's `ReRunType`, the values its API docs use). */
export type ReRunType = 'ALL_TESTS' | 'ONLY_FAILED_TESTS' | 'USER_PICKED';
/** The re-run types the emulator knows. */
export const RERUN_TYPES: readonly ReRunType[] = ['ALL_TESTS', 'ONLY_FAILED_TESTS', 'USER_PICKED'];

/** Per-result counts, named as Testsigma's run answers name them. */
export interface ResultCounts {
  failedCount: number;
  passedCount: number;
  abortedCount: number;
  stoppedCount: number;
  notExecutedCount: number;
  preRequisiteFailedCount: number;
  queuedCount: number;
}

/** How long a run stays in each status when nobody moves it by hand. */
export interface RunDurations {
  /** Time in STATUS_CREATED before STATUS_IN_PROGRESS (ms). `Infinity` keeps it there until `startRun`. */
  queuedMs: number;
  /** Time in STATUS_IN_PROGRESS before STATUS_COMPLETED (ms). `Infinity` waits for `completeRun`. */
  runningMs: number;
}

/** Seed input for a plan. */
export interface PlanInput {
  id: number | string;
  name: string;
  applicationVersionId?: number;
  suiteIds?: Array<number | string>;
}

/** Seed input for a suite. */
export interface SuiteInput {
  id: number | string;
  name: string;
  appVersionId?: number;
}

/** Seed input for a case. */
export interface CaseInput {
  id: number | string;
  name: string;
  suiteIds?: Array<number | string>;
  dataSets?: string[];
}

const RESULT_WORDS: readonly ResultWord[] = [
  'SUCCESS',
  'FAILURE',
  'ABORTED',
  'NOT_EXECUTED',
  'QUEUED',
  'STOPPED',
  'PRE_REQUISITE_FAILED',
];

/** True when `word` is a result word the emulator can report. */
export function isResultWord(word: unknown): word is ResultWord {
  return typeof word === 'string' && (RESULT_WORDS as readonly string[]).includes(word);
}

/**
 * The result a case gets when a test does not say otherwise: every third case id fails, so that a plan of a few
 * cases always shows both outcomes and a test can predict which.
 */
export function defaultCaseResult(testCaseId: number): ResultWord {
  return testCaseId % 3 === 0 ? 'FAILURE' : 'SUCCESS';
}

/** Counts the results of a run's cases. */
export function countResults(results: ResultWord[]): ResultCounts {
  const counts: ResultCounts = {
    failedCount: 0,
    passedCount: 0,
    abortedCount: 0,
    stoppedCount: 0,
    notExecutedCount: 0,
    preRequisiteFailedCount: 0,
    queuedCount: 0,
  };
  for (const r of results) {
    if (r === 'SUCCESS') counts.passedCount++;
    else if (r === 'FAILURE') counts.failedCount++;
    else if (r === 'ABORTED') counts.abortedCount++;
    else if (r === 'STOPPED') counts.stoppedCount++;
    else if (r === 'NOT_EXECUTED') counts.notExecutedCount++;
    else if (r === 'PRE_REQUISITE_FAILED') counts.preRequisiteFailedCount++;
    else counts.queuedCount++;
  }
  return counts;
}

/**
 * The overall result of a set of case results, worst first: Testsigma reports a plan as FAILURE as soon as one
 * case failed.
 */
export function aggregateResult(results: ResultWord[]): ResultWord {
  if (results.length === 0) return 'NOT_EXECUTED';
  const order: ResultWord[] = ['FAILURE', 'PRE_REQUISITE_FAILED', 'ABORTED', 'STOPPED', 'QUEUED', 'NOT_EXECUTED'];
  for (const word of order) {
    if (results.includes(word)) return word === 'PRE_REQUISITE_FAILED' ? 'FAILURE' : word;
  }
  return 'SUCCESS';
}

function toId(value: number | string, what: string): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`Testsigma emulator: ${what} id must be a positive integer, got ${String(value)}`);
  return n;
}

/** The emulator's data and the rules that move runs forward. */
export class TestsigmaState {
  readonly plans = new Map<number, PlanRecord>();
  readonly suites = new Map<number, SuiteRecord>();
  readonly cases = new Map<number, CaseRecord>();
  readonly runs = new Map<number, RunRecord>();
  /** Result overrides that apply to every run completing after they are set (case id -> result). */
  readonly caseResults = new Map<number, ResultWord>();
  durations: RunDurations;
  private nextRunId = 1001;
  private nextResultId = 50001;

  constructor(
    private readonly now: () => number,
    durations: Partial<RunDurations> = {},
  ) {
    this.durations = { queuedMs: durations.queuedMs ?? 1000, runningMs: durations.runningMs ?? 2000 };
  }

  /** Adds or replaces a test plan. */
  addTestPlan(input: PlanInput): PlanRecord {
    const t = this.now();
    const plan: PlanRecord = {
      id: toId(input.id, 'plan'),
      name: input.name,
      applicationVersionId: input.applicationVersionId ?? 39,
      suiteIds: (input.suiteIds ?? []).map((s) => toId(s, 'suite')),
      createdDate: t,
      updatedDate: t,
    };
    this.plans.set(plan.id, plan);
    return plan;
  }

  /** Adds or replaces a test suite. */
  addTestSuite(input: SuiteInput): SuiteRecord {
    const t = this.now();
    const suite: SuiteRecord = {
      id: toId(input.id, 'suite'),
      name: input.name,
      appVersionId: input.appVersionId ?? 39,
      createdDate: t,
      updatedDate: t,
      lastRun: null,
    };
    this.suites.set(suite.id, suite);
    return suite;
  }

  /** Adds or replaces a test case. */
  addTestCase(input: CaseInput): CaseRecord {
    const t = this.now();
    const testCase: CaseRecord = {
      id: toId(input.id, 'case'),
      name: input.name,
      suiteIds: (input.suiteIds ?? []).map((s) => toId(s, 'suite')),
      dataSets: input.dataSets ?? [],
      createdDate: t,
      updatedDate: t,
    };
    this.cases.set(testCase.id, testCase);
    return testCase;
  }

  /**
   * Seeds a whole plan in one call: the plan, its suites and their cases.
   * Case ids may repeat across suites (a case in two suites runs in both).
   */
  seedPlan(input: {
    id: number | string;
    name: string;
    applicationVersionId?: number;
    suites: Array<{ id: number | string; name: string; cases: Array<{ id: number | string; name: string; dataSets?: string[] }> }>;
  }): PlanRecord {
    for (const s of input.suites) {
      this.addTestSuite({ id: s.id, name: s.name, appVersionId: input.applicationVersionId });
      for (const c of s.cases) {
        const existing = this.cases.get(toId(c.id, 'case'));
        const suiteIds = existing ? [...existing.suiteIds] : [];
        const suiteId = toId(s.id, 'suite');
        if (!suiteIds.includes(suiteId)) suiteIds.push(suiteId);
        this.addTestCase({ id: c.id, name: c.name, suiteIds, dataSets: c.dataSets ?? existing?.dataSets });
      }
    }
    return this.addTestPlan({
      id: input.id,
      name: input.name,
      applicationVersionId: input.applicationVersionId,
      suiteIds: input.suites.map((s) => s.id),
    });
  }

  /** The cases of a suite, in the order they were added. */
  casesOfSuite(suiteId: number): CaseRecord[] {
    return [...this.cases.values()].filter((c) => c.suiteIds.includes(suiteId));
  }

  /** Sets the result a case gets in every run that completes from now on (`undefined` restores the default). */
  setCaseResult(testCaseId: number | string, result: ResultWord | undefined): void {
    const id = toId(testCaseId, 'case');
    if (result === undefined) this.caseResults.delete(id);
    else this.caseResults.set(id, result);
  }

  /** Triggers a run of a plan; answers undefined when the plan does not exist. */
  triggerRun(planId: number, buildNo: string | null): RunRecord | undefined {
    const plan = this.plans.get(planId);
    if (!plan) return undefined;
    const cases: RunCase[] = [];
    for (const suiteId of plan.suiteIds) {
      const suiteResultId = this.nextResultId++;
      for (const c of this.casesOfSuite(suiteId)) {
        cases.push({
          testCaseId: c.id,
          testSuiteId: suiteId,
          testCaseResultId: this.nextResultId++,
          testSuiteResultId: suiteResultId,
          result: 'QUEUED',
          iterationResultIds: c.dataSets.map(() => this.nextResultId++),
        });
      }
    }
    const run: RunRecord = {
      id: this.nextRunId++,
      planId,
      buildNo,
      createdAt: this.now(),
      startedAt: null,
      completedAt: null,
      machineId: 400 + planId,
      machineResultId: this.nextResultId++,
      cases,
    };
    this.runs.set(run.id, run);
    return run;
  }

  /**
   * Re-runs cases of a completed run (Testsigma's `POST /execution_results` with `isReRun`): all of them, the ones
   * that did not succeed, or those whose case result ids are picked. Answers undefined when the run does not exist,
   * and a reason when it cannot be re-run (not completed, nothing to re-run).
   */
  triggerRerun(parentId: number, type: ReRunType, pickedResultIds: number[] = []): RunRecord | string | undefined {
    const parent = this.getRun(parentId);
    if (!parent) return undefined;
    if (parent.completedAt === null) return `Test plan result ${parentId} has not completed yet and cannot be re-run`;
    const picked = new Set(pickedResultIds);
    const chosen = parent.cases.filter((c) =>
      type === 'ALL_TESTS' ? true : type === 'ONLY_FAILED_TESTS' ? c.result !== 'SUCCESS' : picked.has(c.testCaseResultId),
    );
    if (chosen.length === 0) return `No test case results of test plan result ${parentId} match the re-run`;
    const suiteResultIds = new Map<number, number>();
    const cases: RunCase[] = chosen.map((c) => {
      if (!suiteResultIds.has(c.testSuiteId)) suiteResultIds.set(c.testSuiteId, this.nextResultId++);
      return {
        testCaseId: c.testCaseId,
        testSuiteId: c.testSuiteId,
        testCaseResultId: this.nextResultId++,
        testSuiteResultId: suiteResultIds.get(c.testSuiteId)!,
        result: 'QUEUED',
        iterationResultIds: c.iterationResultIds.map(() => this.nextResultId++),
      };
    });
    const run: RunRecord = {
      id: this.nextRunId++,
      planId: parent.planId,
      buildNo: parent.buildNo,
      createdAt: this.now(),
      startedAt: null,
      completedAt: null,
      machineId: parent.machineId,
      machineResultId: this.nextResultId++,
      cases,
      reRunParentId: parent.id,
      reRunType: type,
    };
    this.runs.set(run.id, run);
    return run;
  }

  /** Moves a run to STATUS_IN_PROGRESS now (no-op once it has started). */
  startRun(runId: number): RunRecord {
    const run = this.requireRun(runId);
    this.advance(run);
    if (run.startedAt === null) run.startedAt = this.now();
    return run;
  }

  /**
   * Completes a run now. Each case gets `results[caseId]` when given, else the override set by `setCaseResult`,
   * else `defaultCaseResult`. A completed run keeps its results.
   */
  completeRun(runId: number, results: Record<string, ResultWord> = {}): RunRecord {
    const run = this.requireRun(runId);
    this.advance(run);
    if (run.completedAt !== null) return run;
    const t = this.now();
    if (run.startedAt === null) run.startedAt = t;
    this.finish(run, t, results);
    return run;
  }

  /** Sets the results of a data-driven case's data sets in a run, in the order of its data sets. */
  setIterationResults(runId: number, testCaseId: number | string, results: ResultWord[]): void {
    const c = this.requireRun(runId).cases.find((x) => x.testCaseId === Number(testCaseId));
    if (!c) throw new Error(`run ${runId} has no case ${testCaseId}`);
    c.iterationResults = [...results];
  }

  /** Looks a run up, bringing its status up to date with the clock first. */
  getRun(runId: number): RunRecord | undefined {
    const run = this.runs.get(runId);
    if (run) this.advance(run);
    return run;
  }

  /** The status a run is in now. */
  statusOf(run: RunRecord): RunStatus {
    if (run.completedAt !== null) return 'STATUS_COMPLETED';
    if (run.startedAt !== null) return 'STATUS_IN_PROGRESS';
    return 'STATUS_CREATED';
  }

  private requireRun(runId: number): RunRecord {
    const run = this.runs.get(runId);
    if (!run) throw new Error(`Testsigma emulator: no run ${runId}`);
    return run;
  }

  /** Applies the time-based progression: runs move on their own unless a duration is Infinity. */
  private advance(run: RunRecord): void {
    if (run.completedAt !== null) return;
    const t = this.now();
    const startAt = run.startedAt ?? run.createdAt + this.durations.queuedMs;
    if (run.startedAt === null && t >= startAt) run.startedAt = startAt;
    if (run.startedAt !== null) {
      const doneAt = run.startedAt + this.durations.runningMs;
      if (t >= doneAt) this.finish(run, doneAt, {});
    }
  }

  private finish(run: RunRecord, at: number, results: Record<string, ResultWord>): void {
    run.completedAt = at;
    for (const c of run.cases) {
      c.result = results[String(c.testCaseId)] ?? this.caseResults.get(c.testCaseId) ?? defaultCaseResult(c.testCaseId);
    }
    // Suites remember their newest run, which is what GET /test_suites shows as `lastRun`.
    const plan = this.plans.get(run.planId);
    plan?.suiteIds.forEach((suiteId, index) => {
      const suite = this.suites.get(suiteId);
      if (!suite) return;
      const inSuite = run.cases.filter((c) => c.testSuiteId === suiteId);
      const words = inSuite.map((c) => c.result);
      suite.lastRun = {
        id: inSuite[0]?.testSuiteResultId ?? this.nextResultId++,
        environmentResultId: run.machineResultId,
        startTime: run.startedAt ?? at,
        endTime: at,
        result: aggregateResult(words),
        position: index + 1,
        totalCount: words.length,
        counts: countResults(words),
      };
    });
  }
}
