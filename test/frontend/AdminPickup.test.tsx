jest.mock('@forge/bridge', () => require('./forge-bridge').forgeBridgeMock());

import { Checkbox, SectionMessage, TabPanel } from '@forge/react';
import { act } from 'react-test-renderer';
import type { ReactTestRenderer } from 'react-test-renderer';
import { AdminApp } from '../../src/frontend/admin/AdminApp';
import type { AdminCaller } from '../../src/frontend/invoke';
import type { SettingsView } from '../../src/shared/types';
import { allOf, fakeCaller, flush, ok, render, settingsView, textOf } from './helpers';

const WEBTRIGGER_TAB = 2;
const configured = (overrides: Partial<SettingsView> = {}) =>
  settingsView({
    setup: { xray: 'ok', testsigma: 'ok', secretCreated: true, firstRunAt: '2026-11-30T10:00:00Z', pickup: { on: true, runsPickedUp: 0 } },
    ...overrides,
  });

async function openAdmin(answers: Parameters<typeof fakeCaller>[0], locale: 'en-US' | 'de-DE' = 'en-US') {
  const fake = fakeCaller({ listProjects: [ok({ projects: [] })], listIssueTypes: [ok({ issueTypes: [] })], ...answers });
  const flags: string[] = [];
  const renderer = await render(<AdminApp call={fake.call as unknown as AdminCaller} notify={(title) => flags.push(title)} />, locale);
  await flush();
  return { renderer, flags, ...fake };
}

const checkbox = (renderer: ReactTestRenderer, id: string) => allOf(renderer, Checkbox).find((c) => c.props.id === id)!;

async function toggle(renderer: ReactTestRenderer, id: string, checked: boolean) {
  await act(async () => {
    checkbox(renderer, id).props.onChange({ target: { checked } });
  });
  await flush();
}

describe('Runs without a CI job (admin page)', () => {
  it('shows both switches as the settings say, the sentence on the default, and the last round', async () => {
    const { renderer } = await openAdmin({
      getSettings: [ok(configured({ setup: { xray: 'ok', testsigma: 'ok', secretCreated: true, pickup: { on: true, lastRoundAt: new Date().toISOString(), runsPickedUp: 3 } } }))],
    });
    const tab = allOf(renderer, TabPanel)[WEBTRIGGER_TAB]!;
    expect(checkbox(renderer, 'run-from-jira').props.isChecked).toBe(true);
    expect(checkbox(renderer, 'auto-pickup').props.isChecked).toBe(true);
    expect(textOf(tab)).toContain('Pick-up is on by default until a CI job sends results to the web trigger');
    expect(textOf(tab)).toContain('3 runs picked up so far.');
  });

  it('turning pick-up off saves the explicit choice at once', async () => {
    const off = configured({ testsigma: { baseUrl: 'https://app.testsigma.com', hasApiKey: true, autoPickup: false } });
    const { renderer, calls, flags } = await openAdmin({ getSettings: [ok(configured())], saveSettings: [ok(off)] });
    await toggle(renderer, 'auto-pickup', false);
    expect(calls.at(-1)).toEqual({ key: 'saveSettings', payload: { testsigma: { autoPickup: false } } });
    expect(flags).toEqual(['Settings saved']);
    expect(checkbox(renderer, 'auto-pickup').props.isChecked).toBe(false);
    await toggle(renderer, 'run-from-jira', false);
    expect(calls.at(-1)).toEqual({ key: 'saveSettings', payload: { runFromJira: false } });
  });

  it('a plan whose runs cannot be listed shows its problem as a warning, in German too', async () => {
    const problem = 'Die Übernahme konnte die Läufe des Testsigma-Testplans 274 nicht auflisten: …';
    const { renderer } = await openAdmin(
      { getSettings: [ok(configured({ setup: { xray: 'ok', testsigma: 'ok', secretCreated: true, pickup: { on: true, lastRoundAt: new Date().toISOString(), runsPickedUp: 0, problem } } }))] },
      'de-DE',
    );
    const warning = allOf(renderer, SectionMessage).find((s) => s.props.appearance === 'warning')!;
    expect(warning.props.title).toBe('Die Läufe eines Testsigma-Plans konnten nicht aufgelistet werden');
    expect(textOf(warning)).toBe(problem);
  });

  it('the Get started checklist says in one sentence why pick-up may be off', async () => {
    const { renderer } = await openAdmin({ getSettings: [ok(settingsView())] });
    const checklist = allOf(renderer, SectionMessage).find((s) => s.props.appearance === 'discovery')!;
    expect(textOf(checklist)).toContain('a CI job that sends a Testsigma run under its own run id would then give that run a second Test Execution');
  });
});
