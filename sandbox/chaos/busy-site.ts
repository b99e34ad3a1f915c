/**
 * The busy site (issue 17): a morning on a site of 5,000 linked cases with Forge's storage and queue rate limits on
 * and the chaos bench's faults. Runs of one Testsigma plan arrive over a few simulated minutes (each from an
 * executor that waits out a 503 `busy` and posts again), while several users open Test panels, Test Plan panels and
 * issue-context summaries. It measures whether every run lands once and whole, how long that takes, and what each
 * open answered: its normal view, that view with a `storage_busy` notice, or an error.
 */
import type { Envelope, PanelView } from '../../src/shared/types';
import { RUN_MARK_SECRET_KEY, runLabelWith } from '../../src/sync/run-mark-secret';
import { LinkStore } from '../../src/store/link-store';
import { ChaosOptions, Site, buildSite, jobRecords, post, resolved, seed, seededRandom } from './chaos';

/** The busy site's knobs; the defaults are issue 17's full scale. */
export interface BusySiteOptions extends ChaosOptions {
  /** Linked cases (and Tests) of the site. */
  linkedCases?: number;
  /** Over how many simulated minutes the runs and opens arrive. */
  arrivalMinutes?: number;
  testPanels?: number;
  planPanels?: number;
  summaries?: number;
  /** Tests in the Test Plan the plan panels open, and how many of them are linked. */
  planTests?: number;
  planLinked?: number;
  /** The bound every run must be synced within, in simulated minutes from the start. */
  boundMinutes?: number;
}

/** What the busy site measured. */
export interface BusySiteFigures {
  runs: number;
  /** Runs with exactly one Test Execution holding every result. */
  runsLanded: number;
  testExecutionsCreated: number;
  resultsLost: number;
  jobsFailed: number;
  jobsUnfinished: number;
  deliveriesRefused: number;
  /** Simulated minutes from the start until the last job finished (undefined when some never did). */
  lastSyncedMinute?: number;
  boundMinutes: number;
  /** Opens by kind and answer: normal, storage_busy, or the error code. */
  opens: Record<string, Record<string, number>>;
  /** Storage requests refused by Forge's limits, by limit; pushes the queue refused. */
  kvsRefused: Record<string, number>;
  queueRefused: number;
  /** Batch operations spent in all, and the most in one simulated minute. */
  batchOps: number;
  peakBatchOpsPerMinute: number;
  simMinutes: number;
  realMs: number;
  stalled: boolean;
  /** The app's error log lines (an open answered `internal` logs why), the first 10. */
  errors: string[];
}

const USERS = ['busy-ann', 'busy-bo', 'busy-cy'];
const PLAN_ID = '274';

