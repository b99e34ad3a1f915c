/**
 * The chaos bench's invariants at a small scale (the full scale runs in `npm run bench`): runs delivered at once
 * into the real app, in process, on one simulated clock, at the smallest Xray budget the settings allow, counted
 * from the emulators' state. The calm cases prove the simulation itself (clock, in-process emulators, queue,
 * budget); the chaos cases are the exactly-once claim under faults.
 */
import { runChaos, runDoomedRun } from '../../sandbox/chaos/chaos';
import { runBusySite } from '../../sandbox/chaos/busy-site';

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

  // Found by this bench: each queued delivery of the run used to spend one of the label lookups at once, so they
  // were gone inside the 90 s index lag and the fourth delivery created a second Test Execution (seed 6 then; the
  // storage layout of issue 17 changed the order of events, so several seeds that lose an answer are run now).
  test.each([1, 3, 7, 9])('one lost create answer with deliveries of the run queued behind it is found again, not created twice (seed %i)', async (seed) => {
    const f = await runChaos({ ...SMALL, xrayFaultRate: 0, jiraFaultRate: 0, kvsThrottleRate: 0, loseOneAnswer: true, seed });
    expect(f.faultsInjected.lost).toBe(1);
    expect({ executions: f.testExecutionsCreated, duplicated: f.duplicatedRuns, lost: f.resultsLost }).toEqual({ executions: 4, duplicated: [], lost: 0 });
  });

  // Seeds 5 and 6 used to leave jobs queued or running with nothing scheduled (the queue's retries ran out) and end
  // jobs failed for storage throttles.
  test('under transient faults, lost answers, storage throttles and index lag, every run lands once and whole', async () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
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

  test('30 runs at the smallest budget wait for the window instead of failing: every run lands once and whole', async () => {
    const f = await runChaos({ runs: 30, resultsPerRun: 5, duplicates: 0, xrayFaultRate: 0, jiraFaultRate: 0, kvsThrottleRate: 0, loseOneAnswer: false });
    expect({ executions: f.testExecutionsCreated, lost: f.resultsLost, failed: f.jobsFailed, unfinished: f.jobsUnfinished, notes: f.jobNotes }).toEqual({
      executions: 30,
      lost: 0,
      failed: 0,
      unfinished: 0,
      notes: [],
    });
    // More than 60 requests at 10 per 5 minutes: the jobs waited at least six windows.
    expect(f.xrayRequests).toBeGreaterThan(60);
    expect(f.simMinutes).toBeGreaterThanOrEqual(30);
  });

  test('5% of storage calls throttled: the jobs wait and go on, none fails or is left with nothing scheduled', async () => {
    for (const seed of [1, 2, 3]) {
      const f = await runChaos({ runs: 6, resultsPerRun: 40, duplicates: 2, xrayFaultRate: 0, jiraFaultRate: 0, kvsThrottleRate: 0.05, loseOneAnswer: false, seed });
      expect(f.kvsThrottled).toBeGreaterThan(0);
      expect({ seed, executions: f.testExecutionsCreated, lost: f.resultsLost, failed: f.jobsFailed, unfinished: f.jobsUnfinished, notes: f.jobNotes }).toEqual({
        seed,
        executions: 6,
        lost: 0,
        failed: 0,
        unfinished: 0,
        notes: [],
      });
    }
  });

  test('storage throttles alone at full scale (seed 3): a throttle around a create neither spends a create nor makes a second one', async () => {
    // Limits off: this isolates random throttles around creates. With Forge's rate limits on, today's layout spends
    // more batch operations on 40 deliveries of 100 results than storage grants in the executor's 20 tries (the busy
    // site below and the bench's busy-site rows measure the limits).
    const f = await runChaos({ seed: 3, xrayFaultRate: 0, jiraFaultRate: 0, kvsThrottleRate: 0.02, loseOneAnswer: false, rateLimits: false });
    expect({ executions: f.testExecutionsCreated, duplicated: f.duplicatedRuns, lost: f.resultsLost, failed: f.jobsFailed, unfinished: f.jobsUnfinished, notes: f.jobNotes }).toEqual({
      executions: 20,
      duplicated: [],
      lost: 0,
      failed: 0,
      unfinished: 0,
      notes: [],
    });
  });

  test('a run whose creates fail for good ends failed, and retryJob after the fault clears lands it with one Test Execution', async () => {
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

describe('busy site (small scale, every rate limit on, today\'s faults)', () => {
  test('runs arriving while users open panels all land once and whole; every open answers its view, with storage_busy at worst', async () => {
    // Jira's transient faults off: a panel open that meets one answers the same error with the limits on or off, and
    // this measures what the limits do to the opens (the bench's full-scale row keeps them and lists their errors).
    const f = await runBusySite({ linkedCases: 200, runs: 4, resultsPerRun: 20, testPanels: 6, planPanels: 2, summaries: 2, planTests: 60, planLinked: 20, arrivalMinutes: 2, jiraFaultRate: 0 });
    expect({ landed: f.runsLanded, executions: f.testExecutionsCreated, lost: f.resultsLost, failed: f.jobsFailed, unfinished: f.jobsUnfinished, refused: f.deliveriesRefused }).toEqual({
      landed: 4,
      executions: 4,
      lost: 0,
      failed: 0,
      unfinished: 0,
      refused: 0,
    });
    expect(f.lastSyncedMinute).toBeLessThanOrEqual(f.boundMinutes);
    const answers = Object.values(f.opens).flatMap((byAnswer) => Object.keys(byAnswer));
    expect({ answers: answers.filter((a) => a !== 'normal' && a !== 'storage_busy'), errors: f.errors }).toEqual({ answers: [], errors: [] });
    expect(Object.values(f.opens).reduce((n, byAnswer) => n + Object.values(byAnswer).reduce((a, b) => a + b, 0), 0)).toBe(10);
  });
});
