import { makeWorld, delivery } from './harness';
import type { TestsigmaClient, TestsigmaRun, TestsigmaCaseResult } from '../../src/testsigma/testsigma-client';
import { TestsigmaError } from '../../src/testsigma/testsigma-client';
import { retryJob } from '../../src/sync/retry-job';
import { JobStore, listJobs, toJobView } from '../../src/store/job-store';
import { AppError } from '../../src/errors/app-error';
import { translateMessage } from '../../src/i18n/translate';

/** A Testsigma run that finishes when told to. */
class FakeTestsigma implements TestsigmaClient {
  status = 'STATUS_IN_PROGRESS';
  calls: string[] = [];
  failures: TestsigmaError[] = [];
  results: TestsigmaCaseResult[] = [
    { testCaseId: '413', result: 'FAILURE', testSuiteId: '197' },
    { testCaseId: '414', result: 'SUCCESS', testSuiteId: '197' },
  ];
  async getRun(runId: string): Promise<TestsigmaRun> {
    this.calls.push(`run ${runId}`);
    const f = this.failures.shift();
    if (f) throw f;
    return { id: runId, status: this.status, testPlanId: '268', startTime: Date.parse('2026-11-25T10:00:00Z'), ...(this.status === 'STATUS_COMPLETED' ? { endTime: Date.parse('2026-11-25T10:05:00Z') } : {}) };
  }
  async getRunResults(runId: string) {
    this.calls.push(`results ${runId}`);
    return this.results;
  }
  async getEntity() {
    return { id: '1', name: 'x' };
  }
  async ping() {}
}

describe('pull mode', () => {
  test('a run not finished is polled again later; once finished it is synced with testPlanId = executionId', async () => {
    const ts = new FakeTestsigma();
    const w = await makeWorld({ testsigma: ts });
    await w.link('test', 'T-1', ['413']);
    await w.link('testPlan', 'PLAN-1', ['268']);
    const res = await w.webtrigger(w.post({ testsigmaRunId: 986 }));
    expect(res.statusCode).toBe(202);
    const { jobId } = JSON.parse(res.body) as { jobId: string };
    const ev = w.queue.pushed.shift()!;
    expect(await w.sync({ body: ev.body })).toBeUndefined();
    expect(w.queue.pushed).toHaveLength(1);
    expect(w.queue.pushed[0]!.delayInSeconds).toBeGreaterThanOrEqual(120);
    expect(w.queue.pushed[0]!.delayInSeconds).toBeLessThanOrEqual(300);
    expect(w.queue.pushed[0]!.concurrency).toEqual(ev.concurrency);
    expect((await w.jobView(jobId)).state).toBe('queued');
    await w.drain(1);
    expect(ts.calls).toEqual(['run 986', 'run 986']);
    ts.status = 'STATUS_COMPLETED';
    await w.drain();
    const view = await w.jobView(jobId);
    expect(view).toMatchObject({ runId: '986', state: 'partial', counts: { received: 2, synced: 1, unmapped: 1, failed: 0 }, unmapped: ['414'] });
    const create = w.xray.calls[0]!;
    expect(create.info!.xrayFields).toEqual({ testPlanKey: 'PLAN-1' });
    expect(create.info!.fields.summary).toBe('Testsigma run 986');
    expect(create.results!.tests).toEqual([{ testKey: 'T-1', status: 'FAILED' }]);
    expect(create.results!.info).toMatchObject({ startDate: '2026-11-25T10:00:00Z', finishDate: '2026-11-25T10:05:00Z' });
  });

  test('when the queue refuses the delayed poll event, the consumer asks for a queue retry instead: nothing lost', async () => {
    const ts = new FakeTestsigma();
    const w = await makeWorld({ testsigma: ts });
    const jobId = await w.deliver({ testsigmaRunId: '77' });
    const ev = w.queue.pushed.shift()!;
    w.queue.failNext = 1;
    expect(await w.sync({ body: ev.body })).toEqual({ retryAfterSeconds: 180, reason: expect.stringMatching(/run 77 has not finished/) });
    expect(w.queue.pushed).toHaveLength(0);
    expect((await w.jobView(jobId)).state).toBe('queued');
    expect(w.log.lines.join('\n')).toMatch(/delayed push refused/);
  });

  test('a run that does not finish within an hour of the job: failed, saying so', async () => {
    const ts = new FakeTestsigma();
    const w = await makeWorld({ testsigma: ts });
    const jobId = await w.deliver({ testsigmaRunId: '55' });
    const answers = await w.drain(100);
    expect(answers.every((a) => a === undefined)).toBe(true);
    const view = await w.jobView(jobId);
    expect(view.state).toBe('failed');
    expect(view.errors.join(' ')).toMatch(/Testsigma run 55 had not finished 60 minutes after it was sent.*STATUS_IN_PROGRESS/);
    // About one poll every 3 minutes for the hour.
    expect(ts.calls.length).toBeGreaterThanOrEqual(15);
    expect(ts.calls.length).toBeLessThanOrEqual(25);
    expect(w.xray.calls).toHaveLength(0);
  });

  test('Testsigma errors: 429 retried, a refused key ends the job with the reason', async () => {
    const ts = new FakeTestsigma();
    ts.status = 'STATUS_COMPLETED';
    const w = await makeWorld({ testsigma: ts });
    await w.link('test', 'T-1', ['413']);
    ts.failures.push(new TestsigmaError('rate_limited', 'Testsigma is rate limiting the app (HTTP 429).', { retryAfterSeconds: 30 }));
    const a = await w.deliver({ testsigmaRunId: '1' });
    const answers = await w.drain();
    expect(answers).toEqual([undefined, undefined]);
    expect(w.queue.history.map((e) => e.delayInSeconds ?? 0)).toEqual([0, 30]);
    expect((await w.jobView(a)).state).toBe('partial');
    ts.failures.push(new TestsigmaError('auth', 'Testsigma refused the API key (HTTP 401).'));
    const b = await w.deliver({ testsigmaRunId: '2' });
    await w.drain();
    const vb = await w.jobView(b);
    expect(vb.state).toBe('failed');
    expect(vb.errors.join(' ')).toMatch(/refused the API key/);
  });
});

