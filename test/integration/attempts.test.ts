/**
 * Retries, flaky results and run history over real loopback HTTP: results are posted to the sandbox's web trigger
 * (or pulled from the Testsigma emulator), the real sync imports them into the Xray emulator, and what a user sees
 * is read back: the test runs in Xray (status, comment), the job, and the Testsigma panel on the Test.
 */
import { invokeResolver, Sandbox } from '../../sandbox/host';
import { DEMO_ADMIN, DEMO_TESTER, DemoSite } from '../../sandbox/demo';
import { useDemoSite } from '../support/demo-site';
import type { PanelView } from '../../src/shared/types';

let sb: Sandbox;
let demo: DemoSite;

const { t, post } = useDemoSite((site, seeded) => {
  sb = site;
  demo = seeded;
});

/** The test run of a Test in the run's one Test Execution, as Xray holds it. */
function runOf(testIndex: number): { status: string; comment?: string } {
  const execs = sb.world.listTestExecutions();
  expect(execs).toHaveLength(1);
  const run = sb.world.findRun(t(testIndex).id, sb.world.findIssue(execs[0]!.key)!.id);
  expect(run).toBeDefined();
  return { status: run!.status, ...(run!.comment !== undefined ? { comment: run!.comment } : {}) };
}

async function panel(issue: { id: string; key: string }): Promise<PanelView> {
  const env = await invokeResolver<PanelView>(sb, 'panel', { key: 'getPanel', payload: { refresh: true }, accountId: DEMO_TESTER, issue });
  if (!env.ok) throw new Error(env.error.message);
  return env.data;
}

async function saveStatusMap(statusMap: Record<string, string>) {
  const env = await invokeResolver(sb, 'admin', { key: 'saveSettings', payload: { statusMap }, accountId: DEMO_ADMIN });
  if (!env.ok) throw new Error(env.error.message);
}

