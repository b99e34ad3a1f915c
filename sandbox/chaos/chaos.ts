/**
 * The chaos bench: many runs delivered at once into the real app, in process, on one simulated clock, while Xray
 * and Jira fail transiently, Jira's search index lags and Forge storage throttles. It proves exactly-once from the
 * emulators' own state: one Test Execution per run, every result in it, no job failed.
 *
 * Faults are injected by the transport in front of the emulators (`chaosFetch`), per request, so that no request
 * fails more times in a row than the app's retry bound: a 429 or 500 answered without the emulator acting, a
 * timeout (no answer until the app gives up), and one lost answer (the emulator acts, the connection then resets).
 */
import { createHmac, createHash } from 'node:crypto';
import { createApp, App } from '../../src/app';
import type { AppDeps, FetchPort, HttpRequestInit, HttpResponseLike, JiraPort } from '../../src/ports';
import { LinkStore } from '../../src/store/link-store';
import { JobStore, type JobRecord } from '../../src/store/job-store';
import { RUN_MARK_SECRET_KEY, runLabelWith } from '../../src/sync/run-mark-secret';
import { DEFAULT_RETRY_POLICY } from '../../src/xray/retry-policy';
import { World } from '../emulators/world';
import { startJiraEmulator } from '../emulators/jira';
import { startXrayEmulator } from '../emulators/xray';
import { startTestsigmaEmulator } from '../emulators/testsigma';
import { MemoryKvs } from '../forge/memory-kvs';
import { MemoryQueue } from '../forge/memory-queue';
import { collectingLogger } from '../forge/memory-log';
import { answer, callInProcess, ConnectionResetError, EmulatorHandler } from './in-process-http';
import { installSimClock } from './sim-clock';
import { DEFAULT_LOCALE, translateMessage } from '../../src/i18n/translate';

/** The chaos bench's knobs; the defaults are the full scale of issue 10. */
export interface ChaosOptions {
  runs?: number;
  resultsPerRun?: number;
  /** Deliveries each run is split into. */
  deliveriesPerRun?: number;
  /** Deliveries sent a second time (the same body). */
  duplicates?: number;
  /** The app's Xray budget per 5 minutes (the smallest the settings allow is 10). */
  requestsPer5Minutes?: number;
  /** Share of Xray requests that fail transiently (429, 500 or a timeout). */
  xrayFaultRate?: number;
  /** Share of Jira requests that fail transiently (429 or 500). */
  jiraFaultRate?: number;
  /** Share of KVS calls throttled. */
  kvsThrottleRate?: number;
  /** Jira's search index lag in ms. */
  searchIndexLagMs?: number;
  /** Whether one import answer is lost after Xray acted on it. */
  loseOneAnswer?: boolean;
  /** Gives up after this much simulated time. */
  maxSimMinutes?: number;
  /** Seed of every random choice (faults, throttles, backoff jitter). */
  seed?: number;
  /** Forge's storage and queue rate limits once seeding is done (on unless false; say why where you turn them off). */
  rateLimits?: boolean;
}

/** What one scenario measured, counted from the emulators' state (and the app's job records for job states). */
export interface ChaosFigures {
  testExecutionsCreated: number;
  expectedTestExecutions: number;
  resultsLost: number;
  jobsFailed: number;
  /** Jobs neither succeeded nor failed when the simulation stopped. */
  jobsUnfinished: number;
  jobs: number;
  xrayRequests: number;
  xrayByEndpoint: Record<string, number>;
  faultsInjected: Record<string, number>;
  kvsCalls: number;
  kvsThrottled: number;
  deliveriesRefused: number;
  simMinutes: number;
  finished: boolean;
  /** The simulation ran out of work before every job ended (an event dropped, nothing scheduled). */
  stalled: boolean;
  queueStats: MemoryQueue['stats'];
  realMs: number;
  consumerErrors: string[];
  /** Why each failed job failed, and where each unfinished one stopped (run id: state: first error). */
  jobNotes: string[];
  /** Runs with more than one Test Execution, with their keys. */
  duplicatedRuns: string[];
  /** The app's warnings and errors. */
  log: string[];
}

