import { appendHistory, flipCount, HISTORY_LENGTH, isFlaky, outcomeOf, StoredHistoryEntry } from '../../src/domain/history';

const at = (n: number) => new Date(Date.UTC(2026, 11, 1, 0, n)).toISOString();

/** Appends runs r0, r1, ... with these incoming words, one minute apart. */
function runsOf(words: string[], overrides: Record<string, string> = {}): StoredHistoryEntry[] {
  let h: StoredHistoryEntry[] = [];
  words.forEach((w, i) => {
    const status = outcomeOf(w, overrides) === 'pass' ? 'PASSED' : outcomeOf(w, overrides) === 'fail' ? 'FAILED' : 'ABORTED';
    h = appendHistory(h, { status, word: w, runId: `r${i}`, at: at(i) }, overrides);
  });
  return h;
}

describe('run history', () => {
  it('lists one entry a run, newest first', () => {
    const h = runsOf(['SUCCESS', 'FAILURE', 'SUCCESS']);
    expect(h.map((e) => e.runId)).toEqual(['r2', 'r1', 'r0']);
  });

  it('replaces a run\'s entry when a later delivery of that run arrives', () => {
    let h = runsOf(['SUCCESS', 'FAILURE']);
    h = appendHistory(h, { status: 'PASSED', word: 'SUCCESS', runId: 'r1', at: at(5) }, {});
    expect(h.map((e) => [e.runId, e.status])).toEqual([['r1', 'PASSED'], ['r0', 'PASSED']]);
  });

  it('keeps at most 10 runs, dropping the oldest', () => {
    const h = runsOf(Array.from({ length: 15 }, () => 'SUCCESS'));
    expect(h).toHaveLength(HISTORY_LENGTH);
    expect(h[0]!.runId).toBe('r14');
    expect(h[HISTORY_LENGTH - 1]!.runId).toBe('r5');
  });

  it('keeps a run delivered late in its place by time', () => {
    let h = runsOf(['SUCCESS', 'SUCCESS']);
    h = appendHistory(h, { status: 'FAILED', word: 'FAILURE', runId: 'old', at: at(-10) }, {});
    expect(h.map((e) => e.runId)).toEqual(['r1', 'r0', 'old']);
  });
});

describe('flaky', () => {
  it('is flaky after two flips between passing and failing', () => {
    expect(isFlaky(runsOf(['SUCCESS', 'FAILURE']))).toBe(false);
    const h = runsOf(['SUCCESS', 'FAILURE', 'PASSED']);
    expect(flipCount(h)).toBe(2);
    expect(isFlaky(h)).toBe(true);
  });

  it('is not flaky when a test fails steadily or passes steadily', () => {
    expect(isFlaky(runsOf(['FAILURE', 'FAILURE', 'PRE_REQUISITE_FAILED', 'FAILED']))).toBe(false);
    expect(isFlaky(runsOf(['SUCCESS', 'PASSED', 'SUCCESS']))).toBe(false);
  });

  it('skips statuses that are neither passing nor failing: no flip through ABORTED, TODO or EXECUTING', () => {
    const h = runsOf(['SUCCESS', 'ABORTED', 'SUCCESS', 'QUEUED', 'RUNNING', 'SUCCESS']);
    expect(flipCount(h)).toBe(0);
    expect(flipCount(runsOf(['SUCCESS', 'STOPPED', 'FAILURE']))).toBe(1);
  });

  it('counts FLAKY as passing', () => {
    expect(outcomeOf('FLAKY', {})).toBe('pass');
    expect(flipCount(runsOf(['FAILURE', 'FLAKY', 'FAILURE']))).toBe(2);
  });

  it('counts an admin-added word by its target, and a word mapped elsewhere as neither', () => {
    const overrides = { BLOCKED: 'FAILED', 'KNOWN ISSUE': 'PASSED', SKIPPED: 'TODO' };
    expect(outcomeOf('blocked', overrides)).toBe('fail');
    expect(outcomeOf('known issue', overrides)).toBe('pass');
    expect(outcomeOf('SKIPPED', overrides)).toBe('none');
    expect(outcomeOf('NEVER_SEEN', overrides)).toBe('none');
    expect(flipCount(runsOf(['SUCCESS', 'BLOCKED', 'SUCCESS'], overrides))).toBe(2);
  });

  it('counts a default word by the default map even when an admin mapped it to a custom status', () => {
    expect(outcomeOf('FAILURE', { FAILURE: 'BROKEN' })).toBe('fail');
  });

  it('is flaky when the last result passed only on a retry', () => {
    const h = appendHistory(runsOf(['SUCCESS']), { status: 'PASSED', word: 'FLAKY', runId: 'r9', at: at(9), retried: true }, {});
    expect(flipCount(h)).toBe(0);
    expect(isFlaky(h)).toBe(true);
    // A later steady pass is no longer a retry.
    expect(isFlaky(appendHistory(h, { status: 'PASSED', word: 'SUCCESS', runId: 'r10', at: at(10) }, {}))).toBe(false);
  });

  it('counts entries of older records (no stored outcome) by their Xray status', () => {
    const old: StoredHistoryEntry[] = [
      { status: 'FAILED', runId: 'c', at: at(3) },
      { status: 'PASSED', runId: 'b', at: at(2) },
      { status: 'FAILED', runId: 'a', at: at(1) },
    ];
    expect(flipCount(old)).toBe(2);
  });

  it('only looks at the last 10 results', () => {
    // Two flips long ago, then ten steady passes.
    const h = runsOf(['SUCCESS', 'FAILURE', 'SUCCESS', ...Array.from({ length: 10 }, () => 'SUCCESS')]);
    expect(isFlaky(h)).toBe(false);
  });
});
