import { fnv1a64, runConcurrencyKey, runLabel } from '../../src/domain/run-mark';
import { capAttachments, parseResultsRequest, toXrayDate, decodedSize } from '../../src/domain/results-payload';
import { buildImportTests, decideTarget, outcomeState, refusedEnvironments, executionSummary, MappedResult } from '../../src/domain/xray-import';
import { effectiveStatusMap } from '../../src/domain/status-map';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { translateMessage } from '../../src/i18n/translate';

describe('run mark', () => {
  test('labels are Jira-legal, stable, and tell case-distinct run ids apart', () => {
    expect(runLabel('337')).toBe(runLabel('337'));
    expect(runLabel('337')).toMatch(/^testsigma-run-337-[0-9a-f]{10}$/);
    expect(runLabel('Run-1')).not.toBe(runLabel('run-1'));
    expect(runLabel('Run-1').toLowerCase()).not.toBe(runLabel('run-1').toLowerCase());
    const long = 'a'.repeat(64);
    expect(runLabel(long).length).toBeLessThanOrEqual(255);
    expect(runLabel('a.b_c-D')).not.toMatch(/\s/);
    expect(runConcurrencyKey('x')).toMatch(/^run-[0-9a-f]{16}$/);
    expect(fnv1a64('')).toBe('cbf29ce484222325');
    expect(fnv1a64('a')).toBe('af63dc4c8601ec8c');
  });
});

describe('results payload', () => {
  const map = effectiveStatusMap({});

  test('the contract example parses, ids normalised to strings', () => {
    const example = {
      runId: 337,
      testPlanId: '274',
      summary: 'Nightly',
      environments: ['Chrome', 'Windows 11', 'Chrome'],
      results: [{ testCaseId: 609, testSuiteId: '55', status: 'success', message: 'm', attachments: [{ filename: 'run.log', contentType: 'text/plain', data: 'aGk=' }] }],
      unknownField: true,
    };
    const parsed = parseResultsRequest(example, map);
    expect(parsed).toEqual({
      ok: true,
      value: {
        mode: 'push',
        delivery: {
          runId: '337',
          testPlanId: '274',
          summary: 'Nightly',
          environments: ['Chrome', 'Windows 11'],
          results: [{ testCaseId: '609', testSuiteId: '55', status: 'success', message: 'm', attachments: [{ filename: 'run.log', contentType: 'text/plain', data: 'aGk=' }] }],
        },
      },
    });
  });

  test('pull requests and their validation', () => {
    expect(parseResultsRequest({ testsigmaRunId: 337 }, map)).toEqual({ ok: true, value: { mode: 'pull', testsigmaRunId: '337' } });
    const bad = parseResultsRequest({ testsigmaRunId: -1 }, map);
    expect(bad.ok).toBe(false);
  });

  test('ids, run ids, base64 and dates are checked', () => {
    const bad = parseResultsRequest(
      {
        runId: 'x'.repeat(65),
        results: [
          { testCaseId: '12345678901234567890', status: 'SUCCESS' },
          { testCaseId: 1.5, status: 'SUCCESS' },
          { testCaseId: '1', status: 'SUCCESS', attachments: [{ filename: '', data: '***' }] },
          { testCaseId: '1', status: 'SUCCESS', finishedAt: '2026-13-45T99:00:00Z' },
        ],
      },
      map,
    );
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.problems.map((p) => p.path)).toEqual(
        expect.arrayContaining(['runId', 'results[0].testCaseId', 'results[1].testCaseId', 'results[2].attachments[0].filename', 'results[2].attachments[0].data', 'results[3].finishedAt']),
      );
    }
  });

  test('dates become Xray dates, read as UTC without an offset', () => {
    expect(toXrayDate('2026-11-25T10:00:00Z')).toBe('2026-11-25T10:00:00Z');
    expect(toXrayDate('2026-11-25T10:00:00.123+01:00')).toBe('2026-11-25T09:00:00Z');
    expect(toXrayDate('2026-11-25T10:00:00+0100')).toBe('2026-11-25T09:00:00Z');
    expect(toXrayDate('2026-11-25T10:00')).toBe('2026-11-25T10:00:00Z');
    expect(toXrayDate('2026-11-25')).toBe('2026-11-25T00:00:00Z');
    expect(toXrayDate('1')).toBeUndefined();
    expect(toXrayDate('yesterday')).toBeUndefined();
  });

  test('attachment caps: 2 MiB a file, 3 MiB a delivery', () => {
    const b64 = (mib: number) => Buffer.alloc(Math.floor(mib * 1024 * 1024)).toString('base64');
    expect(decodedSize(b64(1))).toBe(1024 * 1024);
    const { delivery, warnings } = capAttachments({
      runId: '1',
      results: [
        { testCaseId: '1', status: 'S', attachments: [{ filename: 'big', data: b64(2.01) }, { filename: 'a', data: b64(1.5) }] },
        { testCaseId: '2', status: 'S', attachments: [{ filename: 'b', data: b64(1.6) }, { filename: 'c', data: b64(0.2) }] },
      ],
    });
    expect(delivery.results.map((r) => (r.attachments ?? []).map((a) => a.filename))).toEqual([['a'], ['c']]);
    expect(warnings).toHaveLength(2);
    expect(translateMessage('en-US', warnings[0]!)).toMatch(/big.*over 2 MiB/);
    expect(translateMessage('en-US', warnings[1]!)).toMatch(/b .*3 MiB/);
  });
});