const START = Date.parse('2026-11-25T09:00:00Z');
const ADMIN = 'chaos-admin';
const STATUSES = ['SUCCESS', 'SUCCESS', 'SUCCESS', 'FAILURE'] as const;
const XRAY_STATUS: Record<string, string> = { SUCCESS: 'PASSED', FAILURE: 'FAILED' };

/** A small seeded PRNG (mulberry32), so a chaos run can be repeated. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Fault = '429' | '500' | 'timeout' | 'lost';

/** Decides the fault of each request; at most `maxInARow` failures in a row for the same request. */
class FaultPlan {
  readonly injected: Record<string, number> = {};
  private readonly inARow = new Map<string, number>();
  /** Requests whose creates fail for good (the second scenario), matched on the body. */
  failCreatesOf?: string;
  lostLeft: number;

  constructor(
    private readonly random: () => number,
    /** Share of requests that fail; 0 while the site is seeded. */
    public rate: number,
    private readonly kinds: Fault[],
    private readonly maxInARow: number,
    lost: boolean,
  ) {
    this.lostLeft = lost ? 1 : 0;
  }

  pick(requestKey: string, isCreate: boolean): Fault | undefined {
    const row = this.inARow.get(requestKey) ?? 0;
    let fault: Fault | undefined;
    if (isCreate && this.lostLeft > 0 && this.random() < 0.2) {
      this.lostLeft--;
      fault = 'lost';
    } else if (row < this.maxInARow && this.random() < this.rate) {
      fault = this.kinds[Math.floor(this.random() * this.kinds.length)]!;
    }
    if (fault && fault !== 'lost') this.inARow.set(requestKey, row + 1);
    else this.inARow.delete(requestKey);
    if (fault) this.injected[fault] = (this.injected[fault] ?? 0) + 1;
    return fault;
  }

  count(kind: string): void {
    this.injected[kind] = (this.injected[kind] ?? 0) + 1;
  }
}

function bodyText(init: HttpRequestInit): string {
  return init.body === undefined ? '' : typeof init.body === 'string' ? init.body : Buffer.from(init.body).toString('latin1');
}

function hang(init: HttpRequestInit): Promise<HttpResponseLike> {
  // No answer at all: only the app's own time limit (its abort signal) ends the wait.
  return new Promise((_, reject) => {
    init.signal?.addEventListener('abort', () => reject(Object.assign(new Error('This operation was aborted'), { name: 'AbortError' })), { once: true });
  });
}

/** The app's egress: Xray and Testsigma hosts go to the emulators in process, through the fault plan. */
function chaosFetch(xray: EmulatorHandler, testsigma: EmulatorHandler, plan: FaultPlan, spent: Record<string, number>): FetchPort {
  return async (url, init = {}) => {
    const target = new URL(url);
    const path = `${target.pathname}${target.search}`;
    const headers = { ...(init.headers ?? {}), 'x-forwarded-host': target.host };
    if (target.host === 'app.testsigma.com') return callInProcess(testsigma, path, { ...init, headers });
    if (!target.host.endsWith('xray.cloud.getxray.app')) throw new Error(`URL not included in the external fetch backend permissions: ${target.host}`);
    const endpoint = /authenticate/.test(path) ? 'authenticate' : /multipart/.test(path) ? 'multipart' : /import/.test(path) ? 'import' : 'graphql';
    spent[endpoint] = (spent[endpoint] ?? 0) + 1;
    const text = bodyText(init);
    // A create is an import that names no Test Execution yet (the multipart import always creates).
    const isCreate = endpoint === 'multipart' || (endpoint === 'import' && !/"testExecutionKey"/.test(text));
    if (plan.failCreatesOf && isCreate && text.includes(plan.failCreatesOf)) {
      plan.count('500 (for good)');
      return answer(500, { 'content-type': 'application/json' }, JSON.stringify({ error: 'Internal server error' }));
    }
    const key = `${init.method ?? 'GET'} ${path} ${createHash('sha1').update(text).digest('hex')}`;
    const fault = endpoint === 'authenticate' ? undefined : plan.pick(key, isCreate);
    if (fault === '429') return answer(429, { 'content-type': 'application/json' }, JSON.stringify({ error: 'Too many requests. Please try again later.' }));
    if (fault === '500') return answer(500, { 'content-type': 'application/json' }, JSON.stringify({ error: 'Internal server error' }));
    if (fault === 'timeout') return hang(init);
    const res = await callInProcess(xray, path, { ...init, headers });
    if (fault === 'lost') throw new ConnectionResetError();
    return res;
  };
}

