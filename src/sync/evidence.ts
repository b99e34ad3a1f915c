/**
 * A delivery's attachments as Xray test run evidence: which result carries which file, and which of them the run's
 * Test Execution already has (same test, same file name), so a delivery sent again never attaches a file twice.
 */
import type { XrayClient } from '../xray/xray-types';
import { XrayError } from '../xray/xray-types';
import type { Evidence, MappedResult } from '../domain/xray-import';
import { jobMsg, type JobMessage } from '../domain/job-messages';

/** Tests a getTestRuns page asks for (GraphQL lists take at most 100). */
const GRAPHQL_PAGE = 100;

const EVIDENCE_QUERY = `query($testExecIssueIds: [String], $testIssueIds: [String], $start: Int, $limit: Int!) {
  getTestRuns(testExecIssueIds: $testExecIssueIds, testIssueIds: $testIssueIds, start: $start, limit: $limit) {
    total
    start
    limit
    results { test { issueId jira(fields: ["key"]) } evidence { filename } }
  }
}`;

interface TestRunsPage {
  getTestRuns?: {
    total?: number;
    results?: Array<{ test?: { issueId?: string; jira?: { key?: string } }; evidence?: Array<{ filename?: string }> }>;
  };
}

/** Evidence per result index, from the delivery's attachments. */
export function evidenceOf(mapped: readonly MappedResult[]): Map<number, Evidence[]> {
  const out = new Map<number, Evidence[]>();
  for (const m of mapped) {
    const atts = m.result.attachments;
    if (!atts || atts.length === 0) continue;
    out.set(
      m.index,
      atts.map((a) => ({ filename: a.filename, contentType: a.contentType ?? 'application/octet-stream', data: a.data })),
    );
  }
  return out;
}

/**
 * Drops evidence the execution already has. Reads only the runs of tests that carry evidence, 100 a page. When
 * Xray cannot say (other than a retryable failure, which is thrown), sends none and warns, rather than risk a
 * second copy.
 */
export async function withoutSentEvidence(args: {
  xray: XrayClient;
  testExecution: { key: string; id?: string };
  mapped: readonly MappedResult[];
  evidence: ReadonlyMap<number, Evidence[]>;
  deadline: number;
  warnings: JobMessage[];
}): Promise<Map<number, Evidence[]>> {
  const { xray, testExecution, mapped, evidence, deadline, warnings } = args;
  const withEvidence = mapped.filter((m) => (evidence.get(m.index)?.length ?? 0) > 0);
  // A Test this import creates has no runs yet, so no evidence to look up.
  const testIds = [...new Set(withEvidence.filter((m) => !m.create).map((m) => m.test.issueId))];
  const existing = new Map<string, Set<string>>();
  try {
    for (let i = 0; i < testIds.length; i += GRAPHQL_PAGE) {
      const ids = testIds.slice(i, i + GRAPHQL_PAGE);
      let start = 0;
      for (;;) {
        const page = await xray.graphql<TestRunsPage>(
          EVIDENCE_QUERY,
          { testExecIssueIds: [testExecution.id ?? testExecution.key], testIssueIds: ids, start, limit: GRAPHQL_PAGE },
          { idempotent: true, deadline },
        );
        const results = page.getTestRuns?.results ?? [];
        for (const run of results) {
          const names = (run.evidence ?? []).map((e) => e.filename).filter((f): f is string => typeof f === 'string');
          for (const id of [run.test?.issueId, run.test?.jira?.key]) {
            if (!id) continue;
            const set = existing.get(id) ?? new Set<string>();
            names.forEach((n) => set.add(n));
            existing.set(id, set);
          }
        }
        start += results.length;
        const total = page.getTestRuns?.total ?? 0;
        if (results.length === 0 || start >= total) break;
      }
    }
  } catch (err) {
    if (err instanceof XrayError && err.retryable) throw err;
    warnings.push(jobMsg('evidenceUnread', { reason: err instanceof Error ? err.message : String(err) }));
    return new Map();
  }
  const out = new Map<number, Evidence[]>();
  for (const m of withEvidence) {
    const have = new Set([...(existing.get(m.test.issueId) ?? []), ...(existing.get(m.test.key) ?? [])]);
    const fresh = (evidence.get(m.index) ?? []).filter((e) => !have.has(e.filename));
    if (fresh.length > 0) out.set(m.index, fresh);
  }
  return out;
}