describe('retryJob and listJobs', () => {
  test('re-runs a failed job into the same Test Execution, keeping its jobId', async () => {
    const w = await makeWorld();
    await w.link('test', 'T-1', ['1']);
    const first = await w.deliver(delivery('rr', [{ testCaseId: '1', status: 'SUCCESS' }]));
    const second = await w.deliver(delivery('rr', [{ testCaseId: '2', status: 'SUCCESS' }]));
    await w.drain();
    const key = (await w.jobView(first)).testExecutionKey;
    expect((await w.jobView(second)).state).toBe('failed');
    await w.link('test', 'T-2', ['2']);
    const view = await retryJob(w.deps, second);
    expect(view).toMatchObject({ jobId: second, state: 'queued', counts: { received: 1, synced: 0, unmapped: 0, failed: 0 }, errors: [] });
    expect(w.queue.pushed).toHaveLength(1);
    expect(w.queue.pushed[0]!.body).toEqual({ jobId: second });
    await w.drain();
    const after = await w.jobView(second);
    expect(after).toMatchObject({ jobId: second, state: 'succeeded', testExecutionKey: key, attempts: 2 });
    expect(w.xray.count('multipart')).toBe(1);
  });

  test('a succeeded job can be re-run too; a running or queued job is answered as it is', async () => {
    const w = await makeWorld();
    await w.link('test', 'T-1', ['1']);
    const jobId = await w.deliver(delivery('rq', [{ testCaseId: '1', status: 'SUCCESS' }]));
    const queued = await retryJob(w.deps, jobId);
    expect(queued.state).toBe('queued');
    expect(w.queue.pushed).toHaveLength(1);
    await w.drain();
    expect((await retryJob(w.deps, jobId)).state).toBe('queued');
    await w.drain();
    expect(w.xray.count('import')).toBe(1);
    // Running (its lease still holds): answered as it is, nothing queued, nothing written.
    const jobs = new JobStore(w.kvs);
    const done = (await jobs.get(jobId))!;
    const running = { ...done, state: 'running' as const, deadline: w.clock.now() + 60_000 };
    await jobs.put(running);
    const asIs = await retryJob(w.deps, jobId);
    expect(asIs).toEqual(toJobView(running, w.clock.now()));
    expect(asIs.state).toBe('running');
    expect(w.queue.pushed).toHaveLength(0);
    expect(await jobs.get(jobId)).toEqual(running);
    await expect(retryJob(w.deps, 'zzzzzzzzz00000000')).rejects.toBeInstanceOf(AppError);
  });

  test('a retry the queue refuses leaves the job as it was and says so', async () => {
    const w = await makeWorld();
    const jobId = await w.deliver(delivery('rz', [{ testCaseId: '1', status: 'SUCCESS' }]));
    await w.drain();
    const before = await w.jobView(jobId);
    w.queue.failNext = 1;
    await expect(retryJob(w.deps, jobId)).rejects.toMatchObject({ code: 'rate_limited' });
    expect(await w.jobView(jobId)).toEqual(before);
  });

  test('listJobs pages newest first, 20 a page', async () => {
    const w = await makeWorld();
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) {
      ids.push(await w.deliver(delivery(`p${i}`, [{ testCaseId: '1', status: 'SUCCESS' }])));
      // Each delivery and its sync spend a few of storage's 45 batch operations a minute.
      w.advance(10_000);
    }
    const page1 = await listJobs(w.kvs, undefined, w.clock.now());
    expect(page1.jobs).toHaveLength(20);
    expect(page1.jobs.map((j) => j.jobId)).toEqual([...ids].reverse().slice(0, 20));
    expect(page1.nextCursor).toBeDefined();
    const page2 = await listJobs(w.kvs, page1.nextCursor, w.clock.now());
    expect(page2.jobs.map((j) => j.jobId)).toEqual([...ids].reverse().slice(20));
    expect(page2.nextCursor).toBeUndefined();
  });

  test('jobs and their data expire after 30 days', async () => {
    const w = await makeWorld();
    const jobId = await w.deliver(delivery('ttl', [{ testCaseId: '1', status: 'SUCCESS' }]));
    w.advance(29 * 86_400_000);
    expect(w.kvs.keys().filter((k) => k.includes(jobId))).toHaveLength(2);
    w.advance(2 * 86_400_000);
    expect(w.kvs.keys().filter((k) => k.includes(jobId))).toHaveLength(0);
  });

  test('retryJob works for 30 days; after that it answers not_found, saying jobs are kept 30 days', async () => {
    const w = await makeWorld();
    const jobId = await w.deliver(delivery('kept', [{ testCaseId: '1', status: 'SUCCESS' }]));
    await w.drain();
    w.advance(29 * 86_400_000);
    expect((await retryJob(w.deps, jobId)).state).toBe('queued');
    await w.drain();
    w.advance(31 * 86_400_000);
    const err = await retryJob(w.deps, jobId).then(() => undefined, (e: unknown) => e as AppError);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'not_found' });
    expect(translateMessage('en-US', err!.problem)).toMatch(/kept for 30 days/);
  });
});
