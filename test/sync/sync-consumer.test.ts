import { makeWorld, delivery, SECRETS } from './harness';
import { XrayError } from '../../src/xray/xray-types';
import { runLabel } from '../../src/domain/run-mark';
import { siteRunLabel } from '../../src/sync/run-mark-secret';
import { readLastResults, listPlanRuns } from '../../src/store/run-store';
import { JobStore } from '../../src/store/job-store';
import { budgetSpentError } from '../../src/xray/request-budget';
import { retryJob } from '../../src/sync/retry-job';

const iso = '2026-11-25T10:00:00Z';

describe('sync consumer: mapping and outcome', () => {
  test('maps linked cases to current Test keys, lists unmapped ones, ends partial, records last results', async () => {
    const w = await makeWorld();
    const t1 = await w.link('test', 'PROJ-1', ['609']);
    await w.link('test', 'PROJ-2', ['610']);
    // PROJ-1 moved to another project since it was linked: the current key must be sent.
    t1.key = 'MOVED-77';
    t1.projectKey = 'MOVED';
    const jobId = await w.deliver(
      delivery('337', [
        { testCaseId: '609', status: 'SUCCESS', startedAt: iso, finishedAt: '2026-11-25T10:01:40Z', message: 'all good' },
        { testCaseId: 610, status: 'failure' },
        { testCaseId: '611', status: 'SUCCESS' },
        { testCaseId: '612', status: 'SUCCESS' },
      ], { summary: 'Nightly', startedAt: iso, finishedAt: '2026-11-25T10:42:10Z' }),
    );
    const answers = await w.drain();
    expect(answers).toEqual([undefined]);
    expect(w.xray.count('multipart')).toBe(1);
    const call = w.xray.calls[0]!;
    expect(call.results!.tests).toEqual([
      { testKey: 'MOVED-77', status: 'PASSED', start: '2026-11-25T10:00:00Z', finish: '2026-11-25T10:01:40Z', comment: 'all good' },
      { testKey: 'PROJ-2', status: 'FAILED' },
    ]);
    expect(call.info!.fields.summary).toBe('Nightly');
    expect(call.info!.fields.labels).toEqual([await siteRunLabel(w.kvs, '337')]);
    expect(call.info!.fields.project.key).toBe('MOVED');
    expect(call.results!.info).toMatchObject({ startDate: '2026-11-25T10:00:00Z', finishDate: '2026-11-25T10:42:10Z' });
    expect(call.opts.idempotent).toBe(false);
    const view = await w.jobView(jobId);
    expect(view).toMatchObject({
      state: 'partial',
      counts: { received: 4, synced: 2, unmapped: 2, failed: 0 },
      unmapped: ['611', '612'],
      attempts: 1,
    });
    expect(view.testExecutionKey).toMatch(/^MOVED-\d+$/);
    const last = await readLastResults(w.kvs, ['609', '610', '611']);
    expect(last.get('609')).toMatchObject({ status: 'PASSED', runId: '337', testExecutionKey: view.testExecutionKey });
    expect(last.get('610')!.status).toBe('FAILED');
    expect(last.has('611')).toBe(false);
  });

  test('every case linked: succeeded; summary defaults to "Testsigma run <runId>"', async () => {
    const w = await makeWorld();
    await w.link('test', 'PROJ-1', ['1', '2']);
    const jobId = await w.deliver(delivery('r1', [{ testCaseId: '1', status: 'SUCCESS' }, { testCaseId: '2', status: 'FAILURE', message: 'boom' }]));
    await w.drain();
    const view = await w.jobView(jobId);
    expect(view.state).toBe('succeeded');
    expect(view.counts).toEqual({ received: 2, synced: 2, unmapped: 0, failed: 0 });
    // Two cases of one Test merge into one import test, the failure winning.
    const tests = w.xray.calls[0]!.results!.tests;
    expect(tests).toHaveLength(1);
    expect(tests[0]).toMatchObject({ testKey: 'PROJ-1', status: 'FAILED', comment: 'Testsigma test case 2: boom' });
    expect(w.xray.calls[0]!.info!.fields.summary).toBe('Testsigma run r1');
  });

  test('no case linked: failed, saying none of the N test cases is linked, and Xray is not called', async () => {
    const w = await makeWorld();
    const jobId = await w.deliver(delivery('r2', [{ testCaseId: '1', status: 'SUCCESS' }, { testCaseId: '2', status: 'SUCCESS' }, { testCaseId: '2', status: 'FAILURE' }]));
    await w.drain();
    const view = await w.jobView(jobId);
    expect(view.state).toBe('failed');
    // Counted by test: case 2's two entries are one test.
    expect(view.counts).toEqual({ received: 2, synced: 0, unmapped: 2, failed: 0 });
    expect(view.unmapped).toEqual(['1', '2']);
    expect(view.errors.join(' ')).toMatch(/None of the 2 test cases in this delivery are linked/);
    expect(w.xray.calls).toHaveLength(0);
  });

  test('status map with an admin override: BLOCKED goes to Xray as ABORTED, and an overridden default applies', async () => {
    const w = await makeWorld({ settings: { statusOverrides: { BLOCKED: 'ABORTED', QUEUED: 'EXECUTING' } } });
    await w.link('test', 'P-1', ['1']);
    await w.link('test', 'P-2', ['2']);
    await w.deliver(delivery('r3', [{ testCaseId: '1', status: 'Blocked' }, { testCaseId: '2', status: 'queued' }]));
    await w.drain();
    expect(w.xray.calls[0]!.results!.tests.map((t) => t.status)).toEqual(['ABORTED', 'EXECUTING']);
  });

  test('a status word dropped from the map after intake counts failed with a clear error', async () => {
    const w = await makeWorld({ settings: { statusOverrides: { BLOCKED: 'ABORTED' } } });
    await w.link('test', 'P-1', ['1', '2']);
    const jobId = await w.deliver(delivery('r4', [{ testCaseId: '1', status: 'BLOCKED' }, { testCaseId: '2', status: 'SUCCESS' }]));
    const s = await w.settingsStore.get();
    await w.settingsStore.put({ ...s, statusOverrides: {} });
    await w.drain();
    const view = await w.jobView(jobId);
    expect(view.state).toBe('partial');
    expect(view.counts).toEqual({ received: 2, synced: 1, unmapped: 0, failed: 1 });
    expect(view.errors[0]).toMatch(/status "BLOCKED".*status map/);
  });

  test('a Test deleted since linking: that result counts failed with a clear error and is never sent', async () => {
    const w = await makeWorld();
    const gone = await w.link('test', 'P-1', ['1']);
    await w.link('test', 'P-2', ['2']);
    w.jira.issues.delete(gone.id);
    const jobId = await w.deliver(delivery('r5', [{ testCaseId: '1', status: 'SUCCESS' }, { testCaseId: '2', status: 'SUCCESS' }]));
    await w.drain();
    const view = await w.jobView(jobId);
    expect(view.state).toBe('partial');
    expect(view.counts).toEqual({ received: 2, synced: 1, unmapped: 0, failed: 1 });
    expect(view.errors[0]).toMatch(/Testsigma test case 1 is linked to an Xray Test that no longer exists.*issue id/);
    expect(w.xray.calls[0]!.results!.tests.map((t) => t.testKey)).toEqual(['P-2']);
  });

  test('Xray not configured when the job runs: failed with an actionable message', async () => {
    const w = await makeWorld();
    await w.link('test', 'P-1', ['1']);
    const jobId = await w.deliver(delivery('r6', [{ testCaseId: '1', status: 'SUCCESS' }]));
    const s = await w.settingsStore.get();
    await w.settingsStore.put({ ...s, xray: { ...s.xray, clientId: '' } });
    await w.drain();
    const view = await w.jobView(jobId);
    expect(view.state).toBe('failed');
    expect(view.errors.join(' ')).toMatch(/Xray is not set up.*settings page/);
  });
});

