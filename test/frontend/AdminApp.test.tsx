jest.mock('@forge/bridge', () => require('./forge-bridge').forgeBridgeMock());

import { Checkbox, CodeBlock, DynamicTable, SectionMessage, Spinner, TabPanel, Tabs, Textfield } from '@forge/react';
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

async function openAdmin(answers: Parameters<typeof fakeCaller>[0]) {
  const fake = fakeCaller(answers);
  const renderer = await render(<AdminApp call={fake.call as unknown as AdminCaller} />);
  await flush();
  return { renderer, ...fake };
}

async function selectTab(renderer: ReactTestRenderer, index: number) {
  await act(async () => {
    allOf(renderer, Tabs)[0]!.props.onChange(index);
  });
  await flush();
}

/** One tab's panel: every panel is rendered here, where the host would show only the selected one. */
const panel = (renderer: ReactTestRenderer, index: number) => allOf(renderer, TabPanel)[index]!;
const CONNECTION = 0;
const MAPPING = 1;
const SYNC_LOG = 3;

const messages = (renderer: Scope, appearance: string) =>
  allOf(renderer, SectionMessage)
    .filter((s) => s.props.appearance === appearance)
    .map((s) => textOf(s));

describe('AdminApp', () => {
  it('shows a spinner while settings load', async () => {
    const pending = deferred<Envelope<SettingsView>>();
    const { renderer } = await openAdmin({ getSettings: [pending.promise] });
    expect(allOf(renderer, Spinner)).toHaveLength(1);
    pending.resolve(ok(settingsView()));
    await flush();
    expect(allOf(renderer, Tabs)).toHaveLength(1);
    expect(textOf(renderer)).toContain('Connection Mapping Web trigger Sync log');
  });

  it('shows a non-admin the message and nothing else', async () => {
    const message = 'Only Jira administrators can see these settings.';
    const { renderer, calls } = await openAdmin({ getSettings: [fail('forbidden', message)] });
    expect(textOf(renderer)).toBe(message);
    expect(allOf(renderer, Tabs)).toHaveLength(0);
    expect(buttons(renderer, 'Try again')).toHaveLength(0);
    expect(calls).toHaveLength(1);
  });

  it('offers Try again when settings cannot load', async () => {
    const { renderer } = await openAdmin({
      getSettings: [fail('internal', 'Storage is busy. Try again in a minute.'), ok(settingsView())],
    });
    expect(textOf(renderer)).toContain('Storage is busy. Try again in a minute.');
    await click(button(renderer, 'Try again'));
    expect(allOf(renderer, Tabs)).toHaveLength(1);
  });

  describe('Connection', () => {
    it('saves only the changed fields and says so', async () => {
      const saved = settingsView({ xray: { region: 'eu', clientId: 'client-2', hasClientSecret: true, requestsPer5Minutes: 1000 } });
      const { renderer, calls } = await openAdmin({ getSettings: [ok(settingsView())], saveSettings: [ok(saved)] });
      expect(byId(renderer, 'xray-client-secret').props.placeholder).toBe('Stored — leave empty to keep');
      expect(byId(renderer, 'xray-client-secret').props.type).toBe('password');
      expect(byId(renderer, 'testsigma-api-key').props.placeholder).toBe('Not set');
      expect(button(panel(renderer, CONNECTION), 'Save').props.isDisabled).toBe(true);

      await act(async () => byId(renderer, 'xray-region').props.onChange({ label: 'EU', value: 'eu' }));
      await act(async () => byId(renderer, 'xray-plan').props.onChange({ label: 'Enterprise', value: 1000 }));
      await type(byId(renderer, 'xray-client-id'), 'client-2');
      await type(byId(renderer, 'xray-client-secret'), 's3cret');
      await click(button(panel(renderer, CONNECTION), 'Save'));

      expect(calls.filter((c) => c.key === 'saveSettings')).toEqual([
        {
          key: 'saveSettings',
          payload: { xray: { region: 'eu', clientId: 'client-2', clientSecret: 's3cret', requestsPer5Minutes: 1000 } },
        },
      ]);
      expect(messages(renderer, 'success')).toEqual(['Settings saved']);
      expect(byId(renderer, 'xray-client-secret').props.value).toBe('');
      expect(byId(renderer, 'xray-region').props.value).toEqual({ label: 'EU', value: 'eu' });
    });

    it('disables Save while saving', async () => {
      const pending = deferred<Envelope<SettingsView>>();
      const { renderer } = await openAdmin({ getSettings: [ok(settingsView())], saveSettings: [pending.promise] });
      await type(byId(renderer, 'xray-client-id'), 'client-2');
      await click(button(panel(renderer, CONNECTION), 'Save'));
      expect(button(panel(renderer, CONNECTION), 'Save').props.isDisabled).toBe(true);
      pending.resolve(ok(settingsView({ xray: { ...settingsView().xray, clientId: 'client-2' } })));
      await flush();
      expect(messages(renderer, 'success')).toEqual(['Settings saved']);
    });

    it('keeps the edits after a refused save and shows the message', async () => {
      const message = 'Testsigma base URL must be an https URL.';
      const { renderer } = await openAdmin({
        getSettings: [ok(settingsView())],
        saveSettings: [fail('invalid_settings', message)],
      });
      await type(byId(renderer, 'testsigma-base-url'), 'http://insecure');
      await type(byId(renderer, 'testsigma-api-key'), 'key-1');
      await click(button(panel(renderer, CONNECTION), 'Save'));
      expect(messages(renderer, 'error')).toEqual([message]);
      expect(byId(renderer, 'testsigma-base-url').props.value).toBe('http://insecure');
      expect(byId(renderer, 'testsigma-api-key').props.value).toBe('key-1');
      expect(button(panel(renderer, CONNECTION), 'Save').props.isDisabled).toBe(false);
    });

    it('shows both connection results, with Xray statuses', async () => {
      const { renderer } = await openAdmin({
        getSettings: [ok(settingsView())],
        testConnection: [
          ok({
            xray: { ok: true, message: 'Connected to Xray (global).', statuses: ['PASSED', 'FAILED', 'TODO'] },
            testsigma: { ok: false, message: 'Testsigma refused the API key (401). Check it and save again.' },
          }),
        ],
      });
      await click(button(renderer, 'Test connection'));
      expect(messages(renderer, 'success')).toEqual(['Connected to Xray (global). Xray statuses: PASSED, FAILED, TODO']);
      expect(messages(renderer, 'error')).toEqual(['Testsigma refused the API key (401). Check it and save again.']);
    });

    it('shows a failed connection test message', async () => {
      const { renderer } = await openAdmin({
        getSettings: [ok(settingsView())],
        testConnection: [fail('rate_limited', 'Xray is rate limiting this site. Try again in a few minutes.')],
      });
      await click(button(renderer, 'Test connection'));
      expect(messages(renderer, 'error')).toEqual(['Xray is rate limiting this site. Try again in a few minutes.']);
    });
  });

  describe('Mapping', () => {
    it('sends only what changed: a status, a reset, a new word, names, project and evidence', async () => {
      const stored = settingsView({ statusMap: { ...settingsView().statusMap, STOPPED: 'TODO' } });
      const { renderer, calls } = await openAdmin({
        getSettings: [ok(stored)],
        saveSettings: [ok(settingsView({ attachEvidence: true }))],
      });
      await selectTab(renderer, MAPPING);
      await type(byId(renderer, 'status-QUEUED'), 'EXECUTING');
      // STOPPED is an override: Reset sends "" for it.
      const table = allOf(panel(renderer, MAPPING), DynamicTable)[0]!;
      const stoppedRow = table.findAll((n) => (n.type as unknown) === 'Row' && n.props.rowKey === 'STOPPED')[0]!;
      await click(stoppedRow.findAll((n) => n.props.onClick && textOf(n) === 'Reset')[0]!);
      await type(byId(renderer, 'new-status-word'), ' blocked ');
      await type(byId(renderer, 'new-status-xray'), 'FAILED');
      await click(button(renderer, 'Add row'));
      await type(byId(renderer, 'issue-types-test'), 'Test, Xray Test');
      await type(byId(renderer, 'default-project-key'), 'qa');
      await act(async () => allOf(renderer, Checkbox)[0]!.props.onChange({ target: { checked: true } }));
      await click(button(panel(renderer, MAPPING), 'Save'));
      expect(calls.filter((c) => c.key === 'saveSettings').map((c) => c.payload)).toEqual([
        {
          statusMap: { QUEUED: 'EXECUTING', STOPPED: '', BLOCKED: 'FAILED' },
          issueTypes: { test: ['Test', 'Xray Test'] },
          defaultProjectKey: 'QA',
          attachEvidence: true,
        },
      ]);
      expect(messages(renderer, 'success')).toEqual(['Settings saved']);
    });

    it('offers Xray statuses as a Select after a connection test', async () => {
      const { renderer } = await openAdmin({
        getSettings: [ok(settingsView())],
        testConnection: [
          ok({ xray: { ok: true, message: 'ok', statuses: ['PASSED', 'FAILED'] }, testsigma: { ok: true, message: 'ok' } }),
        ],
      });
      expect(byId(renderer, 'status-SUCCESS').type).toBe(Textfield);
      await click(button(renderer, 'Test connection'));
      const select = byId(renderer, 'status-ABORTED');
      expect(select.type).not.toBe(Textfield);
      // ABORTED is not among this site's statuses: it stays visible and is flagged.
      expect(select.props.options.map((o: { label: string }) => o.label)).toEqual(['PASSED', 'FAILED', 'ABORTED (not in Xray)']);
    });

    it('refuses to add a word that is already mapped', async () => {
      const { renderer, calls } = await openAdmin({ getSettings: [ok(settingsView())] });
      await type(byId(renderer, 'new-status-word'), 'success');
      await type(byId(renderer, 'new-status-xray'), 'FAILED');
      await click(button(renderer, 'Add row'));
      expect(messages(renderer, 'error')).toEqual(['SUCCESS is already in the map: change its row instead.']);
      expect(calls.map((c) => c.key)).toEqual(['getSettings']);
    });
  });

  describe('Web trigger', () => {
    it('puts a placeholder in the examples when the platform cannot tell the URL', async () => {
      const { renderer } = await openAdmin({
        getSettings: [ok(settingsView({ webtrigger: { url: '', hasWebtriggerSecret: false } }))],
        rotateWebtriggerSecret: [ok({ secret: 'sek-9', url: '' })],
      });
      await click(button(renderer, 'Create secret'));
      expect(allOf(renderer, CodeBlock)[2]?.props.text).toBe(
        "npx xts send results.json --url '<web trigger URL>' --secret 'sek-9'",
      );
    });

    it('creates a first secret without asking, and shows it once with examples', async () => {
      const { renderer, calls } = await openAdmin({
        getSettings: [ok(settingsView({ webtrigger: { url: '', hasWebtriggerSecret: false } }))],
        rotateWebtriggerSecret: [ok({ secret: 'sek-123', url: 'https://x.example/wt' })],
      });
      expect(textOf(renderer)).toContain('No secret yet: executors are refused until you create one.');
      expect(textOf(renderer)).toContain('forge webtrigger list');
      await click(button(renderer, 'Create secret'));
      expect(calls.map((c) => c.key)).toEqual(['getSettings', 'rotateWebtriggerSecret']);
      const blocks = allOf(renderer, CodeBlock).map((b) => b.props.text as string);
      expect(blocks[0]).toBe('sek-123');
      expect(blocks[1]).toContain(`openssl dgst -sha256 -hmac "$SECRET" -hex`);
      expect(blocks[1]).toContain("SECRET='sek-123'");
      expect(blocks[2]).toBe("npx xts send results.json --url 'https://x.example/wt' --secret 'sek-123'");
      expect(textOf(renderer)).toContain('It will not be shown again.');
      expect(textOf(renderer)).toContain('https://x.example/wt');
      expect(button(renderer, 'Rotate secret')).toBeDefined();

      await click(button(renderer, 'I have copied it'));
      expect(allOf(renderer, CodeBlock)).toHaveLength(0);
      expect(textOf(renderer)).not.toContain('sek-123');
    });

    it('asks before rotating an existing secret', async () => {
      const { renderer, calls } = await openAdmin({
        getSettings: [ok(settingsView())],
        rotateWebtriggerSecret: [ok({ secret: 'sek-2', url: 'https://x.example/wt' })],
      });
      await click(button(renderer, 'Rotate secret'));
      expect(textOf(renderer)).toContain('refused until it gets the new one');
      await click(button(renderer, 'Cancel'));
      expect(calls.map((c) => c.key)).toEqual(['getSettings']);
      await click(button(renderer, 'Rotate secret'));
      await click(button(renderer, 'Rotate now'));
      expect(calls.map((c) => c.key)).toEqual(['getSettings', 'rotateWebtriggerSecret']);
      expect(allOf(renderer, CodeBlock)[0]?.props.text).toBe('sek-2');
    });
  });

  describe('Sync log', () => {
    it('loads when opened, pages with the cursor, shows details and retries a failed job', async () => {
      const failed = job({
        jobId: 'job-2',
        runId: '338',
        state: 'failed',
        counts: { received: 2, synced: 0, unmapped: 2, failed: 0 },
        unmapped: ['700', '701'],
        errors: ['No result maps to a linked Xray Test.', 'Second problem.'],
      });
      const { renderer, calls } = await openAdmin({
        getSettings: [ok(settingsView())],
        listJobs: [ok({ jobs: [failed], nextCursor: 'c2' }), ok({ jobs: [job({ jobId: 'job-1' })] })],
        retryJob: [ok({ ...failed, state: 'succeeded', counts: { received: 2, synced: 2, unmapped: 0, failed: 0 }, attempts: 2 })],
      });
      expect(calls.map((c) => c.key)).toEqual(['getSettings']);
      await selectTab(renderer, SYNC_LOG);
      expect(calls.slice(1)).toEqual([{ key: 'listJobs', payload: {} }]);
      const table = () => allOf(panel(renderer, SYNC_LOG), DynamicTable)[0]!;
      expect(table().props.rows.map((r: { key: string }) => r.key)).toEqual(['job-2']);
      expect(textOf(table())).toContain('No result maps to a linked Xray Test.');

      await click(button(renderer, 'Load more'));
      expect(calls[2]).toEqual({ key: 'listJobs', payload: { cursor: 'c2' } });
      expect(table().props.rows.map((r: { key: string }) => r.key)).toEqual(['job-2', 'job-1']);
      expect(buttons(renderer, 'Load more')).toHaveLength(0);

      await click(buttons(renderer, 'Details')[0]!);
      expect(textOf(renderer)).toContain('700, 701');
      expect(textOf(renderer)).toContain('Second problem.');

      expect(buttons(renderer, 'Retry')).toHaveLength(1);
      await click(button(renderer, 'Retry'));
      expect(calls[3]).toEqual({ key: 'retryJob', payload: { jobId: 'job-2' } });
      expect(table().props.rows.map((r: { key: string }) => r.key)).toEqual(['job-2', 'job-1']);
      expect(textOf(table())).not.toContain('failed');
      expect(buttons(renderer, 'Retry')).toHaveLength(0);
    });

    it('shows a retry error and keeps the row', async () => {
      const { renderer } = await openAdmin({
        getSettings: [ok(settingsView())],
        listJobs: [ok({ jobs: [job({ state: 'partial' })] })],
        retryJob: [fail('rate_limited', 'Xray is busy. Try again later.')],
      });
      await selectTab(renderer, SYNC_LOG);
      await click(button(renderer, 'Retry'));
      expect(messages(renderer, 'error')).toEqual(['Xray is busy. Try again later.']);
      expect(textOf(allOf(panel(renderer, SYNC_LOG), DynamicTable)[0]!)).toContain('partial');
    });
  });
});
