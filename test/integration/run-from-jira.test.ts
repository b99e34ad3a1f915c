/**
 * Runs reach Xray with no CI job (issue 20, contract section 8), over real loopback HTTP: the panel's resolvers on
 * the sandbox host, the Testsigma emulator starting and finishing runs on the sandbox clock, the `pickup` scheduled
 * trigger's rounds, the real sync into the Xray emulator, and what users see read back (the panel, the admin page,
 * the Test Executions in Xray).
 */
import { invokeResolver, startSandbox, Sandbox } from '../../sandbox/host';
import { DEMO_ADMIN, DEMO_TESTER, DemoSite, seedDemo } from '../../sandbox/demo';
import type { PanelView, RunOptions, SettingsView } from '../../src/shared/types';
import { REVISION_FIELD } from '../../sandbox/emulators/world';

let sb: Sandbox;
let demo: DemoSite;
let clock: number;
const VIEWER = 'demo-viewer';

beforeEach(async () => {
  clock = Date.parse('2026-12-01T09:00:00Z');
  sb = await startSandbox({ xrayDataRegion: 'eu', queueMsPerSecond: 1, now: () => clock });
  demo = await seedDemo(sb, { attachEvidence: false });
  sb.world.addAccount({ accountId: VIEWER, displayName: 'Vic Viewer' });
  sb.world.grant(VIEWER, 'BROWSE_PROJECTS');
});
afterEach(() => sb.close());

type Envelope<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

function panelCall<T = PanelView>(key: string, payload: unknown = {}, accountId = DEMO_TESTER, issue: { id: string; key: string } = demo.testPlan): Promise<Envelope<T>> {
  return invokeResolver<T>(sb, 'panel', { key, payload, accountId, issue });
}

async function must<T>(p: Promise<Envelope<T>>): Promise<T> {
  const env = await p;
  if (!env.ok) throw new Error(`${env.error.code}: ${env.error.message}`);
  return env.data;
}

async function planPanel(): Promise<PanelView> {
  return must(panelCall('getPanel', { refresh: true }));
}

async function settings(locale?: string): Promise<SettingsView> {
  return must(invokeResolver<SettingsView>(sb, 'admin', { key: 'getSettings', payload: {}, accountId: DEMO_ADMIN, ...(locale ? { locale } : {}) }));
}

/** Moves the sandbox clock past a run's queued and running time (the emulator's defaults: 1 s and 2 s). */
function runsFinish(): void {
  clock += 10_000;
}

/** Five minutes pass and the scheduled trigger runs. */
async function nextRound() {
  clock += 5 * 60_000;
  return sb.pickupRound();
}

/** Runs the plan from Jira and re-runs its failed tests once, both synced: the run's id and its re-run in Testsigma. */
async function runAndRerunOnce() {
  await must(panelCall('runPlan', {}));
  runsFinish();
  await nextRound();
  const runId = (await planPanel()).recentRuns![0]!.runId;
  await must(panelCall('rerunFailed', { runId }));
  const first = [...sb.testsigma.state.runs.values()].find((r) => r.reRunParentId === Number(runId))!;
  runsFinish();
  await nextRound();
  return { runId, first };
}

