jest.mock('@forge/bridge', () => ({ invoke: jest.fn() }));

import { browsePath, formatWhen, plural } from '../../src/frontend/common/format';
import { isRetryable, jobStateAppearance, xrayStatusAppearance } from '../../src/frontend/common/status';
import {
  addFormMode,
  coverageSentence,
  displayId,
  kindCopy,
  normaliseInput,
  singleLinkHint,
  unlinkedIntro,
} from '../../src/frontend/panel/panelModel';
import { link, panelView } from './helpers';

describe('format', () => {
  it('formats instants in UTC and passes odd values through', () => {
    expect(formatWhen('2026-11-25T10:42:10Z')).toBe('2026-11-25 10:42 UTC');
    expect(formatWhen('2026-11-25T23:30:00-02:00')).toBe('2026-11-26 01:30 UTC');
    expect(formatWhen('yesterday')).toBe('yesterday');
  });
  it('pluralises', () => {
    expect(plural(1, 'Test')).toBe('1 Test');
    expect(plural(0, 'Test')).toBe('0 Tests');
  });
  it('makes relative Jira links', () => {
    expect(browsePath('PROJ-12')).toBe('/browse/PROJ-12');
    expect(browsePath('A B')).toBe('/browse/A%20B');
  });
});

describe('status colours', () => {
  it.each([
    ['PASSED', 'success'],
    ['failed', 'removed'],
    ['TODO', 'default'],
    ['EXECUTING', 'inprogress'],
    ['ABORTED', 'moved'],
    ['BLOCKED', 'default'],
  ])('%s -> %s', (status, appearance) => {
    expect(xrayStatusAppearance(status)).toBe(appearance);
  });
  it('colours job states and says which to retry', () => {
    expect(jobStateAppearance('succeeded')).toBe('success');
    expect(jobStateAppearance('failed')).toBe('removed');
    expect(jobStateAppearance('whatever')).toBe('default');
    expect(['queued', 'running', 'succeeded', 'partial', 'failed'].filter(isRetryable)).toEqual(['partial', 'failed']);
  });
});

describe('panel model', () => {
  it('words each kind', () => {
    expect(kindCopy('test').single).toBe(false);
    expect(kindCopy('testSet').fieldLabel).toBe('Testsigma test suite id or URL');
    expect(kindCopy('testPlan').single).toBe(true);
  });
  it('decides the add form', () => {
    expect(addFormMode(panelView())).toBe('open');
    expect(addFormMode(panelView({ canEdit: false }))).toBe('readOnly');
    expect(addFormMode(panelView({ links: [link()] }))).toBe('open');
    const plan = panelView({ issue: { id: '1', key: 'P-1', kind: 'testPlan' }, links: [link({ testsigmaId: '274' })] });
    expect(addFormMode(plan)).toBe('full');
    expect(singleLinkHint(plan)).toBe(
      'A Test Plan links to one Testsigma test plan. Unlink the current one (TS-274) first to link another.',
    );
  });
  it('words coverage', () => {
    expect(coverageSentence({ total: 250, linked: 3, unlinked: [] })).toBe('3 of 250 Tests linked');
    expect(coverageSentence({ total: 1, linked: 1, unlinked: [] })).toBe('1 of 1 Test linked');
    expect(unlinkedIntro({ total: 3, linked: 1, unlinked: [{ id: '1', key: 'P-1' }, { id: '2', key: 'P-2' }] })).toBe(
      'Not linked yet:',
    );
    expect(unlinkedIntro({ total: 100, linked: 0, unlinked: [{ id: '1', key: 'P-1' }] })).toBe(
      'Not linked yet (the first 1 of 100):',
    );
  });
  it('shows ids and trims input', () => {
    expect(displayId('609')).toBe('TS-609');
    expect(normaliseInput('  https://app.testsigma.com/x/609 \n')).toBe('https://app.testsigma.com/x/609');
  });
});
