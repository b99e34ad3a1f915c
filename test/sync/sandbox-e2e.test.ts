/**
 * The web trigger and the consumer end to end through the sandbox: the real Xray client against the Xray
 * emulator (multipart import, label, plan, environments, evidence, a lost answer), Jira's search with a lagging
 * index, and the Testsigma emulator for pull mode.
 */
import { createHmac } from 'node:crypto';
import { startSandbox, Sandbox } from '../../sandbox/host';
import { LinkStore } from '../../src/store/link-store';
import { SettingsStore } from '../../src/store/settings-store';
import { DEFAULT_SETTINGS } from '../../src/domain/settings';
import { siteRunLabel } from '../../src/sync/run-mark-secret';
import { retryJob } from '../../src/sync/retry-job';
import type { JobView } from '../../src/shared/types';

const SECRET = 'e2e-webtrigger-secret-0123456789';

/** The clock the app and the signatures read; a test whose waits are timed by the app's clock speeds it up. */
let now: () => number = Date.now;

/** A clock that runs a second for each real millisecond, as the sandbox's queue does with `queueMsPerSecond: 1`. */
function queueSpeedClock(): () => number {
  const start = Date.now();
  return () => start + (Date.now() - start) * 1000;
}

async function setUp(opts: { searchIndexLagMs?: number; attachEvidence?: boolean; now?: () => number } = {}) {
  now = opts.now ?? Date.now;
  const sb = await startSandbox({
    xrayDataRegion: 'eu',
    queueMsPerSecond: 1,
    ...(opts.searchIndexLagMs ? { searchIndexLagMs: opts.searchIndexLagMs } : {}),
    ...(opts.now ? { now: opts.now } : {}),
  });
  sb.world.createProject({ key: 'PROJ' });
  sb.world.createProject({ key: 'PLAN' });
  sb.world.addTestEnvironments('PLAN', ['Chrome']);
  const settings = new SettingsStore(sb.kvs);
  await settings.put({
    ...DEFAULT_SETTINGS,
    xray: { region: 'eu', clientId: sb.xrayCredentials.clientId, requestsPer5Minutes: 300 },
    testsigma: { baseUrl: 'https://app.testsigma.com' },
    attachEvidence: opts.attachEvidence ?? false,
  });
  await settings.setSecret('xrayClientSecret', sb.xrayCredentials.clientSecret);
  await settings.setSecret('testsigmaApiKey', sb.testsigmaApiKey);
  await settings.setSecret('webtriggerSecret', SECRET);
  return sb;
}

async function link(sb: Sandbox, type: 'Test' | 'Test Plan', projectKey: string, testsigmaId: string) {
  const issue = sb.world.createIssue({ projectKey, type, summary: `${type} for ${testsigmaId}` });
  const kind = type === 'Test' ? 'test' : 'testPlan';
  await new LinkStore(sb.kvs).claim({ issueId: issue.id, issueKind: kind, testsigmaKind: type === 'Test' ? 'testCase' : 'testPlan', testsigmaId, linkedBy: 'a', linkedAt: new Date().toISOString() });
  return issue;
}

function signed(method: string, body: string, query: Record<string, string[]> = {}) {
  // On the sped-up clock a signature's 300 s are 300 real ms, which a busy machine can spend between signing and
  // checking: send the secret as a bearer token there instead (the web trigger takes both).
  if (now !== Date.now) return { method, body, headers: { 'content-type': ['application/json'], authorization: [`Bearer ${SECRET}`] }, queryParameters: query };
  const t = String(Math.floor(now() / 1000));
  const v1 = createHmac('sha256', SECRET).update(`${t}.${body}`).digest('hex');
  return { method, body, headers: { 'content-type': ['application/json'], 'x-signature': [`t=${t},v1=${v1}`] }, queryParameters: query };
}

async function send(sb: Sandbox, payload: unknown): Promise<string> {
  const res = await sb.app.webtrigger(signed('POST', JSON.stringify(payload)));
  expect(res.statusCode).toBe(202);
  return (JSON.parse(res.body) as { jobId: string }).jobId;
}

async function job(sb: Sandbox, jobId: string): Promise<JobView> {
  const res = await sb.app.webtrigger(signed('GET', '', { job: [jobId] }));
  return JSON.parse(res.body) as JobView;
}

