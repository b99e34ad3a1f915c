/**
 * Response bodies of the Testsigma emulator, with the keys and value types of the documented answers in
 * `test/fixtures/testsigma/` (Testsigma's docs, testsigma-docs `src/pages/docs/api/`). Values that the docs show
 * but the emulator has no model for (timeouts, notification settings) are fixed plausible constants.
 */
import {
  aggregateResult,
  countResults,
  type CaseRecord,
  type PlanRecord,
  type RunRecord,
  type SuiteRecord,
  type TestsigmaState,
} from './state';

/** Testsigma's error envelope (the docs show it on a 400 of `PUT /execution_results/{id}/override`). */
export function errorBody(message: string): Record<string, unknown> {
  return { timeStamp: null, error: message, code: null, fieldErrors: null, objectErrors: null };
}

const UNSORTED = { sorted: false, unsorted: true, empty: true };

/** A Spring Data page (`content`, `pageable`, `totalElements`, ...) as Testsigma's v1 list endpoints answer. */
export function springPage<T>(all: T[], page: number, size: number): Record<string, unknown> {
  const content = all.slice(page * size, page * size + size);
  const totalPages = size > 0 ? Math.ceil(all.length / size) : 0;
  return {
    content,
    pageable: { sort: { ...UNSORTED }, pageNumber: page, pageSize: size, offset: page * size, unpaged: false, paged: true },
    last: page >= totalPages - 1,
    totalElements: all.length,
    totalPages,
    sort: { ...UNSORTED },
    number: page,
    first: page === 0,
    numberOfElements: content.length,
    size,
    empty: content.length === 0,
  };
}

/**
 * A test plan entity: the shape the docs show nested as `execution` in `GET /execution_results/{id}` ("the Test
 * Plan details are located within the nested Execution JSON Object"), also used for `GET /test_plans` entries and
 * `GET /test_plans/{id}`.
 */
export function planBody(plan: PlanRecord, lastRunId: number | null): Record<string, unknown> {
  return {
    id: plan.id,
    applicationVersionId: plan.applicationVersionId,
    name: plan.name,
    description: null,
    mailList: null,
    elementTimeOut: 30,
    pageTimeOut: 30,
    environmentId: null,
    screenshot: 'FAILED_STEPS',
    recoveryAction: 'Run_Next_Testcase',
    onAbortedAction: 'Reuse_Session',
    onSuitePreRequisiteFail: 'Abort',
    onStepPreRequisiteFail: 'Run_Next_Testcase',
    reRunType: 'NONE',
    executionLabType: 'TestsigmaLab',
    executionType: 'CROSS_BROWSER',
    isManual: false,
    lastRunId,
    applicationVersion: {
      id: plan.applicationVersionId,
      applicationId: 25,
      versionName: 'Default Version',
      description: null,
      startTime: null,
      customFields: null,
      endTime: null,
      application: {
        id: 25,
        name: 'Emulated Web Application',
        description: '',
        customFields: '{}',
        projectId: 11,
        applicationType: 'WebApplication',
        project: {
          id: 11,
          name: 'Emulated Project',
          description: 'Testsigma emulator project',
          customFields: '{}',
          hasMultipleApps: true,
          hasMultipleVersions: true,
          isDemo: false,
          projectType: 'WebApplication',
          createdBy: 9,
          updatedBy: 9,
          createdDate: plan.createdDate,
          updatedDate: plan.updatedDate,
          files: null,
        },
        createdById: 9,
        updatedById: 9,
        createdDate: plan.createdDate,
        updatedDate: plan.updatedDate,
      },
      updatedDate: null,
      createdById: 9,
      updatedById: null,
      createdDate: plan.createdDate,
    },
    lastRun: null,
    slack: { enabled: null, channel: null, user_name: null },
    createdDate: plan.createdDate,
    updatedDate: plan.updatedDate,
    createdById: 9,
    updatedById: 9,
    matchBrowserVersion: false,
    visualTestingEnabled: false,
    notificationStatusList: [],
    msTeamsConnectorNotificationEnabled: false,
    googleChatConnectorNotificationEnabled: false,
    environments: [],
    retrySessionCreation: false,
    retrySessionCreationTimeout: null,
    onTestCasePreRequisiteFail: 'Abort',
  };
}

/** A test suite entity, as `GET /test_suites` lists it (docs: "Get Test Suites Information"). */
export function suiteBody(suite: SuiteRecord): Record<string, unknown> {
  const lr = suite.lastRun;
  return {
    id: suite.id,
    appVersionId: suite.appVersionId,
    preRequisite: null,
    createdById: 9,
    updatedById: 9,
    name: suite.name,
    description: '',
    createdDate: suite.createdDate,
    updatedDate: suite.updatedDate,
    preRequisiteSuite: null,
    lastRun: lr
      ? {
          id: lr.id,
          environmentResultId: lr.environmentResultId,
          suiteId: suite.id,
          startTime: lr.startTime,
          endTime: lr.endTime,
          duration: lr.endTime - lr.startTime,
          result: lr.result,
          status: 'STATUS_COMPLETED',
          message: lr.result === 'SUCCESS' ? 'Test Suite executed successfully' : 'Test Suite execution failed',
          position: lr.position,
          executionInitiatedOn: null,
          agentPickedOn: null,
          deviceAllocatedOn: null,
          sessionCreatedOn: null,
          sessionCompletedOn: null,
          totalCount: lr.totalCount,
          ...lr.counts,
          isVisuallyPassed: null,
          testSuite: null,
          environmentResult: null,
          sessionId: null,
          videoURL: null,
          logURLs: null,
          childResult: null,
          reRunParentId: null,
        }
      : null,
  };
}

