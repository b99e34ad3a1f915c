/**
 * What a Test Execution carries (contract section 8) over real loopback HTTP: results posted to the sandbox's web
 * trigger (or pulled from the Testsigma emulator), the real sync, and the Xray and Jira emulators read back as a user
 * would see them: data-driven iterations, the build as the Revision, the version as a fixVersion, and runs sent into
 * an existing Test Execution.
 */
import { invokeResolver, Sandbox } from '../../sandbox/host';
import { DEMO_ADMIN, DEMO_TESTER, DemoSite } from '../../sandbox/demo';
import { useDemoSite } from '../support/demo-site';
import { REVISION_FIELD } from '../../sandbox/emulators/world';
import type { Envelope, PanelView, SettingsView } from '../../src/shared/types';

let sb: Sandbox;
let demo: DemoSite;

const { t, post } = useDemoSite((site, seeded) => {
  sb = site;
  demo = seeded;
});

/** The run's one Test Execution as Jira holds it. */
function onlyExecution() {
  const execs = sb.world.listTestExecutions();
  expect(execs).toHaveLength(1);
  return sb.world.findIssue(execs[0]!.key)!;
}

async function saveSettings(payload: unknown): Promise<Envelope<SettingsView>> {
  return invokeResolver<SettingsView>(sb, 'admin', { key: 'saveSettings', payload, accountId: DEMO_ADMIN });
}

async function panel(issue: { id: string; key: string }): Promise<PanelView> {
  const env = await invokeResolver<PanelView>(sb, 'panel', { key: 'getPanel', payload: { refresh: true }, accountId: DEMO_TESTER, issue });
  if (!env.ok) throw new Error(env.error.message);
  return env.data;
}

