import { MemoryKvs } from '../../sandbox/forge/memory-kvs';
import { JobRecord, JobStore, encodeDelivery, isJobId, newJobId, toJobView, addErrors } from '../../src/store/job-store';
import { RunStore, readLastResults, lastResultItem } from '../../src/store/run-store';
import type { Delivery } from '../../src/domain/results-payload';

const hex = (n: number) => 'ab'.repeat(n);

function record(jobId: string, over: Partial<JobRecord> = {}): JobRecord {
  return {
    jobId,
    runId: 'r',
    mode: 'push',
    state: 'queued',
    counts: { received: 1, synced: 0, unmapped: 0, failed: 0 },
    unmapped: [],
    errors: [],
    attempts: 0,
    createdAt: '2026-11-25T12:00:00.000Z',
    updatedAt: '2026-11-25T12:00:00.000Z',
    deadline: Date.parse('2026-11-25T13:00:00Z'),
    intake: [],
    chunks: 0,
    attChunks: 0,
    retries: 0,
    ...over,
  };
}

describe('job ids', () => {
  test('newer ids sort first, are valid keys, and differ within one millisecond', () => {
    const a = newJobId(1_000_000, () => '00000000');
    const b = newJobId(2_000_000, () => '00000000');
    expect(b < a).toBe(true);
    expect(isJobId(a)).toBe(true);
    let n = 0;
    const r = () => (n++).toString(16).padStart(8, '0');
    expect(newJobId(5, r)).not.toBe(newJobId(5, r));
    expect(isJobId('../x')).toBe(false);
    expect(isJobId('ABCDEFGHI00000000')).toBe(false);
  });
});

describe('delivery storage', () => {
  test('round-trips a large delivery through chunks under 240 KiB, attachments spanning chunks', async () => {
    const kvs = new MemoryKvs();
    const att = Buffer.alloc(500_000, 7).toString('base64');
    const delivery: Delivery = {
      runId: 'big',
      testPlanId: '1',
      summary: 'Sümmary "quoted"',
      environments: ['Chrome'],
      startedAt: '2026-11-25T10:00:00Z',
      results: Array.from({ length: 6000 }, (_, i) => ({
        testCaseId: String(i),
        status: 'SUCCESS',
        testSuiteId: '5',
        message: i % 10 === 0 ? `line\n${'é'.repeat(50)}` : undefined,
        ...(i === 7 ? { attachments: [{ filename: 'a.bin', contentType: 'application/octet-stream', data: att }, { filename: 'b.txt', data: 'aGk=' }] } : {}),
      })).map((r) => (r.message === undefined ? (({ message: _m, ...rest }) => rest)(r) : r)),
    };
    const jobId = newJobId(Date.now(), hex);
    const encoded = encodeDelivery(jobId, delivery);
    expect(encoded.chunks).toBeGreaterThan(1);
    expect(encoded.attChunks).toBe(Math.ceil((att.length + 4) / 200_000));
    const store = new JobStore(kvs);
    await store.create(record(jobId, { chunks: encoded.chunks, attChunks: encoded.attChunks }), encoded.items);
    const rec = (await store.get(jobId))!;
    const withAtt = await store.loadDelivery(rec, true);
    expect(withAtt).toEqual(delivery);
    const without = await store.loadDelivery(rec, false);
    expect(without!.results[7]!.attachments).toBeUndefined();
    expect(without!.results).toHaveLength(6000);
    await store.remove(rec);
    expect(kvs.keys()).toEqual([]);
  });

  test('a delivery whose data expired loads as undefined', async () => {
    const kvs = new MemoryKvs();
    const store = new JobStore(kvs);
    expect(await store.loadDelivery(record('zzzzzzzzz00000000', { chunks: 1 }), false)).toBeUndefined();
  });
});

describe('job views', () => {
  test('a running job past its lease and a queued job past its deadline read failed, saying why', () => {
    const rec = record('zzzzzzzzz00000000', { state: 'running', deadline: 1000 });
    expect(toJobView(rec, 999).state).toBe('running');
    const stale = toJobView(rec, 1001);
    expect(stale.state).toBe('failed');
    expect(stale.errors[0]).toMatch(/time limit/);
    const lost = toJobView(record('zzzzzzzzz00000000', { state: 'queued', deadline: 1000 }), 1001);
    expect(lost.state).toBe('failed');
    expect(lost.errors[0]).toMatch(/did not start/);
    expect(toJobView(record('zzzzzzzzz00000000', { state: 'succeeded', deadline: 1 }), 5).state).toBe('succeeded');
  });

  test('errors keep the first 20, oldest first, without repeats', () => {
    const many = Array.from({ length: 30 }, (_, i) => `e${i}`);
    expect(addErrors(['a'], ['a', ...many])).toEqual(['a', ...many.slice(0, 19)]);
  });
});

describe('run records and last results', () => {
  test('claim is atomic; put overwrites', async () => {
    const kvs = new MemoryKvs();
    const runs = new RunStore(kvs);
    expect(await runs.claim({ runId: 'A.b-1', label: 'l', updatedAt: 'x' })).toBe(true);
    expect(await runs.claim({ runId: 'A.b-1', label: 'l2', updatedAt: 'y' })).toBe(false);
    // The lost claim left the first record as it was.
    expect(await runs.get('A.b-1')).toEqual({ runId: 'A.b-1', label: 'l', updatedAt: 'x' });
    await runs.put({ runId: 'A.b-1', label: 'l', testExecutionKey: 'P-1', updatedAt: 'z' });
    expect((await runs.get('A.b-1'))!.testExecutionKey).toBe('P-1');
    expect(await runs.get('a.b-1')).toBeUndefined();
  });

  test('readLastResults reads many cases in batches and skips ids that cannot be keys', async () => {
    const kvs = new MemoryKvs();
    const items = Array.from({ length: 60 }, (_, i) => lastResultItem(String(i), { status: 'PASSED', runId: 'r', at: 'now' }));
    for (let i = 0; i < items.length; i += 25) await kvs.batchSet(items.slice(i, i + 25).map((x) => ({ key: x.key, value: x.value })));
    kvs.resetCalls();
    const found = await readLastResults(kvs, [...Array.from({ length: 60 }, (_, i) => String(i)), '999', 'a b']);
    expect(found.size).toBe(60);
    expect(kvs.calls.batchGet).toBe(3);
  });
});

describe('a 4 MiB delivery', () => {
  test('is stored in batchSet payloads under 4,000,000 bytes, which Forge accepts', async () => {
    const kvs = new MemoryKvs();
    const jobs = new JobStore(kvs);
    const att = Buffer.alloc(3 * 1024 * 1024, 9).toString('base64'); // 4 MiB of base64
    const delivery: Delivery = {
      runId: 'four-mib',
      summary: 'A run with a large screenshot',
      results: [{ testCaseId: '1', status: 'FAILURE', attachments: [{ filename: 'screen.png', contentType: 'image/png', data: att }] }],
    };
    const jobId = newJobId(1, () => '00000000');
    const encoded = encodeDelivery(jobId, delivery);
    const rec = record(jobId, { chunks: encoded.chunks, attChunks: encoded.attChunks });
    await jobs.create(rec, encoded.items);
    expect(kvs.calls.batchSet).toBe(2);
    const back = await jobs.loadDelivery(rec, true);
    expect(back?.results[0]?.attachments?.[0]?.data).toBe(att);
  });
});