describe('sync consumer: where the run goes (contract section 5)', () => {
  test('a testPlanId linked to an Xray Test Plan: attached to it, in its project', async () => {
    const w = await makeWorld({ settings: { defaultProjectKey: 'DEF' } });
    await w.link('test', 'TST-1', ['1']);
    await w.link('testPlan', 'PLAN-9', ['274']);
    await w.deliver(delivery('r7', [{ testCaseId: '1', status: 'SUCCESS' }], { testPlanId: 274, environments: ['Chrome'] }));
    await w.drain();
    const info = w.xray.calls[0]!.info!;
    expect(info.fields.project.key).toBe('PLAN');
    expect(info.xrayFields).toEqual({ testPlanKey: 'PLAN-9', environments: ['Chrome'] });
  });

  test('no linked plan: the default project; else the first mapped Test\'s project', async () => {
    const w = await makeWorld({ settings: { defaultProjectKey: 'DEF' } });
    await w.link('test', 'TST-1', ['1']);
    await w.deliver(delivery('r8', [{ testCaseId: '1', status: 'SUCCESS' }], { testPlanId: '999' }));
    await w.drain();
    expect(w.xray.calls[0]!.info!.fields.project.key).toBe('DEF');
    expect(w.xray.calls[0]!.info!.xrayFields).toBeUndefined();

    const v = await makeWorld();
    await v.link('test', 'AAA-1', ['1']);
    await v.link('test', 'BBB-1', ['2']);
    await v.deliver(delivery('r9', [{ testCaseId: '5', status: 'SUCCESS' }, { testCaseId: '2', status: 'SUCCESS' }, { testCaseId: '1', status: 'SUCCESS' }]));
    await v.drain();
    expect(v.xray.calls[0]!.info!.fields.project.key).toBe('BBB');
  });

  test('the Test Plan panel lists the plan\'s deliveries newest first, three deliveries of one run included', async () => {
    const w = await makeWorld();
    await w.link('test', 'T-1', ['1']);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(await w.deliver(delivery('RUN', [{ testCaseId: '1', status: 'SUCCESS' }], { testPlanId: '274' })));
      w.advance(1000);
    }
    const queued = await listPlanRuns(w.kvs, '274', 10, w.clock.now());
    expect(queued.map((r) => r.state)).toEqual(['queued', 'queued', 'queued']);
    await w.drain();
    const runs = await listPlanRuns(w.kvs, '274', 10, w.clock.now());
    expect(runs).toHaveLength(3);
    expect(runs[0]!.testExecutionKey).toMatch(/^T-\d+$/);
    expect(runs.every((r) => r.runId === 'RUN' && r.state === 'succeeded' && r.testExecutionKey === runs[0]!.testExecutionKey)).toBe(true);
    expect(runs.map((r) => r.at)).toEqual([...runs.map((r) => r.at)].sort().reverse());
    expect(await listPlanRuns(w.kvs, '275')).toEqual([]);
  });
});