/** Forge's `requestJira`, in process, through the fault plan (Jira's transient 429s and 500s). */
function chaosJira(jira: EmulatorHandler, plan: FaultPlan): JiraPort {
  const call = (auth: string) => async (path: string, init: HttpRequestInit = {}) => {
    const key = `${init.method ?? 'GET'} ${path} ${createHash('sha1').update(bodyText(init)).digest('hex')}`;
    const fault = plan.pick(key, false);
    if (fault === '429') return answer(429, { 'content-type': 'application/json', 'retry-after': '5' }, JSON.stringify({ errorMessages: ['Rate limit exceeded.'] }));
    if (fault === '500') return answer(500, { 'content-type': 'application/json' }, JSON.stringify({ errorMessages: ['Internal server error'] }));
    return callInProcess(jira, path, { ...init, headers: { ...(init.headers ?? {}), authorization: auth } });
  };
  return { asUser: (accountId) => call(`Bearer user:${accountId}`), asApp: () => call('Bearer app') };
}

/** One simulated site with the app wired in process, on the simulated clock. */
export async function buildSite(o: Required<ChaosOptions>) {
  const random = seededRandom(o.seed);
  const world = new World({ now: () => Date.now(), searchIndexLagMs: o.searchIndexLagMs });
  const xrayCredentials = { clientId: 'chaos-client', clientSecret: 'chaos-secret-0123456789abcdef' };
  // Started on the real clock (they bind a loopback port each, which the bench never uses); they read the time
  // through these closures, so from here on they follow the simulated clock.
  const jira = await startJiraEmulator({ world });
  const xray = await startXrayEmulator({ world, dataRegion: 'eu', clients: [xrayCredentials], now: () => Date.now() });
  const testsigma = await startTestsigmaEmulator({ apiKeys: ['chaos-ts-key'], now: () => Date.now() });
  const sim = installSimClock(START);
  const realRandom = Math.random;
  // Backoff jitter and every other draw of the app come from the seed too.
  Math.random = random;
  const xrayPlan = new FaultPlan(random, 0, ['429', '500', 'timeout'], DEFAULT_RETRY_POLICY.maxAttempts - 1, o.loseOneAnswer);
  const jiraPlan = new FaultPlan(random, 0, ['429', '500'], 1, false);
  const spent: Record<string, number> = {};
  // Seeding runs with the limits off (a site is not linked in one simulated second); `unleash` switches them on.
  const kvs = new MemoryKvs({ now: () => Date.now(), random, rateLimits: true });
  kvs.limiter.enforce = false;
  const consumerErrors: string[] = [];
  const queue = new MemoryQueue({ msPerSecond: 1000, now: () => Date.now(), onError: (err) => consumerErrors.push(err instanceof Error ? err.message : String(err)) });
  let hex = 0;
  const deps: AppDeps = {
    kvs,
    fetch: chaosFetch(xray.handle, testsigma.handle, xrayPlan, spent),
    jira: chaosJira(jira.handle, jiraPlan),
    queue,
    clock: { now: () => Date.now() },
    log: collectingLogger(),
    webtriggerUrl: async () => 'https://chaos.invalid/x1/chaos',
    randomHex: (bytes) => {
      hex++;
      return createHash('sha256').update(`${o.seed}:${hex}`).digest('hex').slice(0, bytes * 2).padEnd(bytes * 2, '0');
    },
  };
  const app = createApp(deps);
  queue.setConsumer(app.sync);
  return {
    log: deps.log as ReturnType<typeof collectingLogger>,
    /** Switches the faults on (after seeding). */
    unleash: () => {
      xrayPlan.rate = o.xrayFaultRate;
      jiraPlan.rate = o.jiraFaultRate;
      kvs.throttleRate = o.kvsThrottleRate;
      kvs.limiter.clearWindows();
      kvs.limiter.enforce = o.rateLimits;
      queue.limiter.enforce = o.rateLimits;
    },
    world,
    xray,
    kvs,
    queue,
    app,
    sim,
    xrayPlan,
    jiraPlan,
    spent,
    consumerErrors,
    xrayCredentials,
    close: async () => {
      queue.close();
      sim.uninstall();
      Math.random = realRandom;
      await Promise.all([jira.close(), xray.close(), testsigma.close()]);
    },
  };
}

