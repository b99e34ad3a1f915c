/**
 * `npm run bench`: runs of 100, 2,000 and 5,000 results through the local host against the emulators with a set
 * latency (50 ms an HTTP request, 10 ms a KVS call by default), measuring the web trigger's handler time, the
 * consumer's time, Xray requests by endpoint, KVS calls, and the same run pushed the naive way (a per-test GraphQL
 * uploader, written here as the baseline). Prints a table and writes bench-results/bench.json.
 *
 * It also counts Forge's currencies for every run and panel open (storage requests, batch operations, read units,
 * write units: sandbox/forge/rate-limits.ts) and prints them against issue 17's goals. Those rows count the limits
 * without enforcing them (a run over a minute's limit would only wait, and the bench measures what it spends); the
 * busy-site rows of the chaos bench run with every limit enforced.
 *
 * Then the chaos bench (sandbox/chaos): 20 runs of 200 results delivered at once under transient faults, on a
 * simulated clock, counted from the emulators' state; `--no-chaos` leaves it out, `--chaos-seed N` repeats a run.
 *
 *   npm run bench -- --sizes 100,2000 --http-latency 50 --kvs-latency 10
 */
import { createHmac } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { invokeResolver, startSandbox, Sandbox } from './host';
import { LinkStore } from '../src/store/link-store';
import type { CaseResultRecord } from '../src/store/run-store';
import { readPlanResults } from '../src/store/plan-results';
import { CaseIndex } from '../src/store/case-index';
import { recordCaseResults } from '../src/sync/result-mapping';
import type { JobView } from '../src/shared/types';
import type { KvsUsage } from './forge/rate-limits';
import { attributeChaos, runChaos, runDoomedRun, ChaosAttribution, ChaosFigures, DoomedFigures } from './chaos/chaos';
import { runBusySite, BusySiteFigures } from './chaos/busy-site';

interface Args {
  sizes: number[];
  httpLatencyMs: number;
  kvsLatencyMs: number;
  naive: boolean;
  chaos: boolean;
  chaosSeed: number;
  /** Only the created-Tests scenario (`--created-only`). */
  createdOnly: boolean;
}

function parseArgs(argv: string[]): Args {
  const get = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return {
    sizes: (get('--sizes') ?? '100,200,2000,5000').split(',').map((s) => Number(s.trim())).filter((n) => n > 0),
    httpLatencyMs: Number(get('--http-latency') ?? 50),
    kvsLatencyMs: Number(get('--kvs-latency') ?? 10),
    naive: !argv.includes('--no-naive'),
    chaos: !argv.includes('--no-chaos'),
    chaosSeed: Number(get('--chaos-seed') ?? 1),
    createdOnly: argv.includes('--created-only'),
  };
}

const ADMIN = 'bench-admin';
const STATUSES = ['SUCCESS', 'SUCCESS', 'SUCCESS', 'FAILURE', 'ABORTED', 'NOT_EXECUTED'] as const;

/** Seeds N Tests linked to cases 100000.. (through the app's link store, before latency is switched on). */
async function seed(sb: Sandbox, n: number, extraSettings: Record<string, unknown> = {}): Promise<{ tests: Array<{ id: string; key: string; caseId: string }>; secret: string }> {
  sb.world.createProject({ key: 'BENCH' });
  sb.world.addAccount({ accountId: ADMIN });
  sb.world.grant(ADMIN, 'ADMINISTER');
  sb.world.grant(ADMIN, 'BROWSE_PROJECTS');
  sb.world.grant(ADMIN, 'EDIT_ISSUES');
  sb.world.grant(ADMIN, 'CREATE_ISSUES');
  const saved = await invokeResolver(sb, 'admin', {
    key: 'saveSettings',
    accountId: ADMIN,
    payload: { xray: { region: 'eu', clientId: sb.xrayCredentials.clientId, clientSecret: sb.xrayCredentials.clientSecret }, defaultProjectKey: 'BENCH', ...extraSettings },
  });
  if (!saved.ok) throw new Error(`saveSettings: ${saved.error.message}`);
  const rotated = await invokeResolver<{ secret: string }>(sb, 'admin', { key: 'rotateWebtriggerSecret', accountId: ADMIN });
  if (!rotated.ok) throw new Error(`rotate: ${rotated.error.message}`);
  const links = new LinkStore(sb.kvs);
  const tests: Array<{ id: string; key: string; caseId: string }> = [];
  for (let i = 0; i < n; i++) {
    const t = sb.world.createIssue({ projectKey: 'BENCH', type: 'Test', summary: `Bench test ${i + 1}` });
    const caseId = String(100000 + i);
    await links.claim({ issueId: t.id, issueKind: 'test', testsigmaKind: 'testCase', testsigmaId: caseId, linkedBy: ADMIN, linkedAt: new Date().toISOString() });
    tests.push({ ...t, caseId });
  }
  return { tests, secret: rotated.data.secret };
}

/** The Testsigma plan the bench's runs are runs of (issue 17: a site whose runs are runs of one plan). */
const BENCH_PLAN = '8100';

/**
 * A run of one result per test of the bench's Testsigma plan (`plan: false`: a delivery that names no plan);
 * `retried`: every fifth test also failed a first attempt (it sends attempts 1 and 2).
 */
