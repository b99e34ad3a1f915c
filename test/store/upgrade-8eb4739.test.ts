/**
 * Issue 17 item 5: a site that ran commit 8eb4739 keeps its links, last results, history and jobs. The records in
 * test/fixtures/upgrade-8eb4739/records.json were written by that commit's own code (generate.ts beside them says
 * how); this test loads them into the sandbox's store and uses the site through today's handlers.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { invokeResolver, startSandbox, Sandbox } from '../../sandbox/host';
import { seedDemo, DEMO_ADMIN, DEMO_TESTER, DemoSite } from '../../sandbox/demo';
import type { JobView, PanelView } from '../../src/shared/types';
import { deliverToDemo } from '../support/demo-delivery';
import { getMany } from '../../src/store/kvs-port';
import { CASE_INDEX_META_KEY, caseIndexKeys, lookupIn, metaOf } from '../../src/store/case-index';
import { readPlanResults } from '../../src/store/plan-results';

interface Snapshot {
  at: string;
  site: { tests: Array<{ id: string; key: string; caseId: string }>; testSet: { id: string; key: string }; testPlan: { id: string; key: string }; jobs: string[] };
  records: Array<{ key: string; value: unknown; expiresAt?: number }>;
}

const snapshot = JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'upgrade-8eb4739', 'records.json'), 'utf8')) as Snapshot;

let sb: Sandbox;
let demo: DemoSite;
let now = Date.parse(snapshot.at) + 3_600_000;

beforeEach(async () => {
  now = Date.parse(snapshot.at) + 3_600_000;
  sb = await startSandbox({ xrayDataRegion: 'eu', queueMsPerSecond: 1, now: () => now });
  // The same Jira site and app secrets as when the records were written; then storage holds only the old records.
  demo = await seedDemo(sb, { attachEvidence: false });
  expect(demo.tests.map((t) => t.id)).toEqual(snapshot.site.tests.map((t) => t.id));
  // The three runs' Test Executions, as Xray kept them (SHOP-9 to SHOP-11, the next issues of the site).
  for (let i = 1; i <= 3; i++) sb.world.createIssue({ projectKey: demo.projectKey, type: 'Test Execution', summary: `Nightly ${i}` });
  for (const key of sb.kvs.keys()) await sb.kvs.delete(key);
  sb.kvs.load(snapshot.records);
  // This sandbox's Xray emulator has its own API key: the only setting changed after the upgrade.
  const saved = await invokeResolver(sb, 'admin', {
    key: 'saveSettings',
    accountId: DEMO_ADMIN,
    payload: { xray: { region: 'eu', clientId: sb.xrayCredentials.clientId, clientSecret: sb.xrayCredentials.clientSecret } },
  });
  expect(saved.ok).toBe(true);
  // A minute later: the loading above does not eat into the new records' storage budget.
  now += 60_000;
});
afterEach(() => sb.close());

async function panel(issue: { id: string; key: string }): Promise<PanelView> {
  const env = await invokeResolver<PanelView>(sb, 'panel', { key: 'getPanel', payload: {}, accountId: DEMO_TESTER, issue });
  if (!env.ok) throw new Error(env.error.message);
  return env.data;
}

/** Posts results to the web trigger as an executor does and waits for the sync; answers the job's id. */
const deliver = (body: unknown): Promise<string> => deliverToDemo(sb, demo, body);

async function job(jobId: string): Promise<JobView> {
  const res = await sb.app.webtrigger({ method: 'GET', path: '/', body: '', headers: { authorization: [`Bearer ${demo.webtrigger.secret}`] }, queryParameters: { job: [jobId] } });
  expect(res.statusCode).toBe(200);
  return JSON.parse(res.body) as JobView;
}