/** A simulated site (see {@link buildSite}). */
export type Site = Awaited<ReturnType<typeof buildSite>>;

/** Admin, settings at the smallest budget, a web trigger secret, and `n` Tests linked to cases 500000... */
export async function seed(site: Site, n: number, requestsPer5Minutes: number): Promise<{ secret: string; tests: Array<{ id: string; key: string; caseId: string }> }> {
  const { world, app } = site;
  world.createProject({ key: 'CHAOS' });
  world.addAccount({ accountId: ADMIN });
  world.grant(ADMIN, 'ADMINISTER');
  world.grant(ADMIN, 'BROWSE_PROJECTS');
  world.grant(ADMIN, 'EDIT_ISSUES');
  const saved = await app.adminResolver.saveSettings!({
    payload: { xray: { region: 'eu', clientId: site.xrayCredentials.clientId, clientSecret: site.xrayCredentials.clientSecret, requestsPer5Minutes }, defaultProjectKey: 'CHAOS' },
    context: { accountId: ADMIN },
  });
  if (!saved.ok) throw new Error(`saveSettings: ${saved.error.message} ${site.log.lines.slice(-3).join(" ")}`);
  const rotated = await app.adminResolver.rotateWebtriggerSecret!({ payload: {}, context: { accountId: ADMIN } });
  if (!rotated.ok) throw new Error(`rotateWebtriggerSecret: ${rotated.error.message}`);
  const links = new LinkStore(site.kvs);
  const tests: Array<{ id: string; key: string; caseId: string }> = [];
  for (let i = 0; i < n; i++) {
    const t = world.createIssue({ projectKey: 'CHAOS', type: 'Test', summary: `Chaos test ${i + 1}` });
    const caseId = String(500000 + i);
    const linked = await links.claim({ issueId: t.id, issueKind: 'test', testsigmaKind: 'testCase', testsigmaId: caseId, linkedBy: ADMIN, linkedAt: new Date().toISOString() });
    if (!linked.ok) throw new Error(`link ${caseId}`);
    tests.push({ ...t, caseId });
  }
  return { secret: (rotated.data as { secret: string }).secret, tests };
}

/**
 * An executor: posts a signed body, and after a 429 or 503 waits the Retry-After (simulated) and posts again.
 * `earlierSeconds` dates the signature back: a resent duplicate signed in the same second would be the same signature,
 * which the app answers as a replay of the first (contract section 8) instead of a delivery of its own.
 */
export async function post(app: App, secret: string, body: string, earlierSeconds = 0): Promise<{ status: number; jobId?: string; refusals: number }> {
  let refusals = 0;
  for (let attempt = 0; ; attempt++) {
    const t = String(Math.floor(Date.now() / 1000) - earlierSeconds);
    const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    const res = await app.webtrigger({ method: 'POST', path: '/', body, headers: { 'content-type': ['application/json'], 'x-signature': [`t=${t},v1=${v1}`] }, queryParameters: {} });
    if (res.statusCode === 202) return { status: 202, jobId: (JSON.parse(res.body) as { jobId: string }).jobId, refusals };
    if ((res.statusCode !== 503 && res.statusCode !== 429) || attempt >= 20) return { status: res.statusCode, refusals };
    refusals++;
    const wait = Number(res.headers['retry-after']?.[0] ?? 30);
    await new Promise((resolve) => setTimeout(resolve, Math.max(1, wait) * 1000));
  }
}

