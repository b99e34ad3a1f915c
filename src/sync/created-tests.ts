/**
 * Created Tests (contract section 8): after an import that created (or found again) Generic Tests for results of
 * unlinked cases, their issue ids are read back from the Test Execution's tests (Xray's import answers only the
 * execution), matched by definition (`testsigma:case:<id>`, never by summary), and each is linked to its case as the
 * app (`linkedByApp`). The link rules hold: a case that someone linked to another Test meanwhile stays there.
 */
import type { JiraPort, Clock, Logger } from '../ports';
import type { KvsPort } from '../store/kvs-port';
import type { XrayClient } from '../xray/xray-types';
import type { MappedResult } from '../domain/xray-import';
import { LinkStore } from '../store/link-store';
import { searchIssues } from '../jira/jira-client';
import { jobMsg, idList, type JobMessage } from '../domain/job-messages';

/** Xray's page size for a Test Execution's tests (every list needs `limit` 1..100). */
const PAGE = 100;

const EXECUTION_TESTS = `query ($issueId: String, $start: Int, $limit: Int!) {
  getTestExecution(issueId: $issueId) {
    tests(limit: $limit, start: $start) { total start results { issueId unstructured testType { name } jira(fields: ["key", "project"]) } }
  }
}`;

const TESTS_BY_ID = `query ($issueIds: [String], $limit: Int!) {
  getTests(issueIds: $issueIds, limit: $limit) { results { issueId unstructured jira(fields: ["key", "project"]) } }
}`;

/** New Tests are looked for among those Jira shows created this recently in the project (a relative date: no time zone). */
const RECENT = '-30m';

type TestRow = { issueId?: string; unstructured?: string | null; jira?: { key?: unknown; project?: { key?: unknown } } | null };

interface ExecutionTestsPage {
  getTestExecution: {
    tests?: {
      total?: number;
      results?: TestRow[];
    } | null;
  } | null;
}

/** What adopting created Tests needs. */
export interface CreatedTestsDeps {
  kvs: KvsPort;
  jira: JiraPort;
  clock: Clock;
  log: Logger;
}

/** Reads the app's own account id (the `linkedBy` of the links it makes); `app` when Jira does not say. */
async function appAccountId(jira: JiraPort): Promise<string> {
  try {
    const res = await jira.asApp()('/rest/api/3/myself', { headers: { Accept: 'application/json' } });
    const body = JSON.parse(await res.text()) as { accountId?: unknown };
    return res.ok && typeof body.accountId === 'string' ? body.accountId : 'app';
  } catch {
    return 'app';
  }
}

/**
 * Finds the created Tests of `mapped` among the Test Execution's tests and links each to its case. Answers the
 * results with their Tests filled in (a created one that could not be found keeps no Test and is reported), and how
 * many results went to a created Test. Costs one Xray request per 100 Tests created just now (found through Jira's
 * search), and one per 100 tests of the execution only for those the search does not show.
 */
