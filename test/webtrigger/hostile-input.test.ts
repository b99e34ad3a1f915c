/**
 * Hostile but valid (or plainly invalid) web trigger bodies found by attack (issue 10, findings 1, 7, 8, 9, 10):
 * each answers what the contract says and leaves the store as it should.
 */
import { makeWorld, delivery } from '../sync/harness';
import { listPlanRuns } from '../../src/store/run-store';
import { listJobs } from '../../src/store/job-store';

function parse(res: { body: string }) {
  return JSON.parse(res.body) as { error?: { code: string; message: string; details?: Array<{ path: string; message: string }> } };
}

describe('finding 1: one long text field never puts a stored row over the value limit', () => {
  test('a 300,000-character message is accepted, synced cut to 32,000 characters, and the job says so', async () => {
    const w = await makeWorld();
    const t = await w.link('test', 'PROJ-1', ['609']);
    const jobId = await w.deliver(delivery('long-1', [{ testCaseId: '609', status: 'FAILURE', message: 'x'.repeat(300_000) }]));
    await w.drain();
    const view = await w.jobView(jobId);
    expect(view.state).toBe('succeeded');
    expect(view.counts.synced).toBe(1);
    expect(view.errors.join(' ')).toMatch(/message.*609.*32,000 characters/);
    const sent = w.xray.calls[0]!.results!.tests.find((x) => x.testKey === t.key)!;
    expect(sent.comment!.length).toBeLessThanOrEqual(32_000);
  });

  test('60,000 control characters (six bytes each once stored as JSON) are accepted and synced', async () => {
    const w = await makeWorld();
    await w.link('test', 'PROJ-1', ['609']);
    const res = await w.webtrigger(w.post(delivery('ctl-1', [{ testCaseId: '609', status: 'FAILURE', message: '\u0001'.repeat(60_000) }])));
    expect(res.statusCode).toBe(202);
    await w.drain();
    expect((await w.jobView(JSON.parse(res.body).jobId)).state).toBe('succeeded');
  });

  test('a 300-character summary is cut to 255 with a warning in the job', async () => {
    const w = await makeWorld();
    await w.link('test', 'PROJ-1', ['609']);
    const jobId = await w.deliver(delivery('sum-1', [{ testCaseId: '609', status: 'SUCCESS' }], { summary: 's'.repeat(300) }));
    await w.drain();
    const view = await w.jobView(jobId);
    expect(view.errors.join(' ')).toMatch(/summary.*255 characters/);
    expect(w.xray.calls[0]!.info!.fields.summary.length).toBeLessThanOrEqual(255);
  });
});

describe('finding 7: testCaseId leading zeros are dropped, as in the panel', () => {
  test('"0601" syncs to the Test linked to case 601', async () => {
    const w = await makeWorld();
    await w.link('test', 'PROJ-1', ['601']);
    const jobId = await w.deliver(delivery('zero-1', [{ testCaseId: '0601', status: 'SUCCESS' }]));
    await w.drain();
    const view = await w.jobView(jobId);
    expect(view).toMatchObject({ state: 'succeeded', counts: { received: 1, synced: 1, unmapped: 0 } });
  });
});

describe('finding 8: a 400 quotes at most 100 characters of a bad value', () => {
  test('a 3 MB status word gives a small answer that quotes at most 100 of its characters', async () => {
    const w = await makeWorld();
    const word = 'Q'.repeat(3_000_000);
    const res = await w.webtrigger(w.post(delivery('big-1', [{ testCaseId: '1', status: word }])));
    expect(res.statusCode).toBe(400);
    expect(res.body.length).toBeLessThan(5_000);
    const longestRun = Math.max(...(res.body.match(/Q+/g) ?? ['']).map((m) => m.length));
    expect(longestRun).toBeLessThanOrEqual(100);
    expect(parse(res).error!.details!.map((d) => d.path)).toContain('results[0].status');
  });
});

describe('finding 9: impossible dates are a 400 naming the path', () => {
  test.each([
    ['2026-02-30T10:00:00Z'],
    ['2026-02-30'],
    ['2026-11-25T24:00:00Z'],
    ['2026-11-25T10:60:00Z'],
    ['2026-13-01T10:00:00Z'],
  ])('%s is refused, not moved to another day', async (date) => {
    const w = await makeWorld();
    const before = w.kvs.snapshot();
    const res = await w.webtrigger(w.post(delivery('d-1', [{ testCaseId: '1', status: 'SUCCESS', startedAt: date }], { finishedAt: date })));
    expect(res.statusCode).toBe(400);
    const paths = parse(res).error!.details!.map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['results[0].startedAt', 'finishedAt']));
    expect(w.kvs.snapshot()).toEqual(before);
  });

  test('real instants with offsets and fractions are still accepted', async () => {
    const w = await makeWorld();
    const res = await w.webtrigger(
      w.post(delivery('d-2', [{ testCaseId: '1', status: 'SUCCESS', startedAt: '2028-02-29T23:59:59.123+05:30', finishedAt: '2026-11-25' }])),
    );
    expect(res.statusCode).toBe(202);
  });
});

describe('finding 10: a refused queue push never leaves an orphan job', () => {
  test('when the queue refuses and storage throttles the clean-up too, no queued job shows on the Test Plan panel or in the log', async () => {
    const w = await makeWorld();
    w.queue.failNext = 1;
    // Every write from now on is throttled: the clean-up after the refused push cannot run.
    const port = w.kvs;
    const refuse = async () => {
      throw Object.assign(new Error('Too many requests to storage'), { code: 'RATE_LIMIT_EXCEEDED', status: 429 });
    };
    const realDelete = port.batchDelete.bind(port);
    port.batchDelete = refuse;
    port.delete = refuse;
    const res = await w.webtrigger(w.post(delivery('orph-1', [{ testCaseId: '1', status: 'SUCCESS' }], { testPlanId: '274' })));
    expect(res.statusCode).toBe(503);
    expect(parse(res).error!.code).toBe('busy');
    port.batchDelete = realDelete;
    expect(await listPlanRuns(w.kvs, '274', 10, w.clock.now())).toEqual([]);
    expect((await listJobs(w.kvs, undefined, w.clock.now())).jobs).toEqual([]);
  });
});
