/**
 * The backend answers in the caller's language (contract sections 2 and 3): resolver messages in the resolver
 * context's locale, the sync log's job problems in the admin's, `GET ?job=` in English. Over HTTP through the
 * sandbox: its resolver endpoint, the Jira, Xray and Testsigma emulators, the real web trigger and consumer.
 */
import { createHmac } from 'node:crypto';
import { invokeResolver, startSandbox, type Sandbox } from '../../sandbox/host';
import { SettingsStore } from '../../src/store/settings-store';
import { JobStore, type JobRecord } from '../../src/store/job-store';
import { DEFAULT_SETTINGS } from '../../src/domain/settings';
import type { ConnectionReport, JobView, PanelView } from '../../src/shared/types';

const SECRET = 'languages-webtrigger-secret-0123456789';
const ADMIN = 'admin-greta';
const ALICE = 'alice-editor';
const BOB = 'bob-viewer';

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

async function start() {
  const s = await startSandbox({ xrayDataRegion: 'eu', queueMsPerSecond: 1 });
  s.world.createProject({ key: 'PROJ' });
  s.world.createProject({ key: 'SECRET' });
  for (const accountId of [ADMIN, ALICE, BOB]) {
    s.world.addAccount({ accountId });
    s.world.grant(accountId, 'BROWSE_PROJECTS', 'PROJ');
  }
  s.world.grant(ADMIN, 'ADMINISTER');
  s.world.grant(ALICE, 'EDIT_ISSUES', 'PROJ');
  const settings = new SettingsStore(s.kvs);
  await settings.put({ ...DEFAULT_SETTINGS, xray: { region: 'eu', clientId: s.xrayCredentials.clientId, requestsPer5Minutes: 300 } });
  await settings.setSecret('xrayClientSecret', s.xrayCredentials.clientSecret);
  await settings.setSecret('webtriggerSecret', SECRET);
  const test1 = s.world.createIssue({ projectKey: 'PROJ', type: 'Test', summary: 'Login works' });
  const test2 = s.world.createIssue({ projectKey: 'PROJ', type: 'Test', summary: 'Logout works' });
  const task = s.world.createIssue({ projectKey: 'PROJ', type: 'Task', summary: 'Not a test' });
  const hidden = s.world.createIssue({ projectKey: 'SECRET', type: 'Test', summary: 'Hidden' });
  return { s, test1, test2, task, hidden };
}

function panel(s: Sandbox, key: string, accountId: string, issue: { id: string; key: string }, locale?: string, payload: unknown = {}) {
  return invokeResolver<PanelView>(s, 'panel', { key, payload, accountId, issue, ...(locale ? { locale } : {}) });
}
function admin<T>(s: Sandbox, key: string, accountId: string, locale?: string, payload: unknown = {}) {
  return invokeResolver<T>(s, 'admin', { key, payload, accountId, ...(locale ? { locale } : {}) });
}
function error(answer: { ok: boolean; error?: { code: string; message: string } }) {
  if (answer.ok || !answer.error) throw new Error('expected an error');
  return answer.error;
}

function signed(method: string, body: string, query: Record<string, string[]> = {}) {
  const t = String(Math.floor(Date.now() / 1000));
  const v1 = createHmac('sha256', SECRET).update(`${t}.${body}`).digest('hex');
  return { method, body, headers: { 'content-type': ['application/json'], 'x-signature': [`t=${t},v1=${v1}`] }, queryParameters: query };
}

/** The job as the web trigger reports it once the queue has nothing left to run (an event, not a polling deadline). */
async function settledJob(s: Sandbox, jobId: string): Promise<JobView> {
  await s.queue.idle();
  return JSON.parse((await s.app.webtrigger(signed('GET', '', { job: [jobId] }))).body) as JobView;
}