describe('Run in Testsigma', () => {
  it('starts the linked plan with the build number, shows it running with a link, and makes exactly one Test Execution of its results', async () => {
    const options = await must(panelCall<RunOptions>('getRunOptions'));
    // Testsigma's docs show no call that lists environments: the dialog offers none.
    expect(options).toEqual({ canRun: true, environments: [], savedConfigs: [] });

    const started = await must(panelCall('runPlan', { buildNo: '1.4.2' }));
    const runs = [...sb.testsigma.state.runs.values()];
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ planId: 274, buildNo: '1.4.2', triggeredType: 'API' });
    const runId = String(runs[0]!.id);
    expect(started.recentRuns).toEqual([
      expect.objectContaining({ runId, state: 'running', source: 'jira', testsigmaUrl: `https://app.testsigma.com/ui/td/runs/${runId}` }),
    ]);
    expect(sb.world.listTestExecutions()).toHaveLength(0);

    // Not finished at the next round: still running, nothing in Xray.
    await sb.pickupRound();
    expect((await planPanel()).recentRuns![0]).toMatchObject({ runId, state: 'running' });

    runsFinish();
    const round = await nextRound();
    expect(round.followedFinished).toBe(1);
    const after = (await planPanel()).recentRuns!;
    expect(after).toHaveLength(1);
    // Cases 603 fails and 606 is linked to no Test (the demo), so the run is partial.
    expect(after[0]).toMatchObject({ runId, state: 'partial', source: 'jira', statuses: { PASSED: 4, FAILED: 1 }, counts: { received: 6, synced: 5, unmapped: 1, failed: 0 } });
    const execs = sb.world.listTestExecutions();
    expect(execs).toHaveLength(1);
    expect(after[0]!.testExecutionKey).toBe(execs[0]!.key);
    // The build number the user typed is the Test Execution's Revision in Xray.
    expect(sb.world.findIssue(execs[0]!.key)?.extraFields?.[REVISION_FIELD.id]).toBe('1.4.2');

    // Later rounds find the run in the plan's list but it has its job: still one Test Execution.
    await nextRound();
    await nextRound();
    expect(sb.world.listTestExecutions()).toHaveLength(1);
    expect((await planPanel()).recentRuns).toHaveLength(1);
  });

  it('two clicks at once start one run, and both answer the view with that run', async () => {
    const [a, b] = await Promise.all([must(panelCall('runPlan', {})), must(panelCall('runPlan', {}))]);
    expect(sb.testsigma.state.runs.size).toBe(1);
    const runId = String([...sb.testsigma.state.runs.keys()][0]);
    expect(a.recentRuns!.map((r) => r.runId)).toEqual([runId]);
    expect(b.recentRuns!.map((r) => r.runId)).toEqual([runId]);
  });

  it('a start whose answer is lost (Testsigma 502) keeps the claim: a second click within the minute starts no second run', async () => {
    sb.testsigma.injectFault({ status: 502, endpoint: 'POST /execution_results' });
    const lost = await panelCall('runPlan', {});
    expect(lost).toMatchObject({ ok: false, error: { code: 'internal', message: expect.stringContaining('may have started') } });
    // Testsigma may have started it: the next click within the minute waits for it instead of starting another.
    await must(panelCall('runPlan', {}));
    expect(sb.testsigma.counters['POST /execution_results']).toBe(1);
    clock += 61_000;
    await must(panelCall('runPlan', {}));
    expect(sb.testsigma.counters['POST /execution_results']).toBe(2);
  });

  it('runs a saved partial run: only its cases run', async () => {
    sb.testsigma.state.addSavedConfig({ id: 31, name: 'Sign-in only', planId: 274, testCaseIds: [601, 602] });
    expect((await must(panelCall<RunOptions>('getRunOptions'))).savedConfigs).toEqual([{ id: '31', name: 'Sign-in only' }]);
    await must(panelCall('runPlan', { savedConfigId: '31' }));
    const run = [...sb.testsigma.state.runs.values()][0]!;
    expect(run.cases.map((c) => c.testCaseId)).toEqual([601, 602]);
    clock += 61_000; // past the 60 s in which a second click answers the first one's run
    const unknown = await panelCall('runPlan', { savedConfigId: '99' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('bad input gets a clear answer and starts nothing', async () => {
    const bad = await panelCall('runPlan', { buildNo: 'x'.repeat(300) });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_id', message: expect.stringContaining('buildNo') } });
    const env = await panelCall('runPlan', { environmentId: 'Chrome' });
    expect(env).toMatchObject({ ok: false, error: { code: 'invalid_id', message: expect.stringContaining('environmentId') } });
    expect(sb.testsigma.state.runs.size).toBe(0);
  });

  it('users who may not edit the Test Plan cannot run it, and an admin can switch running off', async () => {
    expect(await must(panelCall<RunOptions>('getRunOptions', {}, VIEWER))).toEqual({ canRun: false, environments: [], savedConfigs: [] });
    expect(await panelCall('runPlan', {}, VIEWER)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    await must(invokeResolver(sb, 'admin', { key: 'saveSettings', payload: { runFromJira: false }, accountId: DEMO_ADMIN }));
    expect((await must(panelCall<RunOptions>('getRunOptions'))).canRun).toBe(false);
    expect(await panelCall('runPlan', {})).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('switched off') } });
    expect(sb.testsigma.state.runs.size).toBe(0);
  });

  it('a finished run whose job the queue refuses waits for the next round, which queues it', async () => {
    await must(panelCall('runPlan', {}));
    runsFinish();
    sb.queue.failPushes = true;
    expect(await nextRound()).toMatchObject({ followedFinished: 0 });
    expect((await planPanel()).recentRuns![0]).toMatchObject({ state: 'running' });
    sb.queue.failPushes = false;
    expect(await nextRound()).toMatchObject({ followedFinished: 1 });
    expect((await planPanel()).recentRuns![0]).toMatchObject({ state: 'partial' });
    expect(sb.world.listTestExecutions()).toHaveLength(1);
  });

  it('a run that never finishes is followed for 24 hours, then its job fails saying so', async () => {
    await must(panelCall('runPlan', {}));
    const run = [...sb.testsigma.state.runs.values()][0]!;
    sb.testsigma.state.hangRun(run.id);
    clock += 23 * 3600_000;
    await sb.pickupRound();
    expect((await planPanel()).recentRuns![0]).toMatchObject({ state: 'running' });
    clock += 2 * 3600_000;
    const round = await sb.pickupRound();
    expect(round.followedFailed).toBe(1);
    const jobs = await must(invokeResolver<{ jobs: Array<{ state: string; errors: string[] }> }>(sb, 'admin', { key: 'listJobs', payload: {}, accountId: DEMO_ADMIN }));
    expect(jobs.jobs[0]).toMatchObject({ state: 'failed', errors: [expect.stringContaining('had not finished after 24 hours')] });
  });

  it('a run Testsigma no longer answers for (deleted there) is followed for 24 hours, then its job fails with Testsigma\'s answer', async () => {
    await must(panelCall('runPlan', {}));
    const run = [...sb.testsigma.state.runs.values()][0]!;
    sb.testsigma.injectFault({ status: 404, endpoint: 'GET /execution_results/{id}', count: 1000 });
    clock += 23 * 3600_000;
    expect(await sb.pickupRound()).toMatchObject({ followedFailed: 0 });
    clock += 2 * 3600_000;
    expect(await sb.pickupRound()).toMatchObject({ followedFailed: 1 });
    const jobs = await must(invokeResolver<{ jobs: Array<{ runId: string; state: string; errors: string[] }> }>(sb, 'admin', { key: 'listJobs', payload: {}, accountId: DEMO_ADMIN }));
    expect(jobs.jobs[0]).toMatchObject({
      runId: String(run.id),
      state: 'failed',
      errors: [expect.stringMatching(new RegExp(`^Testsigma run ${run.id}, started from Jira, could not be read for 24 hours \\(.*404.*\\); the app stopped following it\\.`))],
    });
    sb.testsigma.resetCounters();
    await nextRound();
    expect(sb.testsigma.counters['GET /execution_results/{id}'] ?? 0).toBe(0);
  });
});

