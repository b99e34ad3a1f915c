/**
 * End to end over real loopback HTTP: the `xts` CLI signs and posts a run to the sandbox's web trigger, the in-memory
 * queue delivers it to the real `sync` consumer, which imports it into the Xray emulator through the real Xray
 * client. What Xray holds afterwards is read back from the emulator's GraphQL API, as a user of Xray would see it.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main } from '../../cli/xts';
import { invokeResolver, startSandbox, Sandbox } from '../../sandbox/host';
import { DEMO_ADMIN, DemoSite, seedDemo } from '../../sandbox/demo';

let sb: Sandbox;
let demo: DemoSite;
const dir = mkdtempSync(path.join(tmpdir(), 'xts-e2e-'));

beforeEach(async () => {
  // 2 ms of real time per second of queue delay: the consumer's 1-4 minute waits take well under a second here.
  sb = await startSandbox({ xrayDataRegion: 'eu', queueMsPerSecond: 2 });
  demo = await seedDemo(sb, { attachEvidence: true });
});
afterEach(() => sb.close());

async function xts(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main({
    argv: args,
    env: { XTS_URL: demo.webtrigger.url, XTS_SECRET: demo.webtrigger.secret },
    fetch,
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
    readFile: async (p) => (await import('node:fs/promises')).readFile(p),
    sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 20))),
  });
  return { code, out, err };
}

function resultsFile(name: string, run: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify(run));
  return file;
}

/** Reads a Test Execution's runs back from the emulator's GraphQL API (the way Xray's own UI data is served). */
async function runsInXray(execKey: string): Promise<Array<{ key: string; status: string; comment: string | null; evidence: string[] }>> {
  const base = sb.xray.url;
  const auth = await fetch(`${base}/api/v2/authenticate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: sb.xrayCredentials.clientId, client_secret: sb.xrayCredentials.clientSecret }),
  });
  const token = (await auth.json()) as string;
  const exec = sb.world.findIssue(execKey)!;
  const res = await fetch(`${base}/api/v2/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-forwarded-host': 'eu.xray.cloud.getxray.app' },
    body: JSON.stringify({
      query: `query($e: [String]) { getTestRuns(testExecIssueIds: $e, limit: 100) { total results { status { name } comment test { jira(fields: ["key"]) } evidence { filename } } } }`,
      variables: { e: [exec.id] },
    }),
  });
  const body = (await res.json()) as {
    data: { getTestRuns: { results: Array<{ status: { name: string }; comment: string | null; test: { jira: { key: string } }; evidence: Array<{ filename: string }> }> } };
  };
  return body.data.getTestRuns.results
    .map((r) => ({ key: r.test.jira.key, status: r.status.name, comment: r.comment, evidence: r.evidence.map((e) => e.filename) }))
    .sort((a, b) => a.key.localeCompare(b.key, 'en', { numeric: true }));
}

const t = (i: number) => demo.tests[i]!;

