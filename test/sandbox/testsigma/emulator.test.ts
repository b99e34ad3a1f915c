import * as fs from 'node:fs';
import * as path from 'node:path';
import { startTestsigmaEmulator, type TestsigmaEmulator } from '../../../sandbox/emulators/testsigma';
import { shapeDiff } from './shape';

// The fixtures live beside the design docs; a copy under test/fixtures wins when the project keeps one.
const FIXTURE_DIRS = [
  path.resolve(__dirname, '../../fixtures/testsigma'),
  path.resolve(__dirname, '../../fixtures/testsigma'),
];
function fixture(name: string): unknown {
  for (const dir of FIXTURE_DIRS) {
    const file = path.join(dir, name);
    if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8'));
  }
  throw new Error(`fixture ${name} not found in ${FIXTURE_DIRS.join(', ')}`);
}

const KEY = 'ts-key-1';

describe('Testsigma emulator', () => {
  let emu: TestsigmaEmulator;
  let clock: number;

  async function api(method: string, p: string, body?: unknown, key: string | null = KEY) {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (key !== null) headers.authorization = `Bearer ${key}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${emu.url}/api/v1${p}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: JSON.parse(text) as Record<string, unknown> };
  }

  beforeEach(async () => {
    clock = 1_700_000_000_000;
    emu = await startTestsigmaEmulator({ apiKeys: [KEY], now: () => clock, runDurations: { queuedMs: 1000, runningMs: 5000 } });
    emu.state.seedPlan({
      id: 274,
      name: 'Nightly regression',
      applicationVersionId: 39,
      suites: [
        { id: 84, name: 'Home page tests', cases: [{ id: 609, name: 'Login works' }, { id: 610, name: 'Logout works' }] },
        { id: 85, name: 'Data driven', cases: [{ id: 413, name: '03 data driven small', dataSets: ['examples', 'travels'] }] },
      ],
    });
  });
  afterEach(async () => {
    await emu.close();
  });

  it('listens on 127.0.0.1 only', () => {
    expect(emu.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('tells a test when an endpoint has been answered, so it waits for the request rather than for time', async () => {
    let done = false;
    const second = emu.served('GET /test_plans/{id}', 2).then(() => (done = true));
    await api('GET', '/test_plans/274');
    await api('GET', '/test_plans');
    expect(done).toBe(false);
    await api('GET', '/test_plans/274');
    await second;
    expect(done).toBe(true);
    await expect(emu.served('GET /test_plans/{id}')).resolves.toBeUndefined();
  });

  describe('auth', () => {
    it.each([
      ['missing', null],
      ['wrong', 'nope'],
    ])('answers 401 JSON for a %s API key', async (_label, key) => {
      const r = await api('GET', '/test_plans', undefined, key);
      expect(r.status).toBe(401);
      expect(shapeDiff(fixture('execution-results.override.error.400.json'), r.body)).toEqual([]);
      expect(emu.counters.unauthorized).toBe(1);
    });

    it('accepts any of the configured keys', async () => {
      await emu.close();
      emu = await startTestsigmaEmulator({ apiKeys: ['a', 'b'] });
      expect((await api('GET', '/test_suites', undefined, 'b')).status).toBe(200);
    });
  });

  describe('lists', () => {
    it('GET /test_suites answers a Spring page shaped like the fixture', async () => {
      clock += 10;
      const run = emu.state.triggerRun(274, null);
      emu.state.completeRun(run!.id);
      const r = await api('GET', '/test_suites');
      expect(r.status).toBe(200);
      expect(shapeDiff(fixture('test-suites.list.response.json'), r.body)).toEqual([]);
      expect(r.body.totalElements).toBe(2);
      const first = (r.body.content as Array<Record<string, unknown>>)[0]!;
      expect(first).toMatchObject({ id: 84, name: 'Home page tests' });
      expect(first.lastRun).toMatchObject({ suiteId: 84, status: 'STATUS_COMPLETED', totalCount: 2 });
    });

    it('GET /test_plans entries carry the fixture fields and filter by applicationVersionId', async () => {
      emu.state.addTestPlan({ id: 185, name: 'TP 1', applicationVersionId: 52 });
      const r = await api('GET', '/test_plans?query=applicationVersionId:52');
      expect(r.status).toBe(200);
      // The docs trimmed this fixture to three fields of each entry: ours has them (and more).
      expect(shapeDiff(fixture('test-plans.list.response.json'), r.body, '$', { allowExtraKeys: true })).toEqual([]);
      expect(r.body.content).toEqual([expect.objectContaining({ id: 185, applicationVersionId: 52, name: 'TP 1' })]);
      expect(shapeDiff(fixture('test-suites.list.response.json'), { ...r.body, content: [] })).toEqual([]);
    });

    it('pages with page and size', async () => {
      for (let i = 0; i < 5; i++) emu.state.addTestSuite({ id: 900 + i, name: `S${i}` });
      const p0 = await api('GET', '/test_suites?page=0&size=3');
      const p2 = await api('GET', '/test_suites?page=2&size=3');
      expect(p0.body).toMatchObject({ totalElements: 7, totalPages: 3, number: 0, size: 3, first: true, last: false, numberOfElements: 3 });
      expect(p2.body).toMatchObject({ number: 2, first: false, last: true, numberOfElements: 1 });
      expect((p0.body.pageable as Record<string, unknown>).pageSize).toBe(3);
    });
  });

  describe('single entities', () => {
    it('GET /test_plans/{id} answers the plan entity (the `execution` object of the run fixture)', async () => {
      emu.state.triggerRun(274, null); // lastRunId is null until the plan has run once
      const r = await api('GET', '/test_plans/274');
      expect(r.status).toBe(200);
      const runFixture = fixture('execution-results.get.response.json') as Record<string, unknown>;
      expect(shapeDiff(runFixture.execution, r.body)).toEqual([]);
      expect(r.body).toMatchObject({ id: 274, name: 'Nightly regression', applicationVersionId: 39 });
    });

    it('GET /test_suites/{id} answers a suite entry', async () => {
      const r = await api('GET', '/test_suites/85');
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ id: 85, name: 'Data driven', lastRun: null });
    });

    it('GET /test_cases/{id} answers id and name', async () => {
      const r = await api('GET', '/test_cases/609');
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ id: 609, name: 'Login works', testSuiteIds: [84] });
    });

    it.each(['/test_plans/1', '/test_suites/1', '/test_cases/1', '/execution_results/1', '/execution_results/1/test_case_results', '/test_cases/abc'])(
      '%s answers 404 JSON when missing',
      async (p) => {
        const r = await api('GET', p);
        expect(r.status).toBe(404);
        expect(typeof r.body.error).toBe('string');
      },
    );

    it('answers 404 JSON for an unknown path', async () => {
      const r = await api('GET', '/nothing_here');
      expect(r.status).toBe(404);
    });
  });

  describe('runs', () => {
    it('POST /execution_results triggers a run shaped like the trigger fixture', async () => {
      // The documented request body, aimed at the seeded plan; environmentId is accepted and ignored.
      const request = { ...(fixture('execution-results.trigger.request.json') as object), executionId: '274', buildNo: '1.4.2' };
      const r = await api('POST', '/execution_results', request);
      expect(r.status).toBe(200);
      // `app_url`: the docs' CI scripts read it (fixtures/README.md); the captured samples lack it.
      expect(shapeDiff(fixture('execution-results.trigger.response.json'), r.body).filter((d) => !d.startsWith('$.app_url'))).toEqual([]);
      expect(r.body).toMatchObject({ executionId: 274, status: 'STATUS_CREATED', result: 'QUEUED', execution: null, buildNo: '1.4.2' });
      expect(typeof r.body.id).toBe('number');
    });

    it('accepts executionId as a number, refuses a missing one (400) and an unknown plan (404)', async () => {
      expect((await api('POST', '/execution_results', { executionId: 274 })).status).toBe(200);
      expect((await api('POST', '/execution_results', {})).status).toBe(400);
      expect((await api('POST', '/execution_results', { executionId: '9999' })).status).toBe(404);
    });

    it('progresses CREATED -> IN_PROGRESS -> COMPLETED with the clock', async () => {
      const t = await api('POST', '/execution_results', { executionId: '274', buildNo: '1.9.26_rc1' });
      const id = t.body.id as number;
      expect((await api('GET', `/execution_results/${id}`)).body.status).toBe('STATUS_CREATED');
      clock += 1000;
      const mid = await api('GET', `/execution_results/${id}`);
      expect(mid.body).toMatchObject({ status: 'STATUS_IN_PROGRESS', result: 'QUEUED' });
      const midCases = await api('GET', `/execution_results/${id}/test_case_results`);
      expect((midCases.body.testCases as Array<{ result: string }>).every((c) => c.result === 'QUEUED')).toBe(true);
      clock += 5000;
      const done = await api('GET', `/execution_results/${id}`);
      // `app_url`: the docs' CI scripts read it (fixtures/README.md); the captured samples lack it.
      expect(shapeDiff(fixture('execution-results.get.response.json'), done.body).filter((d) => !d.startsWith('$.app_url'))).toEqual([]);
      // Case 609 % 3 === 0 fails by default, so the plan fails.
      expect(done.body).toMatchObject({ status: 'STATUS_COMPLETED', result: 'FAILURE', executionId: 274, totalCount: 3, failedCount: 1, passedCount: 2 });
      expect(done.body.endTime).toBe(1_700_000_000_000 + 6000);
      expect((done.body.execution as Record<string, unknown>).name).toBe('Nightly regression');
    });

    it('test_case_results matches the fixture and names each case, suite and data set', async () => {
      const run = emu.state.triggerRun(274, null)!;
      emu.state.completeRun(run.id, { '413': 'FAILURE' });
      const r = await api('GET', `/execution_results/${run.id}/test_case_results`);
      expect(r.status).toBe(200);
      expect(shapeDiff(fixture('execution-results.test-case-results.response.json'), r.body)).toEqual([]);
      const cases = r.body.testCases as Array<Record<string, unknown>>;
      expect(cases.map((c) => [c.testCaseId, c.testSuiteId, c.result])).toEqual([
        [609, 84, 'FAILURE'],
        [610, 84, 'SUCCESS'],
        [413, 85, 'FAILURE'],
      ]);
      expect(cases[2]).toMatchObject({ testCaseName: '03 data driven small', testSuiteName: 'Data driven', isDataDrivenCase: true });
      expect((cases[2]!.iterationResults as unknown[]).length).toBe(2);
      expect(r.body).toMatchObject({ executionId: 274, executionResultId: run.id, status: 'STATUS_COMPLETED', result: 'FAILURE' });
    });

    it('completeRun and setCaseResult override results; a manual run waits for completeRun', async () => {
      emu.state.durations = { queuedMs: Infinity, runningMs: Infinity };
      emu.state.setCaseResult(609, 'SUCCESS');
      const run = emu.state.triggerRun(274, null)!;
      clock += 1e9;
      expect(emu.state.statusOf(emu.state.getRun(run.id)!)).toBe('STATUS_CREATED');
      emu.state.startRun(run.id);
      expect((await api('GET', `/execution_results/${run.id}`)).body.status).toBe('STATUS_IN_PROGRESS');
      emu.state.completeRun(run.id, { '610': 'ABORTED' });
      const r = await api('GET', `/execution_results/${run.id}`);
      expect(r.body).toMatchObject({ status: 'STATUS_COMPLETED', result: 'ABORTED', passedCount: 2, abortedCount: 1 });
    });
  });

  describe('re-runs', () => {
    async function completedRun() {
      const run = emu.state.triggerRun(274, null)!;
      emu.state.completeRun(run.id, { 609: 'FAILURE', 610: 'SUCCESS', 413: 'FAILURE' });
      return run;
    }

    it('re-runs the picked case results of a completed run, the documented request answering a run with reRunParentId', async () => {
      const run = await completedRun();
      const request = fixture('execution-results.rerun.request.json') as Record<string, unknown>;
      const picked = run.cases.find((c) => c.testCaseId === 609)!.testCaseResultId;
      const r = await api('POST', '/execution_results', { ...request, executionId: 274, executionResultId: run.id, testCaseResultRequests: [{ id: picked }] });
      expect(r.status).toBe(200);
      // The documented answer of a re-run: the trigger's shape, with reRunParentId naming the run re-run.
      const documented = fixture('execution-results.rerun.response.json') as Record<string, unknown>;
      expect(typeof documented.reRunParentId).toBe('number');
      expect(r.body).toMatchObject({ executionId: 274, reRunParentId: run.id, reRunType: 'USER_PICKED', status: documented.status, result: documented.result });
      clock += 10_000;
      const results = await api('GET', `/execution_results/${String(r.body.id)}/test_case_results`);
      expect((results.body.testCases as Array<{ testCaseId: number }>).map((c) => c.testCaseId)).toEqual([609]);
      const again = await api('GET', `/execution_results/${String(r.body.id)}`);
      expect(again.body.reRunParentId).toBe(run.id);
    });

    it('ONLY_FAILED_TESTS re-runs what did not succeed; a re-run of a re-run names the re-run as its parent', async () => {
      const run = await completedRun();
      const first = await api('POST', '/execution_results', { executionId: 274, executionResultId: run.id, isReRun: true, reRunType: 'ONLY_FAILED_TESTS' });
      expect(first.status).toBe(200);
      emu.state.completeRun(Number(first.body.id), { 609: 'SUCCESS', 413: 'FAILURE' });
      const cases = await api('GET', `/execution_results/${String(first.body.id)}/test_case_results`);
      expect((cases.body.testCases as Array<{ testCaseId: number; result: string }>).map((c) => [c.testCaseId, c.result])).toEqual([
        [609, 'SUCCESS'],
        [413, 'FAILURE'],
      ]);
      const second = await api('POST', '/execution_results', { executionId: 274, executionResultId: first.body.id, isReRun: true, reRunType: 'ONLY_FAILED_TESTS' });
      expect(second.body.reRunParentId).toBe(first.body.id);
    });

    it('refuses a re-run of an unfinished run, of another plan\'s run, or of an unknown type, and a missing run is 404', async () => {
      const running = emu.state.triggerRun(274, null)!;
      expect((await api('POST', '/execution_results', { executionId: 274, executionResultId: running.id, isReRun: true, reRunType: 'ALL_TESTS' })).status).toBe(400);
      const done = await completedRun();
      expect((await api('POST', '/execution_results', { executionId: 999, executionResultId: done.id, isReRun: true, reRunType: 'ALL_TESTS' })).status).toBe(400);
      expect((await api('POST', '/execution_results', { executionId: 274, executionResultId: done.id, isReRun: true, reRunType: 'SOMETIMES' })).status).toBe(400);
      expect((await api('POST', '/execution_results', { executionId: 274, executionResultId: 424242, isReRun: true, reRunType: 'ALL_TESTS' })).status).toBe(404);
    });
  });

  describe('counters and faults', () => {
    it('counts per endpoint', async () => {
      await api('GET', '/test_plans');
      await api('GET', '/test_plans/274');
      await api('GET', '/test_plans/275');
      expect(emu.counters['GET /test_plans']).toBe(1);
      expect(emu.counters['GET /test_plans/{id}']).toBe(2);
      expect(emu.counters.total).toBe(3);
      emu.resetCounters();
      expect(emu.counters.total).toBeUndefined();
    });

    it('injects 429 with Retry-After for the next N requests, then serves again', async () => {
      emu.injectFault({ status: 429, count: 2, retryAfter: 3 });
      const a = await api('GET', '/test_plans');
      const b = await api('GET', '/test_suites');
      const c = await api('GET', '/test_plans');
      expect([a.status, b.status, c.status]).toEqual([429, 429, 200]);
      expect(a.headers.get('retry-after')).toBe('3');
      expect(emu.counters['fault 429']).toBe(2);
    });

    it('injects 500 on one endpoint only', async () => {
      emu.injectFault({ status: 500, endpoint: 'GET /execution_results/{id}' });
      expect((await api('GET', '/test_plans')).status).toBe(200);
      const run = emu.state.triggerRun(274, null)!;
      expect((await api('GET', `/execution_results/${run.id}`)).status).toBe(500);
      expect((await api('GET', `/execution_results/${run.id}`)).status).toBe(200);
    });
  });

  it('delays answers by latencyMs', async () => {
    await emu.close();
    emu = await startTestsigmaEmulator({ apiKeys: [KEY], latencyMs: 150 });
    const t0 = Date.now();
    await api('GET', '/test_plans');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
  });
});
