/**
 * Replays against the web trigger over HTTP (contract section 8, "signatures and replays"): a POST whose signature
 * was already seen within the 300 s window gets the first delivery's 202 and job id and queues nothing, so an honest
 * retry works and a replay cannot overwrite newer results; a GET's signature covers its query, so a signature made
 * to read one job reads no other (the old form, "<t>.", still works, answered with a `Deprecation` header).
 */
import { startSandboxSite, type SandboxSite } from '../support/sandbox-site';

let site: SandboxSite;
beforeEach(async () => {
  site = await startSandboxSite();
});
afterEach(() => site.close());

const text = (body: unknown) => JSON.stringify(body);

describe('replayed POSTs', () => {
  test('the same signed POST sent twice is answered with the first job id, and the second queues nothing', async () => {
    await site.link('Test', 'PROJ', '609');
    const body = text({ runId: 'rp-1', results: [{ testCaseId: '609', status: 'SUCCESS' }] });
    const headers = { 'content-type': 'application/json', 'x-signature': site.signature(body) };
    const first = await site.post(body, headers);
    const again = await site.post(body, headers);
    expect(first.status).toBe(202);
    expect(again).toMatchObject({ status: 202, body: { jobId: first.body.jobId, state: 'queued' } });
    await site.sb.queue.idle();
    expect(site.sb.queue.stats.pushed).toBe(1);
    expect((await site.job(first.body.jobId as string)).state).toBe('succeeded');
  });

  test('a captured POST replayed after a newer delivery of the run leaves the newer result in Xray', async () => {
    const test = await site.link('Test', 'PROJ', '609');
    const failed = text({ runId: 'rp-2', results: [{ testCaseId: '609', status: 'FAILURE' }] });
    const captured = { 'content-type': 'application/json', 'x-signature': site.signature(failed) };
    const a = await site.post(failed, captured);
    await site.sb.queue.idle();
    const b = await site.send({ runId: 'rp-2', results: [{ testCaseId: '609', status: 'SUCCESS' }] });
    await site.sb.queue.idle();
    const replay = await site.post(failed, captured);
    await site.sb.queue.idle();
    expect(replay).toMatchObject({ status: 202, body: { jobId: a.body.jobId } });
    const [exec] = site.executions();
    expect(site.sb.world.findRun(test.id, exec!.id)?.status).toBe('PASSED');
    expect((await site.job(b)).state).toBe('succeeded');
  });

  test('a retry while the first copy has no job yet (in flight, or its invocation died) is told to retry, never handed a job that does not exist', async () => {
    await site.link('Test', 'PROJ', '609');
    const body = text({ runId: 'rp-4', results: [{ testCaseId: '609', status: 'SUCCESS' }] });
    const signature = site.signature(body);
    // The first copy claimed the signature for its job and has not written that job (yet, or ever).
    const v1 = /v1=([0-9a-f]+)/.exec(signature)![1]!;
    await site.sb.kvs.set(`sig:${v1}`, { jobId: 'job-0000000000000-00000000' });
    const retry = await site.post(body, { 'content-type': 'application/json', 'x-signature': signature });
    expect(retry).toMatchObject({ status: 503, body: { error: { code: 'busy' } } });
    expect(retry.headers.get('retry-after')).toBe('5');
    expect(site.sb.queue.stats.pushed).toBe(0);
  });

  test('the same body signed at another second is a new delivery', async () => {
    await site.link('Test', 'PROJ', '609');
    const body = text({ runId: 'rp-3', results: [{ testCaseId: '609', status: 'SUCCESS' }] });
    const one = await site.post(body, { 'content-type': 'application/json', 'x-signature': site.signature(body, Date.now() - 2000) });
    const two = await site.post(body, { 'content-type': 'application/json', 'x-signature': site.signature(body) });
    expect([one.status, two.status]).toEqual([202, 202]);
    expect(two.body.jobId).not.toBe(one.body.jobId);
  });
});

describe('signed GETs', () => {
  async function twoJobs(): Promise<[string, string]> {
    await site.link('Test', 'PROJ', '609');
    const a = await site.send({ runId: 'g-1', results: [{ testCaseId: '609', status: 'SUCCESS' }] });
    const b = await site.send({ runId: 'g-2', results: [{ testCaseId: '609', status: 'SUCCESS' }] });
    await site.sb.queue.idle();
    return [a, b];
  }

  test('a GET signed over its query reads that job, without a Deprecation header', async () => {
    const [a] = await twoJobs();
    const res = await site.get(`job=${a}`, { 'x-signature': site.signature(`job=${a}`) });
    expect(res).toMatchObject({ status: 200, body: { jobId: a } });
    expect(res.headers.get('deprecation')).toBeNull();
  });

  test('a signature made for one job\'s query does not read another job', async () => {
    const [a, b] = await twoJobs();
    const res = await site.get(`job=${b}`, { 'x-signature': site.signature(`job=${a}`) });
    expect(res).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
    expect(JSON.stringify(res.body)).not.toContain(b);
  });

  test('the old GET signature over "<t>." still reads the job, answered with a Deprecation header', async () => {
    const [a] = await twoJobs();
    const res = await site.get(`job=${a}`, { 'x-signature': site.signature('') });
    expect(res).toMatchObject({ status: 200, body: { jobId: a } });
    expect(res.headers.get('deprecation')).toMatch(/^@\d+$/);
  });
});
