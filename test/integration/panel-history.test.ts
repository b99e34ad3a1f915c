/**
 * The panel's read side of history and flakiness over HTTP (Jira and Xray emulators, the app as `createApp` builds
 * it). Results are written with the store function the sync calls for each synced result.
 */
import { World } from '../../sandbox/emulators/world';
import { startJiraEmulator } from '../../sandbox/emulators/jira';
import { startXrayEmulator } from '../../sandbox/emulators/xray';
import { appOverEmulators } from '../support/app-over-emulators';
import { recordAsSync } from '../support/record-results';
import type { Envelope, PanelView } from '../../src/shared/types';

const XRAY = { clientId: 'history-client', clientSecret: 'history-secret-0123456789' };

let closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  closers = [];
});

async function startSite() {
  let t = Date.parse('2026-12-01T08:00:00Z');
  const clock = { now: () => t };
  const world = new World({ now: clock.now });
  world.createProject({ key: 'DEMO' });
  world.addAccount({ accountId: 'alice' });
  world.grant('alice', 'BROWSE_PROJECTS');
  world.grant('alice', 'EDIT_ISSUES');
  const jira = await startJiraEmulator({ world });
  const xray = await startXrayEmulator({ world, dataRegion: 'eu', clients: [XRAY], now: clock.now });
  closers.push(() => jira.close(), () => xray.close());
  const { app, kvs } = await appOverEmulators({ jiraUrl: jira.url, xrayUrl: xray.url, xray: XRAY, clock, randomChar: 'b' });
  const call = async (key: string, issue: { id: string; key: string }, payload: unknown = {}) => {
    const env = (await app.panelResolver[key]!({ payload, context: { accountId: 'alice', extension: { issue } } })) as Envelope<PanelView>;
    if (!env.ok) throw new Error(`${env.error.code}: ${env.error.message}`);
    return env.data;
  };
  /** Syncs one result of a case to a Test, as the sync writes it. */
  const sync = async (caseId: string, testIssueId: string, runId: string, word: string) => {
    t += 60_000;
    const status = { SUCCESS: 'PASSED', FAILURE: 'FAILED', ABORTED: 'ABORTED', FLAKY: 'PASSED' }[word] ?? word;
    // Runs of one Testsigma plan, kept in the plan's records as the sync keeps them.
    await recordAsSync(kvs, caseId, { status, word, runId, at: new Date(t).toISOString(), testIssueId, testExecutionKey: 'DEMO-99', ...(word === 'FLAKY' ? { attempts: 2, retried: true } : {}) }, '274');
  };
  return { world, xray, kvs, call, sync };
}

describe('history and flaky in the panel', () => {
  it('shows a Test link\'s runs newest first and marks it flaky after two flips', async () => {
    const s = await startSite();
    const test = s.world.createIssue({ projectKey: 'DEMO', type: 'Test', summary: 'Login' });
    await s.call('link', test, { testsigmaId: '609' });
    await s.call('link', test, { testsigmaId: '610' });
    for (const [i, w] of ['SUCCESS', 'FAILURE', 'SUCCESS'].entries()) await s.sync('609', test.id, `r${i}`, w);
    for (const [i, w] of ['FAILURE', 'FAILURE', 'ABORTED'].entries()) await s.sync('610', test.id, `r${i}`, w);

    const view = await s.call('getPanel', test);
    const l609 = view.links.find((l) => l.testsigmaId === '609')!;
    const l610 = view.links.find((l) => l.testsigmaId === '610')!;
    expect(l609.history?.map((h) => [h.runId, h.status])).toEqual([['r2', 'PASSED'], ['r1', 'FAILED'], ['r0', 'PASSED']]);
    expect(l609.flaky).toBe(true);
    expect(l609.lastResult).toEqual({ status: 'PASSED', runId: 'r2', testExecutionKey: 'DEMO-99', at: l609.history![0]!.at });
    expect(l610.flaky).toBe(false);
    expect(l610.history).toHaveLength(3);
  });

  it('marks a case flaky when its last result passed only on a retry, and shows the attempts', async () => {
    const s = await startSite();
    const test = s.world.createIssue({ projectKey: 'DEMO', type: 'Test', summary: 'Search' });
    await s.call('link', test, { testsigmaId: '700' });
    await s.sync('700', test.id, 'r1', 'FLAKY');
    const link = (await s.call('getPanel', test)).links[0]!;
    expect(link.flaky).toBe(true);
    expect(link.lastResult?.attempts).toBe(2);
  });

  it('does not show a result synced to another Test before the case moved here', async () => {
    const s = await startSite();
    const a = s.world.createIssue({ projectKey: 'DEMO', type: 'Test', summary: 'A' });
    const b = s.world.createIssue({ projectKey: 'DEMO', type: 'Test', summary: 'B' });
    await s.call('link', b, { testsigmaId: '800' });
    // A record left by a sync that raced an unlink from A.
    await s.sync('800', a.id, 'r1', 'FAILURE');
    const link = (await s.call('getPanel', b)).links[0]!;
    expect(link.lastResult).toBeUndefined();
    expect(link.history).toBeUndefined();
  });

  it('lists the flakiest linked cases of a Test Set, most flips first, each Test with its summary and each case with its deep link', async () => {
    const s = await startSite();
    const tests = Array.from({ length: 4 }, (_, i) => s.world.createIssue({ projectKey: 'DEMO', type: 'Test', summary: `T${i}` }));
    const set = s.world.createIssue({ projectKey: 'DEMO', type: 'Test Set', summary: 'Smoke' });
    s.world.addTestsToTestSet(set.id, tests.map((x) => x.id));
    const words: Record<string, string[]> = {
      '900': ['SUCCESS', 'FAILURE', 'SUCCESS'], // 2 flips
      '901': ['SUCCESS', 'FAILURE', 'SUCCESS', 'FAILURE', 'SUCCESS'], // 4 flips
      '902': ['SUCCESS', 'SUCCESS'], // steady
      '903': ['FAILURE', 'FAILURE'], // steady
    };
    for (const [i, [caseId, ws]] of Object.entries(words).entries()) {
      await s.call('link', tests[i]!, { testsigmaId: caseId });
      for (const [r, w] of ws.entries()) await s.sync(caseId, tests[i]!.id, `r${r}`, w);
    }
    const view = await s.call('getPanel', set);
    expect(view.flaky).toEqual([
      {
        testsigmaId: '901',
        url: 'https://app.testsigma.com/ui/td/cases/901/steps',
        test: { id: tests[1]!.id, key: tests[1]!.key, summary: 'T1' },
        flips: 4,
        lastStatuses: ['PASSED', 'FAILED', 'PASSED', 'FAILED', 'PASSED'],
      },
      { testsigmaId: '900', url: 'https://app.testsigma.com/ui/td/cases/900/steps', test: { id: tests[0]!.id, key: tests[0]!.key, summary: 'T0' }, flips: 2, lastStatuses: ['PASSED', 'FAILED', 'PASSED'] },
    ]);
  });
});
