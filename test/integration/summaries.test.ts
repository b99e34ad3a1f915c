/**
 * Summaries the app writes to Jira, over HTTP against the emulators: Jira refuses a summary with a line break, so a
 * delivery's summary and a defect's summary fold their whitespace into single spaces before they are sent.
 */
import { startSandboxSite, type SandboxSite } from '../support/sandbox-site';
import { startSandbox, type Sandbox } from '../../sandbox/host';
import { appOverEmulators } from '../support/app-over-emulators';
import { recordAsSync } from '../support/record-results';
import type { Envelope, PanelView } from '../../src/shared/types';

let site: SandboxSite | undefined;
let sb: Sandbox | undefined;
afterEach(async () => {
  await site?.close();
  await sb?.close();
  site = sb = undefined;
});

describe('summaries with line breaks', () => {
  test('a delivery whose summary has line breaks and tabs creates its Test Execution with the summary on one line', async () => {
    site = await startSandboxSite();
    await site.link('Test', 'PROJ', '609');
    await site.send({ runId: 'nl-1', summary: '  Nightly\r\nregression\n\tChrome  ', results: [{ testCaseId: '609', status: 'SUCCESS' }] });
    await site.sb.queue.idle();
    expect(site.sb.consumerErrors).toEqual([]);
    expect(site.executions().map((e) => e.summary)).toEqual(['Nightly regression Chrome']);
  });

  test('Create defect for a run whose summary has a line break files the defect with a one-line summary', async () => {
    let t = Date.parse('2026-12-01T08:00:00Z');
    const clock = { now: () => t };
    sb = await startSandbox({ now: clock.now });
    const world = sb.world;
    world.createProject({ key: 'DEMO' });
    world.addAccount({ accountId: 'alice' });
    for (const p of ['BROWSE_PROJECTS', 'EDIT_ISSUES', 'CREATE_ISSUES'] as const) world.grant('alice', p);
    const { app, kvs } = await appOverEmulators({ jiraUrl: sb.jira.url, xrayUrl: sb.xray.url, xray: sb.xrayCredentials, clock });
    const test = world.createIssue({ projectKey: 'DEMO', type: 'Test', summary: 'Checkout works' });
    const call = async (key: string) =>
      (await app.panelResolver[key]!({ payload: { testsigmaId: '609' }, context: { accountId: 'alice', extension: { issue: test } } })) as Envelope<PanelView>;
    expect((await call('link')).ok).toBe(true);
    // Xray keeps what an import sent; a Test Execution made before Jira checked summaries may hold a line break.
    const exec = world.createIssue({ projectKey: 'DEMO', type: 'Test Execution', summary: 'Nightly\nrun 7' });
    world.upsertRun(exec.id, test.id, { status: 'FAILED', comment: 'boom' });
    t += 60_000;
    await recordAsSync(kvs, '609', { status: 'FAILED', word: 'FAILURE', runId: 'r7', at: new Date(t).toISOString(), testIssueId: test.id, testExecutionKey: exec.key });
    const env = await call('createDefect');
    expect(env.ok ? 'ok' : env.error).toBe('ok');
    const bugs = world.listIssues().filter((i) => world.typeOf(i).name === 'Bug');
    expect(bugs.map((b) => b.summary)).toEqual(['Testsigma test case 609 failed in Nightly run 7']);
  });
});
