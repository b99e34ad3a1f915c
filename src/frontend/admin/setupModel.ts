/** Pure logic of the "Get started" checklist: each step's state from `SettingsView.setup`, or what is known without it. */
import type { ConnectionReport, SettingsView } from '../../shared/types';

/** A checklist step's state. */
export type StepState = 'done' | 'failed' | 'todo' | 'optional';

/** One step of the checklist: what to do, how it stands, and which tab does it. */
export interface SetupStep {
  id: 'xray' | 'testsigma' | 'secret' | 'firstRun';
  state: StepState;
  /** The admin page's tab where the step is done. */
  tab: number;
}

/** The tabs, in the order the checklist leads through them. */
export const TABS = { connection: 0, mapping: 1, webtrigger: 2, syncLog: 3 } as const;

/**
 * The four steps. `setup` comes from the backend (the last connection test, the first job); while it is absent
 * the checklist reads what the settings show: saved credentials count as "to test", a secret as made.
 */
export function setupSteps(settings: SettingsView): SetupStep[] {
  const setup = settings.setup;
  const xrayState: StepState =
    setup?.xray === 'ok' ? 'done' : setup?.xray === 'failed' ? 'failed' : 'todo';
  const testsigmaState: StepState =
    setup?.testsigma === 'ok'
      ? 'done'
      : setup?.testsigma === 'failed'
        ? 'failed'
        : 'optional';
  const secretCreated = setup?.secretCreated ?? settings.webtrigger.hasWebtriggerSecret;
  return [
    { id: 'xray', state: xrayState, tab: TABS.connection },
    { id: 'testsigma', state: testsigmaState, tab: TABS.connection },
    { id: 'secret', state: secretCreated ? 'done' : 'todo', tab: TABS.webtrigger },
    { id: 'firstRun', state: setup?.firstRunAt ? 'done' : 'todo', tab: TABS.webtrigger },
  ];
}

/** Whether the checklist still has something to do (an optional step left open does not count). */
export function setupOpen(steps: SetupStep[]): boolean {
  return steps.some((s) => s.state === 'todo' || s.state === 'failed');
}

/**
 * The setup state after a connection test on this page, so the checklist moves on at once instead of after a
 * reload (the backend records the same outcome, and its time, for the next one).
 */
export function withReport(settings: SettingsView, report: ConnectionReport): SettingsView {
  const setup = settings.setup ?? { xray: 'unknown', testsigma: 'unknown', secretCreated: settings.webtrigger.hasWebtriggerSecret };
  // The stored times belong to the previous test; this page says "tested just now" for its own until a reload.
  const { xrayTestedAt: _x, testsigmaTestedAt: _t, ...rest } = setup;
  return {
    ...settings,
    setup: {
      ...rest,
      xray: report.xray.ok ? 'ok' : 'failed',
      testsigma: !settings.testsigma.hasApiKey ? 'not_set' : report.testsigma.ok ? 'ok' : 'failed',
      ...(report.xray.statuses ? { xrayStatuses: report.xray.statuses } : {}),
    },
  };
}

/** The setup state once a web trigger secret exists. */
export function withSecret(settings: SettingsView, webtrigger: SettingsView['webtrigger']): SettingsView {
  return { ...settings, webtrigger, ...(settings.setup ? { setup: { ...settings.setup, secretCreated: webtrigger.hasWebtriggerSecret } } : {}) };
}
