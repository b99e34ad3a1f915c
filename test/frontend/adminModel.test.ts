import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  connectionForm,
  connectionPatch,
  fieldOfError,
  isEmptyPatch,
  testsigmaStatus,
  xrayStatus,
  planOptions,
  secretPlaceholder,
} from '../../src/frontend/admin/connectionModel';
import {
  mappingFields,
  mappingPatch,
  newWordProblem,
  resetStatus,
  setStatus,
  statusRows,
  undoStatus,
} from '../../src/frontend/admin/mappingModel';
import { appendPage, replaceJob, truncate } from '../../src/frontend/admin/syncLogModel';
import { cliExample, curlBearerExample, curlSignedExample, envExample, shellQuote } from '../../src/frontend/admin/webtriggerExamples';
import { makeTranslator } from '../../src/frontend/common/translator';
import type { SettingsView } from '../../src/shared/types';
import { withReport } from '../../src/frontend/admin/setupModel';
import { job, settingsView } from './fixtures';

const settings: SettingsView = settingsView();
// The model's labels are keys: an echoing lookup shows which key and values each option asks for.
const t = makeTranslator((key) => `${key}|{count}`, 'en-US');

describe('connection model', () => {
  it('starts with empty secrets and patches nothing until something changes', () => {
    const form = connectionForm(settings);
    expect(form.clientSecret).toBe('');
    expect(isEmptyPatch(connectionPatch(form, settings))).toBe(true);
  });
  it('leaves blank secrets out, so the stored ones stay', () => {
    const form = { ...connectionForm(settings), clientSecret: '   ', apiKey: '' };
    expect(connectionPatch(form, settings)).toEqual({});
    expect(connectionPatch({ ...form, apiKey: 'k' }, settings)).toEqual({ testsigma: { apiKey: 'k' } });
  });
  it('merges per section', () => {
    const form = { ...connectionForm(settings), baseUrl: ' https://ts.example ', requestsPer5Minutes: 1000 };
    expect(connectionPatch(form, settings)).toEqual({
      xray: { requestsPer5Minutes: 1000 },
      testsigma: { baseUrl: 'https://ts.example' },
    });
  });
  it('keeps an unusual stored budget visible', () => {
    expect(planOptions(t, 300).map((o) => o.value)).toEqual([300, 1000]);
    expect(planOptions(t, 500)).toEqual([
      { label: 'admin.connection.plan.standard|300', value: 300 },
      { label: 'admin.connection.plan.enterprise|1,000', value: 1000 },
      { label: 'admin.connection.plan.custom|500', value: 500 },
    ]);
    expect(secretPlaceholder(t, true)).toBe('admin.connection.secretStored|{count}');
  });
});

describe('mapping model', () => {
  const stored = { ...settings.statusMap, STOPPED: 'TODO', BLOCKED: 'FAILED' };
  it('marks overrides and added words as resettable, defaults not', () => {
    const rows = statusRows(stored, {});
    const row = (w: string) => rows.find((r) => r.incoming === w)!;
    expect(row('SUCCESS').resettable).toBe(false);
    expect(row('STOPPED')).toMatchObject({ resettable: true, defaultStatus: 'ABORTED' });
    expect(row('BLOCKED')).toMatchObject({ resettable: true, defaultStatus: undefined });
  });
  it('edits, resets and undoes', () => {
    let edits = setStatus(stored, {}, 'QUEUED', 'EXECUTING');
    expect(edits).toEqual({ QUEUED: 'EXECUTING' });
    edits = setStatus(stored, edits, 'QUEUED', 'TODO');
    expect(edits).toEqual({});
    edits = resetStatus(stored, edits, 'STOPPED');
    expect(edits).toEqual({ STOPPED: '' });
    expect(statusRows(stored, edits).find((r) => r.incoming === 'STOPPED')).toMatchObject({ pendingReset: true, xray: '' });
    expect(undoStatus(edits, 'STOPPED')).toEqual({});
    // A word added in this session and then reset is simply forgotten.
    expect(resetStatus(stored, { NEWWORD: 'PASSED' }, 'NEWWORD')).toEqual({});
  });
  it('checks new words', () => {
    const rows = statusRows(stored, {});
    expect(newWordProblem(rows, ' ', 'PASSED')).toEqual({ key: 'admin.mapping.problem.noWord' });
    expect(newWordProblem(rows, 'blocked', 'PASSED')).toEqual({ key: 'admin.mapping.problem.exists', params: { word: 'BLOCKED' } });
    expect(newWordProblem(rows, 'skipped', '')).toEqual({ key: 'admin.mapping.problem.noStatus', params: { word: 'SKIPPED' } });
    expect(newWordProblem(rows, 'skipped', 'TODO')).toBeUndefined();
  });
  it('patches only changed fields', () => {
    const fields = mappingFields(settings);
    expect(mappingPatch(settings, {}, fields)).toEqual({});
    expect(
      mappingPatch(settings, {}, { ...fields, issueTypes: { ...fields.issueTypes, testPlan: ['Test Plan', ' ', 'Plan'] } }),
    ).toEqual({ issueTypes: { testPlan: ['Test Plan', 'Plan'] } });
    expect(mappingPatch(settings, {}, { ...fields, testExecutionType: 'Run' })).toEqual({ issueTypes: { testExecution: ['Run'] } });
    expect(mappingPatch(settings, {}, { ...fields, defectsProjectKey: 'QA', defectsIssueType: 'Defect' })).toEqual({
      defects: { projectKey: 'QA', issueType: 'Defect' },
    });
    const withProject = { ...settings, defaultProjectKey: 'QA' };
    expect(mappingPatch(withProject, {}, { ...mappingFields(withProject), defaultProjectKey: ' ' })).toEqual({
      defaultProjectKey: '',
    });
  });
});