describe('sync consumer: one Test Execution per run', () => {
  test('a second delivery of the same runId imports by key into the same execution', async () => {
    const w = await makeWorld();
    await w.link('test', 'T-1', ['1']);
    await w.link('test', 'T-2', ['2']);
    const a = await w.deliver(delivery('run-x', [{ testCaseId: '1', status: 'SUCCESS' }]));
    const b = await w.deliver(delivery('run-x', [{ testCaseId: '2', status: 'FAILURE' }]));
    await w.drain();
    expect(w.xray.count('multipart')).toBe(1);
    expect(w.xray.count('import')).toBe(1);
    const upd = w.xray.calls.find((c) => c.op === 'import')!;
    const va = await w.jobView(a);
    const vb = await w.jobView(b);
    expect(upd.body!.testExecutionKey).toBe(va.testExecutionKey);
    expect(upd.opts.idempotent).toBe(true);
    expect(vb.testExecutionKey).toBe(va.testExecutionKey);
    expect(vb.state).toBe('succeeded');
    // A run id differing only in case is another run, with another label.
    await w.deliver(delivery('RUN-X', [{ testCaseId: '1', status: 'SUCCESS' }]));
    await w.drain();
    expect(w.xray.count('multipart')).toBe(2);
    expect(await siteRunLabel(w.kvs, 'RUN-X')).not.toBe(await siteRunLabel(w.kvs, 'run-x'));
  });

  test('Xray 429 twice, then ok: two delayed events of its own (not the platform\'s retries), then success', async () => {
    const w = await makeWorld();
    await w.link('test', 'T-1', ['1']);
    const rl = () => new XrayError('rate_limited', 'Xray is rate limiting this site (HTTP 429). Try again in 60 seconds.', { status: 429, retryAfterSeconds: 60 });
    w.xray.script.push({ throw: rl() }, { throw: rl() });
    const jobId = await w.deliver(delivery('r10', [{ testCaseId: '1', status: 'SUCCESS' }]));
    const answers = await w.drain();
    expect(answers).toEqual([undefined, undefined, undefined]);
    expect(w.queue.history.map((e) => e.delayInSeconds ?? 0)).toEqual([0, 60, 60]);
    const view = await w.jobView(jobId);
    expect(view.state).toBe('succeeded');
    expect(view.attempts).toBe(3);
    expect(w.xray.count('multipart')).toBe(3);
    expect(w.jira.issues.size).toBe(2); // the Test and one execution
  });

  test('while waiting for a retry the job reads queued', async () => {
    const w = await makeWorld();
    await w.link('test', 'T-1', ['1']);
    w.xray.script.push({ throw: new XrayError('rate_limited', '429', { retryAfterSeconds: 60 }) });
    const jobId = await w.deliver(delivery('r10b', [{ testCaseId: '1', status: 'SUCCESS' }]));
    const ev = w.queue.pushed.shift()!;
    expect(await w.sync({ body: ev.body })).toBeUndefined();
    expect(w.queue.pushed).toEqual([expect.objectContaining({ body: { jobId }, delayInSeconds: 60 })]);
    expect((await w.jobView(jobId)).state).toBe('queued');
  });

  test('500 on an update by key is retried (idempotent); after 5 transient failures the job ends failed', async () => {
    const w = await makeWorld({ tuning: { maxTransientFailures: 5 } });
    await w.link('test', 'T-1', ['1']);
    await w.deliver(delivery('r11', [{ testCaseId: '1', status: 'SUCCESS' }]));
    await w.drain();
    const err = () => new XrayError('server', 'Xray answered HTTP 500 to the import (4 attempts). Try again in 10 seconds.', { status: 500, retryAfterSeconds: 10 });
    w.xray.script.push({ throw: err() });
    const second = await w.deliver(delivery('r11', [{ testCaseId: '1', status: 'FAILURE' }]));
    const answers = await w.drain();
    expect(answers).toEqual([undefined, undefined]);
    expect(w.queue.history.slice(-1)[0]?.delayInSeconds).toBe(10);
    expect((await w.jobView(second)).state).toBe('succeeded');

    for (let i = 0; i < 5; i++) w.xray.script.push({ throw: err() });
    const third = await w.deliver(delivery('r11', [{ testCaseId: '1', status: 'SUCCESS' }]));
    const pushedBefore = w.queue.history.length;
    const more = await w.drain();
    expect(more).toHaveLength(5);
    // The delivery's event, then four follow-ups of its own.
    expect(w.queue.history.length - pushedBefore).toBe(4);
    const view = await w.jobView(third);
    expect(view.state).toBe('failed');
    expect(view.attempts).toBe(5);
    expect(view.errors.join(' ')).toMatch(/HTTP 500.*gave up after 5 attempts/);
    expect(w.xray.count('multipart')).toBe(1);
  });

  test('lost answer after Xray created the execution: the label lookup finds it, no duplicate', async () => {
    const w = await makeWorld();
    await w.link('test', 'T-1', ['1']);
    w.xray.script.push({ throw: new XrayError('network', 'The answer was lost', { ambiguous: true, retryAfterSeconds: 10 }), commit: true });
    const jobId = await w.deliver(delivery('r12', [{ testCaseId: '1', status: 'SUCCESS' }]));
    expect(await w.drain()).toEqual([undefined]);
    expect(w.xray.count('multipart')).toBe(1);
    const executions = [...w.jira.issues.values()].filter((i) => i.type === 'Test Execution');
    expect(executions).toHaveLength(1);
    const view = await w.jobView(jobId);
    expect(view.state).toBe('succeeded');
    expect(view.testExecutionKey).toBe(executions[0]!.key);
    // The next delivery goes by key.
    await w.deliver(delivery('r12', [{ testCaseId: '1', status: 'FAILURE' }]));
    await w.drain();
    expect(w.xray.count('multipart')).toBe(1);
  });

  test('lost answer with a lagging index: looks again after 1 and 2 minutes, finds it, never creates twice', async () => {
    const w = await makeWorld();
    await w.link('test', 'T-1', ['1']);
    await w.link('test', 'T-2', ['2']);
    w.xray.script.push({ throw: new XrayError('server', 'Xray answered HTTP 504', { ambiguous: true, status: 504 }), commit: true });
    // The guard lookup before the create, the immediate lookup after the lost answer, and the 1-minute one miss.
    w.jira.searchMisses = 3;
    const jobId = await w.deliver(delivery('r13', [{ testCaseId: '1', status: 'SUCCESS' }]));
    // Another delivery of the run arrives meanwhile: it must not create either.
    const other = await w.deliver(delivery('r13', [{ testCaseId: '2', status: 'SUCCESS' }]));
    const first = w.queue.pushed.shift()!;
    expect(await w.sync({ body: first.body })).toBeUndefined();
    expect(w.queue.pushed.map((e) => e.delayInSeconds ?? 0)).toEqual([0, 60]);
    expect((await w.jobView(jobId)).state).toBe('queued');
    await w.drain();
    expect(w.xray.count('multipart')).toBe(1);
    expect([...w.jira.issues.values()].filter((i) => i.type === 'Test Execution')).toHaveLength(1);
    const a = await w.jobView(jobId);
    const b = await w.jobView(other);
    expect(a.state).toBe('succeeded');
    expect(b.state).toBe('succeeded');
    expect(b.testExecutionKey).toBe(a.testExecutionKey);
  });

  test('lost answer and nothing was created: after lookups at 0, 1, 3 and 7 minutes it creates again', async () => {
    const w = await makeWorld();
    await w.link('test', 'T-1', ['1']);
    w.xray.script.push({ throw: new XrayError('network', 'timed out', { ambiguous: true }) });
    const jobId = await w.deliver(delivery('r14', [{ testCaseId: '1', status: 'SUCCESS' }]));
    const start = w.clock.now();
    const delays: number[] = [];
    const realPush = w.queue.push.bind(w.queue);
    w.queue.push = async (events) => {
      delays.push(...events.map((e) => e.delayInSeconds ?? 0));
      return realPush(events);
    };
    await w.drain();
    expect(delays).toEqual([60, 120, 240]);
    expect(w.xray.count('multipart')).toBe(2);
    expect(w.clock.now() - start).toBe(420_000);
    const view = await w.jobView(jobId);
    expect(view.state).toBe('succeeded');
    expect(w.jira.calls.filter((c) => c === 'search')).toHaveLength(5);
  });

  test('Xray refuses a status it does not know: failed, every result in it counted failed, with the reason', async () => {
    const w = await makeWorld({ settings: { statusOverrides: { BLOCKED: 'BLOCKED_IN_XRAY' } } });
    await w.link('test', 'T-1', ['1']);
    await w.link('test', 'T-2', ['2']);
    // The site listed the status when the app read its statuses, and an admin removed it since: Xray refuses.
    w.xray.statuses.add('BLOCKED_IN_XRAY');
    w.xray.script.push({ throw: new XrayError('bad_request', 'Error importing results: status "BLOCKED_IN_XRAY" of test T-1 does not exist!', { status: 400 }) });
    const jobId = await w.deliver(delivery('r15', [{ testCaseId: '1', status: 'BLOCKED' }, { testCaseId: '2', status: 'SUCCESS' }, { testCaseId: '3', status: 'SUCCESS' }]));
    await w.drain();
    const view = await w.jobView(jobId);
    expect(view.state).toBe('failed');
    expect(view.counts).toEqual({ received: 3, synced: 0, unmapped: 1, failed: 2 });
    expect(view.unmapped).toEqual(['3']);
    expect(view.errors.join(' ')).toMatch(/Xray refused the import: .*BLOCKED_IN_XRAY.*status map/);
    // Nothing was created, so the next delivery creates without waiting for lookups.
    const s = await w.settingsStore.get();
    await w.settingsStore.put({ ...s, statusOverrides: {} });
    const next = await w.deliver(delivery('r15', [{ testCaseId: '2', status: 'SUCCESS' }]));
    expect(await w.drain()).toEqual([undefined]);
    expect((await w.jobView(next)).state).toBe('succeeded');
  });

  test('environments refused: synced without them, with a warning naming them', async () => {
    const w = await makeWorld();
    w.xray.environments = new Set(['Chrome']);
    await w.link('test', 'T-1', ['1']);
    const jobId = await w.deliver(delivery('r16', [{ testCaseId: '1', status: 'SUCCESS' }], { environments: ['Chrome', 'Windows 11'] }));
    await w.drain();
    const calls = w.xray.calls.filter((c) => c.op === 'multipart');
    expect(calls).toHaveLength(2);
    expect(calls[0]!.info!.xrayFields!.environments).toEqual(['Chrome', 'Windows 11']);
    expect(calls[1]!.info!.xrayFields).toBeUndefined();
    const view = await w.jobView(jobId);
    expect(view.state).toBe('succeeded');
    expect(view.errors).toHaveLength(1);
    expect(view.errors[0]).toMatch(/refused the test environment Windows 11/);
  });

  test('an execution deleted in Jira since: the run gets a new one, with a warning', async () => {
    const w = await makeWorld();
    await w.link('test', 'T-1', ['1']);
    const a = await w.deliver(delivery('r17', [{ testCaseId: '1', status: 'SUCCESS' }]));
    await w.drain();
    const key = (await w.jobView(a)).testExecutionKey!;
    const exec = [...w.jira.issues.values()].find((i) => i.key === key)!;
    w.jira.issues.delete(exec.id);
    const b = await w.deliver(delivery('r17', [{ testCaseId: '1', status: 'FAILURE' }]));
    await w.drain();
    const view = await w.jobView(b);
    expect(view.state).toBe('succeeded');
    expect(view.testExecutionKey).not.toBe(key);
    expect(view.errors[0]).toMatch(new RegExp(`${key} of run r17 no longer exists`));
  });
});

