import { pullDelivery } from '../../src/sync/pull-delivery';
import { Fail } from '../../src/sync/sync-outcomes';
import type { TestsigmaRunReader, TestsigmaRun } from '../../src/testsigma/testsigma-client';
import type { JobRecord } from '../../src/store/job-store';

/** A Testsigma with these runs (id -> parent), each completed with one result; counts the runs read. */
function testsigma(parents: Record<string, string | undefined>) {
  const reads: string[] = [];
  const client: TestsigmaRunReader = {
    async getRun(id) {
      reads.push(id);
      const run: TestsigmaRun = { id, status: 'STATUS_COMPLETED', testPlanId: '274', ...(parents[id] ? { reRunParentId: parents[id] } : {}) };
      return run;
    },
    async getRunResults() {
      return [{ testCaseId: '609', result: 'SUCCESS' }];
    },
  };
  return { client, reads };
}

const job = (runId: string) => ({ runId, testsigmaRunId: runId, createdAt: new Date(0).toISOString() }) as JobRecord;
const tuning = { pollDelaySeconds: 60, pollWindowMs: 3_600_000 };

describe('pulling a Testsigma re-run', () => {
  it('is a delivery of the first run it re-runs, marked as the re-run, reading each parent once', async () => {
    const ts = testsigma({ '489': '487', '487': '469', '469': undefined });
    const d = await pullDelivery(ts.client, job('489'), 0, tuning);
    expect(d).toMatchObject({ runId: '469', rerun: { testsigmaRunId: '489' }, testPlanId: '274', results: [{ testCaseId: '609', status: 'SUCCESS' }] });
    expect(ts.reads).toEqual(['489', '487', '469']);
  });

  it('a run that is not a re-run is its own delivery', async () => {
    const d = await pullDelivery(testsigma({ '469': undefined }).client, job('469'), 0, tuning);
    expect(d.runId).toBe('469');
    expect(d.rerun).toBeUndefined();
  });

  it('fails the job, saying so, when the parents loop', async () => {
    const ts = testsigma({ '489': '487', '487': '489' });
    await expect(pullDelivery(ts.client, job('489'), 0, tuning)).rejects.toThrow(Fail);
    await expect(pullDelivery(ts.client, job('489'), 0, tuning)).rejects.toThrow(/re-run whose first run could not be found/);
  });
});