export function resolved(o: ChaosOptions): Required<ChaosOptions> {
  return {
    runs: o.runs ?? 20,
    resultsPerRun: o.resultsPerRun ?? 200,
    deliveriesPerRun: o.deliveriesPerRun ?? 2,
    duplicates: o.duplicates ?? 5,
    requestsPer5Minutes: o.requestsPer5Minutes ?? 10,
    xrayFaultRate: o.xrayFaultRate ?? 0.1,
    jiraFaultRate: o.jiraFaultRate ?? 0.02,
    kvsThrottleRate: o.kvsThrottleRate ?? 0.02,
    searchIndexLagMs: o.searchIndexLagMs ?? 90_000,
    loseOneAnswer: o.loseOneAnswer ?? true,
    maxSimMinutes: o.maxSimMinutes ?? 24 * 60,
    seed: o.seed ?? 1,
    rateLimits: o.rateLimits ?? true,
  };
}

const TERMINAL = new Set(['succeeded', 'partial', 'failed']);

interface Delivered {
  runs: Array<{ runId: string; expected: Map<string, string> }>;
  jobIds: string[];
  refused: number;
}

/** Sends every run's deliveries at once (plus the duplicates) and answers what was accepted. */
async function deliverAll(site: Site, o: Required<ChaosOptions>, secret: string, tests: Array<{ key: string; caseId: string }>, runPrefix: string): Promise<Delivered> {
  const bodies: string[] = [];
  const runs: Delivered['runs'] = [];
  for (let r = 0; r < o.runs; r++) {
    const runId = `${runPrefix}-${String(r + 1).padStart(2, '0')}`;
    const expected = new Map<string, string>();
    const results = tests.slice(0, o.resultsPerRun).map((t, i) => {
      const status = STATUSES[(i + r) % STATUSES.length]!;
      expected.set(t.key, XRAY_STATUS[status]!);
      return { testCaseId: t.caseId, status, message: status === 'FAILURE' ? `Run ${runId}: step ${i % 7} failed` : undefined };
    });
    runs.push({ runId, expected });
    const per = Math.ceil(results.length / o.deliveriesPerRun);
    for (let d = 0; d < o.deliveriesPerRun; d++) {
      bodies.push(JSON.stringify({ runId, summary: `Chaos ${runId}`, startedAt: '2026-11-25T08:00:00Z', results: results.slice(d * per, (d + 1) * per) }));
    }
  }
  const all = [...bodies.map((b) => [b, 0] as const), ...bodies.slice(0, o.duplicates).map((b) => [b, 1] as const)];
  const answers = await Promise.all(all.map(([b, earlier]) => post(site.app, secret, b, earlier)));
  const refused = answers.filter((a) => a.status !== 202).length;
  return { runs, jobIds: answers.flatMap((a) => (a.jobId ? [a.jobId] : [])), refused };
}

export function jobRecords(site: Site, jobIds: readonly string[]): JobRecord[] {
  const store = new JobStore(site.kvs);
  return jobIds.map((id) => site.kvs.peek<JobRecord>(store.item({ jobId: id } as JobRecord).key)).filter((j): j is JobRecord => !!j);
}

/** Runs the simulation until every job is done and the queue is idle; answers whether that happened in time. */
async function settleJobs(site: Site, jobIds: readonly string[], maxSimMinutes: number): Promise<boolean> {
  return site.sim.run(() => site.queue.pendingCount() === 0 && jobRecords(site, jobIds).every((j) => TERMINAL.has(j.state)), maxSimMinutes * 60_000);
}

/** The mark the site's sync put on the run's Test Execution (none before its first create). */
function runLabel(site: Site, runId: string): string {
  const secret = site.kvs.peekSecret<string>(RUN_MARK_SECRET_KEY);
  return secret ? runLabelWith(secret, runId) : '';
}