function runBody(runId: string, tests: Array<{ caseId: string }>, retried = false, plan = true): string {
  return JSON.stringify({
    runId,
    ...(plan ? { testPlanId: BENCH_PLAN } : {}),
    summary: `Bench run of ${tests.length} results`,
    startedAt: '2026-11-25T10:00:00Z',
    finishedAt: '2026-11-25T10:42:10Z',
    results: tests.flatMap((t, i): Array<Record<string, unknown>> => {
      const result = {
        testCaseId: t.caseId,
        status: STATUSES[i % STATUSES.length],
        startedAt: '2026-11-25T10:00:03Z',
        finishedAt: '2026-11-25T10:01:40Z',
        message: i % 10 === 3 ? `Assertion failed at step ${i % 7}: expected 200, got 500` : undefined,
      };
      if (!retried || i % 5 !== 0) return [result];
      return [{ ...result, status: 'FAILURE', attempt: 1, message: 'Timed out waiting for the page' }, { ...result, attempt: 2 }];
    }),
  });
}

function signedRequest(secret: string, body: string) {
  const t = String(Math.floor(Date.now() / 1000));
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return {
    method: 'POST',
    path: '/',
    body,
    headers: { 'content-type': ['application/json'], 'x-signature': [`t=${t},v1=${v1}`] },
    queryParameters: {},
  };
}

interface Measured {
  size: number;
  /** Linked cases of the site (the run's own and others'). */
  siteCases: number;
  /** Every fifth test sent two attempts (a run with retries: the same KVS calls, attempts in the case records). */
  retried: boolean;
  webtriggerMs: number;
  webtriggerKvsCalls: number;
  consumerMs: number;
  consumerKvsCalls: number;
  kvsCallsTotal: number;
  kvsCallsByOp: Record<string, number>;
  xrayRequests: number;
  xrayByEndpoint: Record<string, number>;
  xrayBeyondAuth: number;
  jiraRequests: number;
  /** Forge's currencies: the web trigger's, the consumer's, and both, of a run of a plan that ran before. */
  forge: { webtrigger: KvsUsage; consumer: KvsUsage; total: KvsUsage };
  /** The same for the plan's first run (it marks each Test with the plan once), measured before. */
  firstRun: KvsUsage;
  job: Pick<JobView, 'state' | 'counts' | 'testExecutionKey' | 'attempts'>;
  naive?: { requests: number; byOp: Record<string, number>; minutesAt300Per5Min: number; ms: number };
}

