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
import { jobMsg, idList, type JobMessage } from '../domain/job-messages';

/** Xray's page size for a Test Execution's tests (every list needs `limit` 1..100). */
const PAGE = 100;

const EXECUTION_TESTS = `query ($issueId: String, $start: Int, $limit: Int!) {
  getTestExecution(issueId: $issueId) {
    tests(limit: $limit, start: $start) { total start results { issueId unstructured testType { name } jira(fields: ["key", "project"]) } }
  }
}`;

interface ExecutionTestsPage {
  getTestExecution: {
    tests?: {
      total?: number;
      results?: Array<{ issueId?: string; unstructured?: string | null; jira?: { key?: unknown; project?: { key?: unknown } } | null }>;
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
 * many results went to a created Test. Costs one Xray request per 100 tests of the execution.
 */
export async function adoptCreatedTests(
  deps: CreatedTestsDeps,
  xray: XrayClient,
  execution: { key: string; id?: string },
  mapped: readonly MappedResult[],
  deadline: number,
  warnings: JobMessage[],
): Promise<{ mapped: MappedResult[]; created: number }> {
  const wanted = mapped.filter((m) => m.create);
  if (wanted.length === 0) return { mapped: [...mapped], created: 0 };
  const byDefinition = new Map<string, { issueId: string; key: string; projectKey: string }>();
  const missing = () => wanted.some((m) => !byDefinition.has(m.create!.definition));
  for (let start = 0; missing(); start += PAGE) {
    const page = await xray.graphql<ExecutionTestsPage>(EXECUTION_TESTS, { issueId: execution.id ?? execution.key, start, limit: PAGE }, { idempotent: true, deadline });
    const tests = page.getTestExecution?.tests;
    const results = tests?.results ?? [];
    for (const t of results) {
      const key = typeof t.jira?.key === 'string' ? t.jira.key : undefined;
      if (!t.issueId || !key || !t.unstructured) continue;
      const projectKey = typeof t.jira?.project?.key === 'string' ? t.jira.project.key : key.replace(/-\d+$/, '');
      byDefinition.set(t.unstructured, { issueId: t.issueId, key, projectKey });
    }
    if (results.length < PAGE || start + PAGE >= (tests?.total ?? 0)) break;
  }
  const links = new LinkStore(deps.kvs);
  const linkedBy = await appAccountId(deps.jira);
  const at = new Date(deps.clock.now()).toISOString();
  const unfound: string[] = [];
  const elsewhere: string[] = [];
  const out: MappedResult[] = [];
  for (const m of mapped) {
    if (!m.create) {
      out.push(m);
      continue;
    }
    const test = byDefinition.get(m.create.definition);
    if (!test) {
      unfound.push(m.testCaseId);
      continue;
    }
    const claim = await links.claim({ issueId: test.issueId, issueKind: 'test', testsigmaKind: 'testCase', testsigmaId: m.testCaseId, linkedBy, linkedAt: at, linkedByApp: true });
    // Linked by hand to another Test since the sync began: that link stands (one Test per case), the result went
    // to the created Test, and its history stays with the case's own Test.
    if (!claim.ok) {
      elsewhere.push(m.testCaseId);
      continue;
    }
    out.push({ ...m, test });
  }
  if (unfound.length > 0) {
    deps.log.warn('sync: created Tests not found in the Test Execution', { count: unfound.length });
    warnings.push(jobMsg('createdTestsUnfound', { count: unfound.length, ids: idList(unfound), key: execution.key }));
  }
  if (elsewhere.length > 0) warnings.push(jobMsg('createdTestsLinkedElsewhere', { count: elsewhere.length, ids: idList(elsewhere) }));
  return { mapped: out, created: wanted.length };
}