describe('sync consumer: evidence', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');

  test('evidence off: attachments never reach Xray', async () => {
    const w = await makeWorld();
    await w.link('test', 'T-1', ['1']);
    await w.deliver(delivery('e1', [{ testCaseId: '1', status: 'SUCCESS', attachments: [{ filename: 'a.log', data: b64('a') }] }]));
    await w.drain();
    expect(w.xray.calls[0]!.results!.tests[0]!.evidence).toBeUndefined();
  });

  test('evidence on: sent once per file name; a later delivery does not send a name the run already has', async () => {
    const w = await makeWorld({ settings: { attachEvidence: true } });
    await w.link('test', 'T-1', ['1']);
    await w.link('test', 'T-2', ['2']);
    await w.deliver(
      delivery('e2', [{ testCaseId: '1', status: 'SUCCESS', attachments: [{ filename: 'run.log', contentType: 'text/plain', data: b64('one') }, { filename: 'run.log', data: b64('dup') }] }]),
    );
    await w.drain();
    expect(w.xray.calls[0]!.results!.tests[0]!.evidence).toEqual([{ filename: 'run.log', contentType: 'text/plain', data: b64('one') }]);
    await w.deliver(
      delivery('e2', [
        { testCaseId: '1', status: 'FAILURE', attachments: [{ filename: 'run.log', data: b64('again') }, { filename: 'shot.png', contentType: 'image/png', data: b64('png') }] },
        { testCaseId: '2', status: 'SUCCESS', attachments: [{ filename: 'run.log', data: b64('other test') }] },
      ]),
    );
    await w.drain();
    const gql = w.xray.calls.filter((c) => c.op === 'graphql');
    expect(gql).toHaveLength(1);
    expect(gql[0]!.variables!.limit).toBeLessThanOrEqual(100);
    const upd = w.xray.calls.filter((c) => c.op === 'import')[0]!;
    const byKey = Object.fromEntries(upd.body!.tests.map((t) => [t.testKey, (t.evidence ?? []).map((e) => e.filename)]));
    expect(byKey).toEqual({ 'T-1': ['shot.png'], 'T-2': ['run.log'] });
  });

  test('evidence on, but the existing evidence cannot be read: nothing attached, a warning, the run still synced', async () => {
    const w = await makeWorld({ settings: { attachEvidence: true } });
    await w.link('test', 'T-1', ['1']);
    await w.deliver(delivery('e3', [{ testCaseId: '1', status: 'SUCCESS' }]));
    await w.drain();
    // The evidence read (GraphQL) is the next Xray call: it fails the way a missing permission does.
    w.xray.script.push({ throw: new XrayError('graphql', 'Xray refused the query: no permission') });
    const jobId = await w.deliver(delivery('e3', [{ testCaseId: '1', status: 'SUCCESS', attachments: [{ filename: 'x.log', data: b64('x') }] }]));
    await w.drain();
    const view = await w.jobView(jobId);
    expect(view.state).toBe('succeeded');
    expect(view.errors[0]).toMatch(/could not read the evidence.*no attachment was sent/);
    expect(w.xray.calls.filter((c) => c.op === 'import')[0]!.body!.tests[0]!.evidence).toBeUndefined();
  });
});

