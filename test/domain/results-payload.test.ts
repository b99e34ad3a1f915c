import { parseResultsRequest } from '../../src/domain/results-payload';
import { effectiveStatusMap } from '../../src/domain/status-map';

const map = effectiveStatusMap({});

describe('parseResultsRequest: nulls', () => {
  it('reads null optional fields as absent (Python executors send None as null)', () => {
    const r = parseResultsRequest(
      {
        runId: '337', testPlanId: null, summary: null, environments: null, startedAt: null,
        results: [{ testCaseId: '609', status: 'SUCCESS', message: null, testSuiteId: null, attachments: [{ filename: 'a.txt', contentType: null, data: 'aGk=' }] }],
      },
      map,
    );
    expect(r.ok).toBe(true);
    if (r.ok && r.value.mode === 'push') {
      expect(r.value.delivery).toEqual({ runId: '337', results: [{ testCaseId: '609', status: 'SUCCESS', attachments: [{ filename: 'a.txt', data: 'aGk=' }] }] });
    }
  });

  it('reads null optional fields of an iteration as absent too', () => {
    const r = parseResultsRequest(
      { runId: '338', results: [{ testCaseId: '609', status: 'FAILURE', iterations: [{ name: null, status: 'FAILURE', parameters: null }, { name: 'row 2', status: 'SUCCESS' }] }] },
      map,
    );
    expect(r.ok).toBe(true);
    if (r.ok && r.value.mode === 'push') {
      expect(r.value.delivery.results[0]!.iterations).toEqual([{ status: 'FAILURE' }, { name: 'row 2', status: 'SUCCESS' }]);
    }
  });

  it('still reports a required field that is null, with its path', () => {
    const r = parseResultsRequest({ runId: null, results: [{ testCaseId: '1', status: null }] }, map);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map((p) => p.path).sort()).toEqual(['results[0].status', 'runId']);
  });
});