describe('resolver messages in the caller\'s language', () => {
  it('a German panel user reads each refusal in German, naming the same ids and keys', async () => {
    const { s, test1, test2, task, hidden } = await start();
    sb = s;
    expect(error(await panel(s, 'link', ALICE, test1, 'de-DE', { testsigmaId: 'abc' }))).toEqual({
      code: 'invalid_id',
      message: '"abc" ist weder eine Testsigma-ID (nur Ziffern) noch eine URL.',
    });
    expect(error(await panel(s, 'getPanel', ALICE, task, 'de-DE'))).toEqual({
      code: 'not_xray_issue',
      message: `${task.key} ist ein Vorgang vom Typ Task, kein Xray-Test, -Test Set oder -Test Plan. Falls Ihre Site die Vorgangstypen von Xray umbenannt hat, kann ein Jira-Administrator die Namen in den Einstellungen der App eintragen.`,
    });
    expect((await panel(s, 'link', ALICE, test1, 'de-DE', { testsigmaId: '609' })).ok).toBe(true);
    expect(error(await panel(s, 'link', ALICE, test2, 'de-DE', { testsigmaId: '609' }))).toEqual({
      code: 'already_linked',
      message: `Testsigma-Testfall 609 ist bereits mit ${test1.key} verknüpft. Heben Sie die Verknüpfung dort zuerst auf.`,
    });
    expect(error(await panel(s, 'unlink', ALICE, test2, 'de-DE', { testsigmaId: '610' }))).toEqual({
      code: 'not_linked',
      message: `Testsigma-Testfall 610 ist nicht mit ${test2.key} verknüpft. Aktualisieren Sie das Panel, um die aktuellen Verknüpfungen zu sehen.`,
    });
    expect(error(await panel(s, 'link', BOB, test1, 'de-DE', { testsigmaId: '611' }))).toEqual({
      code: 'forbidden',
      message: `Sie brauchen die Berechtigung, ${test1.key} zu bearbeiten, um seine Testsigma-Verknüpfungen zu ändern. Bitten Sie einen Projektadministrator um die Berechtigung „Vorgänge bearbeiten“.`,
    });
    expect(error(await panel(s, 'getPanel', BOB, hidden, 'de-DE'))).toEqual({
      code: 'not_found',
      message: 'Dieser Vorgang existiert nicht, oder Sie haben keine Berechtigung, ihn zu sehen.',
    });
  });

  it('another German locale reads German; a language the app lacks, and no locale, read English', async () => {
    const { s, test1 } = await start();
    sb = s;
    const bad = { testsigmaId: '0' };
    expect(error(await panel(s, 'link', ALICE, test1, 'de-AT', bad)).message).toBe('Eine Testsigma-ID ist eine positive Zahl; 0 ist keine.');
    expect(error(await panel(s, 'link', ALICE, test1, 'de_DE', bad)).message).toBe('Eine Testsigma-ID ist eine positive Zahl; 0 ist keine.');
    expect(error(await panel(s, 'link', ALICE, test1, 'fr-FR', bad)).message).toBe('A Testsigma id is a positive number; 0 is not one.');
    expect(error(await panel(s, 'link', ALICE, test1, undefined, bad)).message).toBe('A Testsigma id is a positive number; 0 is not one.');
  });

  it('a German admin reads forbidden, settings problems and the connection test in German', async () => {
    const { s } = await start();
    sb = s;
    expect(error(await admin(s, 'getSettings', BOB, 'de-DE'))).toEqual({
      code: 'forbidden',
      message: 'Nur Jira-Administratoren können die Einstellungen der Testsigma-App ändern.',
    });
    expect(error(await admin(s, 'saveSettings', ADMIN, 'de-DE', { xray: { requestsPer5Minutes: 5 } }))).toEqual({
      code: 'invalid_settings',
      message: 'xray.requestsPer5Minutes: Das Xray-Anfragebudget muss mindestens 10 Anfragen pro 5 Minuten betragen.',
    });
    expect(error(await admin(s, 'saveSettings', ADMIN, 'de-DE', { attachEvidences: true }))).toEqual({
      code: 'invalid_settings',
      message: 'attachEvidences: Unbekannte Einstellung. Prüfen Sie die Schreibweise.',
    });
    expect(error(await admin(s, 'saveSettings', ADMIN, 'de-DE', { defaultProjectKey: 'NOPE' }))).toEqual({
      code: 'invalid_settings',
      message: 'defaultProjectKey: Das Projekt NOPE existiert nicht, oder Sie können es nicht sehen.',
    });
    expect(error(await admin(s, 'listIssueTypes', ADMIN, 'de-DE', { projectKey: 'NOPE' }))).toEqual({
      code: 'not_found',
      message: 'Das Projekt NOPE existiert nicht, oder Sie können es nicht sehen.',
    });
    const report = await admin<ConnectionReport>(s, 'testConnection', ADMIN, 'de-DE');
    if (!report.ok) throw new Error(report.error.message);
    expect(report.data.xray.ok).toBe(true);
    expect(report.data.xray.message).toMatch(/^Mit Xray Cloud in der Region EU \(eu\.xray\.cloud\.getxray\.app\) verbunden/);
    expect(report.data.testsigma).toEqual({
      ok: false,
      message: 'Kein Testsigma-API-Schlüssel gesetzt (optional: nötig für Namen im Panel und den Pull-Modus).',
    });
  });
});