describe('sync consumer: leases, retries and secrets', () => {
  test('a consumer killed at its time limit: the job reads failed after the lease, and a later event resumes it', async () => {
    const w = await makeWorld();
    await w.link('test', 'T-1', ['1']);
    const jobId = await w.deliver(delivery('l1', [{ testCaseId: '1', status: 'SUCCESS' }]));
    const ev = w.queue.pushed.shift()!;
    // Simulate the kill: the job was taken, then the invocation vanished.
    let markKilled!: () => void;
    const killed = new Promise<void>((resolve) => {
      markKilled = resolve;
    });
    const realImport = w.xray.importExecutionMultipart.bind(w.xray);
    // Xray created the execution, then the invocation was killed before the answer arrived.
    w.xray.importExecutionMultipart = async (results, info, opts) => {
      await realImport(results, info, opts);
      markKilled();
      return new Promise(() => undefined);
    };
    void w.sync({ body: ev.body });
    // Waits for the import itself, not for a guess at how long reaching it takes.
    await killed;
    expect((await w.jobView(jobId)).state).toBe('running');
    // A duplicate event while the lease holds is ignored.
    expect(await w.sync({ body: ev.body })).toBeUndefined();
    w.advance(931_000);
    const stale = await w.jobView(jobId);
    expect(stale.state).toBe('failed');
    expect(stale.errors.join(' ')).toMatch(/stopped at the time limit.*Retry/);
    w.xray.importExecutionMultipart = realImport;
    expect(await w.sync({ body: ev.body })).toBeUndefined();
    const done = await w.jobView(jobId);
    expect(done.state).toBe('succeeded');
    expect(done.attempts).toBe(2);
    // Found by its label and updated by key: one execution.
    expect([...w.jira.issues.values()].filter((i) => i.type === 'Test Execution')).toHaveLength(1);
    expect(w.xray.count('import')).toBe(1);
  });

  test('duplicate events for a finished job change nothing', async () => {
    const w = await makeWorld();
    await w.link('test', 'T-1', ['1']);
    const jobId = await w.deliver(delivery('d1', [{ testCaseId: '1', status: 'SUCCESS' }]));
    const ev = { ...w.queue.pushed[0]! };
    await w.drain();
    const before = await w.jobView(jobId);
    expect(await w.sync({ body: ev.body })).toBeUndefined();
    expect(await w.jobView(jobId)).toEqual(before);
    expect(w.xray.calls).toHaveLength(1);
  });

  test('storage throttling while taking the job: paused and read again; throttled on, a retry answer; nothing lost', async () => {
    const w = await makeWorld();
    await w.link('test', 'T-1', ['1']);
    const first = await w.deliver(delivery('k1', [{ testCaseId: '1', status: 'SUCCESS' }]));
    w.kvs.throttle(1);
    expect(await w.drain()).toEqual([undefined]);
    expect((await w.jobView(first)).state).toBe('succeeded');
    // The read, then three more after pauses, all throttled: the queue brings the event back.
    const second = await w.deliver(delivery('k2', [{ testCaseId: '1', status: 'SUCCESS' }]));
    w.kvs.throttle(4);
    const answers = await w.drain();
    expect(answers[0]).toEqual({ retryAfterSeconds: 60, reason: expect.any(String) });
    expect((await w.jobView(second)).state).toBe('succeeded');
  });

  test('no secret value appears in any job record, answer or log line', async () => {
    const w = await makeWorld({ settings: { attachEvidence: true } });
    await w.link('test', 'T-1', ['1']);
    w.xray.script.push({ throw: new XrayError('rate_limited', '429', { retryAfterSeconds: 5 }) });
    const ids = [
      await w.deliver(delivery('s1', [{ testCaseId: '1', status: 'SUCCESS' }, { testCaseId: '9', status: 'SUCCESS' }])),
      await w.deliver(delivery('s2', [{ testCaseId: '9', status: 'SUCCESS' }])),
    ];
    await w.drain();
    const texts = [JSON.stringify(w.kvs.snapshot()), ...w.log.lines];
    for (const id of ids) texts.push((await w.webtrigger(w.getJob(id))).body);
    const all = texts.join('\n');
    for (const s of Object.values(SECRETS)) expect(all).not.toContain(s);
    expect(w.kvs.secretValues()).toEqual(expect.arrayContaining([SECRETS.xray]));
    expect(w.xray.configs[0]!.clientSecret).toBe(SECRETS.xray);
  });
});

