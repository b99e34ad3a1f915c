jest.mock('@forge/bridge', () => require('./forge-bridge').forgeBridgeMock());

import { Checkbox, CodeBlock, DynamicTable, ErrorMessage as FieldError, HelperMessage, Link, Lozenge, Modal, SectionMessage, Spinner, Stack, TabPanel, Tabs, Textfield, Tooltip, ValidMessage } from '@forge/react';
import { act } from 'react-test-renderer';
import type { ReactTestRenderer } from 'react-test-renderer';
import { AdminApp } from '../../src/frontend/admin/AdminApp';
import type { AdminCaller } from '../../src/frontend/invoke';
import type { Envelope, SettingsView } from '../../src/shared/types';
import {
  allOf,
  button,
  buttons,
  byId,
  click,
  deferred,
  fail,
  fakeCaller,
  flush,
  job,
  ok,
  render,
  settingsView,
  textOf,
  type,
  type Scope,
} from './helpers';

const PROJECTS = [
  { id: '10000', key: 'PROJ', name: 'Project' },
  { id: '10001', key: 'QA', name: 'Quality' },
];
const TYPES = ['Test', 'Test Set', 'Test Plan', 'Test Execution', 'Bug', 'Xray Test'].map((name, i) => ({ id: String(i), name }));

async function openAdmin(answers: Parameters<typeof fakeCaller>[0], locale: 'en-US' | 'de-DE' = 'en-US') {
  const fake = fakeCaller({
    listProjects: [ok({ projects: PROJECTS })],
    listIssueTypes: [ok({ issueTypes: TYPES })],
    ...answers,
  });
  const flags: string[] = [];
  const renderer = await render(<AdminApp call={fake.call as unknown as AdminCaller} notify={(title) => flags.push(title)} />, locale);
  await flush();
  return { renderer, flags, ...fake };
}

async function selectTab(renderer: ReactTestRenderer, index: number) {
  await act(async () => {
    allOf(renderer, Tabs)[0]!.props.onChange(index);
  });
  await flush();
}

/** The page's own Tabs (the Web trigger tab holds Tabs of its examples too). */
const pageTabs = (renderer: ReactTestRenderer) => allOf(renderer, Tabs).filter((tabs) => tabs.props.id === 'testsigma-settings');
/** One tab's panel: every panel is rendered here, where the host would show only the selected one. */
const panel = (renderer: ReactTestRenderer, index: number) => pageTabs(renderer)[0]!.findAll((n) => n.type === TabPanel && n.parent?.type !== undefined && !insideExamples(n))[index]!;
const insideExamples = (n: { parent: unknown }): boolean => {
  for (let p = n.parent as { type?: unknown; props?: { id?: string }; parent: unknown } | null; p; p = p.parent as typeof p) {
    if (p.type === Tabs && p.props?.id === 'webtrigger-examples') return true;
  }
  return false;
};
const CONNECTION = 0;
const MAPPING = 1;
const WEBTRIGGER = 2;
const SYNC_LOG = 3;

const messages = (renderer: Scope, appearance: string) =>
  allOf(renderer, SectionMessage)
    .filter((s) => s.props.appearance === appearance)
    .map((s) => textOf(s));
/** The form messages of a kind, each with the id of the field it stands under (or `beside` the buttons). */
const fieldMessages = (renderer: Scope, type: unknown) =>
  allOf(renderer, type).map((m) => {
    const field = m.parent?.type === Stack ? m.parent.findAll((n) => typeof n.type === 'string' && (n.props.id !== undefined || n.props.inputId !== undefined))[0] : undefined;
    return { field: field ? ((field.props.inputId ?? field.props.id) as string) : 'beside', text: textOf(m) };
  });
const keysCalled = (calls: Array<{ key: string }>) => calls.map((c) => c.key).filter((k) => k !== 'listProjects' && k !== 'listIssueTypes');
const done = { xray: 'ok', testsigma: 'ok', secretCreated: true, firstRunAt: '2026-11-25T10:00:00Z' } as const;