/** The baseline: what a per-test GraphQL uploader spends (create the execution, then find and set each run). */
async function naiveUpload(sb: Sandbox, tests: Array<{ id: string }>, statuses: string[]): Promise<{ requests: number; byOp: Record<string, number> }> {
  const base = 'https://eu.xray.cloud.getxray.app';
  const byOp: Record<string, number> = {};
  let requests = 0;
  const send = async (op: string, pathname: string, body: unknown, token?: string) => {
    requests++;
    byOp[op] = (byOp[op] ?? 0) + 1;
    const res = await sb.deps.fetch(`${base}${pathname}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`naive ${op}: HTTP ${res.status} ${text.slice(0, 200)}`);
    return JSON.parse(text) as unknown;
  };
  const token = (await send('authenticate', '/api/v2/authenticate', { client_id: sb.xrayCredentials.clientId, client_secret: sb.xrayCredentials.clientSecret })) as string;
  const gql = async (op: string, query: string, variables: Record<string, unknown>) => {
    const out = (await send(op, '/api/v2/graphql', { query, variables }, token)) as { data?: Record<string, unknown>; errors?: Array<{ message: string }> };
    if (out.errors?.length) throw new Error(`naive ${op}: ${out.errors[0]!.message}`);
    return out.data ?? {};
  };
  const created = (await gql(
    'createTestExecution',
    'mutation($ids: [String], $jira: JSON!) { createTestExecution(testIssueIds: $ids, jira: $jira) { testExecution { issueId } } }',
    { ids: tests.map((t) => t.id), jira: { fields: { summary: 'Naive upload', project: { key: 'BENCH' } } } },
  )) as { createTestExecution: { testExecution: { issueId: string } } };
  const execId = created.createTestExecution.testExecution.issueId;
  for (let i = 0; i < tests.length; i++) {
    const run = (await gql('getTestRun', 'query($t: String, $e: String) { getTestRun(testIssueId: $t, testExecIssueId: $e) { id } }', { t: tests[i]!.id, e: execId })) as { getTestRun: { id: string } };
    await gql('updateTestRunStatus', 'mutation($id: String!, $s: String!) { updateTestRunStatus(id: $id, status: $s) }', { id: run.getTestRun.id, s: statuses[i]! });
  }
  return { requests, byOp };
}

/** What was spent between two readings of a store's usage. */
function usageSince(before: KvsUsage, after: KvsUsage): KvsUsage {
  return {
    requests: after.requests - before.requests,
    batchOps: after.batchOps - before.batchOps,
    readUnits: after.readUnits - before.readUnits,
    writeUnits: after.writeUnits - before.writeUnits,
  };
}

async function measure(size: number, args: Args, retried = false, siteCases = size): Promise<Measured> {
  // Limits counted, not enforced: seeding thousands of links and today's layout pass them on the wall clock, and
  // the bench reports what a run spends in Forge's currencies rather than how long it would wait.
  const sb = await startSandbox({ xrayDataRegion: 'eu', queueMsPerSecond: 1, rateLimits: false });
  try {
    const { tests, secret } = await seed(sb, size);
    // A larger site: the other linked cases' entries fill the case index's shards as they would (each of the 16 then
    // holds siteCases / 16 entries), so the run reads and writes shards of their real size.
    if (siteCases > size) {
      await new CaseIndex(sb.kvs).apply(Array.from({ length: siteCases - size }, (_, i) => ({ caseId: String(5_000_000 + i), testIssueId: String(9_000_000 + i) })));
    }
    // The plan's first run: its results' first records, and each Test's plan mark (written once, never again).
    const first0 = sb.kvs.usage;
    const firstAnswer = await sb.app.webtrigger(signedRequest(secret, runBody(`bench-first-${size}`, tests, retried)));
    if (firstAnswer.statusCode !== 202) throw new Error(`web trigger answered ${firstAnswer.statusCode}: ${firstAnswer.body}`);
    await sb.queue.idle();
    const firstRun = usageSince(first0, sb.kvs.usage);
    // Latency on from here: the measured part only.
    sb.kvs.latencyMs = args.kvsLatencyMs;
    sb.setHttpLatency(args.httpLatencyMs);
    sb.xray.reset();
    sb.kvs.resetCalls();
    const jiraBefore = sb.jira.counters.total();

    // Set before the POST: the queue delivers on a timer that can fire while the web trigger still finishes its
    // last write (the pending mark's delete), and that consumer run must be timed too.
    let consumerMs = 0;
    let consumerStartCalls: number | undefined;
    let consumerStartUsage: KvsUsage | undefined;
    const realConsumer = sb.app.sync;
    sb.queue.setConsumer(async (event) => {
      consumerStartCalls ??= sb.kvs.totalCalls;
      consumerStartUsage ??= sb.kvs.usage;
      const c0 = performance.now();
      try {
        return await realConsumer(event);
      } finally {
        consumerMs += performance.now() - c0;
      }
    });
    const body = runBody(`bench-${size}`, tests, retried);
    const t0 = performance.now();
    const answer = await sb.app.webtrigger(signedRequest(secret, body));
    const webtriggerMs = performance.now() - t0;
    if (answer.statusCode !== 202) throw new Error(`web trigger answered ${answer.statusCode}: ${answer.body}`);
    const { jobId } = JSON.parse(answer.body) as { jobId: string };
    // Calls up to the consumer's start are the web trigger's (its last one may overlap the consumer's first).
    const webtriggerKvsCalls = Math.min(sb.kvs.totalCalls, consumerStartCalls ?? Infinity);

    await sb.queue.idle();
    const kvsCallsTotal = sb.kvs.totalCalls;
    const kvsCallsByOp = { ...sb.kvs.calls };
    const zero: KvsUsage = { requests: 0, batchOps: 0, readUnits: 0, writeUnits: 0 };
    const total = sb.kvs.usage;
    const wtUsage = consumerStartUsage ?? total;
    const forge = { webtrigger: usageSince(zero, wtUsage), consumer: usageSince(wtUsage, total), total };
    const xrayByEndpoint = sb.xray.counters.snapshot();
    const xrayRequests = ['authenticate', 'import', 'multipart', 'graphql'].reduce((a, k) => a + sb.xray.counters.get(k), 0);
    const jiraRequests = sb.jira.counters.total() - jiraBefore;

    sb.kvs.latencyMs = 0;
    const jobAnswer = await sb.app.webtrigger({ ...signedRequest(secret, ''), method: 'GET', queryParameters: { job: [jobId] }, headers: { authorization: [`Bearer ${secret}`] } });
    const job = JSON.parse(jobAnswer.body) as JobView;

    const m: Measured = {
      size,
      siteCases,
      retried,
      webtriggerMs,
      webtriggerKvsCalls,
      consumerMs,
      consumerKvsCalls: kvsCallsTotal - webtriggerKvsCalls,
      kvsCallsTotal,
      kvsCallsByOp,
      xrayRequests,
      xrayByEndpoint,
      xrayBeyondAuth: xrayRequests - sb.xray.counters.get('authenticate'),
      jiraRequests,
      forge,
      firstRun,
      job: { state: job.state, counts: job.counts, testExecutionKey: job.testExecutionKey, attempts: job.attempts },
    };
    if (args.naive && !retried) {
      // The naive uploader gets an unlimited emulator and no latency, so the bench counts requests in seconds, and
      // the minutes it would need under 300 requests per 5 minutes are computed from that count.
      const nb = await startSandbox({ xrayDataRegion: 'eu', xrayRequestsPer5Minutes: 1_000_000_000 });
      try {
        nb.world.createProject({ key: 'BENCH' });
        const ntests = tests.map((_, i) => nb.world.createIssue({ projectKey: 'BENCH', type: 'Test', summary: `Bench test ${i + 1}` }));
        const statuses = tests.map((_, i) => ({ SUCCESS: 'PASSED', FAILURE: 'FAILED', ABORTED: 'ABORTED', NOT_EXECUTED: 'TODO' })[STATUSES[i % STATUSES.length]!]);
        const n0 = performance.now();
        const naive = await naiveUpload(nb, ntests, statuses);
        m.naive = { ...naive, minutesAt300Per5Min: Math.max(0, Math.ceil(naive.requests / 300) - 1) * 5, ms: performance.now() - n0 };
      } finally {
        await nb.close();
      }
    }
    return m;
  } finally {
    await sb.close();
  }
}

/** Xray requests of one run with created Tests and iterations, by endpoint. */
interface CreatedRunCost {
  run: string;
  xrayRequests: number;
  xrayBeyondAuth: number;
  xrayByEndpoint: Record<string, number>;
  jiraRequests: number;
  ms: number;
  job: Pick<JobView, 'state' | 'counts' | 'testExecutionKey'>;
}

/**
 * A run of `size` results of which `created` are of cases linked to no Test (created Tests on), every tenth result
 * data-driven with 3 iterations; sent twice under two run ids. The first time the import creates the Tests and the
 * sync reads their ids back; the second time every case is linked, so it costs what a run of linked Tests costs.
 */
async function measureCreated(size: number, created: number, args: Args): Promise<CreatedRunCost[]> {
  const sb = await startSandbox({ xrayDataRegion: 'eu', queueMsPerSecond: 1, rateLimits: false });
  try {
    const { tests, secret } = await seed(sb, size - created, { createTests: { enabled: true, projectKey: 'BENCH' } });
    const cases = [...tests, ...Array.from({ length: created }, (_, i) => ({ caseId: String(200000 + i) }))];
    sb.kvs.latencyMs = args.kvsLatencyMs;
    sb.setHttpLatency(args.httpLatencyMs);
    const out: CreatedRunCost[] = [];
    for (const run of ['first', 'second']) {
      sb.xray.reset();
      const jiraBefore = sb.jira.counters.total();
      const body = JSON.parse(runBody(`bench-created-${run}`, cases)) as { results: Array<Record<string, unknown>> };
      body.results.forEach((r, i) => {
        r.testCaseName = `Bench case ${String(r.testCaseId)}`;
        if (i % 10 === 0) {
          r.iterations = [1, 2, 3].map((n) => ({ name: `data set ${n}`, status: n === 3 ? r.status : 'SUCCESS', parameters: { row: String(n) } }));
        }
      });
      const t0 = performance.now();
      const answer = await sb.app.webtrigger(signedRequest(secret, JSON.stringify(body)));
      if (answer.statusCode !== 202) throw new Error(`web trigger answered ${answer.statusCode}: ${answer.body}`);
      const { jobId } = JSON.parse(answer.body) as { jobId: string };
      await sb.queue.idle();
      const ms = performance.now() - t0;
      const jobAnswer = await sb.app.webtrigger({ ...signedRequest(secret, ''), method: 'GET', queryParameters: { job: [jobId] }, headers: { authorization: [`Bearer ${secret}`] } });
      const job = JSON.parse(jobAnswer.body) as JobView;
      const xrayRequests = ['authenticate', 'import', 'multipart', 'graphql'].reduce((a, k) => a + sb.xray.counters.get(k), 0);
      out.push({
        run,
        xrayRequests,
        xrayBeyondAuth: xrayRequests - sb.xray.counters.get('authenticate'),
        xrayByEndpoint: sb.xray.counters.snapshot(),
        jiraRequests: sb.jira.counters.total() - jiraBefore,
        ms,
        job: { state: job.state, counts: job.counts, testExecutionKey: job.testExecutionKey },
      });
    }
    return out;
  } finally {
    await sb.close();
  }
}

interface PanelCost {
  what: string;
  kvsCalls: number;
  kvsByOp: Record<string, number>;
  xrayRequests: number;
  testsigmaRequests: number;
  /** Forge's currencies of the open. */
  forge: KvsUsage;
  ms: number;
}

/**
 * One panel open (`getPanel`) as a user makes it, over the sandbox's resolver HTTP surface: a Test with 1 and with
 * 50 linked cases, and a Test Plan of 1,000 Tests (250 linked) with a cold and then a warm cache; and the issue
 * summary's lighter view (`getPanel` with `summary: true`) of the same Test and Test Plan.
 */
async function measurePanel(args: Args): Promise<PanelCost[]> {
  // Limits counted, not enforced (see measure): seeding 1,000 links passes them.
  const sb = await startSandbox({ xrayDataRegion: 'eu', rateLimits: false });
  try {
    const { tests } = await seed(sb, 1000);
    sb.testsigma.state.seedPlan({ id: 274, name: 'Nightly', suites: [{ id: 55, name: 'All', cases: tests.slice(0, 50).map((t) => ({ id: Number(t.caseId), name: `Case ${t.caseId}` })) }] });
    const saved = await invokeResolver(sb, 'admin', { key: 'saveSettings', accountId: ADMIN, payload: { testsigma: { apiKey: sb.testsigmaApiKey } } });
    if (!saved.ok) throw new Error(saved.error.message);
    const links = new LinkStore(sb.kvs);
    // Test A keeps its one case from seeding; Test B gets 49 more (50 in all).
    const testA = tests[0]!;
    const testB = tests[1]!;
    for (let i = 0; i < 49; i++) {
      const caseId = String(900000 + i);
      await links.claim({ issueId: testB.id, issueKind: 'test', testsigmaKind: 'testCase', testsigmaId: caseId, linkedBy: ADMIN, linkedAt: new Date().toISOString() });
    }
    // Only 250 of the plan's 1,000 Tests keep their links.
    for (const t of tests.slice(250)) await links.unlink(t.id, 'testCase', t.caseId);
    const plan = sb.world.createIssue({ projectKey: 'BENCH', type: 'Test Plan', summary: 'Release plan' });
    sb.world.addTestsToTestPlan(plan.id, tests.map((t) => t.id));
    await links.claim({ issueId: plan.id, issueKind: 'testPlan', testsigmaKind: 'testPlan', testsigmaId: '274', linkedBy: ADMIN, linkedAt: new Date().toISOString() });

    sb.kvs.latencyMs = args.kvsLatencyMs;
    sb.setHttpLatency(args.httpLatencyMs);
    const out: PanelCost[] = [];
    const open = async (what: string, issue: { id: string; key: string }, payload: Record<string, unknown> = {}) => {
      sb.kvs.resetCalls();
      sb.xray.reset();
      sb.testsigma.resetCounters();
      const t0 = performance.now();
      const env = await invokeResolver(sb, 'panel', { key: 'getPanel', accountId: ADMIN, issue, payload });
      const ms = performance.now() - t0;
      if (!env.ok) throw new Error(`${what}: ${env.error.message}`);
      out.push({
        what,
        kvsCalls: sb.kvs.totalCalls,
        kvsByOp: { ...sb.kvs.calls },
        xrayRequests: ['authenticate', 'import', 'multipart', 'graphql'].reduce((a, k) => a + sb.xray.counters.get(k), 0),
        testsigmaRequests: sb.testsigma.counters.total ?? 0,
        forge: sb.kvs.usage,
        ms,
      });
    };
    await open('Test, 1 link (cold)', testA);
    await open('Test, 1 link (warm)', testA);
    await open('Test, 50 links (cold)', testB);
    await open('Test, 50 links (warm)', testB);
    await open('Test Plan, 1,000 Tests (cold)', plan);
    await open('Test Plan, 1,000 Tests (warm)', plan);
    await open('issue-context summary (warm)', testA, { summary: true });
    await open('issue-context summary, Test Plan (warm)', plan, { summary: true });

    // Then every linked case gets 10 runs of history (every third one flaky), as the sync writes them, and the
    // same panels open again: the difference is what history and the flaky list cost.
    sb.kvs.latencyMs = 0;
    const histories: Array<[string, string]> = [
      ...Array.from({ length: 49 }, (_, i): [string, string] => [String(900000 + i), testB.id]),
      [testB.caseId, testB.id],
      ...tests.slice(0, 250).map((t): [string, string] => [t.caseId, t.id]),
    ];
    // Recorded as the sync records runs of the Test Plan's Testsigma plan: 10 runs, then a later delivery of the last.
    const where = { caseResults: new Map<string, CaseResultRecord>(), keptHere: new Set<string>(), legacyResults: false, resultsPlan: '274' };
    for (let r = 0; r <= 10; r++) {
      const writes = histories.map(([caseId, testIssueId], n) => {
        const word = r === 10 || !(n % 3 === 0 && r % 2 === 1) ? 'SUCCESS' : 'FAILURE';
        const at = new Date(Date.UTC(2026, 10, 1 + r)).toISOString();
        return { caseId, input: { status: word === 'SUCCESS' ? 'PASSED' : 'FAILED', word, runId: `bench-${Math.min(r, 9)}`, at, testIssueId } };
      });
      await recordCaseResults({ kvs: sb.kvs }, r === 0 ? where : { ...where, caseResults: await readPlanResults(sb.kvs, '274'), keptHere: new Set(histories.map(([c]) => c)) }, writes, {});
    }
    sb.kvs.latencyMs = args.kvsLatencyMs;
    await open('Test, 1 link, 10-run history (warm)', testA);
    await open('Test, 50 links, 10-run histories (warm)', testB);
    await open('Test Plan, 1,000 Tests, 10-run histories (warm)', plan);
    // The issue summary (jira:issueContext) opens on every Xray issue whether or not anyone added the panel: its
    // lighter view, today trimmed from the full one.
    await open('Summary of a Test, 1 link, 10-run history (warm)', testA, { summary: true });
    await open('Summary of a Test, 50 links, 10-run histories (warm)', testB, { summary: true });
    await open('Summary of a Test Plan, 1,000 Tests (warm)', plan, { summary: true });
    return out;
  } finally {
    await sb.close();
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  console.log(`Bench: ${args.sizes.join(', ')} results; latency ${args.httpLatencyMs} ms an HTTP request, ${args.kvsLatencyMs} ms a KVS call`);
  if (args.createdOnly) {
    for (const c of await measureCreated(2000, 500, args)) {
      console.log(`2000 with 500 created, ${c.run} time: ${c.job.state} ${JSON.stringify(c.job.counts)}; Xray ${c.xrayRequests} requests (${c.xrayBeyondAuth} beyond auth) ${JSON.stringify(c.xrayByEndpoint)}; Jira ${c.jiraRequests}; ${c.ms.toFixed(0)} ms`);
    }
    return;
  }
  const results: Measured[] = [];
  for (const size of args.sizes) {
    process.stdout.write(`  ${size} results ... `);
    const m = await measure(size, args);
    results.push(m);
    console.log(`${m.job.state}, ${m.job.counts.synced} synced into ${m.job.testExecutionKey}`);
  }
  // Issue 17's site: 100,000 linked cases, whose runs are runs of one plan of 2,000.
  if (args.sizes.includes(2000)) {
    process.stdout.write('  2000 results on a site of 100,000 linked cases ... ');
    const m = await measure(2000, args, false, 100_000);
    results.push(m);
    console.log(`${m.job.state}, ${m.job.counts.synced} synced into ${m.job.testExecutionKey}`);
  }
  // The same 2,000-test run with retries: every fifth test sends two attempts (400 more entries, still 2,000 tests).
  if (args.sizes.includes(2000)) {
    process.stdout.write('  2000 results, every fifth retried ... ');
    const m = await measure(2000, args, true);
    results.push(m);
    console.log(`${m.job.state}, ${m.job.counts.synced} tests synced into ${m.job.testExecutionKey}`);
  }
  // Created Tests and iterations: 2,000 results, 500 of unlinked cases, every tenth with three iterations.
  let createdRuns: CreatedRunCost[] | undefined;
  if (args.sizes.includes(2000)) {
    process.stdout.write('  2000 results, 500 of unlinked cases (created Tests), every tenth with 3 iterations, twice ... ');
    createdRuns = await measureCreated(2000, 500, args);
    console.log(createdRuns.map((c) => `${c.run}: ${c.job.state}, ${c.job.counts.synced} synced, ${c.job.counts.created ?? 0} created, ${c.xrayBeyondAuth} Xray requests beyond auth`).join('; '));
  }
  const rows = [
    ['results', 'webtrigger ms', 'wt KVS', 'consumer ms', 'consumer KVS', 'KVS total', 'Xray req', 'beyond auth', 'Jira req', 'naive Xray req', 'naive minutes @300/5min'],
    ...results.map((m) => [
      label(m),
      m.webtriggerMs.toFixed(0),
      String(m.webtriggerKvsCalls),
      m.consumerMs.toFixed(0),
      String(m.consumerKvsCalls),
      String(m.kvsCallsTotal),
      String(m.xrayRequests),
      String(m.xrayBeyondAuth),
      String(m.jiraRequests),
      m.naive ? String(m.naive.requests) : '-',
      m.naive ? String(m.naive.minutesAt300Per5Min) : '-',
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  console.log('');
  for (const [i, r] of rows.entries()) {
    console.log(r.map((c, j) => c.padStart(widths[j]!)).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
  console.log(`\nForge's currencies (web trigger + consumer; limits counted, not enforced), runs of Testsigma plan ${BENCH_PLAN}:`);
  const frows = [
    ['results', 'requests', 'batch ops', 'read units', 'write units', 'wt requests', 'wt batch ops', 'consumer batch ops', "plan's first run: requests", 'batch ops', 'read units', 'write units'],
    ...results.map((m) => [
      label(m),
      String(m.forge.total.requests),
      String(m.forge.total.batchOps),
      String(m.forge.total.readUnits),
      String(m.forge.total.writeUnits),
      String(m.forge.webtrigger.requests),
      String(m.forge.webtrigger.batchOps),
      String(m.forge.consumer.batchOps),
      String(m.firstRun.requests),
      String(m.firstRun.batchOps),
      String(m.firstRun.readUnits),
      String(m.firstRun.writeUnits),
    ]),
  ];
  printTable(frows);
  // Cases' results, history and attempts live in the plan's 8 result parts, read once and written once a run; the
  // first run also marks each Test with the plan (one batch write per 25 Tests), which no later run repeats.
  console.log("\nA run reads its cases' Tests from the case index's 16 shards and their records from the plan's 8 parts (one batch read); the plan's first run marks each of its Tests once, a single write each.");
  for (const m of results) console.log(`\n${label(m)}: Xray by endpoint ${JSON.stringify(m.xrayByEndpoint)}; KVS by op ${JSON.stringify(m.kvsCallsByOp)}${m.naive ? `; naive by op ${JSON.stringify(m.naive.byOp)}` : ''}`);
  for (const c of createdRuns ?? []) {
    console.log(`\n2000 with 500 created, ${c.run} time: Xray ${c.xrayRequests} requests (${c.xrayBeyondAuth} beyond auth) ${JSON.stringify(c.xrayByEndpoint)}; Jira ${c.jiraRequests}; ${c.ms.toFixed(0)} ms`);
  }
  console.log('\nOne panel open (getPanel), same latency:');
  const panel = await measurePanel(args);
  const prow = [
    ['panel', 'KVS calls', 'requests', 'batch ops', 'read units', 'write units', 'Xray req', 'Testsigma req', 'ms'],
    ...panel.map((p) => [
      p.what,
      String(p.kvsCalls),
      String(p.forge.requests),
      String(p.forge.batchOps),
      String(p.forge.readUnits),
      String(p.forge.writeUnits),
      String(p.xrayRequests),
      String(p.testsigmaRequests),
      p.ms.toFixed(0),
    ]),
  ];
  printTable(prow, true);
  for (const p of panel) console.log(`  ${p.what}: KVS by op ${JSON.stringify(p.kvsByOp)}`);
  console.log("\nIssue 17's goals in Forge's currencies:");
  printTable([['figure', 'measured', 'goal', ''], ...goalRows(results, panel)], true);
  const chaos = args.chaos ? await chaosSection(args.chaosSeed) : undefined;
  const out = path.join(__dirname, '..', 'bench-results');
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'bench.json'), JSON.stringify({ at: new Date().toISOString(), args, results, createdRuns, panel, chaos }, null, 2));
  console.log(`\nWrote ${path.relative(process.cwd(), path.join(out, 'bench.json'))}`);
}