function executions(sb: Sandbox) {
  return sb.world.listIssues().filter((i) => sb.world.kindOf(i) === 'testExecution');
}

describe('end to end through the sandbox emulators', () => {
  let sb: Sandbox | undefined;
  afterEach(async () => {
    await sb?.close();
    sb = undefined;
  });

  test('two deliveries of one run: one Test Execution in the plan\'s project, labelled, attached to the plan', async () => {
    sb = await setUp({ attachEvidence: true });
    const t1 = await link(sb, 'Test', 'PROJ', '609');
    const t2 = await link(sb, 'Test', 'PROJ', '610');
    const plan = await link(sb, 'Test Plan', 'PLAN', '274');
    const log = Buffer.from('log line').toString('base64');
    const a = await send(sb, {
      runId: '337',
      testPlanId: '274',
      summary: 'Nightly regression',
      environments: ['Chrome'],
      startedAt: '2026-11-25T10:00:00Z',
      finishedAt: '2026-11-25T10:42:10Z',
      results: [{ testCaseId: '609', status: 'SUCCESS', message: 'fine', attachments: [{ filename: 'run.log', contentType: 'text/plain', data: log }] }, { testCaseId: '999', status: 'SUCCESS' }],
    });
    await sb.queue.idle();
    const b = await send(sb, {
      runId: '337',
      testPlanId: '274',
      results: [
        { testCaseId: '610', status: 'FAILURE' },
        { testCaseId: '609', status: 'SUCCESS', attachments: [{ filename: 'run.log', contentType: 'text/plain', data: log }, { filename: 'more.log', data: log }] },
      ],
    });
    await sb.queue.idle();
    expect(sb.consumerErrors).toEqual([]);
    const va = await job(sb, a);
    const vb = await job(sb, b);
    expect(va).toMatchObject({ state: 'partial', counts: { received: 2, synced: 1, unmapped: 1, failed: 0 }, unmapped: ['999'] });
    expect(vb).toMatchObject({ state: 'succeeded', testExecutionKey: va.testExecutionKey });
    const execs = executions(sb);
    expect(execs).toHaveLength(1);
    const exec = execs[0]!;
    expect(exec.key).toBe(va.testExecutionKey);
    expect(exec.key.startsWith('PLAN-')).toBe(true);
    expect(exec.labels).toEqual([await siteRunLabel(sb.kvs, '337')]);
    expect(exec.summary).toBe('Nightly regression');
    expect(sb.world.testPlansOfExecution(exec.id)).toEqual([plan.id]);
    expect(sb.world.executionEnvironmentsOf(exec.id)).toEqual(['Chrome']);
    const r1 = sb.world.findRun(t1.id, exec.id)!;
    const r2 = sb.world.findRun(t2.id, exec.id)!;
    expect(r1.status).toBe('PASSED');
    expect(r2.status).toBe('FAILED');
    expect(r1.evidence.map((e) => e.filename).sort()).toEqual(['more.log', 'run.log']);
  });

  test('an environment Xray does not know: recorded without it, with a warning', async () => {
    sb = await setUp();
    await link(sb, 'Test', 'PROJ', '1');
    const id = await send(sb, { runId: 'env-1', environments: ['Chrome', 'Nokia 3310'], results: [{ testCaseId: '1', status: 'PASSED' }] });
    await sb.queue.idle();
    const v = await job(sb, id);
    expect(v.state).toBe('succeeded');
    expect(v.errors.join(' ')).toMatch(/Nokia 3310/);
  });

  test('a lost answer with a lagging search index: found by its label, never a second execution', async () => {
    sb = await setUp({ searchIndexLagMs: 150 });
    await link(sb, 'Test', 'PROJ', '1');
    sb.xray.faults.inject({ endpoint: 'multipart', kind: 'lost' });
    const id = await send(sb, { runId: 'lost-1', results: [{ testCaseId: '1', status: 'SUCCESS' }] });
    await sb.queue.idle();
    expect(sb.consumerErrors).toEqual([]);
    const v = await job(sb, id);
    expect(v.state).toBe('succeeded');
    expect(executions(sb)).toHaveLength(1);
    expect(v.testExecutionKey).toBe(executions(sb)[0]!.key);
    // One create (whose answer was lost) and one update by key; the index lag made the first lookups miss.
    expect(sb.xray.counters.get('multipart')).toBe(1);
    expect(sb.xray.counters.get('import')).toBe(1);
    expect(v.attempts).toBeGreaterThan(1);
  });

  test('pull mode: waits for the Testsigma run, then records it against the linked plan', async () => {
    sb = await setUp();
    sb.testsigma.state.seedPlan({ id: 268, name: 'Regression', suites: [{ id: 197, name: 'Smoke', cases: [{ id: 413, name: 'Login' }, { id: 414, name: 'Logout' }] }] });
    const run = sb.testsigma.state.triggerRun(268, null)!;
    await link(sb, 'Test', 'PROJ', '413');
    await link(sb, 'Test Plan', 'PLAN', '268');
    const id = await send(sb, { testsigmaRunId: String(run.id) });
    // Let the first poll see an unfinished run, then finish it.
    await sb.testsigma.served('GET /execution_results/{id}');
    sb.testsigma.state.completeRun(run.id, { '413': 'FAILURE', '414': 'SUCCESS' });
    await sb.queue.idle();
    const v = await job(sb, id);
    expect(v).toMatchObject({ runId: String(run.id), state: 'partial', counts: { received: 2, synced: 1, unmapped: 1, failed: 0 } });
    expect(v.attempts).toBeGreaterThanOrEqual(2);
    const exec = executions(sb)[0]!;
    expect(exec.key.startsWith('PLAN-')).toBe(true);
  });
});

