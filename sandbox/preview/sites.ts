/**
 * The sites the preview can show: each is its own sandbox (emulated Jira, Xray, Testsigma and the app's real
 * handlers), seeded into one state a Jira user can meet, with the same demo issues and accounts.
 */
import { startSandbox, invokeResolver, type Sandbox } from '../host';

/** The states of a site the preview offers. */
export const SITE_STATES = ['ready', 'runs-from-testsigma', 'fresh', 'xray-not-set-up', 'xray-429', 'no-testsigma-key'] as const;
export type SiteState = (typeof SITE_STATES)[number];

/** What each state is, as the switch names it. */
export const SITE_STATE_LABELS: Record<SiteState, string> = {
  ready: 'Set up, with runs',
  'runs-from-testsigma': 'Runs without a CI job (picked up, running)',
  fresh: 'Fresh site (app just installed)',
  'xray-not-set-up': 'Xray not set up',
  'xray-429': 'Xray answering 429',
  'no-testsigma-key': 'No Testsigma key',
};

/** Who is looking. */
export const VIEWERS = {
  admin: { accountId: 'preview-admin', displayName: 'Ada Admin', label: 'Jira admin', locale: 'en-US' },
  editor: { accountId: 'preview-editor', displayName: 'Tess Tester', label: 'Editor (may edit issues)', locale: 'en-US' },
  viewer: { accountId: 'preview-viewer', displayName: 'Vic Viewer', label: 'Viewer (browse only)', locale: 'en-US' },
} as const;
export type ViewerRole = keyof typeof VIEWERS;

/** The demo issues, by the name the switch shows. */
export const DEMO_ISSUES = ['test-named', 'test-unnamed', 'test-set', 'test-set-empty', 'test-plan'] as const;
export type DemoIssueName = (typeof DEMO_ISSUES)[number];

/** One demo issue of a site. */
export interface DemoIssue {
  id: string;
  key: string;
  summary: string;
  type: 'Test' | 'Test Set' | 'Test Plan';
  /** How the switch names it. */
  label: string;
}

/** A seeded site. */
export interface PreviewSite {
  state: SiteState;
  sb: Sandbox;
  projectKey: string;
  issues: Record<DemoIssueName, DemoIssue>;
  /** Every issue of the site a Jira user could open (the demo issues and the rest of the project). */
  webtrigger: { url: string; secret?: string };
}

/** One result of a run as an executor sends it; `attempt` marks retries (contract section 3). */
export interface SeedResult {
  testCaseId: string;
  status: string;
  attempt?: number;
  /** The machine it ran on: with split by machine, each machine's results get a Test Execution of their own. */
  machine?: string;
  /** A name for a Test the app creates for a case linked to none (createTests). */
  testCaseName?: string;
}

const CASES = [
  ['601', 'Sign in with a valid password'],
  ['602', 'Sign in with a wrong password is refused'],
  ['603', 'Add an item to the cart'],
  ['604', 'Pay with a saved card'],
  ['605', 'Order confirmation e-mail is sent'],
] as const;
/** A second case of the first Test, which passes only on a retry in the last run. */
const RETRIED_CASE = ['608', 'Sign in with a remembered device'] as const;
/** A case Testsigma does not know: its Test shows the id only. */
const UNNAMED_CASE = '777';

function must<T>(env: { ok: true; data: T } | { ok: false; error: { code: string; message: string } }, what: string): T {
  if (!env.ok) throw new Error(`preview seed: ${what} failed: ${env.error.code}: ${env.error.message}`);
  return env.data;
}

