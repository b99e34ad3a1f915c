/**
 * Created Tests (contract section 8) over real loopback HTTP: results of unlinked cases posted to the sandbox's web
 * trigger create Generic Tests in the Xray emulator, found again by their Testsigma definition, never by summary;
 * the app links them to their cases, and what a Jira user sees is read back.
 */
import { invokeResolver, Sandbox } from '../../sandbox/host';
import { DEMO_ADMIN, DEMO_TESTER, DemoSite } from '../../sandbox/demo';
import { useDemoSite } from '../support/demo-site';
import type { Envelope, PanelView, SettingsView } from '../../src/shared/types';

let sb: Sandbox;
let demo: DemoSite;

const { t, post } = useDemoSite((site, seeded) => {
  sb = site;
  demo = seeded;
});

async function saveSettings(payload: unknown): Promise<Envelope<SettingsView>> {
  return invokeResolver<SettingsView>(sb, 'admin', { key: 'saveSettings', payload, accountId: DEMO_ADMIN });
}

async function panelCall(key: string, issue: { id: string; key: string }, payload: unknown = { refresh: true }): Promise<Envelope<PanelView>> {
  return invokeResolver<PanelView>(sb, 'panel', { key, payload, accountId: DEMO_TESTER, issue });
}

/** The Generic Tests that carry a case's definition. */
function testsOfCase(caseId: string) {
  return sb.world.listIssues().filter((i) => sb.world.kindOf(i) === 'test' && i.definition === `testsigma:case:${caseId}`);
}

const run = (runId: string, extra: Array<Record<string, unknown>> = []) => ({
  runId,
  testPlanId: demo.testPlan.planId,
  results: [
    { testCaseId: t(0).caseId, status: 'SUCCESS' },
    { testCaseId: demo.unlinkedCaseId, testCaseName: 'Gift card balance', status: 'FAILURE' },
    ...extra,
  ],
});

async function enable() {
  const env = await saveSettings({ createTests: { enabled: true, projectKey: demo.projectKey } });
  if (!env.ok) throw new Error(env.error.message);
}

describe('created Tests', () => {
  it('off by default: an unlinked case is counted unmapped and nothing is created', async () => {
    const job = await post(run('ct-0'));
    expect(job.counts).toEqual({ received: 2, synced: 1, unmapped: 1, failed: 0 });
    expect(sb.xray.createdTests()).toEqual([]);
  });

  it('an unlinked case gets a Generic Test with its definition, linked by the app and added to the linked Test Plan, in one import', async () => {
    await enable();
    sb.xray.counters.reset();
    const job = await post(run('ct-1'));
    expect(job).toMatchObject({ state: 'succeeded', counts: { received: 2, synced: 2, unmapped: 0, failed: 0, created: 1 } });
    const [made] = testsOfCase(demo.unlinkedCaseId);
    expect(made).toMatchObject({ summary: 'Gift card balance', testType: expect.objectContaining({ name: 'Generic' }) });
    expect(sb.world.projectOf(made!).key).toBe(demo.projectKey);
    expect(sb.world.testPlanTestIds(demo.testPlan.id)).toContain(made!.id);
    const snap = sb.xray.counters.snapshot();
    // One import (the multipart one that creates the Test Execution) carries the created Test too.
    expect((snap['import'] ?? 0) + (snap['multipart'] ?? 0)).toBe(1);
    // The new Test is found through Jira's search (no Xray request) and its definition read with one getTests.
    expect(snap['graphql:getTests']).toBe(1);
    expect(snap['graphql:getTestExecution']).toBeUndefined();

    const env = await panelCall('getPanel', { id: made!.id, key: made!.key });
    expect(env.ok).toBe(true);
    const link = env.ok ? env.data.links[0] : undefined;
    expect(link).toMatchObject({ testsigmaId: demo.unlinkedCaseId, linkedByApp: true, lastResult: { status: 'FAILED', runId: 'ct-1' } });
  });

  it('while Jira\'s search does not show the new Test yet, its id is read from the Test Execution\'s tests', async () => {
    await enable();
    sb.world.setSearchIndexLagMs(10 * 60_000);
    sb.xray.counters.reset();
    const job = await post(run('ct-lag'));
    expect(job.counts).toMatchObject({ synced: 2, created: 1 });
    expect(sb.xray.counters.snapshot()['graphql:getTestExecution']).toBe(1);
    const [made] = testsOfCase(demo.unlinkedCaseId);
    const env = await panelCall('getPanel', { id: made!.id, key: made!.key });
    expect(env.ok && env.data.links[0]).toMatchObject({ testsigmaId: demo.unlinkedCaseId, linkedByApp: true });
  });

  it('the same unlinked case in two runs creates one Test; the second run sends it by key', async () => {
    await enable();
    await post(run('ct-2a'));
    const second = await post(run('ct-2b'));
    expect(second.counts).toMatchObject({ received: 2, synced: 2, unmapped: 0 });
    expect(second.counts.created).toBeUndefined();
    expect(testsOfCase(demo.unlinkedCaseId)).toHaveLength(1);
    expect(sb.xray.createdTests()).toHaveLength(1);
  });

  it('a case unlinked after its Test was created finds that Test again by its definition, even renamed', async () => {
    await enable();
    await post(run('ct-3a'));
    const [made] = testsOfCase(demo.unlinkedCaseId);
    const unlinked = await panelCall('unlink', { id: made!.id, key: made!.key }, { testsigmaId: demo.unlinkedCaseId });
    expect(unlinked.ok).toBe(true);
    sb.world.updateIssue(made!.id, { summary: 'Gift cards (renamed by a tester)' });
    const job = await post(run('ct-3b'));
    expect(job.counts.created).toBe(1);
    expect(testsOfCase(demo.unlinkedCaseId).map((i) => i.id)).toEqual([made!.id]);
    const env = await panelCall('getPanel', { id: made!.id, key: made!.key });
    expect(env.ok && env.data.links.map((l) => l.testsigmaId)).toEqual([demo.unlinkedCaseId]);
  });

  it('a case linked by hand after its Test was created keeps the rule of one Test per case', async () => {
    await enable();
    await post(run('ct-4'));
    const [made] = testsOfCase(demo.unlinkedCaseId);
    const other = await panelCall('link', t(1), { testsigmaId: demo.unlinkedCaseId });
    expect(other.ok).toBe(false);
    if (!other.ok) {
      expect(other.error.code).toBe('already_linked');
      expect(other.error.message).toContain(made!.key);
    }
  });
});
