/** Pull mode: a Testsigma run's results as a delivery, once the run has finished. */
import type { JobRecord } from '../store/job-store';
import { MAX_ITERATIONS, type Delivery } from '../domain/results-payload';
import type { TestsigmaClient } from '../testsigma/testsigma-client';
import type { SyncTuning } from './sync-tuning';
import { Fail, Later } from './sync-outcomes';
import { jobMsg } from '../domain/job-messages';

const iso = (ms: number) => new Date(ms).toISOString();
/** Re-runs of re-runs followed back at most this far (Testsigma re-runs a run a few times, not hundreds). */
const MAX_RERUN_HOPS = 20;

/**
 * Reads the run; throws `Later` while it is unfinished (within the poll window) and `Fail` after it, or when the
 * run has no results. A re-run (`reRunParentId`) is followed back to the first run: the delivery is of that run
 * (its Test Execution), and its results are the next attempt of each test (contract section 3, pull mode).
 */
export async function pullDelivery(
  ts: TestsigmaClient,
  job: JobRecord,
  started: number,
  tuning: Pick<SyncTuning, 'pollDelaySeconds' | 'pollWindowMs'>,
): Promise<Delivery> {
  const runId = job.testsigmaRunId ?? job.runId;
  const run = await ts.getRun(runId);
  if (run.status !== 'STATUS_COMPLETED') {
    const since = job.pollSince ?? Date.parse(job.createdAt);
    if (started - since >= tuning.pollWindowMs) {
      throw new Fail(jobMsg('runNotFinished', { runId, count: Math.round(tuning.pollWindowMs / 60000), status: run.status }));
    }
    throw new Later(tuning.pollDelaySeconds, `Testsigma run ${runId} has not finished yet (${run.status})`);
  }
  const results = await ts.getRunResults(runId);
  if (results.length === 0) throw new Fail(jobMsg('runEmpty', { runId }));
  const first = run.reRunParentId ? await firstRun(ts, runId, run.reRunParentId) : runId;
  return {
    runId: first,
    ...(first !== runId ? { rerun: { testsigmaRunId: runId } } : {}),
    ...(run.testPlanId ? { testPlanId: run.testPlanId } : {}),
    ...(run.startTime !== undefined ? { startedAt: iso(run.startTime) } : {}),
    ...(run.endTime !== undefined ? { finishedAt: iso(run.endTime) } : {}),
    ...(run.buildNo ? { buildNo: run.buildNo.slice(0, 255) } : {}),
    ...(run.appUrl ? { testsigmaUrl: run.appUrl } : {}),
    results: results.map((r) => ({
      testCaseId: r.testCaseId,
      status: r.result,
      ...(r.testSuiteId ? { testSuiteId: r.testSuiteId } : {}),
      ...(r.testCaseName ? { testCaseName: r.testCaseName.slice(0, 255) } : {}),
      ...(r.machineTitle ? { machine: r.machineTitle.slice(0, 255) } : {}),
      ...(r.iterations ? { iterations: r.iterations.slice(0, MAX_ITERATIONS).map((it) => ({ ...(it.name ? { name: it.name.slice(0, 255) } : {}), status: it.result })) } : {}),
    })),
  };
}

/** The first run of a chain of re-runs: each parent is read once. */
async function firstRun(ts: TestsigmaClient, runId: string, parentId: string): Promise<string> {
  const seen = new Set([runId]);
  let current = parentId;
  for (let hop = 0; hop < MAX_RERUN_HOPS; hop++) {
    if (seen.has(current)) break;
    seen.add(current);
    const parent = await ts.getRun(current);
    if (!parent.reRunParentId) return current;
    current = parent.reRunParentId;
  }
  throw new Fail(jobMsg('rerunUnfound', { runId, hops: MAX_RERUN_HOPS, at: current }));
}