export async function adoptCreatedTests(
  deps: CreatedTestsDeps,
  xray: XrayClient,
  execution: { key: string; id?: string },
  mapped: readonly MappedResult[],
  deadline: number,
  warnings: JobMessage[],
  /** The site's names of the Test issue type, for the search of new Tests. */
  testTypes: readonly string[] = [],
): Promise<{ mapped: MappedResult[]; created: number }> {
  const wanted = mapped.filter((m) => m.create);
  if (wanted.length === 0) return { mapped: [...mapped], created: 0 };
  const byDefinition = new Map<string, { issueId: string; key: string; projectKey: string }>();
  const note = (rows: readonly TestRow[]) => {
    for (const t of rows) {
      const key = typeof t.jira?.key === 'string' ? t.jira.key : undefined;
      if (!t.issueId || !key || !t.unstructured) continue;
      const projectKey = typeof t.jira?.project?.key === 'string' ? t.jira.project.key : key.replace(/-\d+$/, '');
      byDefinition.set(t.unstructured, { issueId: t.issueId, key, projectKey });
    }
  };
  const missing = () => wanted.some((m) => !byDefinition.has(m.create!.definition));
  // First the cheap way: Jira (as the app, no Xray request) lists the Tests created in the project just now, and one
  // Xray request per 100 of them reads their definitions. Tests found again (made by an earlier run) and Tests Jira's
  // index does not show yet are then looked for among the Test Execution's tests, 100 a request.
  const project = wanted[0]!.test.projectKey;
  const types = (testTypes.length > 0 ? testTypes : ['Test']).map((n) => `"${n.replace(/["\\]/g, '')}"`).join(', ');
  const recent = await searchIssues(deps.jira.asApp(), `project = "${project}" AND issuetype in (${types}) AND created >= "${RECENT}" ORDER BY created DESC`, wanted.length + PAGE).catch(
    (err: unknown) => {
      deps.log.warn('sync: recent Tests not searchable; reading the Test Execution instead', { error: err instanceof Error ? err.message : String(err) });
      return [];
    },
  );
  const ids = recent.map((i) => i.id);
  for (let i = 0; i < ids.length && missing(); i += PAGE) {
    const page = await xray.graphql<{ getTests?: { results?: TestRow[] } | null }>(TESTS_BY_ID, { issueIds: ids.slice(i, i + PAGE), limit: PAGE }, { idempotent: true, deadline });
    note(page.getTests?.results ?? []);
  }
  for (let start = 0; missing(); start += PAGE) {
    const page = await xray.graphql<ExecutionTestsPage>(EXECUTION_TESTS, { issueId: execution.id ?? execution.key, start, limit: PAGE }, { idempotent: true, deadline });
    const tests = page.getTestExecution?.tests;
    const results = tests?.results ?? [];
    note(results);
    if (results.length < PAGE || start + PAGE >= (tests?.total ?? 0)) break;
  }
  const links = new LinkStore(deps.kvs);
  const linkedBy = await appAccountId(deps.jira);
  const at = new Date(deps.clock.now()).toISOString();
  const unfound: string[] = [];
  const elsewhere: string[] = [];
  const out: MappedResult[] = [];
  const toClaim: Array<{ m: MappedResult; test: NonNullable<ReturnType<typeof byDefinition.get>> }> = [];
  for (const m of mapped) {
    if (!m.create) continue;
    const test = byDefinition.get(m.create.definition);
    if (test) toClaim.push({ m, test });
    else unfound.push(m.testCaseId);
  }
  // One write of the case index for all of them (a claim each still keeps the one-Test-per-case rule).
  const claims = await links.claimCases(
    toClaim.map(({ m, test }) => ({ issueId: test.issueId, issueKind: 'test' as const, testsigmaKind: 'testCase' as const, testsigmaId: m.testCaseId, linkedBy, linkedAt: at, linkedByApp: true })),
  );
  const claimedTest = new Map<string, (typeof toClaim)[number]['test']>();
  toClaim.forEach(({ m, test }, i) => {
    // Linked by hand to another Test since the sync began: that link stands (one Test per case), the result went
    // to the created Test, and its history stays with the case's own Test.
    if (claims[i]!.ok) claimedTest.set(m.testCaseId, test);
    else elsewhere.push(m.testCaseId);
  });
  for (const m of mapped) {
    if (!m.create) out.push(m);
    else {
      const test = claimedTest.get(m.testCaseId);
      if (test) out.push({ ...m, test });
    }
  }
  if (unfound.length > 0) {
    deps.log.warn('sync: created Tests not found in the Test Execution', { count: unfound.length });
    warnings.push(jobMsg('createdTestsUnfound', { count: unfound.length, ids: idList(unfound), key: execution.key }));
  }
  if (elsewhere.length > 0) warnings.push(jobMsg('createdTestsLinkedElsewhere', { count: elsewhere.length, ids: idList(elsewhere) }));
  return { mapped: out, created: wanted.length };
}
