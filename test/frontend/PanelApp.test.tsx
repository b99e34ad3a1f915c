jest.mock('@forge/bridge', () => require('./forge-bridge').forgeBridgeMock());

import {
  DynamicTable,
  Icon,
  Link,
  Lozenge,
  Modal,
  ProgressBar,
  SectionMessage,
  Spinner,
  TextArea,
  Textfield,
  Tooltip,
  User,
} from '@forge/react';
import type { PanelCaller } from '../../src/frontend/invoke';
import { PanelApp } from '../../src/frontend/panel/PanelApp';
import type { Envelope, PanelView } from '../../src/shared/types';
import { allOf, button, buttons, click, deferred, fail, fakeCaller, flush, link, ok, openPanel, panelView, render, textOf, type } from './helpers';


// A sentence whose issue keys are links reads as one line ("linked to PROJ-7."), not as parts joined by spaces.
const sentence = (text: string) => text.replace(/ ([.,;:])/g, '$1');
const errorMessages = (scope: Parameters<typeof allOf>[0], appearance: 'error' | 'warning' | 'information' = 'error') =>
  allOf(scope, SectionMessage)
    .filter((s) => s.props.appearance === appearance)
    .map((s) => ({ title: s.props.title as string, text: sentence(textOf(s)), retry: s.props.actions !== undefined }));