describe('attempts of one test', () => {
  it('the last attempt decides: passed, then failed on the retry, is failed (not flaky)', async () => {
    const job = await post({
      runId: 'att-1',
      results: [
        { testCaseId: t(0).caseId, status: 'SUCCESS', attempt: 1 },
        { testCaseId: t(0).caseId, status: 'FAILURE', attempt: 2, message: 'timeout on the second try' },
      ],
    });
    expect(job).toMatchObject({ state: 'succeeded', counts: { received: 1, synced: 1, unmapped: 0, failed: 0 }, statuses: { FAILED: 1 } });
    const run = runOf(0);
    expect(run.status).toBe('FAILED');
    expect(run.comment).toBe('Attempt 2 of 2: FAILED.\ntimeout on the second try\nAttempt 1: PASSED.');
    const link = (await panel(t(0))).links[0]!;
    expect(link.lastResult).toMatchObject({ status: 'FAILED', runId: 'att-1', attempts: 2 });
    expect(link.flaky).toBe(false);
  });

  it('failed, then passed on a retry: flaky, sent as PASSED with "Passed on attempt 2 of 2" and the earlier failure', async () => {
    const job = await post({
      runId: 'att-2',
      results: [
        { testCaseId: t(1).caseId, status: 'FAILURE', attempt: 1, message: 'element #pay not found' },
        { testCaseId: t(1).caseId, status: 'SUCCESS', attempt: 2 },
        { testCaseId: t(2).caseId, status: 'SUCCESS' },
      ],
    });
    // Two tests, not three attempts.
    expect(job).toMatchObject({ state: 'succeeded', counts: { received: 2, synced: 2, unmapped: 0, failed: 0 }, statuses: { PASSED: 2 } });
    expect(runOf(1)).toEqual({ status: 'PASSED', comment: 'Passed on attempt 2 of 2.\nAttempt 1: FAILED. element #pay not found' });
    const link = (await panel(t(1))).links[0]!;
    expect(link.lastResult).toMatchObject({ status: 'PASSED', attempts: 2 });
    expect(link.flaky).toBe(true);
    expect(link.history).toEqual([{ status: 'PASSED', runId: 'att-2', at: link.lastResult!.at }]);
  });

  it('sends a flaky result with the custom Xray status an admin mapped FLAKY to', async () => {
    sb.world.addStatus({ name: 'FLAKY PASS', color: '#ffab00', final: true });
    await saveStatusMap({ FLAKY: 'FLAKY PASS' });
    const job = await post({
      runId: 'att-3',
      results: [
        { testCaseId: t(0).caseId, status: 'FAILURE', attempt: 1 },
        { testCaseId: t(0).caseId, status: 'FAILURE', attempt: 2 },
        { testCaseId: t(0).caseId, status: 'PASSED', attempt: 3 },
      ],
    });
    expect(job).toMatchObject({ state: 'succeeded', statuses: { 'FLAKY PASS': 1 } });
    expect(runOf(0)).toEqual({ status: 'FLAKY PASS', comment: 'Passed on attempt 3 of 3.\nAttempt 1: FAILED.\nAttempt 2: FAILED.' });
    const link = (await panel(t(0))).links[0]!;
    expect(link.lastResult).toMatchObject({ status: 'FLAKY PASS', attempts: 3 });
    // FLAKY counts as passing whatever status it is sent with; a flaky last result marks the case flaky.
    expect(link.flaky).toBe(true);
  });

  it('a flaky result whose FLAKY target the site lacks is not sent, and the job names the status', async () => {
    await saveStatusMap({ FLAKY: 'SHAKY' });
    const job = await post({
      runId: 'att-4',
      results: [
        { testCaseId: t(0).caseId, status: 'FAILURE', attempt: 1 },
        { testCaseId: t(0).caseId, status: 'SUCCESS', attempt: 2 },
        { testCaseId: t(1).caseId, status: 'SUCCESS' },
      ],
    });
    expect(job).toMatchObject({ state: 'partial', counts: { received: 2, synced: 1, unmapped: 0, failed: 1 } });
    expect(job.errors.join(' ')).toMatch(/"SHAKY", which this Xray site does not have/);
  });

  it('entries of one case without attempt (one per browser) keep the worst status, counted as one test', async () => {
    const job = await post({
      runId: 'att-5',
      environments: ['Chrome', 'Firefox'],
      results: [
        { testCaseId: t(2).caseId, status: 'SUCCESS', message: 'Chrome: fine' },
        { testCaseId: t(2).caseId, status: 'FAILURE', message: 'Firefox: layout broken' },
      ],
    });
    expect(job).toMatchObject({ state: 'succeeded', counts: { received: 1, synced: 1, unmapped: 0, failed: 0 }, statuses: { FAILED: 1 } });
    expect(runOf(2)).toEqual({ status: 'FAILED', comment: 'Chrome: fine\n\nFirefox: layout broken' });
    const link = (await panel(t(2))).links[0]!;
    expect(link.lastResult?.attempts).toBeUndefined();
    expect(link.flaky).toBe(false);
  });

  it('entries with the same attempt keep the worst status, and an entry without attempt beside them is attempt 1', async () => {
    await post({
      runId: 'att-6',
      results: [
        { testCaseId: t(3).caseId, status: 'FAILURE' },
        { testCaseId: t(3).caseId, status: 'SUCCESS', attempt: 2 },
        { testCaseId: t(3).caseId, status: 'ABORTED', attempt: 2, message: 'browser crashed' },
      ],
    });
    expect(runOf(3)).toEqual({ status: 'ABORTED', comment: 'Attempt 2 of 2: ABORTED.\nbrowser crashed\nAttempt 1: FAILED.' });
  });

  it('an attempt in a later delivery of the run updates the same test run and counts the attempts stored for it', async () => {
    const first = await post({ runId: 'att-7', results: [{ testCaseId: t(4).caseId, status: 'FAILURE', attempt: 1, message: 'mail server down' }] });
    expect(runOf(4).status).toBe('FAILED');
    const second = await post({ runId: 'att-7', results: [{ testCaseId: t(4).caseId, status: 'SUCCESS', attempt: 2 }] });
    expect(second).toMatchObject({ state: 'succeeded', testExecutionKey: first.testExecutionKey, counts: { received: 1, synced: 1 } });
    expect(sb.world.listTestExecutions()).toHaveLength(1);
    expect(runOf(4)).toEqual({ status: 'PASSED', comment: 'Passed on attempt 2 of 2.\nAttempt 1: FAILED. mail server down' });
    const link = (await panel(t(4))).links[0]!;
    expect(link.lastResult).toMatchObject({ status: 'PASSED', runId: 'att-7', attempts: 2 });
    expect(link.flaky).toBe(true);
    // One run, one history entry, replaced by the later delivery.
    expect(link.history?.map((h) => [h.runId, h.status])).toEqual([['att-7', 'PASSED']]);
  });

  it('a later delivery that sends attempt 2 after a first delivery without attempt takes that result as attempt 1', async () => {
    await post({ runId: 'att-8', results: [{ testCaseId: t(0).caseId, status: 'FAILURE' }] });
    await post({ runId: 'att-8', results: [{ testCaseId: t(0).caseId, status: 'SUCCESS', attempt: 2 }] });
    expect(runOf(0)).toEqual({ status: 'PASSED', comment: 'Passed on attempt 2 of 2.\nAttempt 1: FAILED.' });
  });
});

