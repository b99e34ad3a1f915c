import { browsePath, displayId, jqlPath, keysJql } from '../../src/frontend/common/format';
import { makeTranslator, relativeParts } from '../../src/frontend/common/translator';
import { isRetryable, jobStateAppearance, orderedStatusCounts, xrayStatusAppearance } from '../../src/frontend/common/status';
import { addFormMode, groupRuns, groupState, splitInputs } from '../../src/frontend/panel/panelModel';
import { link, panelView } from './fixtures';

describe('format', () => {
  it('makes relative Jira links and issue navigator links', () => {
    expect(browsePath('PROJ-12')).toBe('/browse/PROJ-12');
    expect(browsePath('A B')).toBe('/browse/A%20B');
    expect(jqlPath(keysJql(['P-1', 'P-2']))).toBe(`/issues/?jql=${encodeURIComponent('key in ("P-1", "P-2") ORDER BY key ASC')}`);
  });
  it('writes Testsigma ids so that nobody takes them for Jira keys', () => {
    expect(displayId('609')).toBe('#609');
    expect(displayId('609')).not.toMatch(/^[A-Z][A-Z0-9_]+-\d+$/);
  });
});

describe('translator', () => {
  const resource: Record<string, string> = {
    'x.tests.one': '{count} Test',
    'x.tests.other': '{count} Tests',
    'x.sentence': '{linked} of {total}',
  };
  const lookup = (key: string, fallback?: string) => resource[key] ?? fallback ?? key;
  const now = () => Date.parse('2026-12-01T12:00:00Z');

  it('fills placeholders and writes numbers in the locale', () => {
    expect(makeTranslator(lookup, 'en-US')('x.sentence', { linked: 1000, total: 2500 })).toBe('1,000 of 2,500');
    expect(makeTranslator(lookup, 'de-DE')('x.sentence', { linked: 1000, total: 2500 })).toBe('1.000 of 2.500');
  });
  it('picks plural forms with Intl.PluralRules', () => {
    const t = makeTranslator(lookup, 'en-US');
    expect(t.plural('x.tests', 1)).toBe('1 Test');
    expect(t.plural('x.tests', 0)).toBe('0 Tests');
    expect(t.plural('x.tests', 1250)).toBe('1,250 Tests');
  });
  it('says times relative to now, in the locale, with the exact time at hand', () => {
    expect(makeTranslator(lookup, 'en-US', now).relative('2026-12-01T10:00:00Z')).toBe('2 hours ago');
    expect(makeTranslator(lookup, 'de-DE', now).relative('2026-12-01T10:00:00Z')).toBe('vor 2 Stunden');
    expect(makeTranslator(lookup, 'en-US', now).relative('2026-11-30T11:00:00Z')).toBe('yesterday');
    expect(makeTranslator(lookup, 'en-US', now).relative('soon')).toBe('soon');
    // What happened never reads as the future: a clock a little ahead of the viewer's says "now", not "in 1 minute".
    expect(makeTranslator(lookup, 'en-US', now).relative(new Date(now() + 60_000).toISOString())).toBe('now');
    expect(makeTranslator(lookup, 'en-US', now).relative(new Date(now() + 5_000).toISOString(), 'short')).toBe('now');
    expect(makeTranslator(lookup, 'en-US', now).relative('2026-12-01T10:00:00Z', 'short')).toBe('2 hr. ago');
    expect(makeTranslator(lookup, 'en-US', now).exact('2026-12-01T10:00:00Z')).toMatch(/Dec 1, 2026.*10:00:00/);
    expect(relativeParts(-59)).toEqual([-59, 'second']);
    expect(relativeParts(-3 * 86400)).toEqual([-3, 'day']);
  });
});

describe('status colours', () => {
  it.each([
    ['PASSED', 'success'],
    ['failed', 'removed'],
    ['TODO', 'default'],
    ['EXECUTING', 'inprogress'],
    ['ABORTED', 'default'],
    ['BLOCKED', 'default'],
  ])('%s -> %s (green and red for outcomes only; yellow is Flaky alone)', (status, appearance) => {
    expect(xrayStatusAppearance(status)).toBe(appearance);
  });
  it('colours a custom status by what the status map makes of it, when known', () => {
    expect(xrayStatusAppearance('BLOCKED', 'fail')).toBe('removed');
    expect(xrayStatusAppearance('FLAKY_PASS', 'pass')).toBe('success');
    expect(xrayStatusAppearance('TODO', 'fail')).toBe('default');
  });
  it('orders a run\'s counts as Xray lists its statuses, custom ones after', () => {
    expect(orderedStatusCounts({ BLOCKED: 1, FAILED: 2, PASSED: 4, TODO: 0, ABORTED: 1 })).toEqual([['PASSED', 4], ['FAILED', 2], ['ABORTED', 1], ['BLOCKED', 1]]);
  });
  it('keeps sync states neutral and says which to retry', () => {
    for (const state of ['queued', 'running', 'succeeded', 'partial', 'failed', 'whatever']) expect(jobStateAppearance(state)).toBe('default');
    expect(['queued', 'running', 'succeeded', 'partial', 'failed'].filter(isRetryable)).toEqual(['partial', 'failed']);
  });
});

describe('panel model', () => {
  it('decides the add form', () => {
    expect(addFormMode(panelView())).toBe('open');
    expect(addFormMode(panelView({ canEdit: false }))).toBe('readOnly');
    expect(addFormMode(panelView({ links: [link()] }))).toBe('open');
    const plan = panelView({ issue: { id: '1', key: 'P-1', kind: 'testPlan' }, links: [link({ testsigmaId: '274' })] });
    expect(addFormMode(plan)).toBe('full');
  });
  it('splits several ids or URLs by commas, spaces and new lines, once each', () => {
    expect(splitInputs(' 609, 610\n611  https://app.testsigma.com/ui/td/cases/612/steps,609 ,, ')).toEqual([
      '609', '610', '611', 'https://app.testsigma.com/ui/td/cases/612/steps',
    ]);
    expect(splitInputs('  \n ')).toEqual([]);
  });
  it('groups deliveries of one run, newest run first, counts summed', () => {
    const counts = (received: number, synced: number) => ({ received, synced, unmapped: 0, failed: received - synced });
    const groups = groupRuns([
      { runId: '338', state: 'succeeded', at: '2026-11-26T10:00:00Z', counts: counts(2, 2), testExecutionKey: 'P-9' },
      { runId: '337', state: 'failed', at: '2026-11-25T10:05:00Z', counts: counts(3, 0) },
      { runId: '337', state: 'succeeded', at: '2026-11-25T10:01:00Z', counts: counts(5, 5), testExecutionKey: 'P-8', statuses: { PASSED: 4, FAILED: 1 } },
    ]);
    expect(groups).toEqual([
      { runId: '338', state: 'succeeded', testExecutionKey: 'P-9', at: '2026-11-26T10:00:00Z', deliveries: 1, counts: counts(2, 2), source: 'executor' },
      { runId: '337', state: 'partial', testExecutionKey: 'P-8', at: '2026-11-25T10:05:00Z', deliveries: 2, counts: counts(8, 5), statuses: { PASSED: 4, FAILED: 1 }, source: 'executor' },
    ]);
    expect(groupState(['succeeded', 'running'])).toBe('running');
    expect(groupState(['queued', 'failed'])).toBe('queued');
    expect(groupState(['failed', 'failed'])).toBe('failed');
  });
});