describe('sync consumer: the job lists the first 100 unmapped ids', () => {
  test('150 unmapped cases: counted all, listed first 100 in delivery order; the job ends partial', async () => {
    const w = await makeWorld();
    await w.link('test', 'PROJ-1', ['1']);
    const unmapped = Array.from({ length: 150 }, (_, i) => String(1000 + i));
    const jobId = await w.deliver(delivery('r-150', [{ testCaseId: '1', status: 'SUCCESS' }, ...unmapped.map((id) => ({ testCaseId: id, status: 'FAILURE' }))]));
    await w.drain();
    const view = await w.jobView(jobId);
    expect(view.state).toBe('partial');
    expect(view.counts).toEqual({ received: 151, synced: 1, unmapped: 150, failed: 0 });
    expect(view.unmapped).toEqual(unmapped.slice(0, 100));
    // Never sent: only the linked case reached Xray.
    expect(w.xray.calls[0]!.results!.tests.map((t) => t.testKey)).toEqual(['PROJ-1']);
  });
});

describe('sync consumer: waits that are no failure, and their deadline', () => {
  test('our own request budget spent six windows in a row: the job waits for each window and succeeds, never failed', async () => {
    const w = await makeWorld();
    await w.link('test', 'T-1', ['1']);
    for (let i = 0; i < 6; i++) w.xray.script.push({ throw: budgetSpentError(10, w.clock.now()) });
    const jobId = await w.deliver(delivery('b1', [{ testCaseId: '1', status: 'SUCCESS' }]));
    expect(await w.drain()).toEqual(Array(7).fill(undefined));
    const view = await w.jobView(jobId);
    expect(view.state).toBe('succeeded');
    expect(view.errors).toEqual([]);
    // Each wait is the consumer's own delayed event, up to the window's end.
    expect(w.queue.history.slice(1).map((e) => e.delayInSeconds)).toEqual(Array(6).fill(expect.any(Number)));
    expect(w.queue.history.slice(1).every((e) => (e.delayInSeconds ?? 0) >= 1 && (e.delayInSeconds ?? 0) <= 300)).toBe(true);
  });

  test("syncs that spent the minute's share of storage (issue 17) wait for the next minute, uncounted, and then land", async () => {
    // A share of 2 batch operations a minute: one token, enough for one job's attempt.
    const w = await makeWorld({ tuning: { batchOpsPerMinute: 2 } });
    await w.link('test', 'T-1', ['1']);
    const first = await w.deliver(delivery('p1', [{ testCaseId: '1', status: 'SUCCESS' }], { testPlanId: '274' }));
    const second = await w.deliver(delivery('p2', [{ testCaseId: '1', status: 'FAILURE' }], { testPlanId: '274' }));
    const start = w.clock.now();
    expect(await w.drain()).toEqual([undefined, undefined, undefined]);
    expect((await w.jobView(first)).state).toBe('succeeded');
    const view = await w.jobView(second);
    expect(view).toMatchObject({ state: 'succeeded', errors: [] });
    // The second waited for the next minute with an event of its own, not counted as a failure.
    const waited = w.queue.history.filter((e) => e.delayInSeconds);
    expect(waited).toHaveLength(1);
    expect(waited[0]!.delayInSeconds).toBeLessThanOrEqual(60);
    expect(w.clock.now()).toBeGreaterThan(start);
    expect((await new JobStore(w.kvs).get(second))?.retries).toBe(0);
  });

  test('a job that keeps waiting ends failed with the reason once its time to wait is over, and a retry runs it again', async () => {
    const w = await makeWorld({ tuning: { maxWaitMs: 20 * 60_000 } });
    await w.link('test', 'T-1', ['1']);
    for (let i = 0; i < 50; i++) w.xray.script.push({ throw: budgetSpentError(10, w.clock.now()) });
    const start = w.clock.now();
    const jobId = await w.deliver(delivery('b2', [{ testCaseId: '1', status: 'SUCCESS' }]));
    await w.drain();
    const view = await w.jobView(jobId);
    expect(view.state).toBe('failed');
    expect(view.errors.join(' ')).toMatch(/could not finish within 20 minutes.*request budget \(10 requests per 5 minutes\) is spent.*Retry the job/);
    expect(w.clock.now() - start).toBeLessThanOrEqual(20 * 60_000);
    expect(w.queue.pushed).toEqual([]);

    w.xray.script.length = 0;
    await retryJob({ kvs: w.kvs, queue: w.queue, clock: w.clock, log: w.log }, jobId);
    await w.drain();
    expect((await w.jobView(jobId)).state).toBe('succeeded');
  });

  test('a platform retry takes over the job its own invocation left running (it could not record the outcome)', async () => {
    const w = await makeWorld();
    await w.link('test', 'T-1', ['1']);
    const jobId = await w.deliver(delivery('p1', [{ testCaseId: '1', status: 'SUCCESS' }]));
    const ev = w.queue.pushed.shift()!;
    const jobs = new JobStore(w.kvs);
    const held = (await jobs.get(jobId))!;
    await jobs.put({ ...held, state: 'running', attempts: 1, deadline: w.clock.now() + 930_000 });
    // A duplicate event leaves a held job alone; the retry its holder asked for does not.
    expect(await w.sync({ body: ev.body })).toBeUndefined();
    expect((await w.jobView(jobId)).state).toBe('running');
    expect(await w.sync({ body: ev.body, retryContext: { retryCount: 1, retryReason: 'FUNCTION_RETRY_REQUEST' } })).toBeUndefined();
    expect(await w.jobView(jobId)).toMatchObject({ state: 'succeeded', attempts: 2 });
  });

  test('a create claim left without an outcome (its holder could not write the intent) is adopted, looked for, then created once', async () => {
    const w = await makeWorld();
    await w.link('test', 'T-1', ['1']);
    const label = runLabel('c1');
    // Create 1 was refused (recorded); the holder of create 2 then lost its intent write to a throttle, long ago.
    await w.kvs.set('run:c1', { runId: 'c1', label, creates: 1, updatedAt: iso });
    await w.kvs.set('runcreate:c1:2', { jobId: 'gone-job' });
    const jobId = await w.deliver(delivery('c1', [{ testCaseId: '1', status: 'SUCCESS' }]));
    await w.drain();
    expect(await w.jobView(jobId)).toMatchObject({ state: 'succeeded' });
    expect([...w.jira.issues.values()].filter((i) => i.type === 'Test Execution')).toHaveLength(1);
    expect(w.xray.count('multipart')).toBe(1);
  });
});

describe('sync consumer: storage throttled around the create', () => {
  test('throttled inside the Xray client before the create was sent: a storage wait, not a lost answer (no lookups, no try spent)', async () => {
    const w = await makeWorld();
    await w.link('test', 'T-1', ['1']);
    w.xray.script.push({ throw: Object.assign(new Error('Too many requests to storage'), { status: 429 }) as unknown as XrayError });
    const start = w.clock.now();
    const jobId = await w.deliver(delivery('st1', [{ testCaseId: '1', status: 'SUCCESS' }]));
    await w.drain();
    expect(await w.jobView(jobId)).toMatchObject({ state: 'succeeded', errors: [] });
    expect(w.clock.now() - start).toBe(60_000);
    expect([...w.jira.issues.values()].filter((i) => i.type === 'Test Execution')).toHaveLength(1);
  });
});