describe('AdminApp', () => {
  it('shows a spinner while settings load', async () => {
    const pending = deferred<Envelope<SettingsView>>();
    const { renderer } = await openAdmin({ getSettings: [pending.promise] });
    expect(allOf(renderer, Spinner).map((s) => s.props.label)).toEqual(['Loading settings']);
    pending.resolve(ok(settingsView({ setup: done })));
    await flush();
    expect(pageTabs(renderer)).toHaveLength(1);
    expect(textOf(renderer)).toContain('Connection Mapping Web trigger Sync log');
  });

  it('shows a non-admin a titled message and nothing else', async () => {
    const { renderer, calls } = await openAdmin({ getSettings: [fail('forbidden', 'Only Jira administrators can change the Testsigma app\'s settings.')] });
    const [shown] = allOf(renderer, SectionMessage);
    expect(shown!.props.title).toBe('Not allowed');
    expect(textOf(renderer)).toBe("Only Jira administrators can change the Testsigma app's settings.");
    expect(allOf(renderer, Tabs)).toHaveLength(0);
    expect(shown!.props.actions).toBeUndefined();
    expect(calls).toHaveLength(1);
  });

  it('offers Try again when settings cannot load', async () => {
    const { renderer } = await openAdmin({ getSettings: [fail('internal', 'Storage is busy. Try again in a minute.'), ok(settingsView())] });
    const [shown] = allOf(renderer, SectionMessage);
    expect(textOf(shown!)).toBe('Storage is busy. Try again in a minute.');
    await click(shown!.props.actions[0]);
    expect(pageTabs(renderer)).toHaveLength(1);
  });

  describe('Get started', () => {
    it('lists the four steps with their state and action, from setup', async () => {
      const { renderer } = await openAdmin({
        getSettings: [ok(settingsView({ setup: { xray: 'failed', testsigma: 'not_set', secretCreated: true } }))],
      });
      const checklist = allOf(renderer, SectionMessage).find((s) => s.props.title === 'Get started')!;
      const text = textOf(checklist);
      expect(text).toContain('1. Connect Xray Failed');
      expect(text).toContain('The last connection test to Xray failed.');
      expect(text).toContain('2. Connect Testsigma Optional');
      expect(text).toContain('3. Create the web trigger secret Done');
      expect(text).toContain('4. Receive a first run To do');
      expect(allOf(checklist, Link).map((l) => l.props.href)).toEqual(['https://docs.getxray.app/display/XRAYCLOUD/Global+Settings%3A+API+Keys']);
      await click(button(checklist, 'See the examples'));
      expect(allOf(renderer, Tabs)[0]!.props.selected).toBe(WEBTRIGGER);
      expect(allOf(checklist, Lozenge).map((l) => l.props.appearance)).toEqual(['removed', 'new', 'success', 'default']);
    });

    it('moves on after a connection test and a new secret, without a reload', async () => {
      const { renderer } = await openAdmin({
        getSettings: [ok(settingsView({ webtrigger: { url: 'https://u', hasWebtriggerSecret: false }, setup: { xray: 'unknown', testsigma: 'not_set', secretCreated: false } }))],
        testConnection: [ok({ xray: { ok: true, message: 'ok', statuses: ['PASSED'] }, testsigma: { ok: true, message: 'ok' } })],
        rotateWebtriggerSecret: [ok({ secret: 'sek', url: 'https://u' })],
      });
      const checklist = () => textOf(allOf(renderer, SectionMessage).find((s) => s.props.title === 'Get started')!);
      expect(checklist()).toContain('1. Connect Xray To do');
      await click(button(renderer, 'Test connection'));
      expect(checklist()).toContain('1. Connect Xray Done');
      await click(button(renderer, 'Create secret'));
      expect(checklist()).toContain('3. Create the web trigger secret Done');
      expect(byId(renderer, 'status-SUCCESS').type).not.toBe(Textfield);
    });

    it('shows the steps setup from the backend says are open, and leaves once everything is done', async () => {
      const { renderer } = await openAdmin({
        getSettings: [ok(settingsView({ webtrigger: { url: 'https://u', hasWebtriggerSecret: false }, setup: { xray: 'ok', testsigma: 'not_set', secretCreated: false } }))],
      });
      expect(textOf(renderer)).toContain('3. Create the web trigger secret To do');
      const finished = await openAdmin({ getSettings: [ok(settingsView({ setup: done }))] });
      expect(allOf(finished.renderer, SectionMessage).filter((s) => s.props.title === 'Get started')).toHaveLength(0);
    });
  });

  describe('Connection', () => {
    it('saves only the changed fields, then tests them, in one click', async () => {
      const saved = settingsView({ xray: { region: 'eu', clientId: 'client-2', hasClientSecret: true, requestsPer5Minutes: 1000 } });
      const { renderer, calls, flags } = await openAdmin({
        getSettings: [ok(settingsView())],
        saveSettings: [ok(saved)],
        testConnection: [ok({ xray: { ok: true, message: 'Connected to Xray (eu).' }, testsigma: { ok: true, message: 'Testsigma answered.' } })],
      });
      expect(byId(renderer, 'xray-client-secret').props.placeholder).toBe('Stored — leave empty to keep');
      expect(byId(renderer, 'xray-client-secret').props.type).toBe('password');
      expect(byId(renderer, 'testsigma-api-key').props.placeholder).toBe('Not set');
      expect(button(panel(renderer, CONNECTION), 'Save').props.isDisabled).toBe(true);
      expect(buttons(renderer, 'Save and test')).toHaveLength(0);

      await act(async () => byId(renderer, 'xray-region').props.onChange({ label: 'Europe', value: 'eu' }));
      await act(async () => byId(renderer, 'xray-plan').props.onChange({ label: 'Enterprise', value: 1000 }));
      await type(byId(renderer, 'xray-client-id'), 'client-2');
      await type(byId(renderer, 'xray-client-secret'), 's3cret');
      await click(button(renderer, 'Save and test'));

      expect(keysCalled(calls)).toEqual(['getSettings', 'saveSettings', 'testConnection']);
      expect(calls.find((c) => c.key === 'saveSettings')!.payload).toEqual({
        xray: { region: 'eu', clientId: 'client-2', clientSecret: 's3cret', requestsPer5Minutes: 1000 },
      });
      expect(fieldMessages(renderer, ValidMessage)).toEqual([
        { field: 'xray-client-secret', text: 'Connected to Xray (eu).' },
        { field: 'testsigma-api-key', text: 'Testsigma answered.' },
      ]);
      expect(allOf(panel(renderer, CONNECTION), SectionMessage)).toHaveLength(0);
      expect(flags).toEqual(['Saved; Xray and Testsigma answered']);
      expect(byId(renderer, 'xray-client-secret').props.value).toBe('');
      expect(byId(renderer, 'xray-region').props.value).toEqual({ label: 'Europe', value: 'eu' });
      expect(buttons(renderer, 'Test connection')).toHaveLength(1);
    });

    it('Save alone saves, with a flag, and shows the button loading meanwhile', async () => {
      const pending = deferred<Envelope<SettingsView>>();
      const { renderer, flags } = await openAdmin({ getSettings: [ok(settingsView())], saveSettings: [pending.promise] });
      await type(byId(renderer, 'xray-client-id'), 'client-2');
      await click(button(panel(renderer, CONNECTION), 'Save'));
      expect(button(panel(renderer, CONNECTION), 'Save').props.isLoading).toBe(true);
      pending.resolve(ok(settingsView({ xray: { ...settingsView().xray, clientId: 'client-2' } })));
      await flush();
      expect(flags).toEqual(['Settings saved']);
    });

    it('keeps the edits after a refused save, shows the message, and does not test', async () => {
      const message = 'Testsigma base URL must be an https URL.';
      const { renderer, calls } = await openAdmin({ getSettings: [ok(settingsView())], saveSettings: [fail('invalid_settings', message)] });
      await type(byId(renderer, 'testsigma-base-url'), 'http://insecure');
      await type(byId(renderer, 'testsigma-api-key'), 'key-1');
      await click(button(renderer, 'Save and test'));
      expect(fieldMessages(renderer, FieldError)).toEqual([{ field: 'beside', text: message }]);
      expect(keysCalled(calls)).toEqual(['getSettings', 'saveSettings']);
      expect(byId(renderer, 'testsigma-base-url').props.value).toBe('http://insecure');
      expect(byId(renderer, 'testsigma-api-key').props.value).toBe('key-1');
    });

    it('shows a refused field\'s message under that field, and takes it away when the admin edits again', async () => {
      const message = 'testsigma.baseUrl: The app may reach Testsigma only at app.testsigma.com.';
      const { renderer } = await openAdmin({ getSettings: [ok(settingsView())], saveSettings: [fail('invalid_settings', message)] });
      await type(byId(renderer, 'testsigma-base-url'), 'https://elsewhere.example');
      await click(button(panel(renderer, CONNECTION), 'Save'));
      expect(fieldMessages(renderer, FieldError)).toEqual([{ field: 'testsigma-base-url', text: message }]);
      expect(byId(renderer, 'testsigma-base-url').props.isInvalid).toBe(true);
      expect(allOf(panel(renderer, CONNECTION), SectionMessage)).toHaveLength(0);
      await type(byId(renderer, 'testsigma-base-url'), 'https://app.testsigma.com');
      expect(fieldMessages(renderer, FieldError)).toEqual([]);
    });

    it('says by each section how it stands: connected with the time of the last test, not tested, not set', async () => {
      const tested = settingsView({ setup: { xray: 'ok', testsigma: 'not_set', secretCreated: true, xrayTestedAt: '2026-11-25T10:00:00Z' } });
      const { renderer } = await openAdmin({ getSettings: [ok(tested)] });
      const text = textOf(panel(renderer, CONNECTION));
      expect(text).toMatch(/Xray Cloud\s*Connected\s*tested (last week|\d+ \w+ ago)/);
      expect(text).toMatch(/Testsigma\s*Not set/);
      expect(text).toContain('API key (optional)');
      const untested = await openAdmin({ getSettings: [ok(settingsView({ setup: { xray: 'unknown', testsigma: 'unknown', secretCreated: true }, testsigma: { baseUrl: 'https://app.testsigma.com', hasApiKey: true, autoPickup: true } }))] });
      expect(textOf(panel(untested.renderer, CONNECTION))).toMatch(/Xray Cloud\s*Not tested[\s\S]*Testsigma\s*Not tested/);
    });

    it('shows both connection results, with Xray statuses', async () => {
      const withKey = settingsView();
      withKey.testsigma.hasApiKey = true;
      const { renderer } = await openAdmin({
        getSettings: [ok(withKey)],
        testConnection: [
          ok({
            xray: { ok: true, message: 'Connected to Xray (global).', statuses: ['PASSED', 'FAILED', 'TODO'] },
            testsigma: { ok: false, message: 'Testsigma refused the API key (401). Check it and save again.' },
          }),
        ],
      });
      await click(button(renderer, 'Test connection'));
      expect(fieldMessages(renderer, ValidMessage)).toEqual([{ field: 'xray-client-secret', text: 'Connected to Xray (global). Xray statuses: PASSED, FAILED, TODO' }]);
      expect(fieldMessages(renderer, FieldError)).toEqual([{ field: 'testsigma-api-key', text: 'Testsigma refused the API key (401). Check it and save again.' }]);
      // In short beside the button, and by each section's heading.
      expect(allOf(renderer, Lozenge).map((l) => textOf(l))).toEqual(expect.arrayContaining(['Xray connected', 'Testsigma failed']));
      expect(textOf(panel(renderer, CONNECTION))).toMatch(/Xray Cloud\s*Connected\s*tested just now/);
      expect(textOf(panel(renderer, CONNECTION))).toMatch(/Testsigma\s*Connection failed\s*tested just now/);
    });

    it('on a first setup: marks the required fields, leads with Test connection only once they hold something, and tells a missing Testsigma key as information', async () => {
      const fresh = settingsView({ xray: { region: 'global', clientId: '', hasClientSecret: false, requestsPer5Minutes: 300 } });
      const { renderer } = await openAdmin({
        getSettings: [ok(fresh)],
        saveSettings: [ok(settingsView())],
        testConnection: [ok({ xray: { ok: true, message: 'Connected to Xray (global).' }, testsigma: { ok: false, message: 'No Testsigma API key is set.' } })],
      });
      expect(textOf(renderer)).toContain('Client id (required)');
      expect(textOf(renderer)).toContain('Client secret (required)');
      expect(button(renderer, 'Test connection').props.appearance).toBe('default');
      await type(byId(renderer, 'xray-client-id'), 'client-1');
      await type(byId(renderer, 'xray-client-secret'), 'secret-1');
      expect(button(renderer, 'Save and test').props.appearance).toBe('primary');
      expect(allOf(renderer, Textfield).filter((f) => f.props.width === 480).length).toBeGreaterThanOrEqual(3);
      await click(button(renderer, 'Save and test'));
      expect(fieldMessages(renderer, FieldError)).toEqual([]);
      expect(fieldMessages(renderer, HelperMessage)).toEqual([{ field: 'testsigma-api-key', text: 'No Testsigma API key is set.' }]);
      expect(allOf(renderer, Lozenge).map((l) => textOf(l))).toEqual(expect.arrayContaining(['Xray connected', 'Testsigma not set']));
    });

    it('on an empty form, Test connection says under each required field that it is empty, and tests nothing', async () => {
      const fresh = settingsView({ xray: { region: 'global', clientId: '', hasClientSecret: false, requestsPer5Minutes: 300 }, setup: { xray: 'unknown', testsigma: 'not_set', secretCreated: false } });
      const { renderer, calls } = await openAdmin({ getSettings: [ok(fresh)] });
      await click(button(renderer, 'Test connection'));
      expect(fieldMessages(renderer, FieldError).map((m) => m.field)).toEqual(['xray-client-id', 'xray-client-secret']);
      expect(keysCalled(calls)).toEqual(['getSettings']);
      // Step 1 stays to do: nothing was tested.
      expect(textOf(allOf(renderer, SectionMessage).find((m) => m.props.title === 'Get started')!)).toMatch(/1\. Connect Xray\s*To do/);
      await type(byId(renderer, 'xray-client-id'), 'client-1');
      expect(fieldMessages(renderer, FieldError)).toEqual([]);
    });

    it('shows a failed connection test beside the button, which tries again', async () => {
      const { renderer } = await openAdmin({
        getSettings: [ok(settingsView())],
        testConnection: [fail('rate_limited', 'Xray is rate limiting this site. Try again in a few minutes.')],
      });
      await click(button(renderer, 'Test connection'));
      // Beside the button that tries again.
      expect(fieldMessages(renderer, FieldError)).toEqual([{ field: 'beside', text: 'Xray is rate limiting this site. Try again in a few minutes.' }]);
      expect(button(renderer, 'Test connection').props.isDisabled).toBe(false);
    });
  });

  describe('Mapping', () => {
    it('sends only what changed: a status, a reset, a new word, types, projects, defects and evidence', async () => {
      const stored = settingsView({ statusMap: { ...settingsView().statusMap, STOPPED: 'TODO' } });
      const { renderer, calls, flags } = await openAdmin({ getSettings: [ok(stored)], saveSettings: [ok(settingsView({ attachEvidence: true }))] });
      await selectTab(renderer, MAPPING);
      expect(calls.filter((c) => c.key === 'listProjects')).toEqual([{ key: 'listProjects', payload: {} }]);
      expect(calls.filter((c) => c.key === 'listIssueTypes').map((c) => c.payload)).toEqual([{ projectKey: 'PROJ' }]);
      await type(byId(renderer, 'status-QUEUED'), 'EXECUTING');
      const table = allOf(panel(renderer, MAPPING), DynamicTable)[0]!;
      expect(table.props.head.cells.map((c: { content: string }) => c.content)).toEqual(['Testsigma result', 'Xray status', 'Change to', '']);
      const stoppedRow = table.findAll((n) => (n.type as unknown) === 'Row' && n.props.rowKey === 'STOPPED')[0]!;
      await click(stoppedRow.findAll((n) => n.props.onClick && textOf(n) === 'Reset')[0]!);
      await type(byId(renderer, 'new-status-word'), ' blocked ');
      await type(byId(renderer, 'new-status-xray'), 'FAILED');
      await click(button(renderer, 'Add row'));
      const testTypes = byId(renderer, 'issue-types-test');
      expect(testTypes.props.options.map((o: { value: string }) => o.value)).toEqual(TYPES.map((t) => t.name));
      await act(async () => testTypes.props.onChange([{ label: 'Test', value: 'Test' }, { label: 'Xray Test', value: 'Xray Test' }]));
      await act(async () => byId(renderer, 'default-project-key').props.onChange({ label: 'Quality (QA)', value: 'QA' }));
      await flush();
      expect(calls.filter((c) => c.key === 'listIssueTypes').map((c) => c.payload)).toEqual([{ projectKey: 'PROJ' }, { projectKey: 'QA' }]);
      await act(async () => byId(renderer, 'defects-type').props.onChange({ label: 'Xray Test', value: 'Xray Test' }));
      await act(async () => allOf(renderer, Checkbox)[0]!.props.onChange({ target: { checked: true } }));
      // A save bar at the top and one at the end, each saying that there are unsaved changes.
      const saves = buttons(panel(renderer, MAPPING), 'Save');
      expect(saves).toHaveLength(2);
      expect(textOf(panel(renderer, MAPPING))).toMatch(/^Save\s*Unsaved changes\s*Status map/);
      await click(saves[0]!);
      expect(calls.filter((c) => c.key === 'saveSettings').map((c) => c.payload)).toEqual([
        {
          statusMap: { QUEUED: 'EXECUTING', STOPPED: '', BLOCKED: 'FAILED' },
          issueTypes: { test: ['Test', 'Xray Test'] },
          defaultProjectKey: 'QA',
          defects: { issueType: 'Xray Test' },
          attachEvidence: true,
        },
      ]);
      expect(flags).toEqual(['Settings saved']);
      expect(buttons(panel(renderer, MAPPING), 'Save').every((b) => b.props.isDisabled)).toBe(true);
      expect(textOf(panel(renderer, MAPPING))).not.toMatch(/^Save\s*Unsaved changes/);
    });

    it("offers the site's live Xray statuses from setup as Selects", async () => {
      const { renderer } = await openAdmin({ getSettings: [ok(settingsView({ setup: { ...done, xrayStatuses: ['PASSED', 'FAILED'] } }))] });
      const select = byId(renderer, 'status-ABORTED');
      expect(select.type).not.toBe(Textfield);
      // ABORTED is not among this site's statuses: it stays visible and is flagged.
      expect(select.props.options.map((o: { label: string }) => o.label)).toEqual(['PASSED', 'FAILED', 'ABORTED (not in Xray)']);
    });

    it('falls back to text fields until the statuses are known, and a connection test brings them', async () => {
      const { renderer } = await openAdmin({
        getSettings: [ok(settingsView())],
        testConnection: [ok({ xray: { ok: true, message: 'ok', statuses: ['PASSED', 'FAILED'] }, testsigma: { ok: true, message: 'ok' } })],
      });
      expect(byId(renderer, 'status-SUCCESS').type).toBe(Textfield);
      await click(button(renderer, 'Test connection'));
      expect(byId(renderer, 'status-SUCCESS').type).not.toBe(Textfield);
    });

    it('refuses to add a word that is already mapped', async () => {
      const { renderer, calls } = await openAdmin({ getSettings: [ok(settingsView())] });
      await type(byId(renderer, 'new-status-word'), 'success');
      await type(byId(renderer, 'new-status-xray'), 'FAILED');
      await click(button(renderer, 'Add row'));
      expect(messages(renderer, 'error')).toEqual(['SUCCESS is already in the map: change its row instead.']);
      expect(keysCalled(calls)).toEqual(['getSettings']);
    });
  });

  describe('Web trigger', () => {
    it('shows the URL in a read-only field and examples that read $XTS_SECRET', async () => {
      const { renderer } = await openAdmin({ getSettings: [ok(settingsView())] });
      const url = byId(renderer, 'webtrigger-url');
      expect(url.type).toBe(Textfield);
      expect(url.props).toMatchObject({ isReadOnly: true, value: 'https://example.atlassian-dev.net/x1/abc' });
      const blocks = allOf(panel(renderer, WEBTRIGGER), CodeBlock).map((b) => b.props.text as string);
      expect(blocks[0]).toBe("export XTS_URL='https://example.atlassian-dev.net/x1/abc'\nexport XTS_SECRET='<the secret>'");
      expect(blocks[1]).toBe('npx --yes testsigma-xray-cli@0.1.0 send results.json --wait');
      expect(blocks[2]).toContain('openssl dgst -sha256 -hmac "$XTS_SECRET" -hex');
      expect(blocks[3]).toContain('Authorization: Bearer $XTS_SECRET');
    });

    it('creates a first secret without asking, and shows it once in a field of its own', async () => {
      const { renderer, calls, flags } = await openAdmin({
        getSettings: [ok(settingsView({ webtrigger: { url: '', hasWebtriggerSecret: false } }))],
        rotateWebtriggerSecret: [ok({ secret: 'sek-123', url: 'https://x.example/wt' })],
      });
      expect(textOf(panel(renderer, WEBTRIGGER))).toContain('No secret yet: executors are refused until you create one.');
      expect(textOf(panel(renderer, WEBTRIGGER))).toContain('forge webtrigger list');
      await click(button(renderer, 'Create secret'));
      expect(keysCalled(calls)).toEqual(['getSettings', 'rotateWebtriggerSecret']);
      expect(byId(renderer, 'webtrigger-new-secret').props).toMatchObject({ isReadOnly: true, value: 'sek-123' });
      expect(byId(renderer, 'webtrigger-url').props.value).toBe('https://x.example/wt');
      // The examples never carry the secret.
      for (const block of allOf(renderer, CodeBlock)) expect(block.props.text).not.toContain('sek-123');
      expect(textOf(renderer)).toContain('It will not be shown again.');
      expect(flags).toEqual(['Secret created']);
      await click(button(renderer, 'I have copied it'));
      expect(allOf(renderer, Textfield).filter((f) => f.props.value === 'sek-123')).toHaveLength(0);
    });

    it('asks before rotating an existing secret', async () => {
      const { renderer, calls } = await openAdmin({
        getSettings: [ok(settingsView())],
        rotateWebtriggerSecret: [ok({ secret: 'sek-2', url: 'https://x.example/wt' })],
      });
      await click(button(renderer, 'Rotate secret'));
      expect(textOf(renderer)).toContain('refused until it gets the new one');
      await click(button(renderer, 'Cancel'));
      expect(keysCalled(calls)).toEqual(['getSettings']);
      await click(button(renderer, 'Rotate secret'));
      await click(button(renderer, 'Rotate now'));
      expect(keysCalled(calls)).toEqual(['getSettings', 'rotateWebtriggerSecret']);
      expect(byId(renderer, 'webtrigger-new-secret').props.value).toBe('sek-2');
    });
  });

  describe('Sync log', () => {
    it('loads when opened, pages with the cursor, shows details in a Modal and retries a failed job', async () => {
      const failed = job({
        jobId: 'job-2',
        runId: '338',
        state: 'failed',
        counts: { received: 2, synced: 0, unmapped: 2, failed: 0 },
        unmapped: ['700', '701'],
        errors: ['No result maps to a linked Xray Test.', 'Second problem.'],
      });
      const { renderer, calls, flags } = await openAdmin({
        getSettings: [ok(settingsView({ testsigma: { baseUrl: 'https://ts.example/', hasApiKey: true, autoPickup: true } }))],
        listJobs: [ok({ jobs: [failed], nextCursor: 'c2' }), ok({ jobs: [job({ jobId: 'job-1' })] })],
        retryJob: [ok({ ...failed, state: 'succeeded', counts: { received: 2, synced: 2, unmapped: 0, failed: 0 }, attempts: 2 })],
      });
      expect(keysCalled(calls)).toEqual(['getSettings']);
      await selectTab(renderer, SYNC_LOG);
      expect(calls.filter((c) => c.key === 'listJobs')).toEqual([{ key: 'listJobs', payload: {} }]);
      const table = () => allOf(panel(renderer, SYNC_LOG), DynamicTable)[0]!;
      // Six columns: the four counts are one Results cell, the first problem a Tooltip on the state's problem count.
      expect(table().props.head.cells.map((c: { key: string }) => c.key)).toEqual(['run', 'state', 'execution', 'results', 'at', 'actions']);
      expect(table().props.rows.map((r: { key: string }) => r.key)).toEqual(['job-2']);
      expect(textOf(table())).toContain('2 problems');
      expect(textOf(table())).toContain('2 not linked');
      expect(allOf(table(), Tooltip).map((tip) => tip.props.content)).toContain('No result maps to a linked Xray Test.');
      expect(allOf(table(), Lozenge).map((l) => [textOf(l), l.props.appearance])).toEqual([['Failed', 'default']]);

      await click(button(renderer, 'Load more'));
      expect(calls.filter((c) => c.key === 'listJobs')[1]).toEqual({ key: 'listJobs', payload: { cursor: 'c2' } });
      expect(table().props.rows.map((r: { key: string }) => r.key)).toEqual(['job-2', 'job-1']);
      expect(buttons(renderer, 'Load more')).toHaveLength(0);

      await click(buttons(renderer, 'Details')[0]!);
      const modal = allOf(renderer, Modal)[0]!;
      expect(textOf(modal)).toContain('Run 338');
      expect(textOf(modal)).not.toContain('job-2');
      expect(allOf(modal, Link).map((l) => [textOf(l), l.props.href])).toEqual([
        ['Test case #700', 'https://ts.example/ui/td/cases/700/steps'],
        ['Test case #701', 'https://ts.example/ui/td/cases/701/steps'],
      ]);
      expect(textOf(modal)).toContain('Second problem.');
      // Label and value rows, and a failed delivery said in red.
      expect(textOf(modal)).toMatch(/State\s*Failed\s*Test Execution\s*—\s*Results in Xray\s*—\s*Counts\s*2 received, 0 synced, 2 not linked, 0 failed/);
      expect(allOf(modal, SectionMessage).map((m) => m.props.appearance)).toEqual(['error']);
      await click(button(modal, 'Close'));
      expect(allOf(renderer, Modal)).toHaveLength(0);

      expect(buttons(renderer, 'Retry')).toHaveLength(1);
      await click(button(renderer, 'Retry'));
      expect(calls.find((c) => c.key === 'retryJob')).toEqual({ key: 'retryJob', payload: { jobId: 'job-2' } });
      expect(table().props.rows.map((r: { key: string }) => r.key)).toEqual(['job-2', 'job-1']);
      expect(allOf(table(), Lozenge).map((l) => textOf(l))).toEqual(['Synced', 'Synced']);
      expect(buttons(renderer, 'Retry')).toHaveLength(0);
      expect(flags).toEqual(['Run 338 queued again']);
    });

    it("gives a run's results by Xray status in the table and its dialog, and says a partial delivery in yellow", async () => {
      const partial = job({
        state: 'partial',
        testExecutionKeys: ['SHOP-19', 'SHOP-20'],
        testExecutionKey: 'SHOP-19',
        counts: { received: 7, synced: 6, unmapped: 1, failed: 0 },
        statuses: { FAILED: 2, PASSED: 4 },
        unmapped: ['606'],
      });
      const { renderer } = await openAdmin({ getSettings: [ok(settingsView())], listJobs: [ok({ jobs: [partial] })] });
      await selectTab(renderer, SYNC_LOG);
      const table = allOf(panel(renderer, SYNC_LOG), DynamicTable)[0]!;
      expect(allOf(table, Lozenge).map((l) => [textOf(l), l.props.appearance])).toEqual([
        ['Partly synced', 'default'],
        ['4 PASSED', 'success'],
        ['2 FAILED', 'removed'],
      ]);
      expect(textOf(table)).toContain('1 not linked');
      await click(button(renderer, 'Details'));
      const modal = allOf(renderer, Modal)[0]!;
      expect(allOf(modal, SectionMessage).map((m) => [m.props.appearance, textOf(m)])).toEqual([['warning', '6 of 7 results reached Xray; the rest are listed below.']]);
      expect(textOf(modal)).toMatch(/Results in Xray\s*4 PASSED\s*2 FAILED/);
      expect(allOf(modal, Link).map((l) => textOf(l))).toEqual(['SHOP-19', 'SHOP-20', 'Test case #606']);
    });

    it('shows a retry error and keeps the row', async () => {
      const { renderer } = await openAdmin({
        getSettings: [ok(settingsView())],
        listJobs: [ok({ jobs: [job({ state: 'partial' })] })],
        retryJob: [fail('internal', 'Job job-1 does not exist. Reload the sync log.')],
      });
      await selectTab(renderer, SYNC_LOG);
      await click(button(renderer, 'Retry'));
      expect(messages(renderer, 'error')).toEqual(['Job job-1 does not exist. Reload the sync log.']);
      expect(textOf(allOf(panel(renderer, SYNC_LOG), DynamicTable)[0]!)).toContain('Partly synced');
    });

    it('leads from an empty sync log to the Web trigger tab', async () => {
      const { renderer } = await openAdmin({ getSettings: [ok(settingsView())], listJobs: [ok({ jobs: [] })] });
      await selectTab(renderer, SYNC_LOG);
      expect(textOf(panel(renderer, SYNC_LOG))).toContain('No runs received yet.');
      await click(button(renderer, 'Set up the web trigger'));
      expect(allOf(renderer, Tabs)[0]!.props.selected).toBe(WEBTRIGGER);
    });
  });

  describe('freeing a Testsigma test case (issue 18 item 2)', () => {
    it('frees the case an admin names and says so; a case whose Test the app can read is named where it is', async () => {
      const { renderer, calls, flags } = await openAdmin({
        getSettings: [ok(settingsView())],
        freeCase: [ok({ freed: true }), ok({ freed: false, heldBy: 'DEMO-7' })],
      });
      await selectTab(renderer, MAPPING);
      const mapping = panel(renderer, MAPPING);
      expect(button(mapping, 'Free the case').props.isDisabled).toBe(true);
      await type(byId(renderer, 'free-case-id'), ' 609 ');
      await click(button(mapping, 'Free the case'));
      expect(calls.filter((c) => c.key === 'freeCase')).toEqual([{ key: 'freeCase', payload: { testsigmaId: '609' } }]);
      expect(flags).toContain('Testsigma test case 609 is free: it can be linked to another Test.');
      await type(byId(renderer, 'free-case-id'), '610');
      await click(button(mapping, 'Free the case'));
      expect(textOf(mapping)).toContain('Testsigma test case 610 is linked to DEMO-7, which the app can read: unlink it there.');
    });

    it('shows the refusal when the id names no case', async () => {
      const { renderer } = await openAdmin({
        getSettings: [ok(settingsView())],
        freeCase: [fail('not_found', 'Name the Testsigma test case to free by its id, such as 609.')],
      });
      await selectTab(renderer, MAPPING);
      await type(byId(renderer, 'free-case-id'), 'abc');
      await click(button(panel(renderer, MAPPING), 'Free the case'));
      expect(textOf(panel(renderer, MAPPING))).toContain('Name the Testsigma test case to free by its id, such as 609.');
    });
  });

  it('speaks German to a German admin', async () => {
    const { renderer } = await openAdmin({ getSettings: [ok(settingsView())] }, 'de-DE');
    expect(textOf(renderer)).toContain('Verbindung Zuordnung Web-Trigger Synchronisierungsprotokoll');
    expect(allOf(renderer, SectionMessage).map((m) => m.props.title)).toContain('Erste Schritte');
  });
});

