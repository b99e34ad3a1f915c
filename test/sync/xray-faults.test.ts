/**
 * Faults of Xray and Jira found by attack (issue 10, findings 2, 3, 12, 15, 16) and the job's `statuses` (contract
 * section 3): the consumer ends bounded, never makes a second Test Execution, and sends only statuses the site has.
 */
import { makeWorld, delivery } from './harness';
import { XrayError } from '../../src/xray/xray-types';
import { retryJob } from '../../src/sync/retry-job';

const executions = (w: Awaited<ReturnType<typeof makeWorld>>) => [...w.jira.issues.values()].filter((i) => i.type === 'Test Execution' || i.labels.length > 0);

describe('finding 2: Xray failing every create ends the job failed, bounded', () => {
  test('a 500 on every create: the job ends failed saying how many creates failed and why, never queued for hours; a retry once Xray is well lands it in one Test Execution', async () => {
    const w = await makeWorld();
    await w.link('test', 'T-1', ['1']);
    for (let i = 0; i < 50; i++) w.xray.script.push({ throw: new XrayError('server', 'Xray answered HTTP 500: Internal server error', { ambiguous: true, status: 500 }) });
    const jobId = await w.deliver(delivery('always-500', [{ testCaseId: '1', status: 'SUCCESS' }]));
    const start = w.clock.now();
    await w.drain(200);
    const view = await w.jobView(jobId);
    expect(view.state).toBe('failed');
    expect(view.errors.join(' ')).toMatch(/3 times.*HTTP 500/);
    expect(w.xray.count('multipart')).toBe(3);
    expect(w.queue.pushed).toHaveLength(0);
    // Bounded in time too: well under an hour of queue delays.
    expect(w.clock.now() - start).toBeLessThan(60 * 60 * 1000);

    w.xray.script.length = 0;
    await retryJob(w.deps, jobId);
    await w.drain();
    const again = await w.jobView(jobId);
    expect(again.state).toBe('succeeded');
    expect(executions(w)).toHaveLength(1);
    expect(again.testExecutionKey).toBe(executions(w)[0]!.key);
  });
});

describe('finding 3: the run\'s Test Execution is created under an atomic claim', () => {
  async function afterRefusedImport() {
    const w = await makeWorld({ kvsLatencyMs: 2 });
    await w.link('test', 'T-1', ['1']);
    await w.link('test', 'T-2', ['2']);
    // Xray refuses the first import as a whole: the run record stays, without an intent.
    w.xray.script.push({ throw: new XrayError('bad_request', 'Error importing results: project is archived!', { status: 400 }) });
    const first = await w.deliver(delivery('race-1', [{ testCaseId: '1', status: 'SUCCESS' }]));
    await w.drain();
    expect((await w.jobView(first)).state).toBe('failed');
    expect(await w.kvs.get('run:race-1')).toMatchObject({ runId: 'race-1' });
    // A second later: the same body signed in the same second would be a replay of the first delivery.
    w.advance(1000);
    return w;
  }

  test('two consumers of two deliveries at once make one Test Execution', async () => {
    const w = await afterRefusedImport();
    await w.deliver(delivery('race-1', [{ testCaseId: '1', status: 'SUCCESS' }]));
    await w.deliver(delivery('race-1', [{ testCaseId: '2', status: 'FAILURE' }]));
    const events = w.queue.pushed.splice(0);
    await Promise.all(events.map((e) => w.sync({ body: e.body })));
    await w.drain();
    expect(executions(w)).toHaveLength(1);
  });

  test('an event delivered twice at once makes one Test Execution', async () => {
    const w = await afterRefusedImport();
    const jobId = await w.deliver(delivery('race-1', [{ testCaseId: '1', status: 'SUCCESS' }]));
    const [ev] = w.queue.pushed.splice(0);
    await Promise.all([w.sync({ body: ev!.body }), w.sync({ body: ev!.body })]);
    await w.drain();
    expect(executions(w)).toHaveLength(1);
    expect(await w.jobView(jobId)).toMatchObject({ state: 'succeeded', testExecutionKey: executions(w)[0]!.key });
  });
});

describe('finding 12: an issue Jira could not return this time (issueErrors) is not a deleted one', () => {
  test('a Test in issueErrors: the result is not dropped, the sync retries later and then syncs it', async () => {
    const w = await makeWorld();
    const t = await w.link('test', 'T-1', ['1']);
    w.jira.unavailable.add(t.id);
    const jobId = await w.deliver(delivery('ie-1', [{ testCaseId: '1', status: 'SUCCESS' }]));
    const ev = w.queue.pushed.shift()!;
    expect(await w.sync({ body: ev.body })).toBeUndefined();
    expect(w.queue.pushed).toEqual([expect.objectContaining({ body: { jobId }, delayInSeconds: expect.any(Number) })]);
    expect((await w.jobView(jobId)).state).toBe('queued');
    expect(w.xray.count('multipart')).toBe(0);
    w.jira.unavailable.clear();
    expect(await w.sync({ body: ev.body })).toBeUndefined();
    expect(await w.jobView(jobId)).toMatchObject({ state: 'succeeded', counts: { synced: 1, failed: 0 } });
  });

  test('the run\'s Test Execution in issueErrors after Xray refuses an update: no second Test Execution is created', async () => {
    const w = await makeWorld();
    await w.link('test', 'T-1', ['1']);
    await w.deliver(delivery('ie-2', [{ testCaseId: '1', status: 'SUCCESS' }]));
    await w.drain();
    const [te] = executions(w);
    w.jira.unavailable.add(te!.id);
    w.xray.script.push({ throw: new XrayError('bad_request', `Error importing results: Test Execution with key ${te!.key} not found!`, { status: 400 }) });
    const second = await w.deliver(delivery('ie-2', [{ testCaseId: '1', status: 'FAILURE' }]));
    const ev = w.queue.pushed.shift()!;
    await w.sync({ body: ev.body });
    expect(w.xray.count('multipart')).toBe(1);
    w.jira.unavailable.clear();
    await w.sync({ body: ev.body });
    expect(executions(w)).toHaveLength(1);
    expect((await w.jobView(second)).testExecutionKey).toBe(te!.key);
  });
});

