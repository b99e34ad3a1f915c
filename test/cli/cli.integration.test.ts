/**
 * `xts` end to end over real HTTP on 127.0.0.1: against the web trigger stand-in (which checks auth exactly as the
 * API says) and, for `run --plan`, the Testsigma emulator. One fake clock drives the CLI's sleeps, its
 * signatures, the stand-in's clock check and the emulator's run progression, so nothing waits for real.
 */
import { startTestsigmaEmulator, type TestsigmaEmulator } from '../../sandbox/emulators/testsigma';
import { main } from '../../cli/xts';
import { startStandin } from './standin';

type Standin = Awaited<ReturnType<typeof startStandin>>;
const SECRET = 'whsec_integration';
const MiB = 1024 * 1024;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  sleeps: number[];
}

describe('xts against local servers', () => {
  const clock = { t: 0 };
  let standin: Standin;
  let files: Map<string, string>;

  beforeEach(async () => {
    clock.t = Date.now();
    files = new Map();
    standin = await startStandin({ secret: SECRET, now: () => clock.t, unmappedCaseIds: ['999'] });
  });
  afterEach(async () => {
    await standin.close();
  });

  async function xts(argv: string[], env: Record<string, string | undefined> = {}, skewMs = 0, isTTY = false): Promise<Run> {
    let stdout = '';
    let stderr = '';
    const sleeps: number[] = [];
    const code = await main({
      argv,
      env: { XTS_URL: standin.url, XTS_SECRET: SECRET, ...env },
      fetch: globalThis.fetch,
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
      readFile: async (p) => {
        const f = files.get(p);
        if (f === undefined) throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
        return f;
      },
      sleep: async (ms) => {
        sleeps.push(ms);
        clock.t += ms;
      },
      now: () => clock.t + skewMs,
      isTTY,
    });
    return { code, stdout, stderr, sleeps };
  }

  const small = { runId: '337', testPlanId: '274', results: [{ testCaseId: '609', status: 'SUCCESS' }, { testCaseId: 610, status: 'FAILURE' }] };
  const posts = () => standin.requests.filter((r) => r.method === 'POST');

  describe('send', () => {
    it('signs with HMAC by default and prints the job', async () => {
      files.set('r.json', JSON.stringify(small, null, 2));
      const r = await xts(['send', 'r.json']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/accepted: job job-1 \(queued\)/);
      expect(r.stdout).toMatch(/xts status job-1/);
      const [p] = posts();
      expect(p?.status).toBe(202);
      expect(p?.headers['x-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(p?.headers.authorization).toBeUndefined();
      expect(p?.headers['content-type']).toBe('application/json');
      expect(JSON.parse(p!.body)).toEqual(small);
    });

    it('--test-execution puts the results into that existing Test Execution; a malformed key is a usage error', async () => {
      files.set('r.json', JSON.stringify(small));
      const r = await xts(['send', 'r.json', '--test-execution', 'PROJ-77']);
      expect(r.code).toBe(0);
      expect(JSON.parse(posts()[0]!.body)).toEqual({ ...small, testExecutionKey: 'PROJ-77' });
      const bad = await xts(['send', 'r.json', '--test-execution', 'proj 77']);
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toContain('--test-execution');
      expect(posts()).toHaveLength(1);
    });

    it('uses Bearer with --bearer', async () => {
      files.set('r.json', JSON.stringify(small));
      const r = await xts(['send', 'r.json', '--bearer']);
      expect(r.code).toBe(0);
      expect(posts()[0]?.headers.authorization).toBe(`Bearer ${SECRET}`);
      expect(posts()[0]?.headers['x-signature']).toBeUndefined();
    });

    it('--wait polls the job (signed GETs) to its final state', async () => {
      files.set('r.json', JSON.stringify(small));
      const r = await xts(['send', 'r.json', '--wait']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/job job-1 \(run 337\): queued/);
      expect(r.stdout).toMatch(/job job-1 \(run 337\): running/);
      expect(r.stdout).toMatch(/succeeded: 2 received, 2 synced, 0 unmapped, 0 failed -> PROJ-100/);
      expect(r.stdout).toMatch(/All 1 job\(s\) succeeded/);
      const gets = standin.requests.filter((q) => q.method === 'GET');
      expect(gets.length).toBe(3);
      expect(gets.every((g) => g.url.endsWith('?job=job-1') && g.status === 200 && /^t=\d+,v1=/.test(String(g.headers['x-signature'])))).toBe(true);
      expect(r.sleeps).toEqual([2000, 2000]);
    });

    it('a partial job exits 0 with a warning; a failed job exits 1', async () => {
      files.set('p.json', JSON.stringify({ runId: 'p', results: [{ testCaseId: '1', status: 'PASSED' }, { testCaseId: '999', status: 'PASSED' }] }));
      const p = await xts(['send', 'p.json', '--wait']);
      expect(p.code).toBe(0);
      expect(p.stderr).toMatch(/Warning: 1 of 1 job\(s\) synced only partly \(1 result\(s\) unmapped/);
      expect(p.stdout).toMatch(/unmapped Testsigma test cases \(no linked Xray Test\): 999/);

      files.set('f.json', JSON.stringify({ runId: 'f', results: [{ testCaseId: '999', status: 'PASSED' }] }));
      const f = await xts(['send', 'f.json', '--wait']);
      expect(f.code).toBe(1);
      expect(f.stderr).toMatch(/1 of 1 job\(s\) failed: job-2: No result maps to a linked Xray Test\./);
    });

    it('splits a 9 MiB file into deliveries the stand-in accepts, with one runId and every result once', async () => {
      const results = Array.from({ length: 93 }, (_, i) => ({
        testCaseId: String(5000 + i),
        status: 'SUCCESS',
        attachments: [{ filename: `shot-${i}.png`, contentType: 'image/png', data: 'iVBO'.repeat(25 * 1024) }],
      }));
      const file = { runId: 'big-1', testPlanId: '274', summary: 'big run', results };
      const text = JSON.stringify(file);
      expect(Buffer.byteLength(text)).toBeGreaterThan(9 * MiB);
      files.set('big.json', text);
      const r = await xts(['send', 'big.json', '--json', '--wait']);
      expect(r.code).toBe(0);
      const sent = posts();
      expect(sent.length).toBeGreaterThanOrEqual(3);
      expect(sent.every((s) => s.status === 202 && Buffer.byteLength(s.body) <= 4 * MiB)).toBe(true);
      const bodies = sent.map((s) => JSON.parse(s.body) as typeof file);
      expect(new Set(bodies.map((b) => b.runId))).toEqual(new Set(['big-1']));
      expect(bodies.every((b) => b.summary === 'big run' && b.testPlanId === '274')).toBe(true);
      expect(bodies.flatMap((b) => b.results.map((x) => x.testCaseId))).toEqual(results.map((x) => x.testCaseId));
      const out = JSON.parse(r.stdout) as { ok: boolean; runId: string; outcome: string; jobs: Array<{ jobId: string; state: string; results: number }> };
      expect(out).toMatchObject({ ok: true, runId: 'big-1', outcome: 'succeeded' });
      expect(out.jobs).toHaveLength(sent.length);
      expect(out.jobs.reduce((s, j) => s + j.results, 0)).toBe(93);
      expect(r.stderr).toMatch(/succeeded/); // progress goes to stderr with --json
    });

    it('retries 503 busy after its Retry-After', async () => {
      files.set('r.json', JSON.stringify(small));
      standin.answerNext({ status: 503, body: { error: { code: 'busy', message: 'Storage is throttling.' } }, headers: { 'retry-after': '3' }, count: 2 });
      const r = await xts(['send', 'r.json']);
      expect(r.code).toBe(0);
      expect(r.sleeps).toEqual([3000, 3000]);
      expect(r.stdout).toMatch(/busy \(HTTP 503\); retrying in 3 s/);
      expect(posts().map((p) => p.status)).toEqual([503, 503, 202]);
    });

    it('gives up on a service that stays busy, with exit 2', async () => {
      files.set('r.json', JSON.stringify(small));
      standin.answerNext({ status: 503, body: { error: { code: 'busy', message: 'x' } }, headers: { 'retry-after': '1' }, count: 100 });
      const r = await xts(['send', 'r.json']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/stayed busy after 6 attempts/);
    });

    it('retries transient 502s, then succeeds', async () => {
      files.set('r.json', JSON.stringify(small));
      standin.answerNext({ status: 502, body: {}, count: 1 });
      const r = await xts(['send', 'r.json']);
      expect(r.code).toBe(0);
      expect(r.sleeps).toEqual([1000]);
    });

    it('explains a wrong secret and a skewed clock (401) with exit 2', async () => {
      files.set('r.json', JSON.stringify(small));
      const wrong = await xts(['send', 'r.json'], { XTS_SECRET: 'nope' });
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toMatch(/refused: HTTP 401 unauthorized.*XTS_SECRET.*clock/s);
      const skewed = await xts(['send', 'r.json'], {}, 400_000);
      expect(skewed.code).toBe(2);
      expect(posts().map((p) => p.status)).toEqual([401, 401]);
    });

    it('does not retry not_configured and says what an admin must do', async () => {
      await standin.close();
      standin = await startStandin({ now: () => clock.t });
      files.set('r.json', JSON.stringify(small));
      const r = await xts(['send', 'r.json']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/HTTP 503 not_configured.*a Jira admin must set the web trigger secret/);
      expect(standin.requests).toHaveLength(1);
    });

    it('shows the app\'s 400 details by path', async () => {
      files.set('r.json', JSON.stringify({ runId: '1', results: [{ testCaseId: '1', status: 'BOGUS' }] }));
      const r = await xts(['send', 'r.json']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/Warning: Status BOGUS is not in the default status map/);
      expect(r.stderr).toMatch(/HTTP 400 invalid_payload: Schema violation\. Fix the results and send again\.\n {2}results\[0\]\.status: unknown status/);
    });

    it('retries network errors with backoff, then exits 2 saying it could not connect', async () => {
      const url = standin.url;
      await standin.close();
      files.set('r.json', JSON.stringify(small));
      const r = await xts(['send', 'r.json'], { XTS_URL: url });
      expect(r.code).toBe(2);
      expect(r.sleeps).toEqual([1000, 2000, 4000]);
      expect(r.stderr).toMatch(/Could not reach The web trigger at http:\/\/127\.0\.0\.1:\d+: .*after 4 attempts/);
      standin = await startStandin({ secret: SECRET }); // for afterEach
    });

    it.each<[string, string | undefined, RegExp]>([
      ['missing file', undefined, /Cannot read results file "r\.json": no such file/],
      ['invalid JSON', '{"runId": 1, results: []}', /is not valid JSON.*Nothing was sent/],
      ['schema mismatch', JSON.stringify({ results: [{ testCaseId: 'x', status: 'SUCCESS' }] }), /does not match the results format.*\n {2}runId: .*\n {2}results\[0\]\.testCaseId: must be 1 to 19 digits/s],
      ['a result too big to split', JSON.stringify({ runId: '1', results: [{ testCaseId: '1', status: 'SUCCESS', message: 'x'.repeat(5 * MiB) }] }), /results\[0\] \(testCaseId 1\) is 5\.0 MiB on its own/],
    ])('rejects %s before sending anything (exit 2)', async (_label, content, message) => {
      if (content !== undefined) files.set('r.json', content);
      const r = await xts(['send', 'r.json']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(standin.requests).toHaveLength(0);
    });

    it('reports which deliveries were accepted when a later one fails', async () => {
      const results = Array.from({ length: 3 }, (_, i) => ({ testCaseId: String(i + 1), status: 'SUCCESS', message: 'm'.repeat(3 * MiB) }));
      files.set('r.json', JSON.stringify({ runId: 'two', results }));
      standin.answerNext({ status: 202, body: { jobId: 'job-a', state: 'queued' } });
      standin.answerNext({ status: 401, body: { error: { code: 'unauthorized', message: 'Unauthorized.' } } });
      const r = await xts(['send', 'r.json']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/Delivery 2 of 3 .* was refused: HTTP 401[\s\S]*Already accepted: job job-a\. Sending the whole file again is safe/);
    });
  });

  describe('waiting, test failures and network errors', () => {
    const slowJob = (n: number) => {
      standin.answerNext({ status: 202, body: { jobId: 'slow', state: 'queued' } });
      standin.answerNext({
        status: 200,
        body: { jobId: 'slow', runId: '9', state: 'queued', counts: { received: 3, synced: 0, unmapped: 0, failed: 0 }, unmapped: [], errors: [] },
        count: n,
      });
      standin.answerNext({
        status: 200,
        body: { jobId: 'slow', runId: '9', state: 'succeeded', testExecutionKey: 'PROJ-7', counts: { received: 3, synced: 3, unmapped: 0, failed: 0 }, unmapped: [], errors: [], statuses: { PASSED: 3 } },
      });
    };

    it('without a TTY repeats the job line at least every 15 s while it stays queued', async () => {
      slowJob(30); // 30 polls 2 s apart: 60 s queued
      const r = await xts(['pull', '9', '--wait']);
      expect(r.code).toBe(0);
      const still = r.stdout.split('\n').filter((l) => l.includes('still waiting'));
      expect(still).toEqual([
        'job slow (run 9): queued: 3 received, 0 synced, 0 unmapped, 0 failed (still waiting, 16 s)',
        'job slow (run 9): queued: 3 received, 0 synced, 0 unmapped, 0 failed (still waiting, 32 s)',
        'job slow (run 9): queued: 3 received, 0 synced, 0 unmapped, 0 failed (still waiting, 48 s)',
      ]);
      expect(r.stdout).toMatch(/job slow \(run 9\): succeeded: 3 received, 3 synced, 0 unmapped, 0 failed -> PROJ-7/);
    });

    it('on a TTY keeps one live line; with --json prints nothing extra', async () => {
      slowJob(3);
      const tty = await xts(['pull', '9', '--wait'], {}, 0, true);
      expect(tty.code).toBe(0);
      expect(tty.stdout).toContain('\r\x1b[2Kjob slow (run 9): queued: 3 received, 0 synced, 0 unmapped, 0 failed (2 s)');
      expect(tty.stdout).toContain('\r\x1b[2Kjob slow (run 9): succeeded: 3 received, 3 synced, 0 unmapped, 0 failed -> PROJ-7\n');
      expect(tty.stdout).not.toMatch(/still waiting/);

      slowJob(30);
      const json = await xts(['pull', '9', '--wait', '--json']);
      expect(json.code).toBe(0);
      expect(json.stdout.trim().split('\n')).toHaveLength(1);
      expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, outcome: 'succeeded' });
      expect(json.stderr).not.toMatch(/still waiting/);
      expect(json.stderr.match(/queued: 3 received/g)).toHaveLength(1);
    });

    it('--fail-on-test-failure exits 3 when the job reports a FAILED status, 0 when all passed', async () => {
      files.set('r.json', JSON.stringify(small)); // one SUCCESS, one FAILURE
      const failing = await xts(['send', 'r.json', '--wait', '--fail-on-test-failure']);
      expect(failing.code).toBe(3);
      expect(failing.stderr).toMatch(/1 synced result\(s\) failed in Xray \(--fail-on-test-failure\): exit 3/);
      const plain = await xts(['send', 'r.json', '--wait']);
      expect(plain.code).toBe(0);
      files.set('ok.json', JSON.stringify({ runId: 'ok', results: [{ testCaseId: '1', status: 'SUCCESS' }] }));
      expect((await xts(['send', 'ok.json', '--wait', '--fail-on-test-failure'])).code).toBe(0);
    });

    it('--fail-on-test-failure warns when the app does not report statuses', async () => {
      await standin.close();
      standin = await startStandin({ secret: SECRET, now: () => clock.t, withoutStatuses: true });
      files.set('r.json', JSON.stringify(small));
      const r = await xts(['send', 'r.json', '--wait', '--fail-on-test-failure']);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/did not report the synced statuses \(JobView\.statuses\)/);
    });

    it('names ECONNREFUSED and ENOTFOUND', async () => {
      const url = standin.url;
      await standin.close();
      files.set('r.json', JSON.stringify(small));
      const refused = await xts(['send', 'r.json'], { XTS_URL: url });
      expect(refused.stderr).toMatch(/connection refused \(ECONNREFUSED\): nothing accepts connections at 127\.0\.0\.1:\d+, after 4 attempts/);
      // .invalid never resolves (RFC 6761), so this needs no network.
      const unknown = await xts(['send', 'r.json'], { XTS_URL: 'https://app.nowhere.invalid/x1/t' });
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toMatch(/host name not found \((ENOTFOUND|EAI_AGAIN)\): app\.nowhere\.invalid does not resolve/);
      standin = await startStandin({ secret: SECRET });
    });

    it('blames the URL for a 404 on a POST, the job id for a 404 on a GET', async () => {
      standin.answerNext({ status: 404, body: { error: { code: 'not_found', message: 'Not found.' } } });
      files.set('r.json', JSON.stringify(small));
      const r = await xts(['send', 'r.json']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/HTTP 404 not_found: Not found\. Check the web trigger URL \(--url or XTS_URL\)/);
      expect(r.stderr).not.toMatch(/job id/);
    });
  });

  describe('pull and status', () => {
    it('pull sends { testsigmaRunId } and waits', async () => {
      const r = await xts(['pull', '337', '--wait']);
      expect(r.code).toBe(0);
      expect(JSON.parse(posts()[0]!.body)).toEqual({ testsigmaRunId: '337' });
      expect(r.stdout).toMatch(/Pull of Testsigma run 337 accepted: job job-1/);
      expect(r.stdout).toMatch(/job job-1 \(run 337\): succeeded/);
    });

    it('status prints the JobView; --json prints it as JSON; unknown jobs exit 2', async () => {
      await xts(['pull', '42']);
      const r = await xts(['status', 'job-1']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/job job-1 \(run 42\): queued/);
      const j = await xts(['status', 'job-1', '--json']);
      expect(JSON.parse(j.stdout)).toMatchObject({ jobId: 'job-1', runId: '42', state: 'running' });
      const missing = await xts(['status', 'job-404']);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/HTTP 404 not_found.*Check the job id/);
    });

    it('gives up waiting at --timeout with exit 4 and says how to check later', async () => {
      standin.answerNext({ status: 202, body: { jobId: 'slow', state: 'queued' } });
      standin.answerNext({
        status: 200,
        body: { jobId: 'slow', runId: '9', state: 'running', counts: { received: 1, synced: 0, unmapped: 0, failed: 0 }, unmapped: [], errors: [] },
        count: 1000,
      });
      const r = await xts(['pull', '9', '--wait', '--timeout', '10']);
      expect(r.code).toBe(4);
      expect(r.stderr).toMatch(/Gave up waiting after 10 s: job slow is still running.*xts status slow/);
    });
  });

  describe('run --plan (Testsigma emulator)', () => {
    let emu: TestsigmaEmulator;
    const TS_KEY = 'ts-key';
    beforeEach(async () => {
      emu = await startTestsigmaEmulator({ apiKeys: [TS_KEY], now: () => clock.t, runDurations: { queuedMs: 3000, runningMs: 20_000 } });
      emu.state.seedPlan({
        id: 274,
        name: 'Nightly regression',
        suites: [
          { id: 84, name: 'Home', cases: [{ id: 609, name: 'Login' }, { id: 610, name: 'Logout' }] },
          { id: 85, name: 'DD', cases: [{ id: 611, name: 'Search', dataSets: ['examples', 'travels'] }] },
        ],
      });
    });
    afterEach(async () => {
      await emu.close();
    });
    const tsEnv = () => ({ TESTSIGMA_API_KEY: TS_KEY });

    it('triggers the plan, waits for completion, converts and sends the results, and waits for the job', async () => {
      const r = await xts(['run', '--plan', '274', '--testsigma-url', emu.url, '--build-no', 'b42', '--wait'], tsEnv());
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Triggered Testsigma plan 274: run 1001 \(STATUS_CREATED\)\. If xts is interrupted, send the results later with: xts pull 1001/);
      expect(r.stdout).toMatch(/Testsigma run 1001: STATUS_IN_PROGRESS after 5 s/);
      expect(r.stdout).toMatch(/Testsigma run 1001 completed: FAILURE/);
      expect(r.stdout).toMatch(/job job-1 \(run 1001\): succeeded: 3 received/);
      const sent = JSON.parse(posts()[0]!.body) as Record<string, unknown>;
      expect(sent).toMatchObject({
        runId: '1001',
        testPlanId: '274',
        summary: 'Testsigma plan "Nightly regression", run 1001, build b42',
        results: [
          { testCaseId: '609', testSuiteId: '84', status: 'FAILURE' },
          { testCaseId: '610', testSuiteId: '84', status: 'SUCCESS' },
          { testCaseId: '611', testSuiteId: '85', status: 'SUCCESS', message: 'Iterations: examples SUCCESS, travels SUCCESS' },
        ],
      });
      expect(typeof sent.startedAt).toBe('string');
      expect(typeof sent.finishedAt).toBe('string');
      expect(emu.counters['POST /execution_results']).toBe(1);
      expect(emu.counters['GET /execution_results/{id}/test_case_results']).toBe(1);
      expect(emu.counters['GET /execution_results/{id}']).toBe(5); // 5 s polls over 3 s queued + 20 s running
      expect(emu.state.runs.get(1001)?.buildNo).toBe('b42');
    });

    it('rides out Testsigma 429s and 500s and prints one JSON object with --json', async () => {
      emu.injectFault({ status: 429, retryAfter: 2, endpoint: 'GET /execution_results/{id}', count: 2 });
      emu.injectFault({ status: 500, endpoint: 'GET /execution_results/{id}/test_case_results' });
      const r = await xts(['run', '--plan', '274', '--testsigma-url', emu.url, '--json'], tsEnv());
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout) as Record<string, unknown>;
      expect(out).toMatchObject({ ok: true, runId: '1001', testsigma: { planId: '274', runId: '1001', status: 'STATUS_COMPLETED', result: 'FAILURE' }, jobs: [{ jobId: 'job-1' }] });
      expect(r.sleeps).toEqual(expect.arrayContaining([2000, 1000]));
      expect(emu.counters['fault 429']).toBe(2);
      expect(emu.counters['fault 500']).toBe(1);
    });

    it('exits 2 for an unknown plan or a wrong Testsigma key, without sending anything to the app', async () => {
      const unknown = await xts(['run', '--plan', '9999', '--testsigma-url', emu.url], tsEnv());
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toMatch(/Testsigma has no test plan 9999/);
      const badKey = await xts(['run', '--plan', '274', '--testsigma-url', emu.url], { TESTSIGMA_API_KEY: 'wrong' });
      expect(badKey.code).toBe(2);
      expect(badKey.stderr).toMatch(/Testsigma refused the API key \(HTTP 401\)/);
      expect(standin.requests).toHaveLength(0);
    });

    it('gives up at --timeout and points to pull mode', async () => {
      emu.state.durations = { queuedMs: Infinity, runningMs: Infinity };
      const r = await xts(['run', '--plan', '274', '--testsigma-url', emu.url, '--timeout', '30'], tsEnv());
      expect(r.code).toBe(4);
      expect(r.stderr).toMatch(/Testsigma run 1001 is still STATUS_CREATED after 30 s; gave up waiting\. When it finishes, send its results with "xts pull 1001"/);
    });

    it('exits 1 when the finished run has no case results', async () => {
      emu.state.addTestPlan({ id: 500, name: 'Empty' });
      const r = await xts(['run', '--plan', '500', '--testsigma-url', emu.url], tsEnv());
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/completed without any test case results/);
    });
  });
});
