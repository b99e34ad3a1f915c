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

  // Red on this branch, not for a finding of issue 10 (found by this bench): the label lookups after a lost create
  // answer are counted in the run record, and every queued delivery of the run spends one at once instead of
  // waiting out the delay, so with four deliveries of the run queued the three lookups are gone in no time, well
  // inside the 90 s index lag, and the fourth delivery creates a second Test Execution (seed 6: CHAOS-21, CHAOS-25).
  test.skip('one lost create answer with four deliveries of the run queued behind it is found again, not created twice', async () => {
    const f = await runChaos({ ...SMALL, xrayFaultRate: 0, jiraFaultRate: 0, kvsThrottleRate: 0, loseOneAnswer: true, seed: 6 });
    expect(f.faultsInjected.lost).toBe(1);
    expect({ executions: f.testExecutionsCreated, duplicated: f.duplicatedRuns, lost: f.resultsLost }).toEqual({ executions: 4, duplicated: [], lost: 0 });
  });

  // Red on this branch: issue 10 finding 2 (creates failing ambiguously loop), the lost-answer lookups above, and
  // two more not among findings 1-18, which the bench's per-fault table pins down: an exhausted Xray budget (the
  // app's own 10 a 5 minutes) and a throttled storage call each count toward the job's 5 transient failures, so jobs
  // fail under load; and a consumer that answers a queue retry after Forge's retries are used up (the sandbox queue
  // grants 4) loses the event, leaving its job queued or running with nothing scheduled. Unskip after the fixes.
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
