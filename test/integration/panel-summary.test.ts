/**
 * `getPanel` with `{ summary: true }` (contract section 8, the issue-context view): links, last results and the
 * newest run only, over the sandbox's resolvers with Forge's rate limits on; and what it costs in storage.
 */
import { invokeResolver, Sandbox } from '../../sandbox/host';
import { DEMO_TESTER, DemoSite } from '../../sandbox/demo';
import { useDemoSite } from '../support/demo-site';
import type { PanelView } from '../../src/shared/types';
import { deliverToDemo } from '../support/demo-delivery';

let sb: Sandbox;
let demo: DemoSite;

useDemoSite((site, seeded) => {
  sb = site;
  demo = seeded;
});

async function post(body: unknown): Promise<void> {
  await deliverToDemo(sb, demo, body);
}

async function open(issue: { id: string; key: string }, payload: unknown): Promise<PanelView> {
  const env = await invokeResolver<PanelView>(sb, 'panel', { key: 'getPanel', payload, accountId: DEMO_TESTER, issue });
  if (!env.ok) throw new Error(env.error.message);
  return env.data;
}

describe('getPanel { summary: true }', () => {
  beforeEach(async () => {
    // Pass, fail, pass: two flips, so every case is flaky.
    for (const [i, status] of ['SUCCESS', 'FAILURE', 'SUCCESS'].entries()) {
      await post({ runId: `sum-${i + 1}`, testPlanId: demo.testPlan.planId, results: demo.tests.map((t) => ({ testCaseId: t.caseId, status })) });
      sb.advance(60_000);
    }
  });

  it("on a Test: its links with their last results and flaky marks (same record), their deep links, without history or names", async () => {
    const full = await open(demo.tests[0]!, {});
    expect(full.links[0]!.history).toHaveLength(3);
    expect(full.links[0]!.flaky).toBe(true);
    const summary = await open(demo.tests[0]!, { summary: true });
    expect(summary.links).toEqual([
      {
        testsigmaKind: 'testCase',
        testsigmaId: demo.tests[0]!.caseId,
        url: full.links[0]!.url,
        linkedBy: full.links[0]!.linkedBy,
        linkedAt: full.links[0]!.linkedAt,
        lastResult: full.links[0]!.lastResult,
        flaky: full.links[0]!.flaky,
      },
    ]);
    expect(summary.links[0]!.url).toMatch(/^https:\/\/app\.testsigma\.com\//);
    expect(summary.links[0]!.lastResult).toMatchObject({ status: 'PASSED', runId: 'sum-3' });
  });

  it('on a Test Plan: its link and the newest run only, without coverage or flaky cases', async () => {
    const full = await open(demo.testPlan, {});
    expect(full.recentRuns?.map((r) => r.runId)).toEqual(['sum-3', 'sum-2', 'sum-1']);
    expect(full.coverage).toBeDefined();
    const summary = await open(demo.testPlan, { summary: true });
    expect(summary.links.map((l) => l.testsigmaId)).toEqual([demo.testPlan.planId]);
    expect(summary.recentRuns).toEqual([full.recentRuns![0]]);
    expect(summary.coverage).toBeUndefined();
    expect(summary.flaky).toBeUndefined();
  });

  it('on a Test Plan: every delivery of the newest run, so a run sent in two parts shows all its results', async () => {
    const [first, second] = [demo.tests.slice(0, 1), demo.tests.slice(1)];
    await post({ runId: 'sum-4', testPlanId: demo.testPlan.planId, results: first.map((t) => ({ testCaseId: t.caseId, status: 'SUCCESS' })) });
    sb.advance(1_000);
    await post({ runId: 'sum-4', testPlanId: demo.testPlan.planId, results: second.map((t) => ({ testCaseId: t.caseId, status: 'FAILURE' })) });
    const summary = await open(demo.testPlan, { summary: true });
    expect(summary.recentRuns?.map((r) => r.runId)).toEqual(['sum-4', 'sum-4']);
    expect(summary.recentRuns?.reduce((n, r) => n + r.counts.received, 0)).toBe(demo.tests.length);
  });

  it("costs a Test's summary one batch read and two storage requests in all (issue 17: at most three)", async () => {
    await open(demo.tests[0]!, { summary: true });
    sb.kvs.resetCalls();
    await open(demo.tests[0]!, { summary: true });
    // The query that lists its links and plan marks, then one batch read of the settings and its results.
    expect(sb.kvs.usage).toMatchObject({ batchOps: 1, requests: 2 });
  });

  it('answers the full view to a summary flag other than true, as refresh does', async () => {
    const view = await open(demo.tests[0]!, { summary: 'yes' });
    expect(view.links[0]!.history).toHaveLength(3);
  });
});