/** Sends one run to the site's web trigger, signed as an executor would, and waits until the queue is idle. */
export async function sendRun(site: PreviewSite, run: { runId: string; results: SeedResult[] }): Promise<unknown> {
  if (!site.webtrigger.secret) throw new Error('preview: the site has no web trigger secret');
  const body = JSON.stringify({
    runId: run.runId,
    testPlanId: '274',
    summary: `Nightly regression, run ${run.runId}`,
    startedAt: '2026-11-25T10:00:00Z',
    finishedAt: '2026-11-25T10:42:10Z',
    environments: ['Chrome'],
    results: run.results.map((r) => ({ ...r, testSuiteId: '55' })),
  });
  // Bearer, not a signature: the sandbox's clock runs ahead of the wall clock (shortened queue delays, the advance
  // after seeding), and a signature's time must be the app's.
  const res = await fetch(site.webtrigger.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${site.webtrigger.secret}` },
    body,
  });
  const answer = (await res.json()) as unknown;
  await site.sb.queue.idle();
  return answer;
}

/** Starts a sandbox and seeds it into `state`. */
export async function startPreviewSite(state: SiteState): Promise<PreviewSite> {
  const sb = await startSandbox({ xrayDataRegion: 'eu', queueMsPerSecond: 5 });
  const { world, testsigma } = sb;
  const projectKey = 'SHOP';
  world.createProject({ key: projectKey, name: 'Web shop' });
  for (const v of Object.values(VIEWERS)) {
    world.addAccount({ accountId: v.accountId, displayName: v.displayName });
    world.grant(v.accountId, 'BROWSE_PROJECTS');
  }
  world.grant(VIEWERS.admin.accountId, 'ADMINISTER');
  world.grant(VIEWERS.admin.accountId, 'EDIT_ISSUES');
  world.grant(VIEWERS.editor.accountId, 'EDIT_ISSUES');
  // Editors file defects in the project; viewers may not.
  world.grant(VIEWERS.admin.accountId, 'CREATE_ISSUES');
  world.grant(VIEWERS.editor.accountId, 'CREATE_ISSUES');
  world.addTestEnvironments(projectKey, ['Chrome', 'Firefox', 'Windows 11']);

  const tests = CASES.map(([caseId, summary]) => ({ ...world.createIssue({ projectKey, type: 'Test', summary }), caseId, summary }));
  const unnamed = world.createIssue({ projectKey, type: 'Test', summary: 'Gift card balance (case unknown to Testsigma)' });
  const manual = world.createIssue({ projectKey, type: 'Test', summary: 'Newsletter sign-up (manual)' });
  const set = world.createIssue({ projectKey, type: 'Test Set', summary: 'Checkout smoke' });
  const emptySet = world.createIssue({ projectKey, type: 'Test Set', summary: 'Accessibility checks (no Tests yet)' });
  const plan = world.createIssue({ projectKey, type: 'Test Plan', summary: 'Release 1.4 regression' });
  // Manual Tests of the plan only: more unlinked Tests than the coverage names, so it offers "show all".
  const manualOnly = ['Refund by bank transfer', 'Invoice PDF layout', 'Address autocomplete', 'Coupon stacking', 'Guest checkout', 'Tax by region'].map(
    (summary) => world.createIssue({ projectKey, type: 'Test', summary: `${summary} (manual)` }),
  );
  world.addTestsToTestSet(set.id, [...tests.map((t) => t.id), unnamed.id, manual.id]);
  world.addTestsToTestPlan(plan.id, [...tests.map((t) => t.id), unnamed.id, manual.id, ...manualOnly.map((m) => m.id)]);
  testsigma.state.seedPlan({
    id: 274,
    name: 'Nightly regression',
    suites: [{ id: 55, name: 'Checkout', cases: [...[...CASES, RETRIED_CASE].map(([id, name]) => ({ id: Number(id), name })), { id: 606, name: 'Gift card balance' }] }],
  });

  const issues: PreviewSite['issues'] = {
    'test-named': { ...tests[0]!, type: 'Test', label: 'A Test with names' },
    'test-unnamed': { ...unnamed, summary: 'Gift card balance (case unknown to Testsigma)', type: 'Test', label: 'A Test without names' },
    'test-set': { ...set, summary: 'Checkout smoke', type: 'Test Set', label: 'A Test Set with coverage' },
    'test-set-empty': { ...emptySet, summary: 'Accessibility checks (no Tests yet)', type: 'Test Set', label: 'An empty Test Set' },
    'test-plan': { ...plan, summary: 'Release 1.4 regression', type: 'Test Plan', label: 'A Test Plan with runs' },
  };
  const site: PreviewSite = { state, sb, projectKey, issues, webtrigger: { url: sb.webtriggerUrl } };
  if (state === 'fresh') return site;

  const admin = (key: string, payload: unknown = {}) => invokeResolver(sb, 'admin', { key, payload, accountId: VIEWERS.admin.accountId });
  const xray = { region: 'eu', clientId: sb.xrayCredentials.clientId, clientSecret: sb.xrayCredentials.clientSecret };
  const ts = { apiKey: sb.testsigmaApiKey };
  must(
    await admin('saveSettings', {
      ...(state === 'xray-not-set-up' ? {} : { xray }),
      ...(state === 'no-testsigma-key' ? {} : { testsigma: ts }),
      attachEvidence: true,
    }),
    'saving the settings',
  );
  // The admin tested the connection once, as the Get started checklist asks; its answer is what `setup` reports.
  must(await admin('testConnection'), 'testing the connection');
  const rotated = must(await admin('rotateWebtriggerSecret'), 'creating the web trigger secret') as { secret: string; url: string };
  site.webtrigger = { url: rotated.url || sb.webtriggerUrl, secret: rotated.secret };

  const link = async (issue: { id: string; key: string }, testsigmaId: string) =>
    must(await invokeResolver(sb, 'panel', { key: 'link', payload: { testsigmaId }, accountId: VIEWERS.editor.accountId, issue }), `linking ${issue.key}`);
  for (const t of tests) await link(t, t.caseId);
  await link(tests[0]!, RETRIED_CASE[0]);
  await link(unnamed, UNNAMED_CASE);
  await link(set, 'https://app.testsigma.com/ui/td/suites/55');
  await link(plan, '274');

  if (state !== 'xray-not-set-up') {
    // Three nightly runs with flips: 601 fails, passes, fails (flaky, failed last: a defect to file); 604 passes,
    // fails, passes (flaky); 602 fails twice in a row (not flaky); 608 passes on its second attempt in the last run.
    const statuses: Record<string, [string, string, string]> = {
      '601': ['FAILURE', 'SUCCESS', 'FAILURE'],
      '602': ['SUCCESS', 'FAILURE', 'FAILURE'],
      '603': ['SUCCESS', 'SUCCESS', 'SUCCESS'],
      '604': ['SUCCESS', 'FAILURE', 'SUCCESS'],
      '605': ['SUCCESS', 'SUCCESS', 'SUCCESS'],
    };
    for (const [i, runId] of ['335', '336', '337'].entries()) {
      const last = runId === '337';
      await sendRun(site, {
        runId,
        results: [
          ...Object.entries(statuses).map(([testCaseId, s]) => ({ testCaseId, status: s[i]! })),
          ...(last
            ? [
                { testCaseId: RETRIED_CASE[0], status: 'FAILURE', attempt: 1 },
                { testCaseId: RETRIED_CASE[0], status: 'SUCCESS', attempt: 2 },
                { testCaseId: '606', status: 'SUCCESS' },
              ]
            : [{ testCaseId: RETRIED_CASE[0], status: 'SUCCESS' }]),
        ],
      });
    }
  }
  if (state === 'runs-from-testsigma') await seedRunsFromTestsigma(site, admin);
  // Seeding spent this minute's storage budget (Forge's 45 batch operations a minute, which the sandbox enforces);
  // a person opens the site later, so the preview starts in a fresh minute instead of answering storage_busy.
  sb.advance(2 * 60_000);
  if (state === 'xray-429') {
    sb.xray.faults.inject({ kind: '429', count: 1_000_000 });
    // Linking cached the coverage for 10 minutes; drop it, as if that time had passed, so the panel meets the 429.
    for (const key of sb.kvs.keys()) if (key.startsWith('pins:cov:')) await sb.kvs.delete(key);
  }
  return site;
}

/**
 * Issue 20's site: pick-up switched on by the admin, a run started in Testsigma's UI picked up into Xray, a run
 * split by machine that created a Test for a case linked to none (issue 21), and a run started from Jira with a build
 * number that Testsigma is still running (it never finishes here, so the panel keeps showing it running in Testsigma).
 */
async function seedRunsFromTestsigma(site: PreviewSite, admin: (key: string, payload?: unknown) => ReturnType<typeof invokeResolver>): Promise<void> {
  const { sb } = site;
  // Seeding the runs above spent this minute's storage budget (45 batch operations): this part starts a new one.
  sb.advance(2 * 60_000);
  must(await admin('saveSettings', { testsigma: { autoPickup: true } }), 'switching pick-up on');
  await sb.pickupRound();
  const picked = sb.testsigma.state.startRunInTestsigma(274, { buildNo: '1.4.3' });
  sb.testsigma.state.completeRun(picked.id, { 601: 'SUCCESS', 602: 'FAILURE' });
  const round = await sb.pickupRound();
  if (round.pickedUp !== 1) throw new Error(`preview: the run started in Testsigma was not picked up (${JSON.stringify(round)})`);
  // Issue 21's features as a panel meets them: a run split by machine (a Test Execution a machine), and a case linked
  // to no Test, for which the app creates a Test and links it (created Tests, on in this site).
  must(
    await admin('saveSettings', { createTests: { enabled: true, projectKey: site.projectKey }, testExecution: { splitByMachine: true } }),
    'switching on created Tests and split by machine',
  );
  await sendRun(site, {
    runId: '338',
    results: [
      { testCaseId: '601', status: 'SUCCESS', machine: 'Chrome on Windows 11' },
      { testCaseId: '602', status: 'FAILURE', machine: 'Firefox on Ubuntu' },
      { testCaseId: '607', status: 'SUCCESS', machine: 'Chrome on Windows 11', testCaseName: 'Gift wrap at checkout' },
    ],
  });
  sb.testsigma.state.addSavedConfig({ id: 31, name: 'Sign-in only', planId: 274, testCaseIds: [601, 602] });
  const plan = site.issues['test-plan'];
  must(
    await invokeResolver(sb, 'panel', { key: 'runPlan', payload: { buildNo: '1.4.4' }, accountId: VIEWERS.editor.accountId, issue: plan }),
    'running the plan from Jira',
  );
  const running = [...sb.testsigma.state.runs.values()].find((r) => r.buildNo === '1.4.4');
  if (running) sb.testsigma.state.hangRun(running.id);

  // As if a minute had passed: a Run click in the preview starts a new run rather than answering this one.
  for (const key of sb.kvs.keys()) if (key.startsWith('runplan:')) await sb.kvs.delete(key);
}