describe('finding 15: status targets resolve against the site\'s live statuses', () => {
  test('TODO reaches a site whose pending status is "TO DO"; a target the site lacks counts failed naming it and the site\'s statuses; the rest sync', async () => {
    const w = await makeWorld({ settings: { statusOverrides: { BLOCKED: 'SKIPPED' } } });
    w.xray.statuses = new Set(['PASSED', 'FAILED', 'TO DO', 'EXECUTING', 'ABORTED']);
    const a = await w.link('test', 'T-1', ['1']);
    await w.link('test', 'T-2', ['2']);
    const b = await w.link('test', 'T-3', ['3']);
    const jobId = await w.deliver(delivery('st-1', [{ testCaseId: '1', status: 'QUEUED' }, { testCaseId: '2', status: 'BLOCKED' }, { testCaseId: '3', status: 'SUCCESS' }]));
    await w.drain();
    const view = await w.jobView(jobId);
    expect(view.state).toBe('partial');
    expect(view.counts).toEqual({ received: 3, synced: 2, unmapped: 0, failed: 1 });
    expect(view.errors.join(' ')).toMatch(/SKIPPED.*PASSED, FAILED, TO DO, EXECUTING, ABORTED/);
    const sent = w.xray.calls.find((c) => c.op === 'multipart')!.results!.tests;
    expect(sent.find((t) => t.testKey === a.key)!.status).toBe('TO DO');
    expect(sent.find((t) => t.testKey === b.key)!.status).toBe('PASSED');
    expect(sent).toHaveLength(2);
  });

  test('the site\'s statuses are read once and kept; a status just added in Xray works at once, read again at most once in 5 minutes', async () => {
    const w = await makeWorld({ settings: { statusOverrides: { BLOCKED: 'SKIPPED' } } });
    await w.link('test', 'T-1', ['1']);
    const reads = () => w.xray.calls.filter((c) => c.op === 'graphql' && /getStatuses/.test(c.query ?? '')).length + w.xray.statusReads;
    await w.deliver(delivery('st-2', [{ testCaseId: '1', status: 'SUCCESS' }]));
    await w.deliver(delivery('st-3', [{ testCaseId: '1', status: 'SUCCESS' }]));
    await w.drain();
    expect(reads()).toBe(1);
    // SKIPPED is missing: the first job re-reads (the list is old enough), the next within 5 minutes does not.
    w.advance(6 * 60 * 1000);
    await w.deliver(delivery('st-4', [{ testCaseId: '1', status: 'BLOCKED' }]));
    await w.drain();
    expect(reads()).toBe(2);
    await w.deliver(delivery('st-5', [{ testCaseId: '1', status: 'BLOCKED' }]));
    await w.drain();
    expect(reads()).toBe(2);
    w.xray.statuses.add('SKIPPED');
    w.advance(5 * 60 * 1000);
    const jobId = await w.deliver(delivery('st-6', [{ testCaseId: '1', status: 'BLOCKED' }]));
    await w.drain();
    expect(reads()).toBe(3);
    expect((await w.jobView(jobId)).state).toBe('succeeded');
  });
});

describe('finding 16: the Test Execution is created with the site\'s own issue type name', () => {
  test('issueTypes.testExecution[0] names the create\'s issue type', async () => {
    const w = await makeWorld({ settings: { issueTypes: { testExecution: ['Testlauf'] } } });
    await w.link('test', 'T-1', ['1']);
    await w.deliver(delivery('it-1', [{ testCaseId: '1', status: 'SUCCESS' }]));
    await w.drain();
    expect(w.xray.calls.find((c) => c.op === 'multipart')!.info!.fields.issuetype).toEqual({ name: 'Testlauf' });
  });
});

describe('JobView.statuses: synced results by the Xray status they were sent with', () => {
  test('a job counts its synced results per status; unmapped and failed ones are not counted', async () => {
    const w = await makeWorld();
    await w.link('test', 'T-1', ['1']);
    await w.link('test', 'T-2', ['2']);
    await w.link('test', 'T-3', ['3']);
    const jobId = await w.deliver(delivery('js-1', [{ testCaseId: '1', status: 'SUCCESS' }, { testCaseId: '2', status: 'FAILURE' }, { testCaseId: '3', status: 'passed' }, { testCaseId: '9', status: 'SUCCESS' }]));
    await w.drain();
    expect((await w.jobView(jobId)).statuses).toEqual({ PASSED: 2, FAILED: 1 });
  });
});
