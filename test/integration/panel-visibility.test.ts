/**
 * The coverage and flaky lists of a Test Set show only Tests the viewer may browse (issue 18 item 4), over HTTP
 * against the emulators: Xray is read as the app, so its Test list may hold Tests of a project the viewer cannot
 * see; their keys are filtered by one bulk read as the viewer.
 */
import { startAppSite } from '../support/app-over-emulators';
import { recordAsSync } from '../support/record-results';
import type { Envelope, PanelView } from '../../src/shared/types';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function startSite() {
  let t = Date.parse('2026-12-01T08:00:00Z');
  const clock = { now: () => t };
  const { world, app, kvs, close: stop } = await startAppSite({ clock, randomChar: 'c' });
  close = stop;
  world.createProject({ key: 'DEMO' });
  world.createProject({ key: 'SEC' });
  for (const a of ['alice', 'bob']) world.addAccount({ accountId: a });
  world.grant('alice', 'BROWSE_PROJECTS');
  world.grant('alice', 'EDIT_ISSUES');
  world.grant('bob', 'BROWSE_PROJECTS', 'DEMO');
  const call = async (as: string, key: string, issue: { id: string; key: string }, payload: unknown = {}) => {
    const env = (await app.panelResolver[key]!({ payload, context: { accountId: as, extension: { issue } } })) as Envelope<PanelView>;
    if (!env.ok) throw new Error(`${env.error.code}: ${env.error.message}`);
    return env.data;
  };
  const sync = async (caseId: string, testIssueId: string, runId: string, status: string) => {
    t += 60_000;
    await recordAsSync(kvs, caseId, { status, word: status, runId, at: new Date(t).toISOString(), testIssueId, testExecutionKey: 'DEMO-99' });
  };
  return { world, call, sync };
}

describe('lists of Tests in a Test Set panel', () => {
  test('a viewer sees no key of a Test in a project they cannot browse, in coverage or in the flaky list', async () => {
    const s = await startSite();
    const open = s.world.createIssue({ projectKey: 'DEMO', type: 'Test', summary: 'open, unlinked' });
    const openFlaky = s.world.createIssue({ projectKey: 'DEMO', type: 'Test', summary: 'open, flaky' });
    const secret = s.world.createIssue({ projectKey: 'SEC', type: 'Test', summary: 'secret, unlinked' });
    const secretFlaky = s.world.createIssue({ projectKey: 'SEC', type: 'Test', summary: 'secret, flaky' });
    const set = s.world.createIssue({ projectKey: 'DEMO', type: 'Test Set', summary: 'Mixed' });
    s.world.addTestsToTestSet(set.id, [open.id, openFlaky.id, secret.id, secretFlaky.id]);
    for (const [caseId, test] of [['801', openFlaky], ['802', secretFlaky]] as const) {
      await s.call('alice', 'link', test, { testsigmaId: caseId });
      for (const [r, st] of ['PASSED', 'FAILED', 'PASSED'].entries()) await s.sync(caseId, test.id, `r${r}`, st);
    }

    const asAlice = await s.call('alice', 'getPanel', set);
    expect(asAlice.coverage?.unlinked.map((u) => u.key).sort()).toEqual([open.key, secret.key].sort());
    expect(asAlice.flaky?.map((f) => f.test.key).sort()).toEqual([openFlaky.key, secretFlaky.key].sort());

    const asBob = await s.call('bob', 'getPanel', set);
    expect(asBob.coverage).toMatchObject({ total: 4, linked: 2, unlinked: [{ id: open.id, key: open.key }] });
    expect(asBob.flaky?.map((f) => f.test.key)).toEqual([openFlaky.key]);
    const text = JSON.stringify(asBob);
    for (const hidden of [secret, secretFlaky]) {
      expect(text).not.toContain(hidden.key);
      expect(text).not.toContain(`"${hidden.id}"`);
    }
  });
});
