/**
 * A subset of Xray Cloud's GraphQL API (`POST /api/v2/graphql`), built with graphql-js from SDL written after
 * Xray's published schema (us.xray.cloud.getxray.app/doc/graphql). Xray's rules kept here: issues are named by
 * Jira **id** (getTestRuns also takes keys, as a live test showed); every paged list needs `limit` in 1..100;
 * `jira(fields)` answers a JSON object; a JQL that matches more than 100 issues is an error; resolver errors come
 * back with HTTP 200 as `{ errors, data: { op: null } }`.
 */
import { buildSchema, GraphQLError, type GraphQLSchema } from 'graphql';
import type { Issue, TestRun, World, XrayKind } from '../world';
import { isBase64, labelProblem } from './import';
import { JqlError, runJql } from '../jira/jql';

const SDL = /* GraphQL */ `
  scalar JSON

  type Query {
    getTestSet(issueId: String): TestSet
    getTestSets(jql: String, issueIds: [String], projectId: String, limit: Int!, start: Int): TestSetResults
    getTestPlan(issueId: String): TestPlan
    getTestPlans(jql: String, issueIds: [String], projectId: String, limit: Int!, start: Int): TestPlanResults
    getTestExecution(issueId: String): TestExecution
    getTestExecutions(jql: String, issueIds: [String], projectId: String, limit: Int!, start: Int, modifiedSince: String): TestExecutionResults
    getTest(issueId: String): Test
    getTests(jql: String, issueIds: [String], projectId: String, limit: Int!, start: Int, modifiedSince: String): TestResults
    getTestRuns(testIssueIds: [String], testExecIssueIds: [String], testRunAssignees: [String], limit: Int!, start: Int, modifiedSince: String): TestRunResults
    getTestRunsById(ids: [String], limit: Int!, start: Int): TestRunResults
    getTestRun(testIssueId: String, testExecIssueId: String): TestRun
    getTestRunById(id: String): TestRun
    getStatuses(projectId: String): [Status]
    getStatus(name: String): Status
  }

  type Mutation {
    addEvidenceToTestRun(id: String!, evidence: [AttachmentDataInput]!): AddEvidenceResult
    updateTestRunStatus(id: String!, status: String!): String
    updateTestRunComment(id: String!, comment: String!): String
    createTestExecution(testIssueIds: [String], testEnvironments: [String], jira: JSON!): CreateTestExecutionResult
    addTestExecutionsToTestPlan(issueId: String!, testExecIssueIds: [String]!): AddTestExecutionsResult
    addTestsToTestExecution(issueId: String!, testIssueIds: [String]!): AddTestsResult
    addDefectsToTestRun(id: String!, issues: [String]!): AddDefectsResult
  }

  input AttachmentDataInput {
    filename: String
    mimeType: String
    data: String
    attachmentId: String
  }

  type Status { name: String description: String final: Boolean color: String }
  type StepStatus { name: String description: String color: String }
  type TestStatusType { name: String description: String final: Boolean color: String }
  type TestType { id: String name: String kind: String }

  type Test {
    issueId: String
    projectId: String
    testType: TestType
    status: TestStatusType
    unstructured: String
    gherkin: String
    scenarioType: String
    jira(fields: [String]): JSON
    testSets(issueIds: [String], limit: Int!, start: Int): TestSetResults
    testPlans(issueIds: [String], limit: Int!, start: Int): TestPlanResults
    testExecutions(issueIds: [String], limit: Int!, start: Int): TestExecutionResults
    testRuns(limit: Int!, start: Int): TestRunResults
    lastModified: String
  }
  type TestResults { total: Int start: Int limit: Int results: [Test] }

  type TestSet {
    issueId: String
    projectId: String
    tests(issueIds: [String], limit: Int!, start: Int): TestResults
    jira(fields: [String]): JSON
    lastModified: String
  }
  type TestSetResults { total: Int start: Int limit: Int results: [TestSet] }

  type TestPlan {
    issueId: String
    projectId: String
    tests(issueIds: [String], limit: Int!, start: Int): TestResults
    testExecutions(issueIds: [String], limit: Int!, start: Int): TestExecutionResults
    jira(fields: [String]): JSON
    lastModified: String
  }
  type TestPlanResults { total: Int start: Int limit: Int results: [TestPlan] }

  type TestExecution {
    issueId: String
    projectId: String
    testEnvironments: [String]
    tests(issueIds: [String], limit: Int!, start: Int): TestResults
    testPlans(issueIds: [String], limit: Int!, start: Int): TestPlanResults
    testRuns(limit: Int!, start: Int): TestRunResults
    jira(fields: [String]): JSON
    lastModified: String
  }
  type TestExecutionResults { total: Int start: Int limit: Int results: [TestExecution] }

  type Evidence { id: String filename: String storedInJira: Boolean downloadLink: String createdOn: String }
  type Example { id: String status: StepStatus duration: Float }
  type TestRunStep { id: String status: StepStatus action: String data: String result: String comment: String actualResult: String }
  type TestRunParameter { name: String value: String }
  type TestRunIteration { rank: String parameters: [TestRunParameter] status: StepStatus }
  type TestRunIterationResults { total: Int start: Int limit: Int results: [TestRunIteration] }

  type TestRun {
    id: String
    status: Status
    comment: String
    startedOn: String
    finishedOn: String
    evidence: [Evidence]
    defects: [String]
    steps: [TestRunStep]
    examples: [Example]
    gherkin: String
    unstructured: String
    scenarioType: String
    testType: TestType
    executedById: String
    assigneeId: String
    test: Test
    testExecution: TestExecution
    iterations(limit: Int!, start: Int): TestRunIterationResults
    lastModified: String
  }
  type TestRunResults { total: Int start: Int limit: Int results: [TestRun] }

  type AddEvidenceResult { addedEvidence: [String] warnings: [String] }
  type CreateTestExecutionResult { testExecution: TestExecution warnings: [String] createdTestEnvironments: [String] }
  type AddTestExecutionsResult { addedTestExecutions: [String] warning: String }
  type AddTestsResult { addedTests: [String] warning: String }
  type AddDefectsResult { addedDefects: [String] warnings: [String] }
`;