describe('Re-run failed', () => {
  it('re-runs the failed tests in Testsigma; their results land in the same Test Execution as the next attempt, and a case that passed on it is flaky', async () => {
    await must(panelCall('runPlan', {}));
    runsFinish();
    await nextRound();
    const first = (await planPanel()).recentRuns![0]!;
    expect(first.state).toBe('partial');

    sb.testsigma.state.setCaseResult(603, 'SUCCESS');
    const view = await must(panelCall('rerunFailed', { runId: first.runId }));
    const rerun = [...sb.testsigma.state.runs.values()].find((r) => r.reRunParentId === Number(first.runId))!;
    expect(rerun).toMatchObject({ reRunType: 'ONLY_FAILED_TESTS' });
    // Testsigma re-runs what did not succeed: 603 failed, 606 (unlinked) failed too.
    expect(rerun.cases.map((c) => c.testCaseId)).toEqual([603, 606]);
    expect(view.recentRuns![0]).toMatchObject({ runId: String(rerun.id), state: 'running', source: 'jira' });

    runsFinish();
    await nextRound();
    const execs = sb.world.listTestExecutions();
    expect(execs).toHaveLength(1);
    const t603 = demo.tests.find((t) => t.caseId === '603')!;
    const testRun = sb.world.findRun(t603.id, sb.world.findIssue(execs[0]!.key)!.id)!;
    expect(testRun.status).toBe('PASSED');
    const testPanel = await must(panelCall('getPanel', { refresh: true }, DEMO_TESTER, t603));
    expect(testPanel.links[0]).toMatchObject({ flaky: true, lastResult: { status: 'PASSED', attempts: 2 } });
  });

  it('a CI job sending the same run, refused or accepted, leaves its re-runs going through the newest re-run', async () => {
    const { runId, first: firstRerun } = await runAndRerunOnce();

    const send = () =>
      fetch(demo.webtrigger.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${demo.webtrigger.secret}` },
        body: JSON.stringify({ runId, testPlanId: '274', results: [{ testCaseId: '601', status: 'SUCCESS' }] }),
      });
    // The queue refuses the first delivery (the sender retries later), then takes the second.
    sb.queue.failPushes = true;
    expect((await send()).status).toBe(503);
    sb.queue.failPushes = false;
    expect((await send()).status).toBe(202);
    await sb.queue.idle();

    // Re-running the run again re-runs its newest re-run, whose failures are the ones still standing.
    await must(panelCall('rerunFailed', { runId }));
    const reruns = [...sb.testsigma.state.runs.values()].filter((r) => r.reRunParentId !== undefined);
    expect(reruns.map((r) => r.reRunParentId)).toEqual([Number(runId), firstRerun.id]);
  });

  it('a re-run re-run from its own row is the one the first run\'s row re-runs next', async () => {
    const { runId, first } = await runAndRerunOnce();
    // From the re-run's own row: a re-run of the re-run.
    await must(panelCall('rerunFailed', { runId: String(first.id) }));
    const second = [...sb.testsigma.state.runs.values()].find((r) => r.reRunParentId === first.id)!;
    // From the first run's row while that one runs: nothing to re-run yet, and no second re-run of the first re-run.
    expect(await panelCall('rerunFailed', { runId })).toMatchObject({ ok: false, error: { code: 'no_failure', message: expect.stringContaining(String(second.id)) } });
    runsFinish();
    await nextRound();
    await must(panelCall('rerunFailed', { runId }));
    const parents = [...sb.testsigma.state.runs.values()].filter((r) => r.reRunParentId !== undefined).map((r) => r.reRunParentId);
    expect(parents).toEqual([Number(runId), first.id, second.id]);
  });

  it('after the first run\'s row re-ran its re-run, the re-run\'s own row re-runs the newest too', async () => {
    const { runId, first } = await runAndRerunOnce();
    // From the first run's row: the re-run is re-run.
    await must(panelCall('rerunFailed', { runId }));
    const second = [...sb.testsigma.state.runs.values()].find((r) => r.reRunParentId === first.id)!;
    runsFinish();
    await nextRound();
    clock += 61_000;
    // From the first re-run's own row, once the second finished: the second is re-run, not the first again.
    await must(panelCall('rerunFailed', { runId: String(first.id) }));
    const parents = [...sb.testsigma.state.runs.values()].filter((r) => r.reRunParentId !== undefined).map((r) => r.reRunParentId);
    expect(parents).toEqual([Number(runId), first.id, second.id]);
  });

  it('two clicks on Re-run failed at once start one re-run, and both answer the view with it', async () => {
    await must(panelCall('runPlan', {}));
    runsFinish();
    await nextRound();
    const runId = (await planPanel()).recentRuns![0]!.runId;
    // Testsigma answers in 50 ms, as over the internet: both clicks are checked before either re-run starts.
    sb.setHttpLatency(50);
    const [a, b] = await Promise.all([panelCall('rerunFailed', { runId }), panelCall('rerunFailed', { runId })]);
    const reruns = [...sb.testsigma.state.runs.values()].filter((r) => r.reRunParentId !== undefined);
    expect(reruns).toHaveLength(1);
    for (const view of [a, b]) {
      expect(view).toMatchObject({ ok: true, data: { recentRuns: expect.arrayContaining([expect.objectContaining({ runId: String(reruns[0]!.id) })]) } });
    }
  });

  it('answers no_failure for a run with nothing failed, and not_found for a run the app does not know or an executor\'s own run id', async () => {
    for (const id of [601, 602, 603, 604, 605, 606]) sb.testsigma.state.setCaseResult(id, 'SUCCESS');
    await must(panelCall('runPlan', {}));
    const runId = String([...sb.testsigma.state.runs.keys()][0]);
    expect(await panelCall('rerunFailed', { runId })).toMatchObject({ ok: false, error: { code: 'no_failure', message: expect.stringContaining('not finished') } });
    runsFinish();
    await nextRound();
    expect(await panelCall('rerunFailed', { runId })).toMatchObject({ ok: false, error: { code: 'no_failure' } });
    expect(await panelCall('rerunFailed', { runId: '424242' })).toMatchObject({ ok: false, error: { code: 'not_found' } });

    const res = await fetch(demo.webtrigger.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${demo.webtrigger.secret}` },
      body: JSON.stringify({ runId: '777', testPlanId: '274', results: [{ testCaseId: '603', status: 'FAILURE' }] }),
    });
    expect(res.status).toBe(202);
    await sb.queue.idle();
    const executor = await panelCall('rerunFailed', { runId: '777' });
    expect(executor).toMatchObject({ ok: false, error: { code: 'not_found', message: expect.stringContaining('executor') } });
    expect([...sb.testsigma.state.runs.values()].filter((r) => r.reRunParentId !== undefined)).toHaveLength(0);
  });
});

