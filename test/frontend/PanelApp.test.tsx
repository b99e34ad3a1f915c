jest.mock('@forge/bridge', () => ({ invoke: jest.fn() }));

import { DynamicTable, Link, Lozenge, ProgressBar, SectionMessage, Spinner, Textfield, User } from '@forge/react';
import type { PanelCaller } from '../../src/frontend/invoke';
import { PanelApp } from '../../src/frontend/panel/PanelApp';
import type { Envelope, PanelView } from '../../src/shared/types';
import {
  allOf,
  button,
  buttons,
  click,
  deferred,
  fail,
  fakeCaller,
  flush,
  link,
  ok,
  panelView,
  render,
  textOf,
  type,
} from './helpers';

async function openPanel(answers: Parameters<typeof fakeCaller>[0]) {
  const fake = fakeCaller(answers);
  const renderer = await render(<PanelApp call={fake.call as unknown as PanelCaller} />);
  await flush();
  return { renderer, ...fake };
}

describe('PanelApp', () => {
  it('shows a spinner while getPanel runs, and calls it once', async () => {
    const pending = deferred<Envelope<PanelView>>();
    const { renderer, calls } = await openPanel({ getPanel: [pending.promise] });
    expect(allOf(renderer, Spinner)).toHaveLength(1);
    pending.resolve(ok(panelView()));
    await flush();
    expect(allOf(renderer, Spinner)).toHaveLength(0);
    expect(calls).toEqual([{ key: 'getPanel', payload: {} }]);
  });

  it.each([
    ['test', 'No Testsigma test cases linked yet. Paste a test case id or URL to link one.', 'Testsigma test case id or URL'],
    ['testSet', 'No Testsigma test suite linked yet.', 'Testsigma test suite id or URL'],
    ['testPlan', 'No Testsigma test plan linked yet.', 'Testsigma test plan id or URL'],
  ] as const)('says what can be linked on an empty %s', async (kind, empty, label) => {
    const { renderer } = await openPanel({
      getPanel: [ok(panelView({ issue: { id: '1', key: 'PROJ-1', kind } }))],
    });
    expect(textOf(renderer)).toContain(empty);
    expect(textOf(renderer)).toContain(label);
  });

  it('lists links with id, name, deep link, who linked, and the last result in Xray colours', async () => {
    const view = panelView({
      links: [
        link({
          testsigmaId: '609',
          name: 'Login works',
          url: 'https://app.testsigma.com/ui/td/cases/609',
          lastResult: { status: 'FAILED', runId: '337', testExecutionKey: 'PROJ-99', at: '2026-11-25T10:42:10Z' },
        }),
        link({ testsigmaId: '610', lastResult: { status: 'PASSED', runId: '338', at: '2026-11-26T08:00:00Z' } }),
        link({ testsigmaId: '611', lastResult: { status: 'MY_CUSTOM', runId: '339', at: '2026-11-26T08:00:00Z' } }),
      ],
    });
    const { renderer } = await openPanel({ getPanel: [ok(view)] });
    const text = textOf(renderer);
    expect(text).toContain('TS-609');
    expect(text).toContain('Login works');
    expect(text).toContain('TS-610');
    expect(text).toContain('Last run 337, synced 2026-11-25 10:42 UTC');
    expect(text).toContain('on 2026-11-25 10:00 UTC');
    const hrefs = allOf(renderer, Link).map((l) => l.props.href);
    expect(hrefs).toContain('https://app.testsigma.com/ui/td/cases/609');
    expect(hrefs).toContain('/browse/PROJ-99');
    expect(allOf(renderer, User).map((u) => u.props.accountId)).toEqual(['acc-1', 'acc-1', 'acc-1']);
    const lozenges = allOf(renderer, Lozenge).map((l) => [textOf(l), l.props.appearance]);
    expect(lozenges).toEqual([
      ['FAILED', 'removed'],
      ['PASSED', 'success'],
      ['MY_CUSTOM', 'default'],
    ]);
  });

  it('shows coverage as numbers and the unlinked Tests as Jira links', async () => {
    const view = panelView({
      issue: { id: '2', key: 'PROJ-2', kind: 'testSet' },
      links: [link({ testsigmaKind: 'testSuite', testsigmaId: '55' })],
      coverage: { total: 250, linked: 3, unlinked: [{ id: '11', key: 'PROJ-11' }, { id: '12', key: 'PROJ-12' }] },
    });
    const { renderer } = await openPanel({ getPanel: [ok(view)] });
    const text = textOf(renderer);
    expect(text).toContain('3 of 250 Tests linked');
    expect(text).toContain('the first 2 of 247');
    expect(allOf(renderer, Link).map((l) => l.props.href)).toEqual(['/browse/PROJ-11', '/browse/PROJ-12']);
    expect(allOf(renderer, ProgressBar)[0]?.props.value).toBeCloseTo(3 / 250);
  });

  it('shows the recent runs of a Test Plan in a table', async () => {
    const view = panelView({
      issue: { id: '3', key: 'PROJ-3', kind: 'testPlan' },
      links: [link({ testsigmaKind: 'testPlan', testsigmaId: '274' })],
      recentRuns: [
        {
          runId: '337',
          state: 'partial',
          testExecutionKey: 'PROJ-50',
          at: '2026-11-25T10:42:10Z',
          counts: { received: 10, synced: 8, unmapped: 1, failed: 1 },
        },
      ],
    });
    const { renderer } = await openPanel({ getPanel: [ok(view)] });
    const table = allOf(renderer, DynamicTable)[0]!;
    const row = table.props.rows[0];
    expect(row.cells.map((c: { key: string }) => c.key)).toEqual([
      'run', 'state', 'received', 'synced', 'unmapped', 'failed', 'execution', 'at',
    ]);
    const text = textOf(table);
    expect(text).toContain('337');
    expect(text).toContain('partial');
    expect(text).toContain('10 8 1 1');
    expect(text).toContain('PROJ-50');
    expect(text).toContain('2026-11-25 10:42 UTC');
    expect(allOf(renderer, Lozenge)[0]?.props.appearance).toBe('moved');
  });

  it('links with one invoke, replaces the view and clears the field', async () => {
    const after = panelView({ links: [link({ testsigmaId: '609', name: 'Login works' })] });
    const { renderer, calls } = await openPanel({ getPanel: [ok(panelView())], link: [ok(after)] });
    expect(button(renderer, 'Link').props.isDisabled).toBe(true);
    await type(allOf(renderer, Textfield)[0]!, '  609 ');
    expect(button(renderer, 'Link').props.isDisabled).toBe(false);
    await click(button(renderer, 'Link'));
    expect(calls.filter((c) => c.key === 'link')).toEqual([{ key: 'link', payload: { testsigmaId: '609' } }]);
    expect(textOf(renderer)).toContain('Login works');
    expect(allOf(renderer, Textfield)[0]?.props.value).toBe('');
  });

  it('shows a link error verbatim and keeps the typed text', async () => {
    const message = 'TS-609 is already linked to PROJ-12. Unlink it there first.';
    const { renderer } = await openPanel({
      getPanel: [ok(panelView())],
      link: [fail('already_linked', message)],
    });
    await type(allOf(renderer, Textfield)[0]!, '609');
    await click(button(renderer, 'Link'));
    const errors = allOf(renderer, SectionMessage).filter((s) => s.props.appearance === 'error');
    expect(errors.map((e) => textOf(e))).toEqual([message]);
    expect(allOf(renderer, Textfield)[0]?.props.value).toBe('609');
  });

  it('disables the Link button while saving', async () => {
    const pending = deferred<Envelope<PanelView>>();
    const { renderer } = await openPanel({ getPanel: [ok(panelView())], link: [pending.promise] });
    await type(allOf(renderer, Textfield)[0]!, '609');
    await click(button(renderer, 'Link'));
    expect(button(renderer, 'Link').props.isDisabled).toBe(true);
    expect(button(renderer, 'Refresh').props.isDisabled).toBe(true);
    pending.resolve(ok(panelView()));
    await flush();
    expect(button(renderer, 'Refresh').props.isDisabled).toBe(false);
  });

  it('asks before unlinking, and Cancel calls nothing', async () => {
    const withLink = panelView({ links: [link({ testsigmaId: '609' })] });
    const { renderer, calls } = await openPanel({ getPanel: [ok(withLink)], unlink: [ok(panelView())] });
    await click(button(renderer, 'Unlink'));
    expect(textOf(renderer)).toContain('Unlink TS-609?');
    await click(button(renderer, 'Cancel'));
    expect(calls.map((c) => c.key)).toEqual(['getPanel']);

    await click(button(renderer, 'Unlink'));
    await click(button(renderer, 'Yes, unlink'));
    expect(calls.slice(1)).toEqual([{ key: 'unlink', payload: { testsigmaId: '609' } }]);
    expect(textOf(renderer)).toContain('No Testsigma test cases linked yet.');
  });

  it('shows an unlink error above the list and keeps the link', async () => {
    const withLink = panelView({ links: [link({ testsigmaId: '609' })] });
    const { renderer } = await openPanel({
      getPanel: [ok(withLink)],
      unlink: [fail('rate_limited', 'Xray is busy right now. Try again in a few minutes.')],
    });
    await click(button(renderer, 'Unlink'));
    await click(button(renderer, 'Yes, unlink'));
    expect(textOf(renderer)).toContain('Xray is busy right now. Try again in a few minutes.');
    expect(textOf(renderer)).toContain('TS-609');
  });

  it('is read-only without edit permission', async () => {
    const view = panelView({ canEdit: false, links: [link({ testsigmaId: '609' })] });
    const { renderer } = await openPanel({ getPanel: [ok(view)] });
    expect(allOf(renderer, Textfield)).toHaveLength(0);
    const enabled = buttons(renderer, 'Link').concat(buttons(renderer, 'Unlink')).filter((b) => !b.props.isDisabled);
    expect(enabled).toHaveLength(0);
    expect(textOf(renderer)).toContain('permission to edit this issue');
    // Read-only users are not told to paste anything.
    const empty = await openPanel({ getPanel: [ok(panelView({ canEdit: false }))] });
    expect(textOf(empty.renderer)).not.toContain('Paste');
  });

  it('hides the add form of a Test Set that has its suite, with a hint to unlink first', async () => {
    const view = panelView({
      issue: { id: '2', key: 'PROJ-2', kind: 'testSet' },
      links: [link({ testsigmaKind: 'testSuite', testsigmaId: '55' })],
    });
    const { renderer } = await openPanel({ getPanel: [ok(view)] });
    expect(allOf(renderer, Textfield)).toHaveLength(0);
    expect(textOf(renderer)).toContain('Unlink the current one (TS-55) first');
  });

  it('refreshes with refresh: true', async () => {
    const { renderer, calls } = await openPanel({
      getPanel: [ok(panelView()), ok(panelView({ links: [link({ name: 'Fresh name' })] }))],
    });
    await click(button(renderer, 'Refresh'));
    expect(calls).toEqual([
      { key: 'getPanel', payload: {} },
      { key: 'getPanel', payload: { refresh: true } },
    ]);
    expect(textOf(renderer)).toContain('Fresh name');
  });

  it('shows a getPanel error with Try again', async () => {
    const message = 'You cannot see this issue, or it no longer exists.';
    const { renderer, calls } = await openPanel({
      getPanel: [fail('not_found', message), ok(panelView())],
    });
    expect(textOf(renderer)).toContain(message);
    await click(button(renderer, 'Try again'));
    expect(calls).toHaveLength(2);
    expect(textOf(renderer)).toContain('No Testsigma test cases linked yet.');
  });
});