let cachedSchema: GraphQLSchema | undefined;

/** The schema (built once; resolvers come from {@link createRootValue}). */
export function xraySchema(): GraphQLSchema {
  cachedSchema ??= buildSchema(SDL);
  return cachedSchema;
}

interface Paging {
  limit?: number | null;
  start?: number | null;
  issueIds?: Array<string | null> | null;
}

/** Xray refuses a limit outside 1..100 (emulator wording; no captured message was found). */
function page<T>(items: T[], args: Paging): { total: number; start: number; limit: number; results: T[] } {
  const limit = args.limit;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw new GraphQLError(`The limit must be between 1 and 100 (got ${String(limit)}).`);
  }
  const start = args.start ?? 0;
  if (!Number.isInteger(start) || start < 0) throw new GraphQLError(`The start must be 0 or more (got ${start}).`);
  return { total: items.length, start, limit, results: items.slice(start, start + limit) };
}

const MAX_JQL_MATCHES = 100;

/**
 * Root resolvers for one request. `principal` is the API key's Jira account, or `app` for a key with no
 * account (sees and edits everything the app principal can).
 */
export function createRootValue(world: World, principal: string): Record<string, unknown> {
  const visible = (id: string | null | undefined, kind?: XrayKind): Issue | undefined => {
    if (typeof id !== 'string') return undefined;
    // Xray takes Jira ids here; a key is not looked up (the answer is null, as for a missing issue).
    const issue = /^\d+$/.test(id) ? world.findIssue(id) : undefined;
    if (!issue || !world.canBrowse(principal, issue)) return undefined;
    if (kind && world.kindOf(issue) !== kind) return undefined;
    return issue;
  };
  const visibleIdOrKey = (ref: string, kind: XrayKind): Issue | undefined => {
    const issue = world.findIssue(ref);
    if (!issue || !world.canBrowse(principal, issue) || world.kindOf(issue) !== kind) return undefined;
    return issue;
  };
  const requireEdit = (issue: Issue): void => {
    if (!world.hasPermission(principal, 'EDIT_ISSUES', issue.projectId)) {
      throw new GraphQLError(`User doesn't have permissions to edit issue with id ${issue.id}`);
    }
  };
  const filterIds = (ids: string[], args: Paging): string[] =>
    args.issueIds ? ids.filter((id) => args.issueIds?.includes(id)) : ids;
  const issuesOfKind = (ids: string[], kind: XrayKind): Issue[] =>
    ids.map((id) => visible(id, kind)).filter((i): i is Issue => i !== undefined);

  const jiraJson = (issue: Issue) => (args: { fields?: Array<string | null> | null }): Record<string, unknown> => {
    const all = ['key', 'summary', 'labels', 'issuetype', 'project', 'description', 'created', 'updated', 'status', 'assignee', 'reporter'];
    const wanted = args.fields ? args.fields.filter((f): f is string => typeof f === 'string') : all;
    const type = world.typeOf(issue);
    const project = world.projectOf(issue);
    const out: Record<string, unknown> = {};
    for (const f of wanted) {
      switch (f) {
        case 'key': out.key = issue.key; break;
        case 'summary': out.summary = issue.summary; break;
        case 'labels': out.labels = [...issue.labels]; break;
        case 'issuetype': out.issuetype = { id: type.id, name: type.name, subtask: type.subtask }; break;
        case 'project': out.project = { id: project.id, key: project.key, name: project.name }; break;
        case 'description': out.description = issue.description ?? null; break;
        case 'created': out.created = new Date(issue.createdAt).toISOString(); break;
        case 'updated': out.updated = new Date(issue.updatedAt).toISOString(); break;
        case 'status': out.status = { name: 'To Do', id: '10000' }; break;
        case 'assignee': out.assignee = null; break;
        case 'reporter': out.reporter = null; break;
        default: break; // Unknown fields are left out, as Jira leaves out fields it does not have.
      }
    }
    return out;
  };

  const statusJson = (name: string) => {
    const s = world.findStatus(name);
    return s ? { ...s } : { name, description: '', final: false, color: '#888888' };
  };

  /** The latest run of a Test, within an execution or a plan when given. */
  const latestRun = (testId: string, execIds?: string[]): TestRun | undefined =>
    world
      .listRuns({ testIssueIds: [testId], testExecIssueIds: execIds })
      .sort((a, b) => b.updatedAt - a.updatedAt)[0];

  const testObj = (issue: Issue, context?: { execId?: string; planId?: string }): Record<string, unknown> => ({
    issueId: issue.id,
    projectId: issue.projectId,
    testType: issue.testType ?? { id: '5e42b1d4d0257f0016808eef', name: 'Manual', kind: 'Steps' },
    status: () => {
      const execIds = context?.execId
        ? [context.execId]
        : context?.planId
          ? world.testPlanExecutionIds(context.planId)
          : undefined;
      const run = latestRun(issue.id, execIds);
      return statusJson(run?.status ?? 'TODO');
    },
    unstructured: issue.definition ?? null,
    gherkin: null,
    scenarioType: null,
    jira: jiraJson(issue),
    testSets: (args: Paging) =>
      page(
        issuesOfKind(filterIds(world.listIssues().filter((i) => world.kindOf(i) === 'testSet' && world.testSetTestIds(i.id).includes(issue.id)).map((i) => i.id), args), 'testSet').map(testSetObj),
        args,
      ),
    testPlans: (args: Paging) =>
      page(
        issuesOfKind(filterIds(world.listIssues().filter((i) => world.kindOf(i) === 'testPlan' && world.testPlanTestIds(i.id).includes(issue.id)).map((i) => i.id), args), 'testPlan').map(testPlanObj),
        args,
      ),
    testExecutions: (args: Paging) =>
      page(
        issuesOfKind(filterIds([...new Set(world.listRuns({ testIssueIds: [issue.id] }).map((r) => r.testExecIssueId))], args), 'testExecution').map(testExecutionObj),
        args,
      ),
    testRuns: (args: Paging) => page(world.listRuns({ testIssueIds: [issue.id] }).filter(runVisible).map(runObj), args),
    lastModified: new Date(issue.updatedAt).toISOString(),
  });

  const testSetObj = (issue: Issue): Record<string, unknown> => ({
    issueId: issue.id,
    projectId: issue.projectId,
    tests: (args: Paging) => page(issuesOfKind(filterIds(world.testSetTestIds(issue.id), args), 'test').map((t) => testObj(t)), args),
    jira: jiraJson(issue),
    lastModified: new Date(issue.updatedAt).toISOString(),
  });

  const testPlanObj = (issue: Issue): Record<string, unknown> => ({
    issueId: issue.id,
    projectId: issue.projectId,
    tests: (args: Paging) =>
      page(issuesOfKind(filterIds(world.testPlanTestIds(issue.id), args), 'test').map((t) => testObj(t, { planId: issue.id })), args),
    testExecutions: (args: Paging) =>
      page(issuesOfKind(filterIds(world.testPlanExecutionIds(issue.id), args), 'testExecution').map(testExecutionObj), args),
    jira: jiraJson(issue),
    lastModified: new Date(issue.updatedAt).toISOString(),
  });

  const testExecutionObj = (issue: Issue): Record<string, unknown> => ({
    issueId: issue.id,
    projectId: issue.projectId,
    testEnvironments: world.executionEnvironmentsOf(issue.id),
    tests: (args: Paging) =>
      page(issuesOfKind(filterIds(world.executionTestIds(issue.id), args), 'test').map((t) => testObj(t, { execId: issue.id })), args),
    testPlans: (args: Paging) =>
      page(issuesOfKind(filterIds(world.testPlansOfExecution(issue.id), args), 'testPlan').map(testPlanObj), args),
    testRuns: (args: Paging) =>
      page(
        world.executionTestIds(issue.id).flatMap((t) => {
          const r = world.findRun(t, issue.id);
          return r && runVisible(r) ? [runObj(r)] : [];
        }),
        args,
      ),
    jira: jiraJson(issue),
    lastModified: new Date(issue.updatedAt).toISOString(),
  });

  const runVisible = (run: TestRun): boolean => visible(run.testExecIssueId) !== undefined && visible(run.testIssueId) !== undefined;

  const runObj = (run: TestRun): Record<string, unknown> => {
    const test = world.findIssue(run.testIssueId);
    const exec = world.findIssue(run.testExecIssueId);
    return {
      id: run.id,
      status: statusJson(run.status),
      comment: run.comment ?? null,
      startedOn: run.startedOn ?? null,
      finishedOn: run.finishedOn ?? null,
      evidence: run.evidence.map((e) => ({
        id: e.id,
        filename: e.filename,
        storedInJira: false,
        downloadLink: `https://xray.cloud.getxray.app/api/v2/attachments/${e.id}`,
        createdOn: e.createdOn,
      })),
      defects: [...run.defects],
      steps: [],
      examples: [],
      gherkin: null,
      unstructured: test?.definition ?? null,
      scenarioType: null,
      testType: test?.testType ?? null,
      executedById: null,
      assigneeId: null,
      test: test ? testObj(test, { execId: run.testExecIssueId }) : null,
      testExecution: exec ? testExecutionObj(exec) : null,
      iterations: (args: Paging) =>
        page(
          run.iterations.map((it) => ({
            rank: it.rank,
            parameters: it.parameters,
            status: (({ name, description, color }) => ({ name, description, color }))(statusJson(it.status)),
          })),
          args,
        ),
      lastModified: new Date(run.updatedAt).toISOString(),
    };
  };

  /** Issues of a kind selected by jql / issueIds / projectId, as the get* list queries do. */
  const select = (kind: XrayKind, args: { jql?: string | null; issueIds?: Array<string | null> | null; projectId?: string | null; modifiedSince?: string | null }): Issue[] => {
    let issues: Issue[];
    if (typeof args.jql === 'string' && args.jql.trim() !== '') {
      let found: Issue[];
      try {
        found = runJql(world, principal, args.jql);
      } catch (e) {
        if (e instanceof JqlError) throw new GraphQLError(`Error in JQL: ${e.message}`);
        throw e;
      }
      if (found.length > MAX_JQL_MATCHES) {
        throw new GraphQLError(`The JQL query matched ${found.length} issues, more than the maximum of ${MAX_JQL_MATCHES}. Please refine your JQL search.`);
      }
      issues = found.filter((i) => world.kindOf(i) === kind).sort((a, b) => Number(a.id) - Number(b.id));
    } else {
      issues = world.listIssues().filter((i) => world.kindOf(i) === kind && world.canBrowse(principal, i));
    }
    if (args.issueIds) issues = issues.filter((i) => args.issueIds?.includes(i.id));
    if (typeof args.projectId === 'string') issues = issues.filter((i) => i.projectId === args.projectId);
    if (typeof args.modifiedSince === 'string') {
      const since = Date.parse(args.modifiedSince);
      issues = issues.filter((i) => i.updatedAt >= since);
    }
    return issues;
  };

  const runById = (id: string): TestRun => {
    const run = world.findRunById(id);
    if (!run || !runVisible(run)) throw new GraphQLError(`Test run with id ${id} not found!`);
    return run;
  };

  return {
    getTestSet: (a: { issueId?: string | null }) => {
      const i = visible(a.issueId, 'testSet');
      return i ? testSetObj(i) : null;
    },
    getTestSets: (a: Paging & { jql?: string; projectId?: string }) => page(select('testSet', a).map(testSetObj), a),
    getTestPlan: (a: { issueId?: string | null }) => {
      const i = visible(a.issueId, 'testPlan');
      return i ? testPlanObj(i) : null;
    },
    getTestPlans: (a: Paging & { jql?: string; projectId?: string }) => page(select('testPlan', a).map(testPlanObj), a),
    getTestExecution: (a: { issueId?: string | null }) => {
      const i = visible(a.issueId, 'testExecution');
      return i ? testExecutionObj(i) : null;
    },
    getTestExecutions: (a: Paging & { jql?: string; projectId?: string; modifiedSince?: string }) =>
      page(select('testExecution', a).map(testExecutionObj), a),
    getTest: (a: { issueId?: string | null }) => {
      const i = visible(a.issueId, 'test');
      return i ? testObj(i) : null;
    },
    getTests: (a: Paging & { jql?: string; projectId?: string; modifiedSince?: string }) =>
      page(select('test', a).map((t) => testObj(t)), a),
    getTestRuns: (a: Paging & { testIssueIds?: Array<string | null> | null; testExecIssueIds?: Array<string | null> | null }) => {
      // Captured: Xray answered a key in testExecIssueIds as if it were the id, so refs resolve both ways here.
      const resolve = (refs: Array<string | null> | null | undefined, kind: XrayKind): string[] | undefined =>
        refs ? refs.flatMap((r) => (typeof r === 'string' ? [visibleIdOrKey(r, kind)?.id ?? `missing:${r}`] : [])) : undefined;
      const testIds = resolve(a.testIssueIds, 'test');
      const execIds = resolve(a.testExecIssueIds, 'testExecution');
      if (!testIds && !execIds) throw new GraphQLError('testIssueIds or testExecIssueIds must be given.');
      const runs = world.listRuns({ testIssueIds: testIds, testExecIssueIds: execIds }).filter(runVisible);
      return page(runs.map(runObj), a);
    },
    getTestRunsById: (a: Paging & { ids?: Array<string | null> | null }) => {
      const runs = (a.ids ?? []).flatMap((id) => {
        const r = typeof id === 'string' ? world.findRunById(id) : undefined;
        return r && runVisible(r) ? [r] : [];
      });
      return page(runs.map(runObj), a);
    },
    getTestRun: (a: { testIssueId?: string | null; testExecIssueId?: string | null }) => {
      const t = visible(a.testIssueId, 'test');
      const e = visible(a.testExecIssueId, 'testExecution');
      const run = t && e ? world.findRun(t.id, e.id) : undefined;
      return run ? runObj(run) : null;
    },
    getTestRunById: (a: { id?: string | null }) => {
      const run = typeof a.id === 'string' ? world.findRunById(a.id) : undefined;
      return run && runVisible(run) ? runObj(run) : null;
    },
    getStatuses: () => world.listStatuses(),
    getStatus: (a: { name?: string | null }) => (typeof a.name === 'string' ? world.findStatus(a.name) ?? null : null),

    addEvidenceToTestRun: (a: { id: string; evidence: Array<Record<string, string | null> | null> }) => {
      const run = runById(a.id);
      requireEdit(world.requireIssue(run.testExecIssueId));
      const items = a.evidence.map((e) => e ?? {});
      for (const e of items) {
        if (typeof e.attachmentId === 'string') throw new GraphQLError('attachmentId is not supported by the emulator.');
        if (typeof e.filename !== 'string' || typeof e.mimeType !== 'string' || typeof e.data !== 'string') {
          throw new GraphQLError('A valid AttachmentDataInput must have the properties filename, mimeType and data defined.');
        }
        if (!isBase64(e.data)) throw new GraphQLError(`The data of evidence ${e.filename} is not valid base64.`);
      }
      const added = items.map((e) => world.addEvidence(run, { filename: e.filename as string, mimeType: e.mimeType as string, data: e.data as string }).filename);
      return { addedEvidence: added, warnings: [] };
    },
    updateTestRunStatus: (a: { id: string; status: string }) => {
      const run = runById(a.id);
      requireEdit(world.requireIssue(run.testExecIssueId));
      if (!world.findStatus(a.status)) throw new GraphQLError(`Status "${a.status}" does not exist.`);
      world.upsertRun(run.testExecIssueId, run.testIssueId, { status: a.status });
      return null;
    },
    updateTestRunComment: (a: { id: string; comment: string }) => {
      const run = runById(a.id);
      requireEdit(world.requireIssue(run.testExecIssueId));
      world.upsertRun(run.testExecIssueId, run.testIssueId, { comment: a.comment });
      return null;
    },
    createTestExecution: (a: { testIssueIds?: Array<string | null> | null; testEnvironments?: Array<string | null> | null; jira: unknown }) => {
      const jira = a.jira as { fields?: Record<string, unknown> } | null;
      const fields = jira && typeof jira === 'object' ? jira.fields : undefined;
      if (!fields || typeof fields !== 'object') throw new GraphQLError('jira.fields is required.');
      const pref = fields.project as { key?: unknown; id?: unknown } | undefined;
      const pkey = typeof pref?.key === 'string' ? pref.key : typeof pref?.id === 'string' ? pref.id : undefined;
      const project = pkey ? world.findProject(pkey) : undefined;
      if (!project || !world.hasPermission(principal, 'BROWSE_PROJECTS', project.id)) {
        throw new GraphQLError('Error creating Test Execution - Issue create failed! - project: valid project is required');
      }
      if (!world.hasPermission(principal, 'EDIT_ISSUES', project.id)) {
        throw new GraphQLError(`User doesn't have permissions to create issues in project ${project.key}`);
      }
      if (typeof fields.summary !== 'string' || fields.summary.trim() === '') {
        throw new GraphQLError('Error creating Test Execution - Issue create failed! - summary: You must specify a summary of the issue.');
      }
      const it = fields.issuetype as { id?: unknown; name?: unknown } | undefined;
      let typeId = world.listIssueTypes().find((t) => t.kind === 'testExecution')?.id;
      if (it) {
        const t = world.listIssueTypes().find((x) => x.id === String(it.id) || x.name === it.name);
        if (!t || t.kind !== 'testExecution') {
          throw new GraphQLError('Error creating Test Execution - Issue create failed! - issuetype: The issue type selected is invalid.');
        }
        typeId = t.id;
      }
      if (fields.labels !== undefined) {
        const problem = labelProblem(fields.labels);
        if (problem) throw new GraphQLError(`Error creating Test Execution - Issue create failed! - ${problem}`);
      }
      const warnings: string[] = [];
      const testIds: string[] = [];
      for (const ref of a.testIssueIds ?? []) {
        if (typeof ref !== 'string') continue;
        const t = visible(ref, 'test');
        if (t) testIds.push(t.id);
        else warnings.push(`Test with id ${ref} was not found or is not a Test.`);
      }
      const known = world.listTestEnvironments(project.id);
      const envs = (a.testEnvironments ?? []).filter((e): e is string => typeof e === 'string');
      const createdEnvs = envs.filter((e) => !known.includes(e));
      if (createdEnvs.length > 0) world.addTestEnvironments(project.key, createdEnvs);
      const created = world.createIssue({
        projectKey: project.key,
        type: typeId as string,
        summary: fields.summary,
        labels: (fields.labels as string[] | undefined) ?? [],
        description: fields.description,
      });
      if (envs.length > 0) world.setExecutionEnvironments(created.id, envs);
      if (testIds.length > 0) world.addTestsToTestExecution(created.id, testIds);
      return {
        testExecution: testExecutionObj(world.requireIssue(created.id)),
        warnings,
        createdTestEnvironments: createdEnvs,
      };
    },
    addTestExecutionsToTestPlan: (a: { issueId: string; testExecIssueIds: Array<string | null> }) => {
      const plan = visible(a.issueId, 'testPlan');
      if (!plan) throw new GraphQLError(`Test Plan with id ${a.issueId} not found!`);
      requireEdit(plan);
      const ok: string[] = [];
      const bad: string[] = [];
      for (const ref of a.testExecIssueIds) {
        if (typeof ref !== 'string') continue;
        const e = visible(ref, 'testExecution');
        if (e) ok.push(e.id);
        else bad.push(ref);
      }
      const added = world.addTestExecutionsToTestPlan(plan.id, ok);
      return {
        addedTestExecutions: added,
        warning: bad.length > 0 ? `The following issues are not Test Executions or were not found: ${bad.join(', ')}` : null,
      };
    },
    addDefectsToTestRun: (a: { id: string; issues: Array<string | null> }) => {
      const run = runById(a.id);
      requireEdit(world.requireIssue(run.testExecIssueId));
      // Defects are any Jira issues (keys or ids); Xray keeps and answers their ids, and names the misses in warnings.
      const ids: string[] = [];
      const warnings: string[] = [];
      for (const ref of a.issues) {
        if (typeof ref !== 'string') continue;
        const issue = world.findIssue(ref);
        if (issue && world.canBrowse(principal, issue)) ids.push(issue.id);
        else warnings.push(`Issue with key or id ${ref} was not found.`);
      }
      const added = ids.filter((id) => !run.defects.includes(id));
      world.upsertRun(run.testExecIssueId, run.testIssueId, { defects: ids });
      return { addedDefects: added, warnings };
    },
    addTestsToTestExecution: (a: { issueId: string; testIssueIds: Array<string | null> }) => {
      const exec = visible(a.issueId, 'testExecution');
      if (!exec) throw new GraphQLError(`Test Execution with id ${a.issueId} not found!`);
      requireEdit(exec);
      const ok: string[] = [];
      const bad: string[] = [];
      for (const ref of a.testIssueIds) {
        if (typeof ref !== 'string') continue;
        const t = visible(ref, 'test');
        if (t) ok.push(t.id);
        else bad.push(ref);
      }
      return {
        addedTests: world.addTestsToTestExecution(exec.id, ok),
        warning: bad.length > 0 ? `The following issues are not Tests or were not found: ${bad.join(', ')}` : null,
      };
    },
  };
}