describe('Pick-up of runs started in Testsigma', () => {
  it('a run started in Testsigma with no call to the app is synced by the next round; the same run sent by an executor is still one Test Execution', async () => {
    const old = sb.testsigma.state.startRunInTestsigma(274);
    runsFinish();
    // The admin chooses pick-up now (the executor's push delivery below leaves it on).
    clock += 1000;
    await must(invokeResolver(sb, 'admin', { key: 'saveSettings', payload: { testsigma: { autoPickup: true } }, accountId: DEMO_ADMIN }));
    // The first round starts from the moment pick-up is on: the run finished before is not backfilled.
    const firstRound = await sb.pickupRound();
    expect(firstRound).toMatchObject({ on: true, pickedUp: 0, plans: 1 });

    const run = sb.testsigma.state.startRunInTestsigma(274, { buildNo: 'ui-7' });
    runsFinish();
    const round = await nextRound();
    expect(round.pickedUp).toBe(1);
    const recent = (await planPanel()).recentRuns!;
    expect(recent).toEqual([expect.objectContaining({ runId: String(run.id), source: 'testsigma', state: 'partial' })]);
    expect(recent.some((r) => r.runId === String(old.id))).toBe(false);
    expect(sb.world.listTestExecutions()).toHaveLength(1);

    // The CI job also sends the run under its Testsigma run id.
    const res = await fetch(demo.webtrigger.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${demo.webtrigger.secret}` },
      body: JSON.stringify({ runId: String(run.id), testPlanId: '274', results: [{ testCaseId: '601', status: 'SUCCESS' }] }),
    });
    expect(res.status).toBe(202);
    await sb.queue.idle();
    await nextRound();
    expect(sb.world.listTestExecutions()).toHaveLength(1);

    const trace = (await settings()).setup.pickup!;
    expect(trace).toMatchObject({ on: true, runsPickedUp: 1 });
    expect(trace.problem).toBeUndefined();
  });

  it('a run an executor sent first is not picked up again', async () => {
    await sb.pickupRound();
    const run = sb.testsigma.state.startRunInTestsigma(274);
    runsFinish();
    const res = await fetch(demo.webtrigger.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${demo.webtrigger.secret}` },
      body: JSON.stringify({ testsigmaRunId: run.id }),
    });
    expect(res.status).toBe(202);
    await sb.queue.idle();
    const round = await nextRound();
    expect(round.pickedUp).toBe(0);
    expect(sb.world.listTestExecutions()).toHaveLength(1);
  });

  it('a plan whose runs cannot be listed shows its problem on the admin page, in the admin\'s language', async () => {
    sb.testsigma.injectFault({ status: 404, endpoint: 'GET /test_runs', count: 10 });
    const round = await sb.pickupRound();
    expect(round.problem).toBeDefined();
    const en = (await settings()).setup.pickup!;
    expect(en.problem).toMatch(
      /^Pick-up could not list the runs of Testsigma test plan 274: Testsigma answered HTTP 404 to GET \/api\/v1\/test_runs\?query=testPlanId:274, the run list its API docs describe\. Runs of this plan .*switch pick-up off on this page\.$/,
    );
    const de = (await settings('de-DE')).setup.pickup!;
    expect(de.problem).toContain('Die Übernahme konnte die Läufe des Testsigma-Testplans 274 nicht auflisten');
  });

  it('is on by default until the first push-mode delivery, and an admin\'s explicit choice wins', async () => {
    expect((await settings()).testsigma.autoPickup).toBe(true);
    const res = await fetch(demo.webtrigger.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${demo.webtrigger.secret}` },
      body: JSON.stringify({ runId: 'ci-1', results: [{ testCaseId: '601', status: 'SUCCESS' }] }),
    });
    expect(res.status).toBe(202);
    await sb.queue.idle();
    expect((await settings()).testsigma.autoPickup).toBe(false);
    const run = sb.testsigma.state.startRunInTestsigma(274);
    runsFinish();
    expect(await nextRound()).toMatchObject({ on: false, pickedUp: 0 });
    expect((await settings()).setup.pickup).toMatchObject({ on: false });

    await must(invokeResolver(sb, 'admin', { key: 'saveSettings', payload: { testsigma: { autoPickup: true } }, accountId: DEMO_ADMIN }));
    expect((await settings()).testsigma.autoPickup).toBe(true);
    // Switched on now: the run that finished while it was off is not backfilled; one that finishes before the next
    // round is picked up by it.
    const after = sb.testsigma.state.startRunInTestsigma(274);
    runsFinish();
    expect(await nextRound()).toMatchObject({ on: true, pickedUp: 1 });
    expect((await planPanel()).recentRuns!.some((r) => r.runId === String(after.id))).toBe(true);
    expect((await planPanel()).recentRuns!.some((r) => r.runId === String(run.id))).toBe(false);
  });

  it('a plan linked while pick-up is on starts from its link: runs it finished before are not backfilled', async () => {
    await sb.pickupRound();
    sb.testsigma.state.seedPlan({ id: 900, name: 'Linked later', suites: [{ id: 90, name: 'All', cases: [{ id: 601, name: 'Login' }] }] });
    const before = sb.testsigma.state.startRunInTestsigma(900);
    sb.testsigma.state.completeRun(before.id);
    runsFinish();
    clock += 60_000;
    const issue = sb.world.createIssue({ projectKey: demo.projectKey, type: 'Test Plan', summary: 'Linked later' });
    await must(panelCall('link', { testsigmaId: '900' }, DEMO_TESTER, issue));
    clock += 1000;
    const after = sb.testsigma.state.startRunInTestsigma(900);
    sb.testsigma.state.completeRun(after.id);
    runsFinish();
    expect(await nextRound()).toMatchObject({ pickedUp: 1 });
    const runs = (await must(panelCall('getPanel', { refresh: true }, DEMO_TESTER, issue))).recentRuns!.map((r) => r.runId);
    expect(runs).toEqual([String(after.id)]);
  });

  it('a round picks up at most 20 runs a plan, oldest first; the rest wait for the next round', async () => {
    await sb.pickupRound();
    const runs = Array.from({ length: 23 }, () => {
      const r = sb.testsigma.state.startRunInTestsigma(274);
      sb.testsigma.state.completeRun(r.id);
      clock += 1000;
      return r;
    });
    const first = await nextRound();
    expect(first.pickedUp).toBe(20);
    const second = await nextRound();
    expect(second.pickedUp).toBe(3);
    expect(await nextRound()).toMatchObject({ pickedUp: 0 });
    const jobs = await must(invokeResolver<{ jobs: Array<{ runId: string }> }>(sb, 'admin', { key: 'listJobs', payload: {}, accountId: DEMO_ADMIN }));
    const seen = new Set(jobs.jobs.map((j) => j.runId));
    expect(runs.slice(-3).every((r) => seen.has(String(r.id)))).toBe(true);
  });

  it('a backlog deeper than three pages of the run list is picked up whole over the next rounds, none skipped', async () => {
    await sb.pickupRound();
    // 70 runs finish between two rounds (a burst of Testsigma schedules): the list's newest 60 fill three pages.
    const runs = Array.from({ length: 70 }, () => {
      const r = sb.testsigma.state.startRunInTestsigma(274);
      sb.testsigma.state.completeRun(r.id);
      clock += 1000;
      return r;
    });
    let picked = 0;
    for (let round = 0; round < 6; round++) picked += (await nextRound()).pickedUp;
    expect(picked).toBe(70);
    const seen = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await must(invokeResolver<{ jobs: Array<{ runId: string }>; nextCursor?: string }>(sb, 'admin', { key: 'listJobs', payload: cursor ? { cursor } : {}, accountId: DEMO_ADMIN }));
      for (const j of page.jobs) seen.add(j.runId);
      cursor = page.nextCursor;
    } while (cursor);
    expect(runs.filter((r) => !seen.has(String(r.id))).map((r) => r.id)).toEqual([]);
  });

  it('a burst past the 500 runs a round can list is reported on the admin page, saying the older runs need a delivery', async () => {
    await sb.pickupRound();
    for (let i = 0; i < 510; i++) {
      const r = sb.testsigma.state.startRunInTestsigma(274);
      sb.testsigma.state.completeRun(r.id);
      clock += 100;
    }
    expect(await nextRound()).toMatchObject({ pickedUp: 20 });
    expect((await settings()).setup.pickup!.problem).toBe(
      'More than 500 runs of Testsigma test plan 274 finished between two rounds: pick-up takes the newest 500 over the next rounds, and the older ones do not reach Xray by themselves. Send those with xts or the web trigger (testsigmaRunId).',
    );
  });

  it('a round picks up nothing while the Xray budget is spent, and the run waits for a later round', async () => {
    await sb.pickupRound();
    const run = sb.testsigma.state.startRunInTestsigma(274);
    runsFinish();
    clock += 5 * 60_000;
    // Another invocation has used the window's 300 requests (the budget's own hint, as request-budget.ts keeps it).
    await sb.kvs.set(`xray:budget:${Math.floor(clock / 300_000)}:next`, 300, { ttl: { value: 10, unit: 'MINUTES' } });
    expect(await sb.pickupRound()).toMatchObject({ pickedUp: 0 });
    expect(sb.testsigma.counters['GET /test_runs']).toBe(1); // the first round's; a spent budget lists nothing
    expect(await nextRound()).toMatchObject({ pickedUp: 1 });
    expect((await planPanel()).recentRuns!.map((r) => r.runId)).toEqual([String(run.id)]);
  });

  it('a round with 50 linked plans and nothing new costs one Testsigma request a plan and no Xray request', async () => {
    for (let i = 0; i < 49; i++) {
      const planId = 500 + i;
      sb.testsigma.state.seedPlan({ id: planId, name: `Plan ${planId}`, suites: [] });
      const issue = sb.world.createIssue({ projectKey: demo.projectKey, type: 'Test Plan', summary: `Plan ${planId}` });
      await must(panelCall('link', { testsigmaId: String(planId) }, DEMO_TESTER, issue));
      // Users link over minutes, not at once: storage allows 45 batch operations a minute an installation.
      clock += 3_000;
    }
    clock += 61_000;
    await sb.pickupRound();
    sb.testsigma.resetCounters();
    sb.kvs.resetCalls();
    const xrayBefore = countXray();
    const round = await nextRound();
    expect(round).toMatchObject({ on: true, plans: 50, pickedUp: 0 });
    expect(sb.testsigma.counters).toMatchObject({ total: 50, 'GET /test_runs': 50 });
    expect(countXray() - xrayBefore).toBe(0);
    // Storage: the settings, the trace, the first push's mark and the budget's hint (get), the Testsigma key, the
    // followed runs and the 50 plan links in three pages (query), and the trace written back; no batch operation.
    expect(sb.kvs.calls).toEqual({ get: 4, getSecret: 1, query: 4, set: 1 });
  });
});

/** Requests the app sent to any Xray host (the sandbox's egress counts). */
function countXray(): number {
  return Object.entries(sb.egress)
    .filter(([host]) => host.includes('xray'))
    .reduce((n, [, c]) => n + c, 0);
}
