/**
 * The Testsigma client's run calls (start, re-run, a plan's runs, saved configurations) over real HTTP against the
 * Testsigma emulator, which answers as Testsigma's docs show.
 */
import { startTestsigmaEmulator, type TestsigmaEmulator } from '../../sandbox/emulators/testsigma';
import { createTestsigmaClient, TestsigmaError, type TestsigmaClient } from '../../src/testsigma/testsigma-client';
import type { FetchPort } from '../../src/ports';

const KEY = 'ts-runs-key';
let emu: TestsigmaEmulator;
let client: TestsigmaClient;
let clock: number;

beforeEach(async () => {
  clock = Date.parse('2026-12-01T10:00:00Z');
  emu = await startTestsigmaEmulator({ apiKeys: [KEY], now: () => clock, runDurations: { queuedMs: 1000, runningMs: 4000 } });
  emu.state.seedPlan({ id: 274, name: 'Nightly', suites: [{ id: 55, name: 'Checkout', cases: [{ id: 601, name: 'a' }, { id: 603, name: 'b' }] }] });
  client = createTestsigmaClient({ baseUrl: emu.url, apiKey: KEY }, { fetch: fetch as unknown as FetchPort, timeoutMs: 5000 });
});
afterEach(() => emu.close());

describe('Testsigma client: runs', () => {
  it('starts a plan with the build number, environment and saved configuration the user picked', async () => {
    emu.state.addSavedConfig({ id: 9, name: 'Smoke', planId: 274, testCaseIds: [601] });
    expect(await client.listSavedConfigs('274')).toEqual([{ id: '9', name: 'Smoke' }]);
    const started = await client.startRun('274', { buildNo: '1.4.2', environmentId: '12', savedConfig: { id: '9', name: 'Smoke' } });
    expect(started).toEqual({ id: expect.stringMatching(/^\d+$/), appUrl: `https://app.testsigma.com/ui/td/runs/${started.id}` });
    const run = emu.state.getRun(Number(started.id))!;
    expect(run).toMatchObject({ buildNo: '1.4.2', environmentId: 12, savedConfigId: 9 });
    expect(run.cases.map((c) => c.testCaseId)).toEqual([601]);
  });

  it('re-runs only the failed tests of a finished run', async () => {
    const first = emu.state.triggerRun(274, null)!;
    emu.state.completeRun(first.id, { 601: 'SUCCESS', 603: 'FAILURE' });
    const rerun = await client.rerunFailed('274', String(first.id));
    const run = emu.state.getRun(Number(rerun.id))!;
    expect(run).toMatchObject({ reRunParentId: first.id, reRunType: 'ONLY_FAILED_TESTS' });
    expect(run.cases.map((c) => c.testCaseId)).toEqual([603]);
  });

  it('a re-run Testsigma refuses (the run has not finished) says why', async () => {
    const running = emu.state.triggerRun(274, null)!;
    await expect(client.rerunFailed('274', String(running.id))).rejects.toThrow(/refused the re-run of run \d+ \(HTTP 400\): .*not completed/);
  });

  it('lists a plan\'s runs newest first, with the end time of finished ones, page by page', async () => {
    const a = emu.state.startRunInTestsigma(274);
    clock += 10_000;
    const b = emu.state.startRunInTestsigma(274);
    const page = await client.listPlanRuns('274', 0, 20);
    expect(page).toEqual({ runs: [{ id: String(b.id) }, { id: String(a.id), endTime: Date.parse('2026-12-01T10:00:05Z') }], isLast: true });
    const small = await client.listPlanRuns('274', 0, 1);
    expect(small).toEqual({ runs: [{ id: String(b.id) }], isLast: false });
  });

  it('a rate-limited list is a retryable rate_limited error naming the wait', async () => {
    emu.injectFault({ status: 429, endpoint: 'GET /test_runs', retryAfter: 30 });
    const err = await client.listPlanRuns('274').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TestsigmaError);
    expect((err as TestsigmaError).kind).toBe('rate_limited');
    expect((err as TestsigmaError).message).toContain('30 seconds');
  });
});