describe('sync log model', () => {
  it('appends pages without duplicates and replaces retried jobs in place', () => {
    const a = job({ jobId: 'a' });
    const b = job({ jobId: 'b' });
    const b2 = job({ jobId: 'b', state: 'failed' });
    const c = job({ jobId: 'c' });
    expect(appendPage([a, b], [b2, c]).map((j) => [j.jobId, j.state])).toEqual([
      ['a', 'succeeded'],
      ['b', 'failed'],
      ['c', 'succeeded'],
    ]);
    expect(replaceJob([a, b], b2)[1]).toBe(b2);
    expect(truncate('x'.repeat(10), 5)).toBe('xxxx…');
  });
});

describe('web trigger examples', () => {
  it('quotes for the shell', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(envExample("https://u/it's", '<the secret>')).toBe(`export XTS_URL='https://u/it'\\''s'\nexport XTS_SECRET='<the secret>'`);
  });

  it('never carry the secret itself: they read $XTS_SECRET', () => {
    for (const example of [cliExample(), curlSignedExample(), curlBearerExample()]) expect(example).not.toMatch(/--secret/);
    expect(curlSignedExample()).toContain('"$XTS_SECRET"');
    expect(curlBearerExample()).toContain('Bearer $XTS_SECRET');
  });

  it('signs "<t>.<body>" with HMAC-SHA256 the way the web trigger checks it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xts-example-'));
    const body = '{"runId":"337","results":[{"testCaseId":"609","status":"SUCCESS"}]}';
    writeFileSync(join(dir, 'results.json'), body);
    const secret = "s3cr'et";
    // Run the example's signing lines, with curl replaced by printing what it would send.
    const script = [`XTS_SECRET=${shellQuote(secret)}`, ...curlSignedExample().split('\n')]
      .filter((line) => !line.startsWith('curl') && !line.startsWith('  -') && !line.startsWith('#'))
      .concat(['echo "$t $sig"'])
      .join('\n');
    const [t, sig] = execFileSync('bash', ['-c', script], { cwd: dir, encoding: 'utf8' }).trim().split(' ');
    expect(sig).toBe(createHmac('sha256', secret).update(`${t}.${body}`).digest('hex'));
  });
});

describe('connection statuses and where a refusal shows', () => {
  const base = settingsView();
  it('reads each section from the last test: connected with its time, failed, not tested, not set', () => {
    expect(xrayStatus({ ...base, setup: { xray: 'ok', testsigma: 'not_set', secretCreated: false, xrayTestedAt: '2026-11-25T10:00:00Z' } })).toEqual({ state: 'connected', testedAt: '2026-11-25T10:00:00Z' });
    expect(xrayStatus({ ...base, setup: { xray: 'failed', testsigma: 'not_set', secretCreated: false } })).toEqual({ state: 'failed' });
    expect(xrayStatus({ ...base, xray: { ...base.xray, clientId: 'client-1', hasClientSecret: true }, setup: { xray: 'unknown', testsigma: 'not_set', secretCreated: false } })).toEqual({ state: 'notTested' });
    expect(xrayStatus({ ...base, xray: { ...base.xray, clientId: '', hasClientSecret: false }, setup: { xray: 'unknown', testsigma: 'not_set', secretCreated: false } })).toEqual({ state: 'notSet' });
    // An optional key that is not there is "not set", never a failure, whatever the last test said.
    expect(testsigmaStatus({ ...base, testsigma: { ...base.testsigma, hasApiKey: false }, setup: { xray: 'ok', testsigma: 'failed', secretCreated: false } })).toEqual({ state: 'notSet' });
    expect(testsigmaStatus({ ...base, testsigma: { ...base.testsigma, hasApiKey: true }, setup: { xray: 'ok', testsigma: 'ok', secretCreated: false, testsigmaTestedAt: '2026-11-25T10:00:00Z' } })).toEqual({ state: 'connected', testedAt: '2026-11-25T10:00:00Z' });
  });

  it('puts a refused save under the field its message names, and anything else beside the buttons', () => {
    expect(fieldOfError({ code: 'invalid_settings', message: 'testsigma.baseUrl: The app may reach Testsigma only at app.testsigma.com.' })).toBe('testsigma-base-url');
    expect(fieldOfError({ code: 'invalid_settings', message: 'xray.clientSecret: Enter the secret.' })).toBe('xray-client-secret');
    expect(fieldOfError({ code: 'invalid_settings', message: 'defaultProjectKey: No project NOPE.' })).toBeUndefined();
    expect(fieldOfError({ code: 'internal', message: 'xray.clientId: something' })).toBeUndefined();
    expect(fieldOfError(undefined)).toBeUndefined();
  });
});

describe('a connection test on this page', () => {
  it('moves the checklist on and drops the previous test\'s times, which the page then says as "tested just now"', () => {
    const before = settingsView({ setup: { xray: 'failed', testsigma: 'failed', secretCreated: true, xrayTestedAt: '2026-11-20T10:00:00Z', testsigmaTestedAt: '2026-11-20T10:00:00Z' } });
    before.testsigma.hasApiKey = true;
    const after = withReport(before, { xray: { ok: true, message: 'Connected.', statuses: ['PASSED'] }, testsigma: { ok: true, message: 'Connected.' } }).setup;
    expect(after).toEqual({ xray: 'ok', testsigma: 'ok', secretCreated: true, xrayStatuses: ['PASSED'] });
  });
});