/** Runs the busy site once. */
export async function runBusySite(options: BusySiteOptions = {}): Promise<BusySiteFigures> {
  const o = {
    linkedCases: options.linkedCases ?? 5000,
    arrivalMinutes: options.arrivalMinutes ?? 5,
    testPanels: options.testPanels ?? 40,
    planPanels: options.planPanels ?? 10,
    summaries: options.summaries ?? 10,
    planTests: options.planTests ?? 1000,
    planLinked: options.planLinked ?? 250,
    boundMinutes: options.boundMinutes ?? 15,
  };
  // Issue 17's morning: 20 runs of 200, one delivery each, at a Standard site's Xray budget.
  const c = resolved({ runs: 20, resultsPerRun: 200, deliveriesPerRun: 1, duplicates: 0, requestsPer5Minutes: 300, maxSimMinutes: 120, ...options });
  const realStart = performance.now();
  const site = await buildSite(c);
  try {
    const { secret, tests } = await seed(site, o.linkedCases, c.requestsPer5Minutes);
    for (const u of USERS) {
      site.world.addAccount({ accountId: u });
      site.world.grant(u, 'BROWSE_PROJECTS');
    }
    const planIssue = await seedPlan(site, tests, o.planTests, o.planLinked);
    const random = seededRandom(c.seed * 7919 + 17);
    const at = () => Math.floor(random() * o.arrivalMinutes * 60_000);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;

    site.kvs.resetCalls();
    site.unleash();
    const start = site.sim.now();
    const batchTimes: number[] = [];
    const countBatch = site.kvs.limiter.spend.bind(site.kvs.limiter);
    site.kvs.limiter.spend = (cost) => {
      if (['batchGet', 'batchSet', 'batchDelete', 'transact'].includes(cost.op)) batchTimes.push(site.sim.now() - start);
      countBatch(cost);
    };

    // Runs: each of one Testsigma plan, over its own slice of the linked cases.
    const runs: Array<{ runId: string; expected: Map<string, string> }> = [];
    const jobIds: string[] = [];
    let refused = 0;
    let sent = 0;
    for (let r = 0; r < c.runs; r++) {
      const runId = `busy-${String(r + 1).padStart(2, '0')}`;
      const from = (r * c.resultsPerRun) % Math.max(1, tests.length - c.resultsPerRun + 1);
      const mine = tests.slice(from, from + c.resultsPerRun);
      const expected = new Map<string, string>();
      const results = mine.map((t, i) => {
        const status = (i + r) % 5 === 0 ? 'FAILURE' : 'SUCCESS';
        expected.set(t.key, status === 'SUCCESS' ? 'PASSED' : 'FAILED');
        return { testCaseId: t.caseId, status };
      });
      runs.push({ runId, expected });
      const body = JSON.stringify({ runId, testPlanId: PLAN_ID, summary: `Busy ${runId}`, results });
      setTimeout(() => {
        void post(site.app, secret, body).then((a) => {
          sent++;
          if (a.jobId) jobIds.push(a.jobId);
          else refused++;
        });
      }, at());
    }

    // Opens by several users while the runs arrive.
    const opens: BusySiteFigures['opens'] = {};
    let opened = 0;
    const kinds: Array<'Test panel' | 'Test Plan panel' | 'summary'> = [
      ...Array<'Test panel'>(o.testPanels).fill('Test panel'),
      ...Array<'Test Plan panel'>(o.planPanels).fill('Test Plan panel'),
      ...Array<'summary'>(o.summaries).fill('summary'),
    ];
    for (const kind of kinds) {
      const test = pick(tests.slice(0, Math.min(tests.length, c.runs * c.resultsPerRun)));
      const issue = kind === 'Test Plan panel' ? planIssue : test;
      const payload = kind === 'summary' ? { summary: true } : {};
      const user = pick(USERS);
      setTimeout(() => {
        void (site.app.panelResolver.getPanel!({ payload, context: { accountId: user, extension: { issue } } }) as Promise<Envelope<PanelView>>).then((env) => {
          const answer = !env.ok ? env.error.code : env.data.notices?.some((n) => n.code === 'storage_busy') ? 'storage_busy' : 'normal';
          (opens[kind] ??= {})[answer] = (opens[kind]![answer] ?? 0) + 1;
          opened++;
        });
      }, at());
    }

    const TERMINAL = new Set(['succeeded', 'partial', 'failed']);
    const done = () => sent === c.runs && opened === kinds.length && site.queue.pendingCount() === 0 && jobRecords(site, jobIds).every((j) => TERMINAL.has(j.state));
    const finished = await site.sim.run(done, c.maxSimMinutes * 60_000);

    const execs = site.world.listTestExecutions();
    // The mark the site's sync put on each run's Test Execution, made with the site's own secret.
    const markSecret = site.kvs.peekSecret<string>(RUN_MARK_SECRET_KEY);
    const runLabel = (runId: string) => (markSecret ? runLabelWith(markSecret, runId) : '');
    let lost = 0;
    let landed = 0;
    for (const run of runs) {
      const mine = execs.filter((e) => e.labels.includes(runLabel(run.runId)));
      const got = new Map<string, string>();
      for (const e of mine) for (const r of e.runs) got.set(r.testKey, r.status);
      let runLost = 0;
      for (const [testKey, status] of run.expected) if (got.get(testKey) !== status) runLost++;
      lost += runLost;
      if (mine.length === 1 && runLost === 0) landed++;
    }
    const jobs = jobRecords(site, jobIds);
    const ends = jobs.filter((j) => TERMINAL.has(j.state)).map((j) => Date.parse(j.updatedAt) - start);
    const perMinute = new Map<number, number>();
    for (const t of batchTimes) perMinute.set(Math.floor(t / 60_000), (perMinute.get(Math.floor(t / 60_000)) ?? 0) + 1);
    const minute = (ms: number) => Math.round((ms / 60_000) * 10) / 10;
    return {
      runs: c.runs,
      runsLanded: landed,
      testExecutionsCreated: execs.length,
      resultsLost: lost,
      jobsFailed: jobs.filter((j) => j.state === 'failed').length,
      jobsUnfinished: jobIds.length - ends.length,
      deliveriesRefused: refused,
      ...(finished && ends.length === jobIds.length && refused === 0 ? { lastSyncedMinute: minute(Math.max(0, ...ends)) } : {}),
      boundMinutes: o.boundMinutes,
      opens,
      kvsRefused: { ...site.kvs.limiter.refused },
      queueRefused: site.queue.limiter.refused,
      batchOps: batchTimes.length,
      peakBatchOpsPerMinute: Math.max(0, ...perMinute.values()),
      simMinutes: minute(site.sim.now() - start),
      realMs: Math.round(performance.now() - realStart),
      stalled: site.sim.stalled,
      errors: site.log.lines.filter((l) => l.includes('"level":"error"')).slice(0, 10),
    };
  } finally {
    await site.close();
  }
}

/** A Test Plan of `total` Tests, `linked` of them linked (the first ones of the site), linked to plan 274. */
async function seedPlan(site: Site, tests: Array<{ id: string; key: string; caseId: string }>, total: number, linked: number): Promise<{ id: string; key: string }> {
  const members = tests.slice(0, Math.min(linked, tests.length)).map((t) => t.id);
  for (let i = members.length; i < total; i++) members.push(site.world.createIssue({ projectKey: 'CHAOS', type: 'Test', summary: `Plan test ${i + 1}` }).id);
  const plan = site.world.createIssue({ projectKey: 'CHAOS', type: 'Test Plan', summary: 'Busy release plan' });
  site.world.addTestsToTestPlan(plan.id, members);
  const claimed = await new LinkStore(site.kvs).claim({ issueId: plan.id, issueKind: 'testPlan', testsigmaKind: 'testPlan', testsigmaId: PLAN_ID, linkedBy: 'chaos-admin', linkedAt: new Date().toISOString() });
  if (!claimed.ok) throw new Error('could not link the busy Test Plan');
  return plan;
}