function figures(site: Site, d: Delivered, startedAt: number, realStart: number, finished: boolean, expectedTestExecutions: number): ChaosFigures {
  const execs = site.world.listTestExecutions();
  let lost = 0;
  for (const run of d.runs) {
    const label = runLabel(site, run.runId);
    const mine = execs.filter((e) => e.labels.includes(label));
    const got = new Map<string, string>();
    for (const e of mine) for (const r of e.runs) got.set(r.testKey, r.status);
    for (const [testKey, status] of run.expected) if (got.get(testKey) !== status) lost++;
  }
  const jobs = jobRecords(site, d.jobIds);
  return {
    testExecutionsCreated: execs.length,
    expectedTestExecutions,
    resultsLost: lost,
    jobsFailed: jobs.filter((j) => j.state === 'failed').length,
    jobsUnfinished: d.jobIds.length - jobs.filter((j) => TERMINAL.has(j.state)).length,
    jobs: d.jobIds.length,
    xrayRequests: Object.values(site.spent).reduce((a, b) => a + b, 0),
    xrayByEndpoint: { ...site.spent },
    faultsInjected: { ...site.xrayPlan.injected, ...Object.fromEntries(Object.entries(site.jiraPlan.injected).map(([k, v]) => [`jira ${k}`, v])) },
    kvsCalls: site.kvs.totalCalls,
    kvsThrottled: site.kvs.throttled,
    deliveriesRefused: d.refused,
    simMinutes: Math.round(((site.sim.now() - startedAt) / 60_000) * 10) / 10,
    finished,
    stalled: site.sim.stalled,
    queueStats: { ...site.queue.stats },
    realMs: Math.round(performance.now() - realStart),
    consumerErrors: [...site.consumerErrors],
    duplicatedRuns: d.runs.flatMap((r) => {
      const keys = execs.filter((e) => e.labels.includes(runLabel(site, r.runId))).map((e) => e.key);
      return keys.length > 1 ? [`${r.runId}: ${keys.join(', ')}`] : [];
    }),
    log: site.log.lines.filter((l) => !l.includes('"level":"info"')),
    jobNotes: jobs.filter((j) => j.state !== 'succeeded' && j.state !== 'partial').map((j) => `${j.runId}: ${j.state}: ${j.errors[0] ?? '(no error)'}`),
  };
}

/** Scenario 1: every run delivered at once under transient faults; every run lands once and whole. */
export async function runChaos(options: ChaosOptions = {}): Promise<ChaosFigures> {
  const o = resolved(options);
  const realStart = performance.now();
  const site = await buildSite(o);
  try {
    const { secret, tests } = await seed(site, o.resultsPerRun, o.requestsPer5Minutes);
    site.kvs.resetCalls();
    site.unleash();
    const startedAt = site.sim.now();
    let delivered: Delivered | undefined;
    const sending = deliverAll(site, o, secret, tests, 'chaos').then((d) => (delivered = d));
    const finished = await site.sim.run(() => delivered !== undefined, o.maxSimMinutes * 60_000);
    await sending;
    const done = finished && (await settleJobs(site, delivered!.jobIds, o.maxSimMinutes));
    return figures(site, delivered!, startedAt, realStart, done, o.runs);
  } finally {
    await site.close();
  }
}

/** What the second scenario measured. */
export interface DoomedFigures {
  /** The doomed run's job state once the simulation settled, before the retry. */
  stateBeforeRetry: string;
  /** Its reason, as the job shows it. */
  errors: string[];
  /** The retry's envelope code, when it was refused. */
  retryRefused?: string;
  /** The job's state after `retryJob`, once the fault had cleared. */
  stateAfterRetry: string;
  /** Test Executions carrying the doomed run's label in the emulator. */
  testExecutionsOfRun: number;
  /** The doomed run's results missing from them after the retry. */
  resultsLost: number;
  simMinutes: number;
  finished: boolean;
  /** The simulation ran out of work before the job ended (an event dropped, nothing scheduled). */
  stalled: boolean;
  queueStats: MemoryQueue['stats'];
  consumerErrors: string[];
  /** The app's last warnings and errors. */
  log: string[];
}

/**
 * Scenario 2: one run whose Test Execution Xray refuses to create, every time (a 500 to each create). Its job must
 * end `failed` with a reason; after the fault clears, `retryJob` lands it with exactly one Test Execution.
 */