describe('job problems: the admin\'s language in the sync log, English for the executor', () => {
  it('listJobs and retryJob read a failed job in German; GET ?job= reads the same job in English', async () => {
    const { s } = await start();
    sb = s;
    const body = JSON.stringify({ runId: 'r-77', results: [{ testCaseId: '901', status: 'SUCCESS' }, { testCaseId: '902', status: 'FAILURE' }] });
    const posted = await s.app.webtrigger(signed('POST', body));
    expect(posted.statusCode).toBe(202);
    const { jobId } = JSON.parse(posted.body) as { jobId: string };
    const english = await settledJob(s, jobId);
    expect(english.state).toBe('failed');
    expect(english.errors).toEqual([
      "None of the 2 test cases in this delivery are linked to an Xray Test (Testsigma test cases 901, 902). Link them on their Xray Tests' Testsigma panel, then retry this job.",
    ]);

    const listed = await admin<{ jobs: JobView[] }>(s, 'listJobs', ADMIN, 'de-DE');
    if (!listed.ok) throw new Error(listed.error.message);
    expect(listed.data.jobs.find((j) => j.jobId === jobId)?.errors).toEqual([
      'Keiner der 2 Testfälle dieser Übermittlung ist mit einem Xray-Test verknüpft (Testsigma-Testfälle 901, 902). Verknüpfen Sie sie im Testsigma-Panel ihrer Xray-Tests und wiederholen Sie dann diesen Job.',
    ]);
    const listedEnglish = await admin<{ jobs: JobView[] }>(s, 'listJobs', ADMIN, 'en-US');
    expect(listedEnglish.ok && listedEnglish.data.jobs.find((j) => j.jobId === jobId)?.errors).toEqual(english.errors);

    // The store keeps the code and its parameters, not a sentence in anyone's language.
    const stored = await new JobStore(s.kvs).get(jobId);
    expect(stored?.errors).toEqual([{ key: 'jobErrors.noneLinked', params: { count: 2, ids: '901, 902' } }]);

    expect(error(await admin(s, 'retryJob', ADMIN, 'de-DE', { jobId: 'zzzzzzzzz00000000' }))).toEqual({
      code: 'not_found',
      message: 'Der Job zzzzzzzzz00000000 existiert nicht (Jobs werden 30 Tage aufbewahrt). Laden Sie das Synchronisierungsprotokoll neu.',
    });
  });

  it('retryJob answers the job with its intake warnings in German', async () => {
    const { s } = await start();
    sb = s;
    const body = JSON.stringify({ runId: 'r-78', results: [{ testCaseId: '905', status: 'FAILURE', message: 'x'.repeat(32_001) }] });
    const posted = await s.app.webtrigger(signed('POST', body));
    const { jobId } = JSON.parse(posted.body) as { jobId: string };
    const english = await settledJob(s, jobId);
    expect(english.state).toBe('failed');
    expect(english.errors[0]).toBe('The message of Testsigma test case 905 was cut to 32,000 characters.');
    const retried = await admin<JobView>(s, 'retryJob', ADMIN, 'de-DE', { jobId });
    if (!retried.ok) throw new Error(retried.error.message);
    expect(retried.data.state).toBe('queued');
    expect(retried.data.errors).toEqual(['Die Meldung des Testsigma-Testfalls 905 wurde auf 32.000 Zeichen gekürzt.']);
  });

  it('a job stored by an earlier version, with plain English problems, reads as it was in every language', async () => {
    const { s } = await start();
    sb = s;
    const now = new Date().toISOString();
    const old = {
      jobId: '0zzzzzzzzabcdef01',
      runId: 'old-1',
      state: 'partial',
      counts: { received: 2, synced: 1, unmapped: 1, failed: 0 },
      unmapped: ['903'],
      errors: ['1 attachment of Testsigma test case 609 was skipped: it is larger than 2 MiB.'],
      attempts: 1,
      createdAt: now,
      updatedAt: now,
      mode: 'push',
      deadline: Date.now(),
      intake: [],
      chunks: 1,
      attChunks: 0,
      retries: 0,
    } as JobRecord;
    await new JobStore(s.kvs).put(old);
    const listed = await admin<{ jobs: JobView[] }>(s, 'listJobs', ADMIN, 'de-DE');
    if (!listed.ok) throw new Error(listed.error.message);
    expect(listed.data.jobs.find((j) => j.jobId === old.jobId)?.errors).toEqual(old.errors);
    const got = JSON.parse((await s.app.webtrigger(signed('GET', '', { job: [old.jobId] }))).body) as JobView;
    expect(got.errors).toEqual(old.errors);
  });
});