describe('PanelApp', () => {
  it('shows a spinner while getPanel runs, and calls it once', async () => {
    const pending = deferred<Envelope<PanelView>>();
    const { renderer, calls } = await openPanel({ getPanel: [pending.promise] });
    expect(allOf(renderer, Spinner).map((s) => s.props.label)).toEqual(['Loading Testsigma links']);
    pending.resolve(ok(panelView()));
    await flush();
    expect(allOf(renderer, Spinner)).toHaveLength(0);
    expect(calls).toEqual([{ key: 'getPanel', payload: {} }]);
  });

  it.each([
    ['test', 'No Testsigma test cases linked yet. Paste test case ids or URLs to link them.', 'Testsigma test case ids or URLs'],
    ['testSet', 'No Testsigma test suite linked yet.', 'Testsigma test suite id or URL'],
    ['testPlan', 'No Testsigma test plan linked yet.', 'Testsigma test plan id or URL'],
  ] as const)('says what can be linked on an empty %s', async (kind, empty, label) => {
    const { renderer } = await openPanel({ getPanel: [ok(panelView({ issue: { id: '1', key: 'PROJ-1', kind } }))] });
    expect(textOf(renderer)).toContain(empty);
    expect(textOf(renderer)).toContain(label);
  });

  it('lists links in a table: id and name, last result in Xray colours with a relative time, who linked it', async () => {
    const recent = new Date(Date.now() - 2 * 3600_000).toISOString();
    const view = panelView({
      links: [
        link({
          testsigmaId: '609',
          name: 'Login works',
          url: 'https://app.testsigma.com/ui/td/cases/609/steps',
          lastResult: { status: 'EXECUTING', runId: '337', testExecutionKey: 'PROJ-99', at: recent },
        }),
        link({ testsigmaId: '610', lastResult: { status: 'ABORTED', runId: '338', at: recent } }),
        link({ testsigmaId: '611' }),
      ],
    });
    const { renderer } = await openPanel({ getPanel: [ok(view)] });
    const table = allOf(renderer, DynamicTable)[0]!;
    // One line a case: the Test Execution has its own column, the run and exact time ride in the status's Tooltip.
    expect(table.props.head.cells.map((c: { content: string }) => c.content)).toEqual(['Testsigma test case', 'Last result', 'History, newest first', 'Test Execution', 'When', '']);
    // Fixed widths that add up, so that columns do not jump after a change.
    expect(table.props.isFixedSize).toBe(true);
    expect(table.props.head.cells.reduce((sum: number, c: { width: number }) => sum + c.width, 0)).toBe(100);
    // The row menu: one icon button a row, named by the case it acts on.
    expect(allOf(table, Icon).map((i) => i.props.label)).toEqual(['Actions for #609', 'Actions for #610', 'Actions for #611']);
    const text = textOf(table);
    expect(text).toContain('#609 Login works');
    expect(text).toContain('#610');
    expect(text).not.toContain('TS-');
    // One line a case: the run and the time, relative and exact, ride in the status's Tooltip.
    expect(text).not.toContain('Run 337');
    expect(allOf(table, Tooltip).map((tip) => tip.props.content)).toContain(`Run 337 · 2 hours ago (${new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'long' }).format(new Date(recent))})`);
    expect(text).toContain('No run yet');
    const hrefs = allOf(renderer, Link).map((l) => l.props.href);
    expect(hrefs).toEqual(expect.arrayContaining(['https://app.testsigma.com/ui/td/cases/609/steps', '/browse/PROJ-99']));
    expect(allOf(renderer, User).map((u) => u.props.accountId)).toEqual(['acc-1', 'acc-1', 'acc-1']);
    // Xray's statuses as bold Lozenges; green and red mean an outcome only.
    expect(allOf(renderer, Lozenge).map((l) => [textOf(l), l.props.appearance, l.props.isBold])).toEqual([
      ['EXECUTING', 'inprogress', true],
      ['ABORTED', 'default', true],
    ]);
  });

  it('marks a case the app linked to a Test it created with a compact icon named so, in place of an avatar', async () => {
    const view = panelView({
      links: [link({ testsigmaId: '607', linkedByApp: true, linkedBy: 'app-account' }), link({ testsigmaId: '609' })],
    });
    const { renderer } = await openPanel({ getPanel: [ok(view)] });
    const table = allOf(renderer, DynamicTable)[0]!;
    expect(allOf(table, Icon).map((i) => i.props.label)).toContain('Linked by the app, for the Test it created');
    expect(allOf(table, User).map((u) => u.props.accountId)).toEqual(['acc-1']);
    expect(textOf(table)).not.toContain('by the app, for the Test it created');
  });

  it('pages the links ten at a time', async () => {
    const many = Array.from({ length: 12 }, (_, i) => link({ testsigmaId: String(600 + i) }));
    const { renderer } = await openPanel({ getPanel: [ok(panelView({ links: many }))] });
    expect(allOf(renderer, DynamicTable)[0]!.props.rowsPerPage).toBe(10);
  });

  it('shows coverage as numbers, the first five unlinked Tests, and all of them in Jira', async () => {
    const unlinked = Array.from({ length: 8 }, (_, i) => ({ id: String(11 + i), key: `PROJ-${11 + i}` }));
    const view = panelView({
      issue: { id: '2', key: 'PROJ-2', kind: 'testSet' },
      links: [link({ testsigmaKind: 'testSuite', testsigmaId: '55' })],
      coverage: { total: 1250, linked: 3, unlinked },
    });
    const { renderer } = await openPanel({ getPanel: [ok(view)] });
    const text = textOf(renderer);
    expect(text).toContain('3 of 1,250 Tests linked');
    expect(text).toContain('1,247 Tests not linked yet:');
    const links = allOf(renderer, Link).map((l) => [textOf(l), l.props.href]);
    expect(links.filter(([label]) => /^PROJ-/.test(label as string)).map(([label]) => label)).toEqual(['PROJ-11', 'PROJ-12', 'PROJ-13', 'PROJ-14', 'PROJ-15']);
    const all = links.find(([label]) => label === 'Show all 8 in Jira')!;
    expect(decodeURIComponent(String(all[1]))).toBe(`/issues/?jql=key in (${unlinked.map((u) => `"${u.key}"`).join(', ')}) ORDER BY key ASC`);
    expect(allOf(renderer, ProgressBar)[0]?.props.value).toBeCloseTo(3 / 1250);
  });

  it('says an empty Test Set has no Tests yet, instead of "0 of 0"', async () => {
    const view = panelView({ issue: { id: '2', key: 'PROJ-2', kind: 'testSet' }, links: [link({ testsigmaKind: 'testSuite', testsigmaId: '55' })], coverage: { total: 0, linked: 0, unlinked: [] } });
    const { renderer } = await openPanel({ getPanel: [ok(view)] });
    expect(textOf(renderer)).toContain('This Test Set has no Tests yet.');
    expect(textOf(renderer)).not.toContain('0 of 0');
    expect(allOf(renderer, ProgressBar)).toHaveLength(0);
  });

  it('shows one empty state with its action when nothing is linked and nothing could have data', async () => {
    const plan = panelView({ issue: { id: '3', key: 'PROJ-3', kind: 'testPlan' }, coverage: { total: 0, linked: 0, unlinked: [] }, recentRuns: [] });
    const { renderer } = await openPanel({ getPanel: [ok(plan)] });
    const text = textOf(renderer);
    expect(text).toContain('No Testsigma test plan linked yet.');
    expect(text).not.toContain('has no Tests yet');
    expect(text).not.toContain('Recent runs');
    expect(text).not.toContain('this Testsigma plan');
  });

  it('marks ids Testsigma does not know, and ids it was not asked about; the key problem goes to editors only', async () => {
    const links = [link({ testsigmaId: '609', name: 'Login works' }), link({ testsigmaId: '777' })];
    const known = await openPanel({ getPanel: [ok(panelView({ links }))] });
    expect(textOf(known.renderer)).toContain('#777 Not found in Testsigma');
    // Busy storage says nothing about Testsigma: no "Not found" then.
    const busy = await openPanel({ getPanel: [ok(panelView({ links, notices: [{ code: 'storage_busy', message: 'busy' }] }))] });
    expect(textOf(busy.renderer)).not.toContain('Not found in Testsigma');
    const notice = { code: 'testsigma_not_configured' as const, message: 'backend words' };
    const viewer = await openPanel({ getPanel: [ok(panelView({ links: [link({ testsigmaId: '777' })], canEdit: false, notices: [notice] }))] });
    expect(textOf(viewer.renderer)).toContain('#777 not checked');
    expect(textOf(viewer.renderer)).not.toContain('Names are not shown');
    const editor = await openPanel({ getPanel: [ok(panelView({ links: [link({ testsigmaId: '777' })], notices: [notice] }))] });
    expect(textOf(editor.renderer)).toContain('Names are not shown: the app has no Testsigma API key.');
  });

  it('says why coverage and names are missing, in the section each explains', async () => {
    const view = panelView({
      issue: { id: '2', key: 'PROJ-2', kind: 'testSet' },
      links: [link({ testsigmaKind: 'testSuite', testsigmaId: '55' })],
      notices: [
        { code: 'xray_not_configured', message: 'Coverage is unavailable (backend words).' },
        { code: 'testsigma_unavailable', message: 'Names are missing (backend words).' },
      ],
    });
    const { renderer } = await openPanel({ getPanel: [ok(view)] });
    const text = textOf(renderer);
    expect(text).toContain('Automation coverage Coverage is unavailable: Xray is not connected. Ask a Jira admin to set it up.');
    expect(text).toContain('Names are not shown right now: Testsigma did not answer.');
    // The names notice sits above the links table, the coverage one under the coverage heading.
    expect(text.indexOf('Names are not shown')).toBeLessThan(text.indexOf('#55'));
    expect(text.indexOf('#55')).toBeLessThan(text.indexOf('Coverage is unavailable'));
  });

  it('leads a Test Plan with its newest run\'s outcome, and gives each run its counts by Xray status', async () => {
    const view = panelView({
      issue: { id: '3', key: 'PROJ-3', kind: 'testPlan' },
      links: [link({ testsigmaKind: 'testPlan', testsigmaId: '274' })],
      recentRuns: [
        { runId: '337', state: 'failed', at: '2026-11-25T10:45:00Z', counts: { received: 2, synced: 0, unmapped: 0, failed: 2 } },
        { runId: '337', state: 'succeeded', testExecutionKey: 'PROJ-50', at: '2026-11-25T10:42:10Z', counts: { received: 10, synced: 8, unmapped: 2, failed: 0 }, statuses: { FAILED: 2, PASSED: 6 } },
        { runId: '336', state: 'queued', at: '2026-11-24T10:00:00Z', counts: { received: 1, synced: 0, unmapped: 0, failed: 0 } },
        { runId: '335', state: 'succeeded', testExecutionKey: 'PROJ-49', at: '2026-11-23T10:00:00Z', counts: { received: 3, synced: 3, unmapped: 0, failed: 0 }, statuses: { PASSED: 3 } },
      ],
    });
    const { renderer } = await openPanel({ getPanel: [ok(view)] });
    const text = textOf(renderer);
    // The newest run leads, before the linked plan: what it says about the release, then what did not reach Xray.
    const lead = text.indexOf('Newest run: 337 6 PASSED 2 FAILED 2 not linked 2 not synced Partly synced PROJ-50');
    expect(lead).toBeGreaterThanOrEqual(0);
    expect(lead).toBeLessThan(text.indexOf('#274'));
    // Refresh and when the view was read sit above it all, at the top right.
    expect(text.indexOf('Refresh')).toBeLessThan(lead);
    expect(text).toMatch(/^updated (now|\d+ seconds? ago) Refresh/);
    const table = allOf(renderer, DynamicTable)[1]!;
    expect(table.props.head.cells.map((c: { key: string }) => c.key)).toEqual(['run', 'outcome', 'execution', 'at']);
    expect(table.props.rows.map((r: { key: string }) => r.key)).toEqual(['337', '336', '335']);
    const rows = textOf(table);
    expect(rows).toContain('337 2 deliveries 6 PASSED 2 FAILED 2 not linked 2 not synced Partly synced PROJ-50');
    expect(rows).toContain('336 0 of 1 synced Waiting');
    // A run synced in full says only what it found: no "Synced" beside it.
    expect(rows).toContain('335 3 PASSED PROJ-49');
    expect(rows).not.toContain('Synced');
    expect(allOf(table, Lozenge).map((l) => [textOf(l), l.props.appearance])).toEqual([
      ['6 PASSED', 'success'],
      ['2 FAILED', 'removed'],
      ['Partly synced', 'default'],
      ['Waiting', 'default'],
      ['3 PASSED', 'success'],
    ]);
  });

  it('lists every Test Execution of a run split by machine in its row', async () => {
    const view = panelView({
      issue: { id: '3', key: 'PROJ-3', kind: 'testPlan' },
      links: [link({ testsigmaKind: 'testPlan', testsigmaId: '274' })],
      recentRuns: [
        { runId: '338', state: 'succeeded', testExecutionKey: 'PROJ-60', testExecutionKeys: ['PROJ-60', 'PROJ-61'], at: '2026-11-25T10:42:10Z', counts: { received: 2, synced: 2, unmapped: 0, failed: 0 } },
      ],
    });
    const { renderer } = await openPanel({ getPanel: [ok(view)] });
    const table = allOf(renderer, DynamicTable)[1]!;
    expect(allOf(table, Link).map((l) => l.props.href)).toEqual(expect.arrayContaining([expect.stringContaining('PROJ-60'), expect.stringContaining('PROJ-61')]));
  });

  it('leads with every Test Execution of a newest run split by machine, and says how many Tests the run created', async () => {
    const view = panelView({
      issue: { id: '3', key: 'PROJ-3', kind: 'testPlan' },
      links: [link({ testsigmaKind: 'testPlan', testsigmaId: '274' })],
      recentRuns: [
        {
          runId: '338',
          state: 'succeeded',
          testExecutionKey: 'PROJ-60',
          testExecutionKeys: ['PROJ-60', 'PROJ-61'],
          at: '2026-11-25T10:42:10Z',
          counts: { received: 3, synced: 3, unmapped: 0, failed: 0, created: 1 },
          statuses: { PASSED: 2, FAILED: 1 },
        },
      ],
    });
    const { renderer } = await openPanel({ getPanel: [ok(view)] });
    const text = textOf(renderer);
    expect(text).toContain('Newest run: 338 2 PASSED 1 FAILED 1 Test created PROJ-60 PROJ-61');
    expect(textOf(allOf(renderer, DynamicTable)[1]!)).toContain('1 Test created');
  });

  it('links several ids at once, one link call each, and reports each outcome', async () => {
    const one = panelView({ links: [link({ testsigmaId: '609', name: 'Login works' })] });
    const two = panelView({ links: [...one.links, link({ testsigmaId: '611' })] });
    const { renderer, calls, flags } = await openPanel({
      getPanel: [ok(panelView())],
      link: [ok(one), fail('already_linked', 'Testsigma test case 610 is already linked to PROJ-7. Unlink it there first.'), ok(two)],
    });
    // Nothing linked yet: the field is open at once. Link on an empty field says what it needs instead of greying out.
    await click(button(renderer, 'Link'));
    expect(textOf(renderer)).toContain('Enter a test case id or URL first.');
    expect(calls.filter((c) => c.key === 'link')).toEqual([]);
    await type(allOf(renderer, TextArea)[0]!, ' 609, 610\n611 ');
    expect(textOf(renderer)).not.toContain('Enter a test case id or URL first.');
    await click(button(renderer, 'Link all 3'));
    expect(calls.filter((c) => c.key === 'link').map((c) => c.payload)).toEqual([
      { testsigmaId: '609' },
      { testsigmaId: '610' },
      { testsigmaId: '611' },
    ]);
    expect(textOf(allOf(renderer, DynamicTable)[0]!)).toContain('#611');
    // A partial success is a warning, not an error; the other Test's key is a link.
    expect(errorMessages(renderer, 'warning')).toEqual([
      { title: '2 linked; 1 could not be', text: '#610: Testsigma test case 610 is already linked to PROJ-7. Unlink it there first.', retry: false },
    ]);
    expect(errorMessages(renderer)).toEqual([]);
    expect(allOf(allOf(renderer, SectionMessage)[0]!, Link).map((l) => [textOf(l), l.props.href])).toEqual([['PROJ-7', '/browse/PROJ-7']]);
    // What failed stays in the field, to fix and send again.
    expect(allOf(renderer, TextArea)[0]?.props.value).toBe('610');
    // The flag names what was linked, and where.
    expect(flags).toEqual(['Linked #609, #611 to PROJ-12']);
  });

  it('says a case already linked to this Test is already here, as information, and flags nothing', async () => {
    const one = panelView({ links: [link({ testsigmaId: '609', name: 'Login works' })] });
    const { renderer, flags } = await openPanel({ getPanel: [ok(one)], link: [ok(one)] });
    // Something is linked: the field waits behind a subtle "+ Link test case".
    expect(allOf(renderer, TextArea)).toHaveLength(0);
    await click(button(renderer, '+ Link test case'));
    await type(allOf(renderer, TextArea)[0]!, 'https://app.testsigma.com/ui/td/cases/609/steps');
    await click(button(renderer, 'Link'));
    expect(errorMessages(renderer, 'information').map((m) => m.text)).toEqual(['#609 is already linked to this Test.']);
    expect(errorMessages(renderer)).toEqual([]);
    expect(flags).toEqual([]);
    // Cancel closes the field and what it said.
    await click(button(renderer, 'Cancel'));
    expect(allOf(renderer, TextArea)).toHaveLength(0);
    expect(allOf(renderer, SectionMessage)).toHaveLength(0);
  });

  it('shows the Link button loading and everything else waiting while it links', async () => {
    const pending = deferred<Envelope<PanelView>>();
    const { renderer } = await openPanel({ getPanel: [ok(panelView())], link: [pending.promise] });
    await type(allOf(renderer, TextArea)[0]!, '609');
    await click(button(renderer, 'Link'));
    expect(button(renderer, 'Link').props.isLoading).toBe(true);
    expect(button(renderer, 'Refresh').props.isDisabled).toBe(true);
    pending.resolve(ok(panelView()));
    await flush();
    expect(button(renderer, 'Refresh').props.isDisabled).toBe(false);
  });

  it('asks in a Modal before unlinking, Cancel calls nothing, and a flag confirms the unlink', async () => {
    const withLink = panelView({ links: [link({ testsigmaId: '609' })] });
    const { renderer, calls, flags } = await openPanel({ getPanel: [ok(withLink)], unlink: [ok(panelView())] });
    await click(button(renderer, 'Unlink'));
    const modal = allOf(renderer, Modal)[0]!;
    expect(textOf(modal)).toContain('Unlink #609?');
    expect(textOf(modal)).toContain('Results of test case #609 will no longer reach PROJ-12.');
    await click(button(renderer, 'Cancel'));
    expect(allOf(renderer, Modal)).toHaveLength(0);
    expect(calls.map((c) => c.key)).toEqual(['getPanel']);

    await click(buttons(renderer, 'Unlink')[0]!);
    await click(buttons(allOf(renderer, Modal)[0]!, 'Unlink')[0]!);
    expect(calls.slice(1)).toEqual([{ key: 'unlink', payload: { testsigmaId: '609' } }]);
    expect(textOf(renderer)).toContain('No Testsigma test cases linked yet.');
    expect(flags).toEqual(['#609 unlinked']);
  });

  it('clears an error when the user acts again: opening the link field, a row action, or Replace', async () => {
    const withLink = panelView({ links: [link({ testsigmaId: '609' })] });
    const busyNow = fail('rate_limited', 'Xray is busy right now. Try again in a few minutes.');
    const { renderer } = await openPanel({ getPanel: [ok(withLink), busyNow] });
    const failRefresh = async () => {
      await click(button(renderer, 'Refresh'));
      expect(errorMessages(renderer)).toHaveLength(1);
    };
    await failRefresh();
    await click(button(renderer, '+ Link test case'));
    expect(errorMessages(renderer)).toEqual([]);
    await failRefresh();
    await click(button(renderer, 'Unlink'));
    expect(errorMessages(renderer)).toEqual([]);

    const set = panelView({ issue: { id: '2', key: 'PROJ-2', kind: 'testSet' }, links: [link({ testsigmaKind: 'testSuite', testsigmaId: '55' })] });
    const onSet = await openPanel({ getPanel: [ok(set), busyNow] });
    await click(button(onSet.renderer, 'Refresh'));
    expect(errorMessages(onSet.renderer)).toHaveLength(1);
    await click(button(onSet.renderer, 'Replace'));
    expect(errorMessages(onSet.renderer)).toEqual([]);
  });

  it('shows an unlink error with a title and Try again only where a retry can help', async () => {
    const withLink = panelView({ links: [link({ testsigmaId: '609' })] });
    const { renderer } = await openPanel({
      getPanel: [ok(withLink)],
      unlink: [fail('rate_limited', 'Xray is busy right now. Try again in a few minutes.'), fail('not_linked', 'Testsigma test case 609 is not linked to PROJ-12.')],
    });
    await click(button(renderer, 'Unlink'));
    await click(buttons(allOf(renderer, Modal)[0]!, 'Unlink')[0]!);
    expect(errorMessages(renderer)).toEqual([
      { title: 'Busy right now', text: 'Xray is busy right now. Try again in a few minutes.', retry: true },
    ]);
    expect(textOf(renderer)).toContain('#609');
    await click(button(renderer, 'Unlink'));
    await click(buttons(allOf(renderer, Modal)[0]!, 'Unlink')[0]!);
    expect(errorMessages(renderer)).toEqual([{ title: 'Not linked', text: 'Testsigma test case 609 is not linked to PROJ-12.', retry: false }]);
  });

  it('is read-only without edit permission, with no banner about it', async () => {
    const view = panelView({ canEdit: false, links: [link({ testsigmaId: '609' })] });
    const { renderer } = await openPanel({ getPanel: [ok(view)] });
    expect(allOf(renderer, TextArea)).toHaveLength(0);
    expect(buttons(renderer, 'Link').concat(buttons(renderer, 'Unlink'))).toHaveLength(0);
    expect(allOf(renderer, SectionMessage)).toHaveLength(0);
    expect(textOf(renderer)).not.toContain('permission');
    const empty = await openPanel({ getPanel: [ok(panelView({ canEdit: false }))] });
    expect(textOf(empty.renderer)).not.toContain('Paste');
  });

  it('hides the add form of a Test Set that has its suite, without a standing rule sentence: Replace is in its row menu', async () => {
    const view = panelView({ issue: { id: '2', key: 'PROJ-2', kind: 'testSet' }, links: [link({ testsigmaKind: 'testSuite', testsigmaId: '55' })] });
    const { renderer } = await openPanel({ getPanel: [ok(view)] });
    expect(allOf(renderer, TextArea)).toHaveLength(0);
    expect(textOf(renderer)).not.toContain('first to link another');
    expect(buttons(renderer, 'Replace')).toHaveLength(1);
  });

  describe('Replace on a Test Set or Test Plan', () => {
    const setKind = { issue: { id: '2', key: 'PROJ-2', kind: 'testSet' as const } };
    const withSuite = (id: string) => panelView({ ...setKind, links: [link({ testsigmaKind: 'testSuite', testsigmaId: id })] });
    const openReplace = async (answers: Parameters<typeof fakeCaller>[0]) => {
      const opened = await openPanel({ getPanel: [ok(withSuite('55'))], ...answers });
      await click(button(opened.renderer, 'Replace'));
      return opened;
    };

    it('unlinks the suite, links the new one, and a flag names both and the issue', async () => {
      const { renderer, calls, flags } = await openReplace({ unlink: [ok(panelView(setKind))], link: [ok(withSuite('56'))] });
      expect(textOf(renderer)).toContain('Replace test suite #55 with');
      await type(allOf(renderer, Textfield)[0]!, 'https://app.testsigma.com/ui/td/suites/56');
      await click(buttons(renderer, 'Replace').at(-1)!);
      expect(calls.slice(1)).toEqual([
        { key: 'unlink', payload: { testsigmaId: '55' } },
        { key: 'link', payload: { testsigmaId: 'https://app.testsigma.com/ui/td/suites/56' } },
      ]);
      expect(flags).toEqual(['Replaced #55 with #56 on PROJ-2']);
      expect(textOf(renderer)).toContain('#56');
      expect(textOf(renderer)).not.toContain('Replace test suite');
    });

    it('says clearly when the link fails after the unlink: nothing is linked now, and what to do', async () => {
      const { renderer } = await openReplace({
        unlink: [ok(panelView(setKind))],
        link: [fail('already_linked', 'Testsigma test suite 56 is already linked to PROJ-9. Unlink it there first.')],
      });
      await type(allOf(renderer, Textfield)[0]!, '56');
      await click(buttons(renderer, 'Replace').at(-1)!);
      expect(errorMessages(renderer)).toEqual([
        {
          title: 'Already linked',
          text: '#55 was unlinked, but #56 could not be linked: Testsigma test suite 56 is already linked to PROJ-9. Unlink it there first. Nothing is linked to PROJ-2 now: link #55 again, or another one.',
          retry: false,
        },
      ]);
      // The empty state's field is open for the next try.
      expect(textOf(renderer)).toContain('No Testsigma test suite linked yet.');
      expect(allOf(renderer, Textfield)).toHaveLength(1);
    });

    it('changes nothing when the unlink fails, and never links', async () => {
      const { renderer, calls } = await openReplace({ unlink: [fail('rate_limited', 'Jira is busy right now. Try again in a few minutes.')], link: [ok(withSuite('56'))] });
      await type(allOf(renderer, Textfield)[0]!, '56');
      await click(buttons(renderer, 'Replace').at(-1)!);
      expect(calls.map((c) => c.key)).toEqual(['getPanel', 'unlink']);
      expect(errorMessages(renderer).map((e) => e.text)).toEqual(['Jira is busy right now. Try again in a few minutes.']);
      expect(textOf(renderer)).toContain('#55');
    });

    it.each([
      ['', 'Enter a test suite id or URL first.'],
      ['56 57', 'A Test Set links to one suite: enter one id or URL.'],
      ['suite-abc', 'suite-abc is not a Testsigma id or URL: enter digits such as 56, or a URL that ends in the id.'],
      ['055', '#55 is the one linked now: enter another id.'],
    ])('checks %p before anything changes', async (input, said) => {
      const { renderer, calls } = await openReplace({});
      await type(allOf(renderer, Textfield)[0]!, input);
      await click(buttons(renderer, 'Replace').at(-1)!);
      expect(textOf(renderer)).toContain(said);
      expect(calls.map((c) => c.key)).toEqual(['getPanel']);
      // Typing again clears what the check said.
      await type(allOf(renderer, Textfield)[0]!, '56');
      expect(textOf(renderer)).not.toContain(said);
    });

    it('Cancel closes the field and calls nothing', async () => {
      const { renderer, calls } = await openReplace({});
      await click(button(renderer, 'Cancel'));
      expect(allOf(renderer, Textfield)).toHaveLength(0);
      expect(calls.map((c) => c.key)).toEqual(['getPanel']);
    });
  });

  it('takes one id on a Test Set, and says so when given several', async () => {
    const { renderer, calls } = await openPanel({ getPanel: [ok(panelView({ issue: { id: '2', key: 'PROJ-2', kind: 'testSet' } }))] });
    // One id: a one-line field.
    expect(allOf(renderer, TextArea)).toHaveLength(0);
    await type(allOf(renderer, Textfield)[0]!, '55 56');
    expect(textOf(renderer)).toContain('A Test Set links to one suite: enter one id or URL.');
    expect(button(renderer, 'Link all 2').props.isDisabled).toBe(true);
    expect(calls.map((c) => c.key)).toEqual(['getPanel']);
  });

  it("shows success flags through the host's showFlag by default", async () => {
    const { showFlag } = jest.requireMock('@forge/bridge') as { showFlag: jest.Mock };
    showFlag.mockClear();
    const fake = fakeCaller({ getPanel: [ok(panelView())], link: [ok(panelView({ links: [link()] }))] });
    const renderer = await render(<PanelApp call={fake.call as unknown as PanelCaller} />);
    await type(allOf(renderer, TextArea)[0]!, '609');
    await click(button(renderer, 'Link'));
    expect(showFlag).toHaveBeenCalledWith(expect.objectContaining({ title: 'Linked #609 to PROJ-12', appearance: 'success', isAutoDismiss: true }));
  });

  it('refreshes with refresh: true', async () => {
    const { renderer, calls } = await openPanel({ getPanel: [ok(panelView()), ok(panelView({ links: [link({ name: 'Fresh name' })] }))] });
    await click(button(renderer, 'Refresh'));
    expect(calls).toEqual([
      { key: 'getPanel', payload: {} },
      { key: 'getPanel', payload: { refresh: true } },
    ]);
    expect(textOf(renderer)).toContain('Fresh name');
  });

  it('offers Try again on a getPanel fault, and calls it again', async () => {
    const { renderer, calls } = await openPanel({ getPanel: [fail('internal', 'Something went wrong in the Testsigma app.'), ok(panelView())] });
    const [shown] = allOf(renderer, SectionMessage);
    expect(shown!.props.title).toBe('Something went wrong');
    expect(textOf(shown!)).toBe('Something went wrong in the Testsigma app.');
    await click(shown!.props.actions[0]);
    expect(calls).toHaveLength(2);
    expect(textOf(renderer)).toContain('No Testsigma test cases linked yet.');
  });

  it.each([
    ['not_found', 'Issue not found'],
    ['not_xray_issue', 'Not an Xray issue'],
  ])('offers no retry for %s, which a retry cannot cure', async (code, title) => {
    const { renderer } = await openPanel({ getPanel: [fail(code, 'PROJ-12 is a Task, not an Xray Test.')] });
    expect(errorMessages(renderer)).toEqual([{ title, text: 'PROJ-12 is a Task, not an Xray Test.', retry: false }]);
  });

  it('speaks German to a German viewer', async () => {
    const view = panelView({
      issue: { id: '2', key: 'PROJ-2', kind: 'testSet' },
      links: [link({ testsigmaKind: 'testSuite', testsigmaId: '55' })],
      coverage: { total: 1250, linked: 1000, unlinked: [] },
    });
    const { renderer } = await openPanel({ getPanel: [ok(view)] }, 'de-DE');
    const text = textOf(renderer);
    expect(text).toContain('1.000 von 1.250 Tests verknüpft');
    expect(text).toContain('Automatisierungsabdeckung');
    expect(buttons(renderer, 'Aktualisieren')).toHaveLength(1);
  });
  describe('triage', () => {
    const failed = (over: Partial<ReturnType<typeof link>> = {}) =>
      link({
        testsigmaId: '609',
        lastResult: { status: 'FAILED', runId: '337', testExecutionKey: 'PROJ-50', at: new Date().toISOString() },
        history: [
          { status: 'FAILED', runId: '337', at: new Date().toISOString() },
          { status: 'PASSED', runId: '336', at: new Date().toISOString() },
        ],
        flaky: true,
        ...over,
      });

    it('files a defect for a failed result, one call, and flags the new key; the key then shows as a link and the button goes', async () => {
      const before = panelView({ canEdit: true, links: [failed()] });
      const after = panelView({ canEdit: true, links: [failed({ lastResult: { ...failed().lastResult!, defects: ['PROJ-77'] } })] });
      const { renderer, calls, flags } = await openPanel({ getPanel: [ok(before)], createDefect: [ok(after)] });
      expect(textOf(renderer)).toContain('Flaky');
      await click(button(renderer, 'Create defect'));
      expect(calls.filter((c) => c.key === 'createDefect')).toEqual([{ key: 'createDefect', payload: { testsigmaId: '609' } }]);
      expect(flags).toEqual(['Defect PROJ-77 created for #609']);
      expect(allOf(renderer, Link).map((l) => l.props.href)).toContain('/browse/PROJ-77');
      expect(buttons(renderer, 'Create defect')).toHaveLength(0);
    });

    it('offers no Create defect on a passed, to-do or executing result, nor to a user who cannot edit', async () => {
      for (const status of ['PASSED', 'TODO', 'EXECUTING']) {
        const { renderer } = await openPanel({ getPanel: [ok(panelView({ canEdit: true, links: [failed({ lastResult: { status, runId: '1', at: new Date().toISOString() } })] }))] });
        expect(buttons(renderer, 'Create defect')).toHaveLength(0);
      }
      const { renderer } = await openPanel({ getPanel: [ok(panelView({ canEdit: false, links: [failed()] }))] });
      expect(buttons(renderer, 'Create defect')).toHaveLength(0);
      expect(textOf(renderer)).toContain('FAILED');
    });

    it('shows an error from createDefect with its title, and keeps the view', async () => {
      const { renderer } = await openPanel({
        getPanel: [ok(panelView({ canEdit: true, links: [failed()] }))],
        createDefect: [fail('forbidden', 'You need permission to create issues in project PROJ to file a defect.')],
      });
      await click(button(renderer, 'Create defect'));
      expect(errorMessages(renderer)).toEqual([{ title: 'Not allowed', text: 'You need permission to create issues in project PROJ to file a defect.', retry: false }]);
      expect(buttons(renderer, 'Create defect')).toHaveLength(1);
    });

    it('says "Passed on attempt N" for a result that passed on a retry, and "Failed after N attempts" otherwise', async () => {
      const at = new Date().toISOString();
      const { renderer } = await openPanel({
        getPanel: [
          ok(
            panelView({
              links: [
                link({ testsigmaId: '1', lastResult: { status: 'PASSED', runId: '9', at, attempts: 3 } }),
                link({ testsigmaId: '2', lastResult: { status: 'FAILED', runId: '9', at, attempts: 2 } }),
              ],
            }),
          ),
        ],
      });
      // In the status's Tooltip, beside the run.
      const tips = allOf(renderer, Tooltip).map((tip) => String(tip.props.content));
      expect(tips.filter((c) => c.startsWith('Run 9 · Passed on attempt 3 · '))).toHaveLength(1);
      expect(tips.filter((c) => c.startsWith('Run 9 · Failed after 2 attempts · '))).toHaveLength(1);
    });

    it('lists a Test Set its flaky cases with flips or the retry, and marks of their last statuses', async () => {
      const { renderer } = await openPanel({
        getPanel: [
          ok(
            panelView({
              issue: { id: '3', key: 'PROJ-3', kind: 'testSet' },
              links: [link({ testsigmaKind: 'testSuite', testsigmaId: '55' })],
              flaky: [
                {
                  testsigmaId: '601',
                  url: 'https://app.testsigma.com/ui/td/cases/601/steps',
                  test: { id: '10', key: 'PROJ-10', summary: 'Sign in' },
                  flips: 3,
                  lastStatuses: ['FAILED', 'PASSED', 'FAILED', 'PASSED'],
                },
                { testsigmaId: '608', test: { id: '11', key: 'PROJ-11' }, flips: 0, lastStatuses: ['PASSED'] },
              ],
            }),
          ),
        ],
      });
      const table = allOf(renderer, DynamicTable).find((d) => d.props.label === 'Flaky tests')!;
      const text = textOf(table);
      expect(text).toContain('PROJ-10 Sign in #601 3 flips ✗ ✓ ✗ ✓');
      expect(text).toContain('PROJ-11 #608 Passed on a retry ✓');
      // Keys and case ids are links: to the Test in Jira, to the case in Testsigma (a view without the url keeps the id as text).
      expect(allOf(table, Link).map((l) => [textOf(l), l.props.href])).toEqual([
        ['PROJ-10', '/browse/PROJ-10'],
        ['#601', 'https://app.testsigma.com/ui/td/cases/601/steps'],
        ['PROJ-11', '/browse/PROJ-11'],
      ]);
    });
  });
});