export async function runDoomedRun(options: ChaosOptions = {}): Promise<DoomedFigures> {
  const o = resolved({ runs: 1, deliveriesPerRun: 1, duplicates: 0, resultsPerRun: 20, loseOneAnswer: false, ...options });
  const site = await buildSite(o);
  try {
    const { secret, tests } = await seed(site, o.resultsPerRun, o.requestsPer5Minutes);
    site.unleash();
    const startedAt = site.sim.now();
    site.xrayPlan.failCreatesOf = 'doomed-01';
    let delivered: Delivered | undefined;
    const sending = deliverAll(site, o, secret, tests, 'doomed').then((d) => (delivered = d));
    await site.sim.run(() => delivered !== undefined, o.maxSimMinutes * 60_000);
    await sending;
    const d = delivered!;
    await settleJobs(site, d.jobIds, o.maxSimMinutes);
    const before = jobRecords(site, d.jobIds)[0];
    site.xrayPlan.failCreatesOf = undefined;
    const stateBeforeRetry = before?.state ?? 'missing';
    let retryRefused: string | undefined;
    let finished = false;
    if (before && d.jobIds[0]) {
      let envelope: Awaited<ReturnType<NonNullable<App['adminResolver']['retryJob']>>> | undefined;
      const retrying = site.app.adminResolver.retryJob!({ payload: { jobId: d.jobIds[0] }, context: { accountId: ADMIN } }).then((e) => (envelope = e));
      await site.sim.run(() => envelope !== undefined, o.maxSimMinutes * 60_000);
      await retrying;
      // Storage may throttle the retry itself: the admin clicks again.
      for (let i = 0; i < 5 && envelope && !envelope.ok && envelope.error.code === 'rate_limited'; i++) {
        envelope = undefined;
        const again = site.app.adminResolver.retryJob!({ payload: { jobId: d.jobIds[0] }, context: { accountId: ADMIN } }).then((e) => (envelope = e));
        await site.sim.run(() => envelope !== undefined, o.maxSimMinutes * 60_000);
        await again;
      }
      if (envelope && !envelope.ok) retryRefused = envelope.error.code;
      finished = await settleJobs(site, d.jobIds, o.maxSimMinutes);
    }
    const after = jobRecords(site, d.jobIds)[0];
    const label = runLabel(site, d.runs[0]!.runId);
    const mine = site.world.listTestExecutions().filter((e) => e.labels.includes(label));
    const got = new Map<string, string>();
    for (const e of mine) for (const r of e.runs) got.set(r.testKey, r.status);
    const lost = [...d.runs[0]!.expected].filter(([k, s]) => got.get(k) !== s).length;
    return {
      stateBeforeRetry,
      errors: (before?.errors ?? []).map((m) => translateMessage(DEFAULT_LOCALE, m)),
      ...(retryRefused ? { retryRefused } : {}),
      stateAfterRetry: after?.state ?? 'missing',
      testExecutionsOfRun: mine.length,
      resultsLost: lost,
      simMinutes: Math.round(((site.sim.now() - startedAt) / 60_000) * 10) / 10,
      finished,
      stalled: site.sim.stalled,
      queueStats: { ...site.queue.stats },
      consumerErrors: [...site.consumerErrors],
      log: site.log.lines.filter((l) => !l.includes('"level":"info"')).slice(-20),
    };
  } finally {
    await site.close();
  }
}

/** One line of {@link attributeChaos}: scenario 1 with only some of the faults switched on. */
export interface ChaosAttribution {
  faults: string;
  figures: ChaosFigures;
}

/**
 * Scenario 1 again with one kind of fault at a time (and none), at full scale, so a failing invariant can be
 * pinned on the fault that breaks it.
 */
export async function attributeChaos(options: ChaosOptions = {}): Promise<ChaosAttribution[]> {
  const full = resolved(options);
  const calm = { ...options, xrayFaultRate: 0, jiraFaultRate: 0, kvsThrottleRate: 0, loseOneAnswer: false };
  const cases: Array<[string, ChaosOptions]> = [
    ['none (budget and index lag only)', {}],
    [`Xray ${full.xrayFaultRate * 100}% (429, 500, timeout)`, { xrayFaultRate: full.xrayFaultRate }],
    ['one lost create answer', { loseOneAnswer: true }],
    [`Jira ${full.jiraFaultRate * 100}% (429, 500)`, { jiraFaultRate: full.jiraFaultRate }],
    [`KVS ${full.kvsThrottleRate * 100}% throttled`, { kvsThrottleRate: full.kvsThrottleRate }],
  ];
  const out: ChaosAttribution[] = [];
  for (const [faults, o] of cases) out.push({ faults, figures: await runChaos({ ...calm, ...o }) });
  return out;
}