describe('data-driven results', () => {
  it('become the test run\'s iterations with their parameters, and the test\'s status is the worst of them', async () => {
    const job = await post({
      runId: 'dd-1',
      results: [
        {
          testCaseId: t(0).caseId,
          status: 'SUCCESS',
          iterations: [
            { name: 'EU card', status: 'SUCCESS', parameters: { country: 'DE', card: '4111' } },
            { name: 'US card', status: 'FAILURE', parameters: { country: 'US', card: '5500' } },
          ],
        },
        { testCaseId: t(1).caseId, status: 'SUCCESS', iterations: [{ status: 'SUCCESS' }, { status: 'PASSED' }] },
      ],
    });
    expect(job).toMatchObject({ state: 'succeeded', counts: { received: 2, synced: 2 }, statuses: { FAILED: 1, PASSED: 1 } });
    const exec = onlyExecution();
    const run = sb.world.findRun(t(0).id, exec.id)!;
    expect(run.status).toBe('FAILED');
    expect(run.iterations).toEqual([
      expect.objectContaining({ name: 'EU card', status: 'PASSED', parameters: [{ name: 'country', value: 'DE' }, { name: 'card', value: '4111' }] }),
      expect.objectContaining({ name: 'US card', status: 'FAILED', parameters: [{ name: 'country', value: 'US' }, { name: 'card', value: '5500' }] }),
    ]);
    expect(sb.world.findRun(t(1).id, exec.id)!.iterations.map((i) => i.status)).toEqual(['PASSED', 'PASSED']);
    // The panel keeps the status that was sent: the worst iteration's.
    expect((await panel(t(0))).links[0]!.lastResult).toMatchObject({ status: 'FAILED', runId: 'dd-1' });
  });

  it('an iteration with a word the app does not know is a 400 naming its path', async () => {
    const res = await fetch(demo.webtrigger.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${demo.webtrigger.secret}` },
      body: JSON.stringify({ runId: 'dd-2', results: [{ testCaseId: t(0).caseId, status: 'SUCCESS', iterations: [{ status: 'MAYBE' }] }] }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { details: Array<{ path: string }> } };
    expect(body.error.details.map((d) => d.path)).toContain('results[0].iterations[0].status');
    expect(sb.world.listTestExecutions()).toHaveLength(0);
  });

  it('pull mode: Testsigma\'s iterationResults become iterations named by their data set, and the build its Revision', async () => {
    const ts = sb.testsigma.state;
    ts.addTestCase({ id: 601, name: 'Sign in with a valid password', suiteIds: [55], dataSets: ['admin user', 'guest user'] });
    const run = ts.triggerRun(274, 'build-77')!;
    ts.completeRun(run.id);
    ts.setIterationResults(run.id, 601, ['SUCCESS', 'FAILURE']);
    const job = await post({ testsigmaRunId: String(run.id) });
    expect(job.state).not.toBe('failed');
    const exec = onlyExecution();
    const r = sb.world.findRun(t(0).id, exec.id)!;
    expect(r.iterations.map((i) => [i.name, i.status])).toEqual([
      ['admin user', 'PASSED'],
      ['guest user', 'FAILED'],
    ]);
    expect(r.status).toBe('FAILED');
    expect(exec.extraFields?.[REVISION_FIELD.id]).toBe('build-77');
    // Back to Testsigma: the description links the run (its app_url).
    expect(String(exec.description)).toContain(`https://app.testsigma.com/ui/td/runs/${run.id}`);
  });
});

describe('the Test Execution\'s fields', () => {
  it('buildNo becomes its Revision and version a fixVersion', async () => {
    sb.world.addVersion(demo.projectKey, '1.4.2');
    const job = await post({ runId: 'rel-1', buildNo: 'b-901', version: '1.4.2', results: [{ testCaseId: t(0).caseId, status: 'SUCCESS' }] });
    expect(job.state).toBe('succeeded');
    const exec = onlyExecution();
    expect(exec.extraFields).toMatchObject({ [REVISION_FIELD.id]: 'b-901', fixVersions: [{ name: '1.4.2' }] });
  });

  it('a version the project lacks: the run syncs without it, and the job says which version Jira refused', async () => {
    const job = await post({ runId: 'rel-2', version: '9.9.9', results: [{ testCaseId: t(0).caseId, status: 'SUCCESS' }] });
    expect(job.state).toBe('succeeded');
    expect(job.errors.join(' ')).toContain('9.9.9');
    expect(onlyExecution().extraFields?.fixVersions).toBeUndefined();
  });
});

describe('an existing Test Execution', () => {
  it('testExecutionKey puts the run into it, and later deliveries of the run follow it', async () => {
    const existing = sb.world.createIssue({ projectKey: demo.projectKey, type: 'Test Execution', summary: 'Sprint 12 regression' });
    const first = await post({ runId: 'ex-1', testExecutionKey: existing.key, results: [{ testCaseId: t(0).caseId, status: 'SUCCESS' }] });
    expect(first).toMatchObject({ state: 'succeeded', testExecutionKey: existing.key });
    const second = await post({ runId: 'ex-1', results: [{ testCaseId: t(1).caseId, status: 'FAILURE' }] });
    expect(second).toMatchObject({ state: 'succeeded', testExecutionKey: existing.key });
    expect(sb.world.listTestExecutions().map((e) => e.key)).toEqual([existing.key]);
    expect(sb.world.findRun(t(0).id, existing.id)?.status).toBe('PASSED');
    expect(sb.world.findRun(t(1).id, existing.id)?.status).toBe('FAILED');
  });

  it('a key that is no Test Execution fails the job naming it, and creates nothing', async () => {
    const job = await post({ runId: 'ex-2', testExecutionKey: t(2).key, results: [{ testCaseId: t(0).caseId, status: 'SUCCESS' }] });
    expect(job.state).toBe('failed');
    expect(job.errors.join(' ')).toContain(t(2).key);
    expect(sb.world.listTestExecutions()).toHaveLength(0);
  });

  it('a key that is not a Jira issue key is a 400 naming the field', async () => {
    const res = await fetch(demo.webtrigger.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${demo.webtrigger.secret}` },
      body: JSON.stringify({ runId: 'ex-3', testExecutionKey: 'not a key', results: [{ testCaseId: t(0).caseId, status: 'SUCCESS' }] }),
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain('testExecutionKey');
  });
});

describe('the Test Execution template', () => {
  const ENV_TYPE = { id: 'customfield_10050', name: 'Environment type', allowedValues: ['QA', 'Staging'] };

  it('a required custom field missing from the template refuses the import with a job error naming it; set in the template, the run syncs', async () => {
    sb.world.requireField(demo.projectKey, 'Test Execution', ENV_TYPE);
    const refused = await post({ runId: 'tpl-1', results: [{ testCaseId: t(0).caseId, status: 'SUCCESS' }] });
    expect(refused.state).toBe('failed');
    expect(refused.errors.join(' ')).toContain('customfield_10050');
    expect(refused.counts).toMatchObject({ synced: 0, failed: 1 });
    expect(sb.world.listTestExecutions()).toHaveLength(0);

    const saved = await saveSettings({ testExecution: { fields: { customfield_10050: { value: 'QA' } } } });
    expect(saved.ok).toBe(true);
    const job = await post({ runId: 'tpl-1', results: [{ testCaseId: t(0).caseId, status: 'SUCCESS' }] });
    expect(job.state).toBe('succeeded');
    expect(onlyExecution().extraFields).toMatchObject({ customfield_10050: { value: 'QA' } });
  });

  it('fixVersions, labels and components of the template land on every Test Execution, beside the run\'s mark', async () => {
    sb.world.addVersion(demo.projectKey, '1.4');
    sb.world.addComponent(demo.projectKey, 'Checkout');
    const saved = await saveSettings({ defaultProjectKey: demo.projectKey, testExecution: { fixVersions: ['1.4'], labels: ['nightly'], components: ['Checkout'] } });
    expect(saved.ok && saved.data.testExecution).toEqual({ fixVersions: ['1.4'], labels: ['nightly'], components: ['Checkout'] });
    await post({ runId: 'tpl-2', results: [{ testCaseId: t(0).caseId, status: 'SUCCESS' }] });
    const exec = onlyExecution();
    expect(exec.extraFields).toMatchObject({ fixVersions: [{ name: '1.4' }], components: [{ name: 'Checkout' }] });
    expect(exec.labels).toContain('nightly');
    expect(exec.labels.length).toBe(2);
  });

  it('saveSettings checks it against the default project\'s create metadata: each problem names its field, and nothing is stored', async () => {
    sb.world.requireField(demo.projectKey, 'Test Execution', ENV_TYPE);
    const base = { defaultProjectKey: demo.projectKey };
    const cases: Array<[unknown, string]> = [
      [{ ...base, testExecution: { labels: ['nightly'] } }, 'testExecution.fields.customfield_10050'],
      [{ ...base, testExecution: { fields: { customfield_10050: { value: 'Prod' } } } }, 'testExecution.fields.customfield_10050'],
      [{ ...base, testExecution: { fields: { customfield_10050: { value: 'QA' }, customfield_99999: 'x' } } }, 'testExecution.fields.customfield_99999'],
      [{ ...base, testExecution: { fields: { customfield_10050: { value: 'QA' } }, fixVersions: ['7.0'] } }, 'testExecution.fixVersions'],
      [{ ...base, testExecution: { fields: { summary: 'mine' } } }, 'testExecution.fields.summary'],
      [{ createTests: { enabled: true } }, 'createTests.projectKey'],
    ];
    for (const [payload, field] of cases) {
      const env = await saveSettings(payload);
      expect(env.ok).toBe(false);
      if (!env.ok) {
        expect(env.error.code).toBe('invalid_settings');
        expect(env.error.message).toContain(field);
      }
    }
    const view = await invokeResolver<SettingsView>(sb, 'admin', { key: 'getSettings', payload: {}, accountId: DEMO_ADMIN });
    expect(view.ok && view.data.testExecution).toBeUndefined();
    // The admin page's pickers read the same metadata.
    const listed = await invokeResolver<{ fields: Array<{ id: string; required: boolean; allowedValues?: string[] }> }>(sb, 'admin', {
      key: 'listExecutionFields',
      payload: { projectKey: demo.projectKey },
      accountId: DEMO_ADMIN,
    });
    expect(listed.ok && listed.data.fields.find((f) => f.id === 'customfield_10050')).toMatchObject({ required: true, allowedValues: ['QA', 'Staging'] });
    expect(listed.ok && listed.data.fields.map((f) => f.id)).not.toContain('summary');
    // By name works too: the admin page's pickers offer names, and the app sends the field's id.
    const ok = await saveSettings({ ...base, testExecution: { fields: { 'Environment type': { value: 'Staging' } } } });
    expect(ok.ok).toBe(true);
  });
});

describe('split by machine', () => {
  const machines = (runId: string) => ({
    runId,
    results: [
      { testCaseId: t(0).caseId, status: 'SUCCESS', machine: 'Chrome' },
      { testCaseId: t(0).caseId, status: 'FAILURE', machine: 'Firefox', message: 'layout broke' },
      { testCaseId: t(1).caseId, status: 'SUCCESS', machine: 'Chrome' },
      { testCaseId: t(1).caseId, status: 'SUCCESS', machine: 'Firefox' },
    ],
  });

  it('gives one Test Execution per machine, each with its machine as environment, and one per machine again on re-delivery', async () => {
    expect((await saveSettings({ testExecution: { splitByMachine: true } })).ok).toBe(true);
    const job = await post(machines('sm-1'));
    expect(job).toMatchObject({ state: 'succeeded', counts: { received: 2, synced: 2, unmapped: 0, failed: 0 }, statuses: { FAILED: 1, PASSED: 1 } });
    expect(job.testExecutionKeys).toHaveLength(2);
    expect(job.testExecutionKey).toBe(job.testExecutionKeys![0]);
    const [chrome, firefox] = job.testExecutionKeys!.map((k) => sb.world.findIssue(k)!);
    expect(sb.world.executionEnvironmentsOf(chrome!.id)).toEqual(['Chrome']);
    expect(sb.world.executionEnvironmentsOf(firefox!.id)).toEqual(['Firefox']);
    expect(sb.world.findRun(t(0).id, chrome!.id)?.status).toBe('PASSED');
    expect(sb.world.findRun(t(0).id, firefox!.id)?.status).toBe('FAILED');

    const again = await post(machines('sm-1'));
    expect(again.testExecutionKeys).toEqual(job.testExecutionKeys);
    expect(sb.world.listTestExecutions()).toHaveLength(2);

    // The case's history keeps one entry for the run: its worst status, with that machine's Test Execution.
    const link = (await panel(t(0))).links[0]!;
    expect(link.lastResult).toMatchObject({ status: 'FAILED', runId: 'sm-1', testExecutionKey: firefox!.key });
    expect(link.history?.filter((h) => h.runId === 'sm-1')).toHaveLength(1);
  });

  it('an attempt in a later delivery of a split run joins the attempts stored for that machine\'s test', async () => {
    expect((await saveSettings({ testExecution: { splitByMachine: true } })).ok).toBe(true);
    const first = await post({ runId: 'sm-4', results: [{ testCaseId: t(0).caseId, status: 'FAILURE', attempt: 1, machine: 'Chrome', message: 'timed out' }] });
    const second = await post({ runId: 'sm-4', results: [{ testCaseId: t(0).caseId, status: 'SUCCESS', attempt: 2, machine: 'Chrome' }] });
    expect(second.testExecutionKeys).toEqual(first.testExecutionKeys);
    const chrome = sb.world.findIssue(first.testExecutionKey!)!;
    expect(sb.world.findRun(t(0).id, chrome.id)).toMatchObject({ status: 'PASSED', comment: 'Passed on attempt 2 of 2.\nAttempt 1: FAILED. timed out' });
    expect((await panel(t(0))).links[0]).toMatchObject({ flaky: true, lastResult: { status: 'PASSED', runId: 'sm-4', attempts: 2 } });
  });

  it('machines sent in separate deliveries of a split run: the case keeps its worst machine\'s result, whichever came last', async () => {
    expect((await saveSettings({ testExecution: { splitByMachine: true } })).ok).toBe(true);
    const firefox = await post({ runId: 'sm-5', results: [{ testCaseId: t(0).caseId, status: 'FAILURE', machine: 'Firefox', message: 'layout broke' }] });
    await post({ runId: 'sm-5', results: [{ testCaseId: t(0).caseId, status: 'SUCCESS', machine: 'Chrome' }] });
    const link = (await panel(t(0))).links[0]!;
    expect(link.lastResult).toMatchObject({ status: 'FAILED', runId: 'sm-5', testExecutionKey: firefox.testExecutionKey });
    expect(link.history?.filter((h) => h.runId === 'sm-5').map((h) => h.status)).toEqual(['FAILED']);
  });

  it('one machine\'s import refused by Xray: the others\' results stay synced, and the job is partly synced saying why', async () => {
    expect((await saveSettings({ testExecution: { splitByMachine: true } })).ok).toBe(true);
    // Chrome's import goes through; Firefox's, the second, is refused.
    sb.xray.faults.inject({ endpoint: 'multipart', kind: '400', after: 1 });
    const job = await post({
      runId: 'sm-6',
      results: [
        { testCaseId: t(0).caseId, status: 'SUCCESS', machine: 'Chrome' },
        { testCaseId: t(1).caseId, status: 'SUCCESS', machine: 'Chrome' },
        { testCaseId: t(1).caseId, status: 'FAILURE', machine: 'Firefox' },
        { testCaseId: t(2).caseId, status: 'FAILURE', machine: 'Firefox' },
      ],
    });
    expect(job).toMatchObject({ state: 'partial', counts: { received: 3, synced: 2, failed: 1 } });
    expect(job.testExecutionKeys).toHaveLength(1);
    expect(job.errors.join(' ')).toContain('refused');
    expect((await panel(t(0))).links[0]!.lastResult).toMatchObject({ status: 'PASSED', runId: 'sm-6', testExecutionKey: job.testExecutionKey });
  });

  it('one machine\'s import failing for a moment (Xray 503) retries the job, and every machine ends synced', async () => {
    expect((await saveSettings({ testExecution: { splitByMachine: true } })).ok).toBe(true);
    // Creating Firefox's Test Execution: its answer lost twice, then found again.
    sb.xray.faults.inject({ endpoint: 'multipart', kind: '503', after: 1, count: 2 });
    const job = await post(machines('sm-7'));
    expect(job).toMatchObject({ state: 'succeeded', counts: { received: 2, synced: 2, failed: 0 } });
    expect(job.testExecutionKeys).toHaveLength(2);
    // Delivering into both again: Firefox's import answers 503 more often than the client tries within one attempt.
    sb.xray.faults.inject({ endpoint: 'multipart', kind: '503', after: 1, count: 4 });
    const again = await post(machines('sm-7'));
    expect(again).toMatchObject({ state: 'succeeded', counts: { received: 2, synced: 2, failed: 0 }, testExecutionKeys: job.testExecutionKeys });
    expect(sb.world.listTestExecutions()).toHaveLength(2);
  });

  it('one machine\'s Test Execution that Xray never creates leaves the job partly synced, the other machine in Xray', async () => {
    expect((await saveSettings({ testExecution: { splitByMachine: true } })).ok).toBe(true);
    sb.xray.faults.inject({ endpoint: 'multipart', kind: '503', after: 1, count: 1000 });
    const job = await post(machines('sm-8'));
    expect(job).toMatchObject({ state: 'partial', counts: { received: 2, synced: 2 } });
    expect(job.testExecutionKeys).toHaveLength(1);
    expect(job.errors.join(' ')).toContain('did not create the Test Execution');
  });

  it('a testExecutionKey in the body turns the split off for that run', async () => {
    expect((await saveSettings({ testExecution: { splitByMachine: true } })).ok).toBe(true);
    const existing = sb.world.createIssue({ projectKey: demo.projectKey, type: 'Test Execution', summary: 'All browsers' });
    const job = await post({ ...machines('sm-2'), testExecutionKey: existing.key });
    expect(job.testExecutionKey).toBe(existing.key);
    expect(job.testExecutionKeys).toBeUndefined();
    expect(sb.world.listTestExecutions()).toHaveLength(1);
    // A later delivery of the run without the key follows the named Test Execution, as every delivery of a run does.
    const later = await post(machines('sm-2'));
    expect(later).toMatchObject({ state: 'succeeded', testExecutionKey: existing.key });
    expect(later.testExecutionKeys).toBeUndefined();
    expect(sb.world.listTestExecutions()).toHaveLength(1);
  });

  it('off by default: a run\'s machines share one Test Execution, each test with its worst status', async () => {
    const job = await post(machines('sm-3'));
    expect(job.testExecutionKeys).toBeUndefined();
    expect(sb.world.findRun(t(0).id, onlyExecution().id)?.status).toBe('FAILED');
  });
});