describe('xray import building', () => {
  const m = (i: number, caseId: string, key: string, status: string, extra: Partial<MappedResult['result']> = {}): MappedResult => ({
    index: i,
    testCaseId: caseId,
    xrayStatus: status,
    word: status,
    test: { issueId: `id-${key}`, key, projectKey: key.split('-')[0]! },
    result: { testCaseId: caseId, status, ...extra },
  });

  test('merges cases of one Test: most severe status, span of times, every comment, each file once', () => {
    const tests = buildImportTests(
      [
        m(0, '1', 'T-1', 'PASSED', { startedAt: '2026-11-25T10:05:00Z', finishedAt: '2026-11-25T10:06:00Z', message: 'ok' }),
        m(1, '2', 'T-1', 'CUSTOM', { startedAt: '2026-11-25T10:00:00Z', finishedAt: '2026-11-25T10:02:00Z' }),
        m(2, '3', 'T-1', 'FAILED', { message: 'bad' }),
        m(3, '4', 'T-2', 'TODO'),
      ],
      (x) => (x.index < 2 ? [{ filename: 'same.log', contentType: 'text/plain', data: 'eA==' }] : []),
    );
    expect(tests).toEqual([
      {
        testKey: 'T-1',
        status: 'FAILED',
        start: '2026-11-25T10:00:00Z',
        finish: '2026-11-25T10:06:00Z',
        comment: 'Testsigma test case 1: ok\n\nTestsigma test case 3: bad',
        evidence: [{ filename: 'same.log', contentType: 'text/plain', data: 'eA==' }],
      },
      { testKey: 'T-2', status: 'TODO' },
    ]);
  });

  test('target, summary, outcome and refused environments', () => {
    const mapped = [m(0, '1', 'AAA-1', 'PASSED')];
    expect(decideTarget({ issueId: '1', key: 'PL-1', projectKey: 'PL' }, 'DEF', mapped)).toEqual({ projectKey: 'PL', testPlanKey: 'PL-1' });
    expect(decideTarget(undefined, 'DEF', mapped)).toEqual({ projectKey: 'DEF' });
    expect(decideTarget(undefined, undefined, mapped)).toEqual({ projectKey: 'AAA' });
    expect(executionSummary({ runId: '7' })).toBe('Testsigma run 7');
    expect(executionSummary({ runId: '7', summary: 'x'.repeat(300) })).toHaveLength(255);
    expect(outcomeState({ received: 2, synced: 2, unmapped: 0, failed: 0 })).toBe('succeeded');
    expect(outcomeState({ received: 2, synced: 1, unmapped: 1, failed: 0 })).toBe('partial');
    expect(outcomeState({ received: 2, synced: 0, unmapped: 1, failed: 1 })).toBe('failed');
    const captured = JSON.parse(readFileSync(join(__dirname, '../fixtures/xray/import-execution.error.400.unknown-test-environment.json'), 'utf8')) as { error: string };
    expect(refusedEnvironments(captured.error, ['dev', 'Chrome'])).toEqual(['dev']);
    expect(refusedEnvironments('There are no valid tests imported', ['dev'])).toBeUndefined();
    expect(refusedEnvironments(captured.error, undefined)).toBeUndefined();
  });
});
