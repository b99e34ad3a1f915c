/**
 * What a panel open reads, known from the issue's links and plan marks (the query every open makes first), read
 * ahead so that the open spends one batch read on a Test and two on a Test Plan (Forge allows 45 a minute):
 * - a Test: the settings, its cases' results where its plan marks say they are, and its cases' cached names;
 * - a Test Plan: the settings, the cached Test list with the Xray cool-down and budget marks, and the case index
 *   (which Tests have links), while the plan's deliveries are listed; then those deliveries' jobs, the plan's
 *   results (its flaky cases) and its cached name;
 * - a Test Set: the same as a Test Plan's first batch, with its suite's cached name.
 * The summary (`jira:issueContext`) reads only what it shows. Whatever is not read ahead is read when asked for.
 */
import type { KvsPort } from '../store/kvs-port';
import type { LinkRecord } from '../store/link-store';
import { readAhead, readAheadQuery } from '../store/read-ahead';
import { SETTINGS_KEY } from '../store/settings-store';
import { COOL_KEYS, entityKey, testListHeadKey, testNamesKey } from '../store/panel-cache';
import { CASE_INDEX_META_KEY, caseIndexKeys } from '../store/case-index';
import { planPartKeys } from '../store/plan-results';
import { testResultKeys } from '../store/test-results';
import { planRunsPage } from '../store/run-store';
import { jobRecordKey } from '../store/job-store';
import { budgetHintKey } from './coverage';
import { RECENT_RUNS } from './panel-insights';

/** An issue's links and plan marks, as {@link LinkStore.listWithPlans} answers them. */
export interface ListedLinks {
  links: LinkRecord[];
  plans: string[];
}

/** Reads ahead what an open of this issue will read (see the file's comment). */
export async function readPanelAhead(kvs: KvsPort, issueId: string, listed: ListedLinks, o: { summary: boolean; now: number }): Promise<void> {
  const plan = listed.links.find((l) => l.testsigmaKind === 'testPlan');
  const suite = listed.links.find((l) => l.testsigmaKind === 'testSuite');
  const cases = listed.links.filter((l) => l.testsigmaKind === 'testCase').map((l) => l.testsigmaId);
  const coverage = [testListHeadKey(issueId), COOL_KEYS.xray, budgetHintKey(o.now), CASE_INDEX_META_KEY, ...caseIndexKeys()];
  if (plan) {
    const { prefix, limit } = planRunsPage(plan.testsigmaId, RECENT_RUNS);
    // The summary shows the newest run only: the settings wait for the deliveries, to share their jobs' batch.
    const [page] = await Promise.all([readAheadQuery(kvs, prefix, limit), o.summary ? undefined : readAhead(kvs, [SETTINGS_KEY, ...coverage])]);
    const jobs = (page?.results ?? []).map((r) => jobRecordKey((r.value as { jobId: string }).jobId));
    const named = [entityKey('testPlan', plan.testsigmaId), COOL_KEYS.testsigma];
    await readAhead(kvs, [...(o.summary ? [SETTINGS_KEY] : [...planPartKeys(plan.testsigmaId), ...named]), ...jobs]);
    return;
  }
  if (suite) {
    await readAhead(kvs, [SETTINGS_KEY, ...(o.summary ? [] : [...coverage, entityKey('testSuite', suite.testsigmaId), COOL_KEYS.testsigma])]);
    return;
  }
  if (cases.length === 0 && listed.plans.length === 0) {
    await readAhead(kvs, [SETTINGS_KEY]);
    return;
  }
  await readAhead(kvs, [SETTINGS_KEY, ...testResultKeys(cases, listed.plans), ...(o.summary ? [] : [testNamesKey(issueId), COOL_KEYS.testsigma])]);
}