describe('history and flaky over several runs', () => {
  it('the Test panel shows one entry a run, newest first, and marks the flipping case flaky; the Test Set lists it', async () => {
    const words = ['SUCCESS', 'FAILURE', 'SUCCESS', 'SUCCESS'];
    for (const [i, w] of words.entries()) {
      // Nightly runs: a day apart, so the site's storage allowance (45 batch operations a minute) is not the test.
      sb.advance(24 * 3600_000);
      await post({ runId: `night-${i}`, results: [{ testCaseId: t(0).caseId, status: w }, { testCaseId: t(1).caseId, status: 'SUCCESS' }] });
    }
    // A second delivery of the last run replaces that run's entry instead of adding one.
    await post({ runId: 'night-3', results: [{ testCaseId: t(1).caseId, status: 'FAILURE' }] });
    const view = await panel(t(0));
    const l0 = view.links[0]!;
    expect(l0.history?.map((h) => [h.runId, h.status])).toEqual([
      ['night-3', 'PASSED'],
      ['night-2', 'PASSED'],
      ['night-1', 'FAILED'],
      ['night-0', 'PASSED'],
    ]);
    expect(l0.flaky).toBe(true);
    const l1 = (await panel(t(1))).links[0]!;
    expect(l1.history?.map((h) => [h.runId, h.status])).toEqual([
      ['night-3', 'FAILED'],
      ['night-2', 'PASSED'],
      ['night-1', 'PASSED'],
      ['night-0', 'PASSED'],
    ]);
    expect(l1.flaky).toBe(false);

    const set = await panel(demo.testSet);
    expect(set.flaky).toEqual([
      expect.objectContaining({ testsigmaId: t(0).caseId, test: expect.objectContaining({ id: t(0).id, key: t(0).key }), flips: 2, lastStatuses: ['PASSED', 'PASSED', 'FAILED', 'PASSED'] }),
    ]);
  });

  it('keeps the last 10 runs', async () => {
    for (let i = 0; i < 12; i++) await post({ runId: `r-${i}`, results: [{ testCaseId: t(2).caseId, status: i % 2 ? 'SUCCESS' : 'FAILURE' }] });
    const link = (await panel(t(2))).links[0]!;
    expect(link.history).toHaveLength(10);
    expect(link.history![0]!.runId).toBe('r-11');
    expect(link.history![9]!.runId).toBe('r-2');
  });
});

describe('a Testsigma re-run (pull mode)', () => {
  it('lands in the Test Execution of the run it re-runs, followed back to the first run, as the next attempt', async () => {
    const ts = sb.testsigma.state;
    const first = ts.triggerRun(274, null)!;
    ts.completeRun(first.id, { 601: 'FAILURE', 602: 'SUCCESS', 603: 'FAILURE', 604: 'SUCCESS', 605: 'SUCCESS', 606: 'SUCCESS' });
    const j1 = await post({ testsigmaRunId: String(first.id) });
    expect(j1).toMatchObject({ state: 'partial', counts: { received: 6, synced: 5, unmapped: 1 } });

    // Re-run the failed tests over Testsigma's API, as a user does; 603 fails again, so re-run that one again.
    const rerun = async (parentId: number, results: Record<string, 'SUCCESS' | 'FAILURE'>) => {
      const res = await fetch(`${sb.testsigma.url}/api/v1/execution_results`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${sb.testsigmaApiKey}` },
        body: JSON.stringify({ executionId: 274, executionResultId: parentId, isReRun: true, reRunType: 'ONLY_FAILED_TESTS' }),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { id: number; reRunParentId: number };
      expect(body.reRunParentId).toBe(parentId);
      ts.completeRun(body.id, results);
      return body.id;
    };
    const second = await rerun(first.id, { 601: 'SUCCESS', 603: 'FAILURE' });
    const j2 = await post({ testsigmaRunId: String(second) });
    expect(j2).toMatchObject({ state: 'succeeded', runId: String(second), testExecutionKey: j1.testExecutionKey, counts: { received: 2, synced: 2 } });
    const third = await rerun(second, { 603: 'SUCCESS' });
    const j3 = await post({ testsigmaRunId: String(third) });
    expect(j3).toMatchObject({ state: 'succeeded', testExecutionKey: j1.testExecutionKey, counts: { received: 1, synced: 1 } });

    expect(sb.world.listTestExecutions()).toHaveLength(1);
    expect(runOf(0)).toEqual({ status: 'PASSED', comment: 'Passed on attempt 2 of 2.\nAttempt 1: FAILED.' });
    expect(runOf(1).status).toBe('PASSED');
    expect(runOf(2)).toEqual({ status: 'PASSED', comment: 'Passed on attempt 3 of 3.\nAttempt 1: FAILED.\nAttempt 2: FAILED.' });

    // The panel shows the first run's id, with the attempts; one history entry for the run. Opened a minute later:
    // the three syncs just spent this minute's storage batch operations (Forge's 45), and a panel opened in that
    // minute says storage is busy instead.
    const busy = await panel(t(2));
    expect(busy.notices?.map((n) => n.code) ?? []).toEqual(busy.links[0]!.lastResult ? [] : ['storage_busy']);
    sb.advance(60_000);
    const link = (await panel(t(2))).links[0]!;
    expect(link.lastResult).toMatchObject({ status: 'PASSED', runId: String(first.id), attempts: 3, testExecutionKey: j1.testExecutionKey });
    expect(link.history?.map((h) => h.runId)).toEqual([String(first.id)]);
    expect(link.flaky).toBe(true);

    // The same re-run pulled again is the same attempt, not a fourth.
    await post({ testsigmaRunId: String(third) });
    expect((await panel(t(2))).links[0]!.lastResult?.attempts).toBe(3);
    expect(runOf(2).comment).toBe('Passed on attempt 3 of 3.\nAttempt 1: FAILED.\nAttempt 2: FAILED.');
  });
});