describe('xts -> web trigger -> queue -> sync -> Xray', () => {
  it('records a signed run as one Test Execution in the linked Test Plan, with statuses, comments and evidence', async () => {
    const file = resultsFile('run.json', {
      runId: 'nightly-42',
      testPlanId: demo.testPlan.planId,
      summary: 'Nightly regression, build 1.4.2',
      environments: ['Chrome'],
      results: [
        { testCaseId: t(0).caseId, status: 'SUCCESS' },
        { testCaseId: Number(t(1).caseId), status: 'failure', message: 'Expected an error banner', attachments: [{ filename: 'run.log', contentType: 'text/plain', data: Buffer.from('step 3 failed').toString('base64') }] },
        { testCaseId: t(2).caseId, status: 'ABORTED' },
        { testCaseId: demo.unlinkedCaseId, status: 'SUCCESS' },
      ],
    });
    const r = await xts(['send', file, '--wait', '--poll-interval', '0.05']);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/partly|partial/i);

    const execs = sb.world.listTestExecutions();
    expect(execs).toHaveLength(1);
    const exec = execs[0]!;
    expect(exec.summary).toBe('Nightly regression, build 1.4.2');
    expect(exec.projectKey).toBe(demo.projectKey);
    expect(exec.testPlanIds).toEqual([demo.testPlan.id]);
    expect(exec.testEnvironments).toEqual(['Chrome']);
    expect(await runsInXray(exec.key)).toEqual([
      { key: t(0).key, status: 'PASSED', comment: null, evidence: [] },
      { key: t(1).key, status: 'FAILED', comment: 'Expected an error banner', evidence: ['run.log'] },
      { key: t(2).key, status: 'ABORTED', comment: null, evidence: [] },
    ]);
    expect(sb.xray.createdTests()).toEqual([]);
  });

  it('keeps one Test Execution for a second delivery of the same run and updates its runs', async () => {
    const first = resultsFile('a.json', { runId: 'ci-7', results: [{ testCaseId: t(0).caseId, status: 'FAILURE' }] });
    const second = resultsFile('b.json', { runId: 'ci-7', results: [{ testCaseId: t(0).caseId, status: 'SUCCESS' }, { testCaseId: t(3).caseId, status: 'SUCCESS' }] });
    expect((await xts(['send', first, '--wait', '--poll-interval', '0.05'])).code).toBe(0);
    expect((await xts(['send', second, '--wait', '--poll-interval', '0.05'])).code).toBe(0);
    const execs = sb.world.listTestExecutions();
    expect(execs).toHaveLength(1);
    expect((await runsInXray(execs[0]!.key)).map((x) => [x.key, x.status])).toEqual([
      [t(0).key, 'PASSED'],
      [t(3).key, 'PASSED'],
    ]);
  });

  it('never duplicates the Test Execution when Xray commits the import but the answer is lost and Jira search lags', async () => {
    sb.world.setSearchIndexLagMs(400);
    sb.xray.faults.inject({ endpoint: 'multipart', kind: 'lost', count: 1 });
    const file = resultsFile('lost.json', { runId: 'lost-1', results: [{ testCaseId: t(0).caseId, status: 'SUCCESS' }, { testCaseId: t(1).caseId, status: 'FAILURE' }] });
    const r = await xts(['send', file, '--wait', '--poll-interval', '0.05']);
    expect(r.code).toBe(0);
    expect(sb.xray.counters.get('lost')).toBe(1);
    const execs = sb.world.listTestExecutions();
    expect(execs).toHaveLength(1);
    expect((await runsInXray(execs[0]!.key)).map((x) => x.status)).toEqual(['PASSED', 'FAILED']);
  });

  it('rides out Xray answering 429 twice and a 500', async () => {
    sb.xray.faults.inject({ endpoint: 'multipart', kind: '429', count: 2 });
    sb.xray.faults.inject({ endpoint: 'import', kind: '500', count: 1 });
    const file = resultsFile('busy.json', { runId: 'busy-1', results: [{ testCaseId: t(4).caseId, status: 'SUCCESS' }] });
    expect((await xts(['send', file, '--wait', '--poll-interval', '0.05'])).code).toBe(0);
    expect(sb.world.listTestExecutions()).toHaveLength(1);
  });

  it('splits a run over 4 MiB into several deliveries that land in one Test Execution', async () => {
    const big = Buffer.alloc(1_400_000, 7).toString('base64'); // 1.4 MB decoded: under the 2 MiB evidence cap
    const results = demo.tests.map((x, i) => ({ testCaseId: x.caseId, status: 'SUCCESS', attachments: [{ filename: `shot-${i}.png`, contentType: 'image/png', data: big }] }));
    const file = resultsFile('big.json', { runId: 'big-1', results });
    const r = await xts(['send', file, '--wait', '--poll-interval', '0.05']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Delivery 2 of/);
    const execs = sb.world.listTestExecutions();
    expect(execs).toHaveLength(1);
    const runs = await runsInXray(execs[0]!.key);
    expect(runs).toHaveLength(demo.tests.length);
    expect(runs.every((x) => x.status === 'PASSED' && x.evidence.length === 1)).toBe(true);
  });

  it('refuses a wrong secret with 401 and sends nothing to Xray', async () => {
    const file = resultsFile('x.json', { runId: 'nope', results: [{ testCaseId: t(0).caseId, status: 'SUCCESS' }] });
    sb.xray.reset();
    const r = await xts(['send', file, '--secret', 'not-the-secret']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/401|unauthori[sz]ed|secret/i);
    await sb.queue.idle();
    expect(sb.world.listTestExecutions()).toHaveLength(0);
    expect(sb.xray.counters.total()).toBe(0);
  });
});

describe('a run whose first delivery names no plan', () => {
  it('attaches its Test Execution to the linked Test Plan when a later delivery names it', async () => {
    const first = resultsFile('p1.json', { runId: 'late-plan', results: [{ testCaseId: t(0).caseId, status: 'SUCCESS' }] });
    const second = resultsFile('p2.json', { runId: 'late-plan', testPlanId: demo.testPlan.planId, results: [{ testCaseId: t(1).caseId, status: 'SUCCESS' }] });
    expect((await xts(['send', first, '--wait', '--poll-interval', '0.05'])).code).toBe(0);
    expect(sb.world.listTestExecutions()[0]!.testPlanIds).toEqual([]);
    expect((await xts(['send', second, '--wait', '--poll-interval', '0.05'])).code).toBe(0);
    const execs = sb.world.listTestExecutions();
    expect(execs).toHaveLength(1);
    expect(execs[0]!.testPlanIds).toEqual([demo.testPlan.id]);
  });
});