/** The busy site (issue 17): every rate limit on, today's faults, runs and panel opens over 5 simulated minutes. */
async function busySiteSection(seed: number): Promise<BusySiteFigures> {
  console.log('\nBusy site: 5,000 linked cases; 20 runs of 200 results of one Testsigma plan over 5 simulated minutes, and 60 opens');
  console.log('(40 Test panels, 10 Test Plan panels of 1,000 Tests with 250 linked, 10 summaries) by 3 users; Forge\'s storage and');
  console.log("queue rate limits on, today's faults (10% of Xray requests, 2% of Jira requests and storage calls, one lost answer, 90 s index lag):");
  const b = await runBusySite({ seed });
  const mark = (ok: boolean) => (ok ? 'ok' : 'FAIL');
  const opens = Object.entries(b.opens).map(([kind, by]) => `${kind} ${JSON.stringify(by)}`).join('; ');
  const badOpens = Object.values(b.opens).some((by) => Object.keys(by).some((a) => a !== 'normal' && a !== 'storage_busy'));
  const rows: Array<[string, string, string]> = [
    ['runs landed once and whole', `${b.runsLanded} of ${b.runs}`, `must be ${b.runs}: ${mark(b.runsLanded === b.runs)}`],
    ['results lost', String(b.resultsLost), `must be 0: ${mark(b.resultsLost === 0)}`],
    ['jobs failed / unfinished / deliveries refused', `${b.jobsFailed} / ${b.jobsUnfinished} / ${b.deliveriesRefused}`, `must be 0: ${mark(b.jobsFailed + b.jobsUnfinished + b.deliveriesRefused === 0)}`],
    ['simulated minute of the last sync', b.lastSyncedMinute === undefined ? 'never' : String(b.lastSyncedMinute), `must be <= ${b.boundMinutes}: ${mark(b.lastSyncedMinute !== undefined && b.lastSyncedMinute <= b.boundMinutes)}`],
    ['opens (normal / storage_busy / errors)', opens, `never an error: ${mark(!badOpens)}`],
    ['batch operations (all, peak a minute)', `${b.batchOps}, ${b.peakBatchOpsPerMinute}`, `refused by limit ${JSON.stringify(b.kvsRefused)}; queue pushes refused ${b.queueRefused}`],
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  for (const [a, v, note] of rows) console.log(`  ${a.padEnd(w0)}  ${v.padStart(w1)}  ${note}`);
  console.log(`  ${b.simMinutes} simulated minutes in ${b.realMs} ms${b.stalled ? '; stalled' : ''}`);
  for (const e of b.errors) console.log(`  error logged: ${e}`);
  return b;
}

/** Prints rows as a table: the header underlined, cells right-aligned (the first left-aligned when `labelled`). */
function printTable(rows: string[][], labelled = false): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  for (const [i, r] of rows.entries()) {
    console.log(r.map((c, j) => (labelled && j === 0 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}

/** A run's row label: its size, and what sets it apart. */
function label(m: Measured): string {
  return `${m.size}${m.retried ? ' retried' : ''}${m.siteCases > m.size ? ` (site of ${m.siteCases.toLocaleString('en-US')})` : ''}`;
}

/** Issue 17's goals table, with what this bench measured (warm where it is a panel). */
function goalRows(results: Measured[], panel: PanelCost[]): string[][] {
  const rows: string[][] = [];
  const check = (figure: string, measured: number[] | undefined, goals: number[]) => {
    if (!measured) return;
    const ok = measured.every((v, i) => v <= goals[i]!);
    rows.push([figure, measured.join(' / '), goals.map((g) => `<= ${g}`).join(' / '), ok ? 'ok' : 'OVER']);
  };
  const run = (size: number, siteCases = size) => results.find((m) => m.size === size && !m.retried && m.siteCases === siteCases)?.forge.total;
  const open = (what: string) => panel.find((p) => p.what === what)?.forge;
  const r2000 = run(2000);
  check('2,000-result run: batch operations / all requests', r2000 && [r2000.batchOps, r2000.requests], [12, 40]);
  check('2,000-result run: read units / write units', r2000 && [r2000.readUnits, r2000.writeUnits], [1000, 1000]);
  // Issue 17's site of 100,000 linked cases: the index's shards are 50 times larger.
  const big = run(2000, 100_000);
  check('2,000-result run, site of 100,000 linked cases: batch operations / all requests', big && [big.batchOps, big.requests], [12, 40]);
  check('2,000-result run, site of 100,000 linked cases: read units / write units', big && [big.readUnits, big.writeUnits], [1000, 1000]);
  // Not a goal: the plan's first run marks each of its 2,000 Tests once (single writes), never again.
  const first = results.find((m) => m.size === 2000 && !m.retried && m.siteCases === 2000)?.firstRun;
  if (first) rows.push(["2,000-result run, the plan's first: batch operations / all requests", `${first.batchOps} / ${first.requests}`, 'once a plan', '']);
  // Panels whose cases have results (10-run histories, every third case flaky), as on a site that runs its plan.
  const t50 = open('Test, 50 links, 10-run histories (warm)');
  check('Test panel, 50 links: batch operations / all requests', t50 && [t50.batchOps, t50.requests], [1, 4]);
  const t1 = open('Test, 1 link, 10-run history (warm)');
  check('Test panel, 1 link: all requests', t1 && [t1.requests], [3]);
  const tp = open('Test Plan, 1,000 Tests, 10-run histories (warm)');
  check('Test Plan panel, 1,000 Tests (250 linked): batch operations / all requests', tp && [tp.batchOps, tp.requests], [2, 8]);
  const r200 = run(200);
  check('200-result run: batch operations', r200 && [r200.batchOps], [6]);
  // The summary of a Test of one case, as the 1-link panel (50 links take three query pages, as the panel does).
  const summary = open('Summary of a Test, 1 link, 10-run history (warm)');
  check('issue-context summary: batch operations / all requests', summary && [summary.batchOps, summary.requests], [1, 3]);
  return rows;
}

/** The chaos section: both scenarios at full scale, their figures against what exactly-once demands. */
async function chaosSection(seed: number): Promise<{ scenario1: ChaosFigures; scenario2: DoomedFigures; byFault: ChaosAttribution[]; busySite: BusySiteFigures }> {
  console.log(`\nChaos (seed ${seed}): 20 runs of 200 results at once, each in 2 deliveries plus 5 sent twice; Xray budget 10 requests per 5 minutes;`);
  console.log('10% of Xray requests fail (429, 500, timeout; at most 3 in a row), one create answer lost, 2% of Jira requests and KVS calls fail, search index 90 s behind.');
  const c = await runChaos({ seed });
  const mark = (ok: boolean) => (ok ? 'ok' : 'FAIL');
  const rows: Array<[string, string, string]> = [
    ['Test Executions created', String(c.testExecutionsCreated), `must be ${c.expectedTestExecutions}: ${mark(c.testExecutionsCreated === c.expectedTestExecutions)}`],
    ['results lost', String(c.resultsLost), `must be 0: ${mark(c.resultsLost === 0)}`],
    ['jobs failed', String(c.jobsFailed), `must be 0: ${mark(c.jobsFailed === 0)}`],
    ['jobs unfinished', String(c.jobsUnfinished), `must be 0: ${mark(c.jobsUnfinished === 0)}${c.stalled ? ' (stalled: nothing left scheduled)' : ''}`],
    ['Xray requests spent', String(c.xrayRequests), JSON.stringify(c.xrayByEndpoint)],
    ['simulated minutes until all synced', c.finished ? String(c.simMinutes) : `not all synced (stopped at ${c.simMinutes})`, `${c.realMs} ms real`],
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  for (const [a, b, note] of rows) console.log(`  ${a.padEnd(w0)}  ${b.padStart(w1)}  ${note}`);
  console.log(`  faults injected ${JSON.stringify(c.faultsInjected)}; KVS calls ${c.kvsCalls} (${c.kvsThrottled} throttled); queue ${JSON.stringify(c.queueStats)}`);
  for (const d of c.duplicatedRuns) console.log(`  run with more than one Test Execution: ${d}`);
  for (const n of c.jobNotes) console.log(`  job ${n}`);
  console.log('\nChaos, one run whose creates fail for good (every create answered 500), then retryJob once the fault cleared:');
  const d = await runDoomedRun({ seed });
  console.log(`  job before the retry: ${d.stateBeforeRetry} (must be failed: ${mark(d.stateBeforeRetry === 'failed')})${d.errors[0] ? `: ${d.errors[0]}` : ''}`);
  console.log(`  after retryJob${d.retryRefused ? ` (refused: ${d.retryRefused})` : ''}: ${d.stateAfterRetry}; Test Executions of the run ${d.testExecutionsOfRun} (must be 1: ${mark(d.testExecutionsOfRun === 1)}); results lost ${d.resultsLost}; ${d.simMinutes} simulated minutes${d.stalled ? '; stalled' : ''}`);
  console.log('\nChaos, scenario 1 with one kind of fault at a time:');
  const byFault = await attributeChaos({ seed });
  const fw = Math.max(...byFault.map((b) => b.faults.length));
  console.log(`  ${'faults'.padEnd(fw)}  executions  lost  failed  unfinished  Xray req  sim min`);
  for (const { faults, figures: f } of byFault) {
    console.log(`  ${faults.padEnd(fw)}  ${String(f.testExecutionsCreated).padStart(10)}  ${String(f.resultsLost).padStart(4)}  ${String(f.jobsFailed).padStart(6)}  ${String(f.jobsUnfinished).padStart(10)}  ${String(f.xrayRequests).padStart(8)}  ${String(f.simMinutes).padStart(7)}`);
  }
  const busySite = await busySiteSection(seed);
  return {
    busySite,
    scenario1: { ...c, log: c.log.slice(-50) },
    scenario2: { ...d, log: d.log.slice(-50) },
    byFault: byFault.map((b) => ({ ...b, figures: { ...b.figures, log: b.figures.log.slice(-20) } })),
  };
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err, (err as { cause?: unknown })?.cause);
  process.exit(1);
});