describe('a site upgraded from 8eb4739', () => {
  it("shows each Test's link, last result, history (newest first) and flaky mark as before", async () => {
    const [t601, t602, t603] = demo.tests;
    const v601 = await panel(t601!);
    expect(v601.notices).toBeUndefined();
    expect(v601.links).toHaveLength(1);
    expect(v601.links[0]).toMatchObject({ testsigmaId: '601', lastResult: { status: 'FAILED', runId: 'nightly-3' } });
    expect(v601.links[0]!.history?.map((h) => `${h.runId}:${h.status}`)).toEqual(['nightly-3:FAILED', 'nightly-2:PASSED', 'nightly-1:PASSED']);
    const v602 = (await panel(t602!)).links[0]!;
    expect(v602.lastResult).toMatchObject({ status: 'PASSED', runId: 'nightly-2' });
    expect(v602.history?.map((h) => `${h.runId}:${h.status}`)).toEqual(['nightly-2:PASSED', 'nightly-1:PASSED']);
    // Failed, then passed on a retry: the attempts are kept with the run.
    expect(v602.flaky).toBe(false);
    const v603 = (await panel(t603!)).links[0]!;
    expect(v603.history?.map((h) => h.status)).toEqual(['FAILED', 'PASSED', 'FAILED']);
    expect(v603.flaky).toBe(true);
  });

  it('keeps the Test Set and Test Plan links, and the Test Plan lists its runs', async () => {
    expect((await panel(demo.testSet)).links.map((l) => l.testsigmaId)).toEqual(['55']);
    const plan = await panel(demo.testPlan);
    expect(plan.links.map((l) => l.testsigmaId)).toEqual(['274']);
    expect(plan.recentRuns?.map((r) => `${r.runId}:${r.state}`)).toEqual(['nightly-3:succeeded', 'nightly-2:succeeded', 'nightly-1:partial']);
  });

  it('answers the old jobs, and a later delivery of an old run lands in its Test Execution', async () => {
    const [j1, j2, j3] = snapshot.site.jobs;
    expect(await job(j1!)).toMatchObject({ runId: 'nightly-1', state: 'partial', counts: { received: 6, synced: 5, unmapped: 1 } });
    expect(await job(j3!)).toMatchObject({ runId: 'nightly-3', state: 'succeeded' });
    const old = await job(j2!);
    const late = await job(await deliver({ runId: 'nightly-2', testPlanId: '274', results: [{ testCaseId: '605', status: 'FAILURE' }] }));
    expect(late).toMatchObject({ state: 'succeeded', testExecutionKey: old.testExecutionKey });
  });

  it('a new run extends the old history, and the old links still hold their cases', async () => {
    now += 24 * 3_600_000;
    expect(await job(await deliver({ runId: 'nightly-4', testPlanId: '274', results: [{ testCaseId: '601', status: 'SUCCESS' }] }))).toMatchObject({ state: 'succeeded' });
    const link = (await panel(demo.tests[0]!)).links[0]!;
    expect(link.history?.map((h) => h.runId)).toEqual(['nightly-4', 'nightly-3', 'nightly-2', 'nightly-1']);
    // Case 601 belongs to its Test still: linking it to another Test is refused.
    const other = await invokeResolver(sb, 'panel', { key: 'link', payload: { testsigmaId: '601' }, accountId: DEMO_TESTER, issue: demo.tests[1]! });
    expect(other.ok).toBe(false);
  });

  it("the first sync fills the case index from the old claims and carries a case's old history into its plan's records", async () => {
    const linked = snapshot.site.tests.map((t) => t.caseId);
    // Before: the old layout only (no index, per-case records).
    expect(sb.kvs.keys().filter((k) => k.startsWith('cx:'))).toEqual([]);
    now += 24 * 3_600_000;
    expect(await job(await deliver({ runId: 'nightly-4', testPlanId: '274', results: [{ testCaseId: '601', status: 'SUCCESS' }] }))).toMatchObject({ state: 'succeeded' });
    const index = await getMany<unknown>(sb.kvs, [CASE_INDEX_META_KEY, ...caseIndexKeys(linked)]);
    expect(metaOf(index)).toMatchObject({ complete: true, legacyResults: true });
    expect(Object.fromEntries(lookupIn(index, linked))).toEqual(Object.fromEntries(snapshot.site.tests.map((t) => [t.caseId, t.id])));
    const kept = (await readPlanResults(sb.kvs, '274', ['601'])).get('601');
    expect(kept?.history?.map((h) => h.runId)).toEqual(['nightly-4', 'nightly-3', 'nightly-2', 'nightly-1']);
    // The Test of 601 is marked with the plan, so its panel reads the plan's records from now on.
    expect(sb.kvs.keys()).toContain(`issue:${demo.tests[0]!.id}:zplan:274`);
  });
});