describe('finding 15 over the emulators: a site whose pending status is "TO DO" and lists a null-named status', () => {
  let sb: Sandbox | undefined;
  afterEach(async () => {
    await sb?.close();
    sb = undefined;
  });

  test('QUEUED (mapped to TODO) lands as "TO DO", the rest as mapped, in one Test Execution', async () => {
    sb = await setUp();
    sb.world.renameStatus('TODO', 'TO DO');
    sb.world.addNamelessStatus();
    const a = await link(sb, 'Test', 'PROJ', '801');
    const b = await link(sb, 'Test', 'PROJ', '802');
    const jobId = await send(sb, { runId: 'todo-site', results: [{ testCaseId: '801', status: 'QUEUED' }, { testCaseId: '802', status: 'SUCCESS' }] });
    await sb.queue.idle();
    const view = await job(sb, jobId);
    expect(view).toMatchObject({ state: 'succeeded', counts: { received: 2, synced: 2, failed: 0 } });
    const [te] = executions(sb);
    expect(sb.world.listRuns({ testExecIssueIds: [te!.id] }).map((r) => [r.testIssueId, r.status]).sort()).toEqual([[a.id, 'TO DO'], [b.id, 'PASSED']].sort());
  });
});

describe('finding 2 over the emulators: Xray failing every create', () => {
  let sb: Sandbox | undefined;
  afterEach(async () => {
    await sb?.close();
    sb = undefined;
  });

  test('every multipart create answers 500: the job ends failed after 3 creates, saying so; once Xray is well a retry lands it in one Test Execution', async () => {
    // The label lookups between creates are timed by the app's clock (1, 3 and 7 minutes after each lost answer).
    sb = await setUp({ now: queueSpeedClock() });
    await link(sb, 'Test', 'PROJ', '901');
    sb.xray.faults.inject({ endpoint: 'multipart', kind: '500', count: Infinity });
    const jobId = await send(sb, { runId: 'always-500', results: [{ testCaseId: '901', status: 'SUCCESS' }] });
    await sb.queue.idle();
    const failed = await job(sb, jobId);
    expect(failed.state).toBe('failed');
    expect(failed.errors.join(' ')).toMatch(/sent the create 3 times/);
    expect(sb.xray.counters.get('multipart')).toBe(3);
    expect(executions(sb)).toHaveLength(0);

    sb.xray.faults.clear();
    await retryJob(sb.deps, jobId);
    await sb.queue.idle();
    const done = await job(sb, jobId);
    expect(done.state).toBe('succeeded');
    expect(executions(sb)).toHaveLength(1);
    expect(done.testExecutionKey).toBe(executions(sb)[0]!.key);
  });
});
