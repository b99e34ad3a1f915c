/**
 * A Testsigma plan's results in 8 deflated parts (issue 17): read with one batch, written part by part under the
 * plan's lock, so two writers at once keep both their changes, and large plans stay under Forge's value limit.
 */
import { MemoryKvs } from '../../sandbox/forge/memory-kvs';
import { PLAN_PARTS, planPartKeys, readPlanResults, updatePlanResults } from '../../src/store/plan-results';
import { nextCaseResult, type CaseResultRecord } from '../../src/store/run-store';

const result = (caseId: string, run: number, prev?: CaseResultRecord): CaseResultRecord =>
  nextCaseResult(prev, { status: run % 3 ? 'PASSED' : 'FAILED', word: run % 3 ? 'SUCCESS' : 'FAILURE', runId: `nightly-${run}`, at: new Date(Date.UTC(2026, 10, 1 + run)).toISOString(), testIssueId: `T${caseId}`, testExecutionKey: `EX-${run}` }, {});

describe('plan results', () => {
  it('keeps 5,000 cases with 10-run histories in 8 parts under 240 KiB each, read back with one batch read', async () => {
    const kvs = new MemoryKvs({ rateLimits: false });
    const ids = Array.from({ length: 5000 }, (_, i) => String(100000 + i));
    for (let run = 1; run <= 10; run++) await updatePlanResults(kvs, '274', ids, (id, cur) => result(id, run, cur));
    expect(kvs.keys().filter((k) => k.startsWith('pr:274:'))).toHaveLength(PLAN_PARTS);
    for (const key of planPartKeys('274')) expect(Buffer.byteLength(JSON.stringify(await kvs.get(key)))).toBeLessThan(240 * 1024);
    kvs.resetCalls();
    const all = await readPlanResults(kvs, '274');
    expect(kvs.calls).toEqual({ batchGet: 1 });
    expect(all.size).toBe(5000);
    expect(all.get('100042')?.history?.map((h) => h.runId)).toEqual(Array.from({ length: 10 }, (_, i) => `nightly-${10 - i}`));
  });

  it('reads only the parts that hold the cases asked for', async () => {
    const kvs = new MemoryKvs();
    await updatePlanResults(kvs, '274', ['601', '602'], (id) => result(id, 1));
    expect(planPartKeys('274', ['601'])).toHaveLength(1);
    expect([...(await readPlanResults(kvs, '274', ['601'])).keys()]).toEqual(['601']);
  });

  it('two writers at once each keep their change: each reads the parts again under the lock', async () => {
    const kvs = new MemoryKvs();
    const ids = Array.from({ length: 40 }, (_, i) => String(600 + i));
    await Promise.all([
      updatePlanResults(kvs, '274', ids.slice(0, 20), (id, cur) => result(id, 1, cur)),
      updatePlanResults(kvs, '274', ids.slice(20), (id, cur) => result(id, 1, cur)),
      updatePlanResults(kvs, '274', ids, (id, cur) => (cur ? { ...cur, defects: ['BUG-1'] } : undefined)),
    ]);
    const all = await readPlanResults(kvs, '274');
    expect(all.size).toBe(40);
    expect(kvs.keys().filter((k) => k.includes('lock'))).toEqual([]);
  });

  it('removes a case, and keeps nothing for an id that is no Testsigma plan id', async () => {
    const kvs = new MemoryKvs();
    await updatePlanResults(kvs, '274', ['601', '602'], (id) => result(id, 1));
    await updatePlanResults(kvs, '274', ['601'], () => null);
    expect([...(await readPlanResults(kvs, '274')).keys()]).toEqual(['602']);
    expect((await updatePlanResults(kvs, 'not a plan', ['601'], (id) => result(id, 1))).size).toBe(0);
    expect(kvs.keys().some((k) => k.includes('not a plan'))).toBe(false);
  });
});