describe('rotating the web trigger secret', () => {
  it('lets the new secret in and shuts the old one out at once', async () => {
    const file = resultsFile('r.json', { runId: 'rot-1', results: [{ testCaseId: t(0).caseId, status: 'SUCCESS' }] });
    const rotated = await invokeResolver<{ secret: string; url: string }>(sb, 'admin', { key: 'rotateWebtriggerSecret', accountId: DEMO_ADMIN });
    if (!rotated.ok) throw new Error(rotated.error.message);
    expect(rotated.data.secret).not.toBe(demo.webtrigger.secret);
    expect(rotated.data.url).toBe(demo.webtrigger.url);

    const old = await xts(['send', file]);
    expect(old.code).toBe(2);
    expect(old.err).toMatch(/401|unauthori[sz]ed/i);
    const fresh = await xts(['send', file, '--secret', rotated.data.secret, '--wait', '--poll-interval', '0.05']);
    expect(fresh.code).toBe(0);
    expect(sb.world.listTestExecutions()).toHaveLength(1);

    // The settings view says a secret exists and never shows it.
    const view = await invokeResolver<Record<string, unknown>>(sb, 'admin', { key: 'getSettings', accountId: DEMO_ADMIN });
    expect(view.ok && (view.data.webtrigger as { hasWebtriggerSecret: boolean }).hasWebtriggerSecret).toBe(true);
    expect(JSON.stringify(view)).not.toContain(rotated.data.secret);
  });
});

describe('a Surefire report with reruns (JUnit flakyFailure) through xts', () => {
  /** The captured Surefire report of a test that passed on its third run, with the Testsigma id added to the copy. */
  function flakyReport(caseId: string): string {
    const xml = readFileSync(path.join(__dirname, '../fixtures/junit/surefire.rerun.flaky-passes.xml'), 'utf8');
    const marked = xml.replace(
      '<testcase name="testApp" classname="io.olamy.FlakyTest" time="0.001">',
      `<testcase name="testApp" classname="io.olamy.FlakyTest" time="0.001">\n    <properties><property name="testsigma_id" value="${caseId}"/></properties>`,
    );
    expect(marked).not.toBe(xml);
    const file = path.join(dir, `TEST-flaky-${caseId}.xml`);
    writeFileSync(file, marked);
    return file;
  }

  it('records the test as PASSED with "Passed on attempt 3 of 3" and both earlier failures', async () => {
    const r = await xts(['send', flakyReport(t(0).caseId), '--run-id', 'mvn-1', '--wait', '--poll-interval', '0.05', '--fail-on-test-failure']);
    expect(r.code).toBe(0);
    const execs = sb.world.listTestExecutions();
    expect(execs).toHaveLength(1);
    const [run] = await runsInXray(execs[0]!.key);
    expect(run).toMatchObject({ key: t(0).key, status: 'PASSED' });
    expect(run!.comment).toMatch(/^Passed on attempt 3 of 3\.\nAttempt 1: FAILED\. obvious fail\n/);
    expect(run!.comment).toContain('Attempt 2: FAILED. try one more time maybe');
    const panel = await invokeResolver<{ links: Array<{ flaky?: boolean; lastResult?: { attempts?: number } }> }>(sb, 'panel', {
      key: 'getPanel',
      accountId: DEMO_ADMIN,
      issue: { id: t(0).id, key: t(0).key },
    });
    if (!panel.ok) throw new Error(panel.error.message);
    expect(panel.data.links[0]).toMatchObject({ flaky: true, lastResult: { attempts: 3 } });
  });

  it('records it with the custom status an admin mapped FLAKY to', async () => {
    sb.world.addStatus({ name: 'PASSED ON RETRY', color: '#ffab00', final: true });
    const saved = await invokeResolver(sb, 'admin', { key: 'saveSettings', payload: { statusMap: { FLAKY: 'PASSED ON RETRY' } }, accountId: DEMO_ADMIN });
    expect(saved.ok).toBe(true);
    const r = await xts(['send', flakyReport(t(1).caseId), '--run-id', 'mvn-2', '--wait', '--poll-interval', '0.05']);
    expect(r.code).toBe(0);
    const [run] = await runsInXray(sb.world.listTestExecutions()[0]!.key);
    expect(run).toMatchObject({ key: t(1).key, status: 'PASSED ON RETRY' });
    expect(run!.comment).toMatch(/^Passed on attempt 3 of 3\./);
  });
});