/**
 * A test case entity for `GET /test_cases/{id}`. The docs show no single-case answer: the fields are an assumption
 * (the app needs `id` and `name`), named in Testsigma's camelCase style.
 */
export function caseBody(testCase: CaseRecord, applicationVersionId: number | null): Record<string, unknown> {
  return {
    id: testCase.id,
    name: testCase.name,
    description: null,
    applicationVersionId,
    testSuiteIds: [...testCase.suiteIds],
    isDataDriven: testCase.dataSets.length > 0,
    isStepGroup: false,
    status: 'READY',
    createdById: 9,
    updatedById: 9,
    createdDate: testCase.createdDate,
    updatedDate: testCase.updatedDate,
  };
}

function runMessage(status: string, result: string): string {
  if (status === 'STATUS_CREATED') return 'Test Plan execution is initiated and waiting to be queued';
  if (status === 'STATUS_IN_PROGRESS') return 'Test Plan execution is in progress';
  return result === 'SUCCESS' ? 'Test plan executed successfully' : 'Test plan execution failed';
}

/**
 * A run ("execution result"): the trigger answer (`execution: null`) and `GET /execution_results/{id}` (the plan
 * nested as `execution`) share this shape.
 */
export function runBody(state: TestsigmaState, run: RunRecord, withPlan: boolean): Record<string, unknown> {
  const status = state.statusOf(run);
  const done = status === 'STATUS_COMPLETED';
  const words = run.cases.map((c) => c.result);
  const result = done ? aggregateResult(words) : 'QUEUED';
  const counts = countResults(words);
  const plan = state.plans.get(run.planId);
  const startTime = run.startedAt ?? run.createdAt;
  return {
    id: run.id,
    execution: withPlan && plan ? planBody(plan, latestRunOf(state, plan.id)) : null,
    executionId: run.planId,
    startTime,
    endTime: done ? run.completedAt : null,
    duration: done && run.completedAt !== null ? run.completedAt - startTime : null,
    result,
    status,
    message: runMessage(status, result),
    executedBy: 43,
    buildNo: run.buildNo,
    // The docs' CI scripts ("trigger-test-plan-wait-completion") read `app_url`: the run in Testsigma's web app.
    app_url: `https://app.testsigma.com/ui/td/runs/${run.id}`,
    environmentId: null,
    totalCount: done ? words.length : 0,
    ...(done ? counts : { ...countResults([]) }),
    isVisuallyPassed: null,
    environment: null,
    childResult: null,
    reRunParentId: run.reRunParentId ?? null,
    reRunType: run.reRunType ?? null,
    triggeredType: 'API',
    totalRunningCount: status === 'STATUS_IN_PROGRESS' ? words.length : 0,
    executionDetails: {
      page_timeout: 30,
      element_timeout: 30,
      recovery_action: 'Run_Next_Testcase',
      on_aborted_action: 'Reuse_Session',
      screenshot_option: 'FAILED_STEPS',
      group_prerequisite_fail: 'Abort',
      test_case_prerequisite_fail: 'Abort',
      test_step_prerequisite_fail: 'Run_Next_Testcase',
      global_param_name: null,
    },
    totalQueuedCount: status === 'STATUS_COMPLETED' ? 0 : words.length,
  };
}

/** `GET /execution_results/{id}/test_case_results` (docs: "Test Case Execution details using REST API"). */
export function caseResultsBody(state: TestsigmaState, run: RunRecord): Record<string, unknown> {
  const status = state.statusOf(run);
  const done = status === 'STATUS_COMPLETED';
  return {
    executionId: run.planId,
    executionResultId: run.id,
    result: done ? aggregateResult(run.cases.map((c) => c.result)) : 'QUEUED',
    status,
    testCases: run.cases.map((c) => {
      const testCase = state.cases.get(c.testCaseId);
      const dataSets = testCase?.dataSets ?? [];
      return {
        testCaseId: c.testCaseId,
        testCaseName: testCase?.name ?? `Test case ${c.testCaseId}`,
        testCaseResultId: c.testCaseResultId,
        result: c.result,
        isDataDrivenCase: dataSets.length > 0,
        iterationResults: dataSets.map((setName, i) => ({
          iterationResultId: c.iterationResultIds[i] ?? 0,
          setName,
          result: c.iterationResults?.[i] ?? c.result,
        })),
        testSuiteId: c.testSuiteId,
        testSuiteName: state.suites.get(c.testSuiteId)?.name ?? `Test suite ${c.testSuiteId}`,
        testSuiteResultId: c.testSuiteResultId,
        machineId: run.machineId,
        machineTitle: run.machineTitle ?? 'machine 1',
        machineResultId: run.machineResultId,
      };
    }),
  };
}

/** The newest run of a plan, or null. */
export function latestRunOf(state: TestsigmaState, planId: number): number | null {
  let latest: number | null = null;
  for (const run of state.runs.values()) if (run.planId === planId && (latest === null || run.id > latest)) latest = run.id;
  return latest;
}
