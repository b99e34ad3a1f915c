/**
 * The demo site: a Jira project with Xray Tests, a Test Set and a Test Plan, a Testsigma plan with a suite of cases,
 * and the app set up the way a Jira admin and a tester would, through the app's own resolvers.
 */
import { invokeResolver, Sandbox } from './host';

/** Accounts of the demo site. */
export const DEMO_ADMIN = 'demo-admin';
export const DEMO_TESTER = 'demo-tester';

/** What `seedDemo` made. */
export interface DemoSite {
  projectKey: string;
  tests: Array<{ id: string; key: string; caseId: string; summary: string }>;
  unlinkedCaseId: string;
  testSet: { id: string; key: string; suiteId: string };
  testPlan: { id: string; key: string; planId: string };
  webtrigger: { url: string; secret: string };
}

const CASES = [
  ['601', 'Sign in with a valid password'],
  ['602', 'Sign in with a wrong password is refused'],
  ['603', 'Add an item to the cart'],
  ['604', 'Pay with a saved card'],
  ['605', 'Order confirmation e-mail is sent'],
] as const;

/** Fails loudly when a resolver answers an error: the demo must not limp on. */
function must<T>(env: { ok: true; data: T } | { ok: false; error: { code: string; message: string } }, what: string): T {
  if (!env.ok) throw new Error(`${what} failed: ${env.error.code}: ${env.error.message}`);
  return env.data;
}

/** Seeds the site, configures the app as its admin, links as a tester. */
export async function seedDemo(sb: Sandbox, options: { attachEvidence?: boolean } = {}): Promise<DemoSite> {
  const { world, testsigma } = sb;
  const projectKey = 'SHOP';
  world.createProject({ key: projectKey, name: 'Web shop' });
  world.addAccount({ accountId: DEMO_ADMIN, displayName: 'Ada Admin' });
  world.addAccount({ accountId: DEMO_TESTER, displayName: 'Tess Tester' });
  world.grant(DEMO_ADMIN, 'ADMINISTER');
  for (const who of [DEMO_ADMIN, DEMO_TESTER]) {
    world.grant(who, 'BROWSE_PROJECTS');
    world.grant(who, 'EDIT_ISSUES');
    world.grant(who, 'CREATE_ISSUES');
  }
  world.addTestEnvironments(projectKey, ['Chrome', 'Firefox', 'Windows 11']);

  const tests = CASES.map(([caseId, summary]) => ({ ...world.createIssue({ projectKey, type: 'Test', summary }), caseId, summary }));
  const extraTest = world.createIssue({ projectKey, type: 'Test', summary: 'Newsletter sign-up (manual)' });
  const set = world.createIssue({ projectKey, type: 'Test Set', summary: 'Checkout smoke' });
  const plan = world.createIssue({ projectKey, type: 'Test Plan', summary: 'Release 1.4 regression' });
  world.addTestsToTestSet(set.id, [...tests.map((t) => t.id), extraTest.id]);
  world.addTestsToTestPlan(plan.id, [...tests.map((t) => t.id), extraTest.id]);

  const unlinkedCaseId = '606';
  testsigma.state.seedPlan({
    id: 274,
    name: 'Nightly regression',
    suites: [{ id: 55, name: 'Checkout', cases: [...CASES.map(([id, name]) => ({ id: Number(id), name })), { id: 606, name: 'Gift card balance' }] }],
  });

  const admin = (key: string, payload: unknown = {}) => invokeResolver(sb, 'admin', { key, payload, accountId: DEMO_ADMIN });
  must(
    await admin('saveSettings', {
      xray: { region: 'eu', clientId: sb.xrayCredentials.clientId, clientSecret: sb.xrayCredentials.clientSecret },
      testsigma: { apiKey: sb.testsigmaApiKey },
      attachEvidence: options.attachEvidence ?? true,
    }),
    'Saving the settings',
  );
  const rotated = must(await admin('rotateWebtriggerSecret'), 'Creating the web trigger secret') as { secret: string; url: string };

  const link = async (issue: { id: string; key: string }, testsigmaId: string) =>
    must(await invokeResolver(sb, 'panel', { key: 'link', payload: { testsigmaId }, accountId: DEMO_TESTER, issue }), `Linking ${issue.key}`);
  for (const t of tests) await link(t, t.caseId);
  await link(set, 'https://app.testsigma.com/ui/td/suites/55');
  await link(plan, '274');

  return {
    projectKey,
    tests,
    unlinkedCaseId,
    testSet: { ...set, suiteId: '55' },
    testPlan: { ...plan, planId: '274' },
    webtrigger: { url: rotated.url, secret: rotated.secret },
  };
}
