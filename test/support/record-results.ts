/**
 * Records a case's synced result the way the sync does (`recordCaseResults`), for tests that seed results without
 * running a delivery: under a Testsigma plan's records, or per case (a delivery that names no plan), with the
 * Test's plan mark and the case index's note of where the results are.
 */
import type { KvsPort } from '../../src/store/kvs-port';
import { writeItems } from '../../src/store/job-store';
import { CaseResultInput, readCaseResults } from '../../src/store/run-store';
import { readPlanResults } from '../../src/store/plan-results';
import { CaseIndex } from '../../src/store/case-index';
import { recordCaseResults } from '../../src/sync/result-mapping';

/** Records one result of `caseId`; `plan` is the delivery's Testsigma plan (none: kept per case). */
export async function recordAsSync(kvs: KvsPort, caseId: string, input: CaseResultInput, plan?: string, overrides: Readonly<Record<string, string>> = {}): Promise<void> {
  const meta = await new CaseIndex(kvs).meta();
  const caseResults = plan ? await readPlanResults(kvs, plan, [caseId]) : await readCaseResults(kvs, [caseId]);
  const items = await recordCaseResults(
    { kvs },
    { caseResults, keptHere: new Set(caseResults.keys()), legacyResults: !meta || meta.legacyResults, ...(plan ? { resultsPlan: plan } : {}) },
    [{ caseId, input }],
    overrides,
  );
  await writeItems(kvs, items);
}
