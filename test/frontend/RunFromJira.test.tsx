jest.mock('@forge/bridge', () => require('./forge-bridge').forgeBridgeMock());

import { DynamicTable, Link, Lozenge, Modal } from '@forge/react';
import type { PanelView, RecentRun } from '../../src/shared/types';
import { allOf, button, buttons, byId, click, fail, link, ok, openPanel, panelView, textOf, type } from './helpers';


const plan = (overrides: Partial<PanelView> = {}): PanelView =>
  panelView({ issue: { id: '3', key: 'PROJ-3', kind: 'testPlan' }, links: [link({ testsigmaKind: 'testPlan', testsigmaId: '274' })], recentRuns: [], ...overrides });

const running: RecentRun = {
  runId: '1001',
  state: 'running',
  at: '2026-12-01T09:00:00Z',
  counts: { received: 0, synced: 0, unmapped: 0, failed: 0 },
  source: 'jira',
  testsigmaUrl: 'https://app.testsigma.com/ui/td/runs/1001',
};
const finished: RecentRun = {
  runId: '1000',
  state: 'partial',
  testExecutionKey: 'PROJ-50',
  at: '2026-11-30T09:00:00Z',
  counts: { received: 6, synced: 5, unmapped: 1, failed: 0 },
  source: 'testsigma',
  statuses: { PASSED: 4, FAILED: 1 },
};

describe('Run in Testsigma (panel)', () => {
  it('viewers see no Run button and no Re-run failed', async () => {
    const { renderer } = await openPanel({ getPanel: [ok(plan({ canEdit: false, recentRuns: [finished] }))] });
    expect(buttons(renderer, 'Run in Testsigma')).toHaveLength(0);
    expect(buttons(renderer, 'Re-run failed')).toHaveLength(0);
  });

  it('an editor opens the dialog, enters a build number and picks a saved configuration; the run shows at once as running in Testsigma with its link', async () => {
    const { renderer, calls, flags } = await openPanel({
      getPanel: [ok(plan())],
      getRunOptions: [ok({ canRun: true, environments: [], savedConfigs: [{ id: '31', name: 'Sign-in only' }] })],
      runPlan: [ok(plan({ recentRuns: [running] }))],
    });
    await click(button(renderer, 'Run in Testsigma'));
    const modal = allOf(renderer, Modal)[0]!;
    expect(textOf(modal)).toContain('Run Testsigma test plan #274');
    // No environments are listed (Testsigma documents no call for them): no environment picker.
    expect(() => byId(renderer, 'run-environment')).toThrow();
    await type(byId(renderer, 'run-build'), ' 1.4.2 ');
    await act(() => byId(renderer, 'run-config').props.onChange({ label: 'Sign-in only', value: '31' }));
    await click(button(renderer, 'Run'));
    expect(calls.map((c) => c.key)).toEqual(['getPanel', 'getRunOptions', 'runPlan']);
    expect(calls[2]!.payload).toEqual({ buildNo: '1.4.2', savedConfigId: '31' });
    expect(allOf(renderer, Modal)).toHaveLength(0);
    expect(flags).toEqual(['Testsigma started the run. It becomes a Test Execution when it ends.']);
    const table = allOf(renderer, DynamicTable).at(-1)!;
    expect(textOf(table)).toContain('1001 Started from Jira Running in Testsigma');
    expect(allOf(table, Link).map((l) => l.props.href)).toContain('https://app.testsigma.com/ui/td/runs/1001');
    expect(allOf(table, Lozenge).map((l) => l.props.appearance)).toEqual(['inprogress']);
    // The newest run, leading the panel, says the same: running in Testsigma, not "0 of 0 synced".
    const text = textOf(renderer);
    expect(text).toContain('Newest run: 1001 Running in Testsigma Started from Jira Results arrive when the run ends.');
    expect(text).not.toContain('0 of 0 synced');
  });

  it('an editor whose admin switched running off reads why in the dialog, with no Run button in it', async () => {
    const { renderer } = await openPanel({ getPanel: [ok(plan())], getRunOptions: [ok({ canRun: false, environments: [], savedConfigs: [] })] });
    await click(button(renderer, 'Run in Testsigma'));
    expect(textOf(allOf(renderer, Modal)[0]!)).toContain('You cannot run this plan from Jira');
    expect(buttons(renderer, 'Run')).toHaveLength(0);
  });

  it('a refused run keeps the dialog open with the resolver\'s message', async () => {
    const { renderer } = await openPanel({
      getPanel: [ok(plan())],
      getRunOptions: [ok({ canRun: true, environments: [], savedConfigs: [] })],
      runPlan: [fail('rate_limited', 'Testsigma is busy (it answered 429). Try again in a minute.')],
    });
    await click(button(renderer, 'Run in Testsigma'));
    await click(button(renderer, 'Run'));
    expect(textOf(allOf(renderer, Modal)[0]!)).toContain('Testsigma is busy (it answered 429). Try again in a minute.');
  });

  it('a finished Testsigma run with failures offers Re-run failed; an executor\'s run and a running one do not', async () => {
    const executor: RecentRun = { ...finished, runId: 'ci-9', source: 'executor' };
    const { renderer, calls, flags } = await openPanel({
      getPanel: [ok(plan({ recentRuns: [running, finished, executor] }))],
      rerunFailed: [ok(plan({ recentRuns: [{ ...running, runId: '1002' }, finished, executor] }))],
    });
    expect(buttons(renderer, 'Re-run failed')).toHaveLength(1);
    await click(button(renderer, 'Re-run failed'));
    expect(calls.at(-1)).toEqual({ key: 'rerunFailed', payload: { runId: '1000' } });
    expect(flags).toEqual(['Testsigma is re-running the failed tests of run 1000.']);
    expect(textOf(allOf(renderer, DynamicTable).at(-1)!)).toContain('1002 Started from Jira Running in Testsigma');
  });

  it('speaks German', async () => {
    const { renderer } = await openPanel({ getPanel: [ok(plan({ recentRuns: [running, finished] }))] }, 'de-DE');
    expect(buttons(renderer, 'In Testsigma ausführen')).toHaveLength(1);
    expect(buttons(renderer, 'Fehlgeschlagene wiederholen')).toHaveLength(1);
    expect(textOf(allOf(renderer, DynamicTable).at(-1)!)).toContain('Aus Jira gestartet Läuft in Testsigma');
  });
});

async function act(fn: () => void): Promise<void> {
  const { act: reactAct } = await import('react-test-renderer');
  await reactAct(async () => {
    fn();
  });
}
