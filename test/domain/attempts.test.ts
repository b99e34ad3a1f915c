import { collapseEntries, CollapsedResult, MAX_STORED_ATTEMPTS, MappedEntry, STORED_MESSAGE_CHARS, StoredAttempt } from '../../src/domain/attempts';
import { StoredHistoryEntry, appendHistory, attemptsOfRun, outcomeOf } from '../../src/domain/history';
import { parseResultsRequest } from '../../src/domain/results-payload';
import { effectiveStatusMap } from '../../src/domain/status-map';

const XRAY: Record<string, string> = { SUCCESS: 'PASSED', FAILURE: 'FAILED', ABORTED: 'ABORTED' };
const entry = (status: string, extra: Partial<MappedEntry['result']> = {}): MappedEntry => ({
  result: { testCaseId: '609', status, ...extra },
  xrayStatus: XRAY[status] ?? status,
});
const ctx = (more: { stored?: StoredAttempt[]; rerunOf?: string } = {}) => ({
  ...more,
  outcomeOf: (w: string) => outcomeOf(w, {}),
  flakyStatus: { status: 'PASSED' },
});
const collapsed = (r: ReturnType<typeof collapseEntries>) => r as CollapsedResult;

describe('collapsing a case\'s entries', () => {
  it('a Testsigma re-run is the next attempt after those stored, and the same re-run again keeps its number', () => {
    const stored: StoredAttempt[] = [{ n: 1, w: 'FAILURE', s: 'FAILED' }];
    const first = collapsed(collapseEntries([entry('SUCCESS')], ctx({ stored, rerunOf: '487' })));
    expect(first).toMatchObject({ xrayStatus: 'PASSED', word: 'FLAKY', attempts: 2, flaky: true });
    expect(first.tries).toEqual([{ n: 1, w: 'FAILURE', s: 'FAILED' }, { n: 2, w: 'SUCCESS', s: 'PASSED', r: '487' }]);
    const again = collapsed(collapseEntries([entry('SUCCESS')], ctx({ stored: first.tries, rerunOf: '487' })));
    expect(again.attempts).toBe(2);
    const next = collapsed(collapseEntries([entry('FAILURE')], ctx({ stored: first.tries, rerunOf: '490' })));
    expect(next).toMatchObject({ xrayStatus: 'FAILED', attempts: 3, flaky: false });
  });

  it('keeps at most 10 attempts and cuts their stored messages, while the comment carries this delivery\'s full message', () => {
    const long = 'x'.repeat(5_000);
    const entries = Array.from({ length: 12 }, (_, i) => entry(i === 11 ? 'SUCCESS' : 'FAILURE', { attempt: i + 1, message: long }));
    const r = collapsed(collapseEntries(entries, ctx()));
    expect(r.tries).toHaveLength(MAX_STORED_ATTEMPTS);
    expect(r.tries![0]!.n).toBe(3);
    expect(r.tries!.every((a) => a.m!.length === STORED_MESSAGE_CHARS)).toBe(true);
    expect(r.result.message!.startsWith(`Passed on attempt 12 of 12.\nAttempt 1: FAILED. ${long}\n`)).toBe(true);
  });

  it('a later report of a stored attempt replaces it', () => {
    const stored: StoredAttempt[] = [{ n: 1, w: 'FAILURE', s: 'FAILED' }, { n: 2, w: 'FAILURE', s: 'FAILED' }];
    const r = collapsed(collapseEntries([entry('SUCCESS', { attempt: 2 })], ctx({ stored })));
    expect(r).toMatchObject({ xrayStatus: 'PASSED', flaky: true, attempts: 2 });
  });

  it('an attempt that passed only by an admin-added word counts as passing by its target', () => {
    const r = collapseEntries([entry('FAILURE', { attempt: 1 }), { result: { testCaseId: '609', status: 'OK', attempt: 2 }, xrayStatus: 'PASSED' }], {
      outcomeOf: (w) => outcomeOf(w, { OK: 'PASSED' }),
      flakyStatus: { status: 'FLAKY PASS' },
    });
    expect(r).toMatchObject({ xrayStatus: 'FLAKY PASS', flaky: true });
  });

  it('a flaky result whose FLAKY target the site lacks says which status is missing', () => {
    const r = collapseEntries([entry('FAILURE', { attempt: 1 }), entry('SUCCESS', { attempt: 2 })], { ...ctx(), flakyStatus: { missing: 'SHAKY' } });
    expect(r).toEqual({ missingFlakyTarget: 'SHAKY' });
  });
});

describe('attempt in the web trigger body', () => {
  const map = effectiveStatusMap({});
  it('is kept when it is a whole number from 1', () => {
    const p = parseResultsRequest({ runId: 'r', results: [{ testCaseId: '609', status: 'FAILURE', attempt: 2 }] }, map);
    expect(p.ok && p.value.mode === 'push' && p.value.delivery.results[0]!.attempt).toBe(2);
  });
  it.each([0, 1.5, '2', -1])('answers a problem naming the path for %p', (attempt) => {
    const p = parseResultsRequest({ runId: 'r', results: [{ testCaseId: '609', status: 'FAILURE', attempt }] }, map);
    expect(p.ok).toBe(false);
    expect(!p.ok && p.problems[0]!.path).toBe('results[0].attempt');
  });
  it('accepts FLAKY as a status word (it is in the default map)', () => {
    expect(parseResultsRequest({ runId: 'r', results: [{ testCaseId: '609', status: 'flaky' }] }, map).ok).toBe(true);
  });
});

describe('attempts in a case\'s history', () => {
  it('keep their messages in the newest 3 runs only, and their numbers and statuses in all 10', () => {
    let history: StoredHistoryEntry[] = [];
    for (let r = 0; r < 10; r++) {
      const tries: StoredAttempt[] = [{ n: 1, w: 'FAILURE', s: 'FAILED', m: `run ${r} failed` }, { n: 2, w: 'SUCCESS', s: 'PASSED' }];
      history = appendHistory(history, { status: 'PASSED', word: 'FLAKY', runId: `r${r}`, at: new Date(Date.UTC(2026, 10, 1 + r)).toISOString(), retried: true, tries }, {});
    }
    expect(history.map((h) => h.a?.[0]?.m)).toEqual(['run 9 failed', 'run 8 failed', 'run 7 failed', ...Array(7).fill(undefined)]);
    expect(history.every((h) => h.a?.length === 2)).toBe(true);
    expect(attemptsOfRun(history, 'r0')).toEqual([{ n: 1, w: 'FAILURE', s: 'FAILED' }, { n: 2, w: 'SUCCESS', s: 'PASSED' }]);
  });
});
