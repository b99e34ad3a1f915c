/**
 * The chaos bench's invariants at a small scale (the full scale runs in `npm run bench`): runs delivered at once
 * into the real app, in process, on one simulated clock, at the smallest Xray budget the settings allow, counted
 * from the emulators' state. The calm cases prove the simulation itself (clock, in-process emulators, queue,
 * budget); the chaos cases are the exactly-once claim under faults.
 */
import { runChaos, runDoomedRun } from '../../sandbox/chaos/chaos';

const SMALL = { runs: 4, resultsPerRun: 20, duplicates: 2 };

describe('chaos bench (small scale)', () => {
  test('without faults, 4 runs in 2 deliveries each plus 2 sent twice land once and whole, with the budget binding', async () => {
    const f = await runChaos({ ...SMALL, xrayFaultRate: 0, jiraFaultRate: 0, kvsThrottleRate: 0, loseOneAnswer: false });
    expect({ executions: f.testExecutionsCreated, lost: f.resultsLost, failed: f.jobsFailed, unfinished: f.jobsUnfinished, finished: f.finished }).toEqual({
      executions: 4,
      lost: 0,
      failed: 0,
      unfinished: 0,
      finished: true,
    });
    expect(f.jobs).toBe(10);
    // 10 requests per 5 minutes and more than 10 requests needed: the budget made the runs wait simulated minutes.
    expect(f.xrayRequests).toBeGreaterThan(10);
    expect(f.simMinutes).toBeGreaterThanOrEqual(5);
  });

  test('one lost create answer behind a 90 s search index lag is found again, not created twice', async () => {
    const f = await runChaos({ ...SMALL, duplicates: 0, xrayFaultRate: 0, jiraFaultRate: 0, kvsThrottleRate: 0, loseOneAnswer: true, seed: 2 });
    expect(f.faultsInjected.lost).toBe(1);
    expect({ executions: f.testExecutionsCreated, lost: f.resultsLost, failed: f.jobsFailed, finished: f.finished }).toEqual({ executions: 4, lost: 0, failed: 0, finished: true });
  });

  // Red on this branch, for findings the findings branch fixes or that this bench found (see the lead's report):
  // issue 10 finding 2 (creates failing ambiguously loop), finding 3 (a run record overwritten by a plain put: a
  // lost create answer plus a delivery sent twice and storage throttles makes a second Test Execution, seeds 6, 8,
  // 9, 12), and three not among findings 1-18: an exhausted Xray budget and a throttled storage call count toward
  // the job's 5 transient failures, so jobs fail under load; and a job left `running` with no event scheduled.
  // Unskip after merging both branches.
  test.skip('under transient faults, lost answers, storage throttles and index lag, every run lands once and whole', async () => {
    for (const seed of [1, 2, 3]) {
      const f = await runChaos({ ...SMALL, seed });
      expect({ seed, executions: f.testExecutionsCreated, lost: f.resultsLost, failed: f.jobsFailed, unfinished: f.jobsUnfinished, notes: f.jobNotes }).toEqual({
        seed,
        executions: 4,
        lost: 0,
        failed: 0,
        unfinished: 0,
        notes: [],
      });
    }
  });

  // Red on this branch: issue 10 finding 2 (the consumer loops lookup, create, lookup and the job stays queued; with
  // storage throttles it is left running with nothing scheduled). Unskip after merging the findings branch.
  test.skip('a run whose creates fail for good ends failed, and retryJob after the fault clears lands it with one Test Execution', async () => {
    const d = await runDoomedRun({ maxSimMinutes: 6 * 60 });
    expect(d.stateBeforeRetry).toBe('failed');
    expect(d.errors.join(' ')).toMatch(/Xray/);
    expect({ retryRefused: d.retryRefused, after: d.stateAfterRetry, executions: d.testExecutionsOfRun, lost: d.resultsLost }).toEqual({
      retryRefused: undefined,
      after: 'succeeded',
      executions: 1,
      lost: 0,
    });
  });
});
