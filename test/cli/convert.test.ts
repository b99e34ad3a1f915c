import { parseRetryAfter } from '../../cli/lib/http';
import { caseResultsSchema, runSchema, toResultsFile } from '../../cli/lib/testsigma';
import { validateResultsFile } from '../../cli/lib/schema';
import { jobLine, outcomeSummary } from '../../cli/lib/format';

describe('toResultsFile', () => {
  const run = runSchema.parse({ id: 986, executionId: 268, status: 'STATUS_COMPLETED', result: 'FAILURE', startTime: 1633512584000, endTime: 1633512598000, buildNo: null, execution: null });

  it('converts the documented test_case_results answer into a valid results file', () => {
    // Shaped after the docs' sample (test/fixtures/testsigma/execution-results.test-case-results.response.json).
    const cases = caseResultsSchema.parse({
      executionId: 268,
      executionResultId: 986,
      result: 'FAILURE',
      status: 'STATUS_COMPLETED',
      testCases: [
        {
          testCaseId: 413, testCaseName: '03 data driven small', testCaseResultId: 7975, result: 'FAILURE', isDataDrivenCase: true,
          iterationResults: [{ iterationResultId: 7963, setName: 'examples', result: 'SUCCESS' }, { iterationResultId: 7976, setName: 'travels', result: 'FAILURE' }],
          testSuiteId: 197, testSuiteName: '02 DD Small', testSuiteResultId: 2295, machineId: 414, machineTitle: 'machine 2', machineResultId: 2370,
        },
      ],
    });
    const file = toResultsFile(run, cases);
    expect(file).toEqual({
      runId: '986',
      testPlanId: '268',
      summary: 'Testsigma plan 268, run 986',
      startedAt: '2021-10-06T09:29:44.000Z',
      finishedAt: '2021-10-06T09:29:58.000Z',
      results: [{ testCaseId: '413', testSuiteId: '197', status: 'FAILURE', message: 'Iterations: examples SUCCESS, travels FAILURE' }],
    });
    expect(validateResultsFile(file).ok).toBe(true);
  });

  it('merges one case run on several machines into its worst result, naming each machine', () => {
    const cases = caseResultsSchema.parse({
      testCases: [
        { testCaseId: 1, result: 'SUCCESS', testSuiteId: 5, machineTitle: 'Chrome' },
        { testCaseId: 1, result: 'ABORTED', testSuiteId: 5, machineTitle: 'Firefox' },
        { testCaseId: 2, result: 'SUCCESS', testSuiteId: 5, machineTitle: 'Chrome' },
      ],
    });
    expect(toResultsFile(run, cases).results).toEqual([
      { testCaseId: '1', testSuiteId: '5', status: 'ABORTED', message: 'Chrome: SUCCESS; Firefox: ABORTED' },
      { testCaseId: '2', testSuiteId: '5', status: 'SUCCESS' },
    ]);
  });
});

describe('small pure helpers', () => {
  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('3', 0)).toBe(3000);
    expect(parseRetryAfter(null, 0)).toBeUndefined();
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    const now = Date.parse('2026-11-25T10:00:00Z');
    expect(parseRetryAfter('Wed, 25 Nov 2026 10:00:05 GMT', now)).toBe(5000);
  });

  it('summarises outcomes worst first', () => {
    const job = (state: 'succeeded' | 'partial' | 'failed') => ({ jobId: 'j', runId: 'r', state, counts: { received: 2, synced: 1, unmapped: 1, failed: 0 }, unmapped: ['9'], errors: [] });
    expect(outcomeSummary([job('succeeded'), job('partial')]).worst).toBe('partial');
    expect(outcomeSummary([job('partial'), job('failed')]).worst).toBe('failed');
    expect(jobLine(job('partial'))).toBe('job j (run r): partial: 2 received, 1 synced, 1 unmapped, 0 failed');
  });
});
