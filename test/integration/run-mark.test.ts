/**
 * Where a run goes, against an attacker who can label issues (issue 18 item 1), over HTTP against the emulators.
 * The mark that finds a run's Test Execution again is derived with a per-site secret, so nobody can put it on an
 * issue in advance; and an issue that carries a mark is adopted only if it fits the run's intent: a Test Execution,
 * in the run's target project, created after the intent was written (a few minutes allowed for clocks).
 */
import { startSandboxSite, type SandboxSite } from '../support/sandbox-site';
import { runLabel } from '../../src/domain/run-mark';
import { RunStore } from '../../src/store/run-store';
import { siteRunLabel } from '../../src/sync/run-mark-secret';

let site: SandboxSite;
beforeEach(async () => {
  site = await startSandboxSite();
  site.sb.world.createProject({ key: 'OUT' });
});
afterEach(() => site.close());

const resultsOf = (site: SandboxSite, issueId: string) => site.sb.world.listTestExecutions().find((e) => e.id === issueId)?.runs ?? [];

describe('the run mark', () => {
  test('a Test Execution labelled in advance with the run id\'s old mark, in an outsider\'s project, receives nothing', async () => {
    await site.link('Test', 'PROJ', '609');
    const trap = site.sb.world.createIssue({ projectKey: 'OUT', type: 'Test Execution', summary: 'mine', labels: [runLabel('nightly-1001')] });
    const jobId = await site.send({ runId: 'nightly-1001', results: [{ testCaseId: '609', status: 'SUCCESS', message: 'secret log' }] });
    await site.sb.queue.idle();
    const view = await site.job(jobId);
    expect(view).toMatchObject({ state: 'succeeded' });
    expect(view.testExecutionKey).not.toBe(trap.key);
    expect(view.testExecutionKey!.startsWith('PROJ-')).toBe(true);
    expect(resultsOf(site, trap.id)).toEqual([]);
  });

  test('a Task carrying the run\'s mark (the site\'s own, leaked) in the run\'s project is no Test Execution: the run gets its own', async () => {
    await site.link('Test', 'PROJ', '609');
    const mark = await siteRunLabel(site.sb.kvs, 'nightly-1002');
    const trap = site.sb.world.createIssue({ projectKey: 'PROJ', type: 'Task', summary: 'trap', labels: [mark] });
    const jobId = await site.send({ runId: 'nightly-1002', results: [{ testCaseId: '609', status: 'SUCCESS' }] });
    await site.sb.queue.idle();
    const view = await site.job(jobId);
    expect(view).toMatchObject({ state: 'succeeded', testExecutionKey: expect.stringMatching(/^PROJ-/) });
    expect(view.testExecutionKey).not.toBe(trap.key);
    expect(site.sb.world.listTestExecutions().map((e) => e.key)).toEqual([view.testExecutionKey]);
    // Found by its mark and turned down for its type, not missed.
    const lines = (site.sb.deps.log as unknown as { lines: string[] }).lines;
    expect(lines.some((l) => l.includes('ignored') && l.includes(trap.key))).toBe(true);
  });

  test('the mark is not the run id\'s hash: two sites give one run id different marks', async () => {
    const other = await startSandboxSite();
    try {
      const a = await siteRunLabel(site.sb.kvs, 'nightly-1003');
      const b = await siteRunLabel(other.sb.kvs, 'nightly-1003');
      expect(a).not.toBe(b);
      expect(a).not.toBe(runLabel('nightly-1003'));
      expect(await siteRunLabel(site.sb.kvs, 'nightly-1003')).toBe(a);
    } finally {
      await other.close();
    }
  });

  test('even the site\'s own mark, on a Test Execution in another project, is ignored and logged', async () => {
    await site.link('Test', 'PROJ', '609');
    const leaked = await siteRunLabel(site.sb.kvs, 'nightly-1004');
    const trap = site.sb.world.createIssue({ projectKey: 'OUT', type: 'Test Execution', summary: 'mine', labels: [leaked] });
    const jobId = await site.send({ runId: 'nightly-1004', results: [{ testCaseId: '609', status: 'SUCCESS' }] });
    await site.sb.queue.idle();
    const view = await site.job(jobId);
    expect(view).toMatchObject({ state: 'succeeded', testExecutionKey: expect.stringMatching(/^PROJ-/) });
    expect(resultsOf(site, trap.id)).toEqual([]);
    const lines = (site.sb.deps.log as unknown as { lines: string[] }).lines;
    expect(lines.some((l) => l.includes('ignored') && l.includes(trap.key))).toBe(true);
  });

  test('a run whose intent was written before the change still finds its Test Execution by its old mark', async () => {
    await site.link('Test', 'PROJ', '609');
    const now = Date.now();
    const old = runLabel('nightly-1005');
    // The first version's record: a create was sent 2 minutes ago and its answer lost; Xray did create it.
    await new RunStore(site.sb.kvs).put({ runId: 'nightly-1005', label: old, intent: { jobId: 'x', at: now - 120_000, lookups: 1, lostAt: now - 120_000 }, creates: 1, updatedAt: new Date(now).toISOString() });
    // The old mark on an older Test Execution elsewhere is still not adopted.
    const trap = site.sb.world.createIssue({ projectKey: 'OUT', type: 'Test Execution', summary: 'trap', labels: [old] });
    const made = site.sb.world.createIssue({ projectKey: 'PROJ', type: 'Test Execution', summary: 'Testsigma run nightly-1005', labels: [old] });
    const jobId = await site.send({ runId: 'nightly-1005', results: [{ testCaseId: '609', status: 'SUCCESS' }] });
    await site.sb.queue.idle();
    expect(await site.job(jobId)).toMatchObject({ state: 'succeeded', testExecutionKey: made.key });
    expect(resultsOf(site, trap.id)).toEqual([]);
    expect(site.executions()).toHaveLength(2);
  });
});