describe('the Test Execution template on the Mapping tab', () => {
  const FIELDS = [
    { id: 'fixVersions', name: 'Fix versions', required: false, type: 'array', allowedValues: ['1.4', '1.5'] },
    { id: 'components', name: 'Components', required: false, type: 'array', allowedValues: ['Checkout'] },
    { id: 'labels', name: 'Labels', required: false, type: 'array' },
    { id: 'customfield_10050', name: 'Environment type', required: true, type: 'option', allowedValues: ['QA', 'Staging'] },
  ];

  it('offers the default project\'s fix versions, components and required fields as pickers, and saves the template with created Tests', async () => {
    const saved = settingsView({ defaultProjectKey: 'QA', testExecution: { fixVersions: ['1.5'], labels: ['nightly'], fields: { customfield_10050: { value: 'QA' } } }, createTests: { enabled: true, projectKey: 'QA' } });
    const { renderer, calls } = await openAdmin({
      getSettings: [ok(settingsView({ defaultProjectKey: 'QA' }))],
      listExecutionFields: [ok({ fields: FIELDS })],
      saveSettings: [ok(saved)],
    });
    await selectTab(renderer, MAPPING);
    await flush();
    expect(calls.filter((c) => c.key === 'listExecutionFields').map((c) => c.payload)).toEqual([{ projectKey: 'QA' }]);
    expect(byId(renderer, 'template-fix-versions').props.options.map((o: { value: string }) => o.value)).toEqual(['1.4', '1.5']);
    const required = byId(renderer, 'template-field-customfield_10050');
    expect(required.props.options.map((o: { value: string }) => o.value)).toEqual(['QA', 'Staging']);
    await act(async () => byId(renderer, 'template-fix-versions').props.onChange([{ label: '1.5', value: '1.5' }]));
    await act(async () => required.props.onChange({ label: 'QA', value: 'QA' }));
    await type(byId(renderer, 'template-labels'), 'nightly');
    await act(async () => byId(renderer, 'create-tests-project').props.onChange({ label: 'Quality (QA)', value: 'QA' }));
    const createTests = allOf(renderer, Checkbox).find((c) => c.props.id === 'create-tests')!;
    await act(async () => createTests.props.onChange({ target: { checked: true } }));
    // The template's own save says when it has something to save, as the save bars above do.
    const unsaved = () => textOf(panel(renderer, MAPPING)).match(/Save Test Execution fields\s*Unsaved changes/) !== null;
    expect(unsaved()).toBe(true);
    expect(button(panel(renderer, MAPPING), 'Save Test Execution fields').props.appearance).toBe('primary');
    await click(button(panel(renderer, MAPPING), 'Save Test Execution fields'));
    expect(calls.filter((c) => c.key === 'saveSettings').map((c) => c.payload)).toEqual([
      {
        testExecution: { fixVersions: ['1.5'], components: [], labels: ['nightly'], fields: { customfield_10050: { value: 'QA' } }, splitByMachine: false },
        createTests: { enabled: true, projectKey: 'QA' },
      },
    ]);
    expect(unsaved()).toBe(false);
  });

  it('keeps the fields saved through the API that the pickers do not show when the admin saves the template', async () => {
    const stored = { customfield_10050: { value: 'QA' }, customfield_10060: 'Sprint 7', customfield_10070: [{ id: '3' }] };
    const { renderer, calls } = await openAdmin({
      getSettings: [ok(settingsView({ defaultProjectKey: 'QA', testExecution: { fields: stored } }))],
      listExecutionFields: [ok({ fields: FIELDS })],
      saveSettings: [ok(settingsView({ defaultProjectKey: 'QA', testExecution: { fields: stored } }))],
    });
    await selectTab(renderer, MAPPING);
    await flush();
    await act(async () => byId(renderer, 'template-field-customfield_10050').props.onChange({ label: 'Staging', value: 'Staging' }));
    await click(button(panel(renderer, MAPPING), 'Save Test Execution fields'));
    const saved = calls.filter((c) => c.key === 'saveSettings').map((c) => (c.payload as { testExecution: { fields: unknown } }).testExecution.fields);
    expect(saved).toEqual([{ customfield_10050: { value: 'Staging' }, customfield_10060: 'Sprint 7', customfield_10070: [{ id: '3' }] }]);
  });
});
