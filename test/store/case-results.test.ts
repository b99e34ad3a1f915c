import { MemoryKvs } from '../../sandbox/forge/memory-kvs';
import { writeItems } from '../../src/store/job-store';
import { caseResultItem, CaseResultInput, lastResultItem, nextCaseResult, putCaseResult, readCaseResults } from '../../src/store/run-store';

const input = (runId: string, status: string, word: string, minute: number, more: Partial<CaseResultInput> = {}): CaseResultInput => ({
  status,
  word,
  runId,
  at: new Date(Date.UTC(2026, 11, 1, 0, minute)).toISOString(),
  testIssueId: '10001',
  testExecutionKey: `DEMO-${minute}`,
  ...more,
});

describe('case result records', () => {
  it('reads a record of the older shape (a bare last result) with a history of that one result', async () => {
    const kvs = new MemoryKvs();
    await writeItems(kvs, [lastResultItem('609', { status: 'FAILED', runId: 'r1', at: '2026-11-30T10:00:00.000Z', testExecutionKey: 'DEMO-9' })]);
    const rec = (await readCaseResults(kvs, ['609'])).get('609');
    expect(rec?.history).toEqual([{ status: 'FAILED', runId: 'r1', at: '2026-11-30T10:00:00.000Z' }]);
    const next = nextCaseResult(rec, input('r2', 'PASSED', 'SUCCESS', 5), {});
    // The old record named no Test, so its history is not carried over to a Test it may not belong to.
    expect(next.history?.map((h) => h.runId)).toEqual(['r2']);
  });

  it('keeps the history across runs and replaces a run\'s entry on a later delivery', async () => {
    const kvs = new MemoryKvs();
    const write = async (i: CaseResultInput) => {
      const prev = (await readCaseResults(kvs, ['609'])).get('609');
      await writeItems(kvs, [caseResultItem('609', prev, i, {})]);
    };
    await write(input('r1', 'PASSED', 'SUCCESS', 1));
    await write(input('r2', 'FAILED', 'FAILURE', 2));
    await write(input('r2', 'PASSED', 'SUCCESS', 3));
    const rec = (await readCaseResults(kvs, ['609'])).get('609');
    expect(rec?.status).toBe('PASSED');
    expect(rec?.history?.map((h) => [h.runId, h.status])).toEqual([['r2', 'PASSED'], ['r1', 'PASSED']]);
  });

  it('keeps defects filed for a run while results of that run arrive, and drops them for a new run', async () => {
    const kvs = new MemoryKvs();
    const first = nextCaseResult(undefined, input('r1', 'FAILED', 'FAILURE', 1), {});
    await putCaseResult(kvs, '609', { ...first, defects: ['DEMO-50'], testExecutionId: '20001' });
    const prev = (await readCaseResults(kvs, ['609'])).get('609');
    const sameRun = nextCaseResult(prev, input('r1', 'FAILED', 'FAILURE', 2, { testExecutionKey: 'DEMO-1' }), {});
    expect(sameRun.defects).toEqual(['DEMO-50']);
    expect(sameRun.testExecutionId).toBe('20001');
    const newRun = nextCaseResult(prev, input('r2', 'FAILED', 'FAILURE', 3), {});
    expect(newRun.defects).toBeUndefined();
    expect(newRun.testExecutionId).toBeUndefined();
  });

  it('starts a new history when the case now belongs to another Test', () => {
    const a = nextCaseResult(undefined, input('r1', 'FAILED', 'FAILURE', 1), {});
    const b = nextCaseResult(a, input('r2', 'PASSED', 'SUCCESS', 2, { testIssueId: '10002' }), {});
    expect(b.history?.map((h) => h.runId)).toEqual(['r2']);
    expect(b.testIssueId).toBe('10002');
  });

  it('records attempts only when the run retried', () => {
    expect(nextCaseResult(undefined, input('r1', 'PASSED', 'FLAKY', 1, { attempts: 1 }), {}).attempts).toBeUndefined();
    const retried = nextCaseResult(undefined, input('r1', 'PASSED', 'FLAKY', 1, { attempts: 3, retried: true }), {});
    expect(retried.attempts).toBe(3);
    expect(retried.history?.[0]?.retried).toBe(true);
  });
});
