/**
 * Property: every resolver key, whatever payload and context it is called with, answers the envelope and never
 * `internal`, and a refusal leaves every stored key (and secret) as it was. The keys are read from the resolver
 * objects `createApp` builds, so a key added later is covered without touching this file. The handlers are called
 * directly, over the sandbox's in-memory KVS and its Jira, Xray and Testsigma emulators on loopback.
 */
import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { startSandbox, Sandbox } from '../../sandbox/host';
import type { ResolverHandlers } from '../../src/resolvers/envelope';
import { dateLike, hostileString, idLike, junk, longString, mostly, optional, record, urlLike } from './arbitraries';

const CASES_PER_KEY = 300;
const ADMIN = 'prop-admin';
const EDITOR = 'prop-editor';
const VIEWER = 'prop-viewer';
/** An attacker with rights only in project OUT: browse and edit there, nothing in DEMO or SEC. */
const OUTSIDER = 'prop-outsider';

interface Seeded {
  sb: Sandbox;
  issues: Array<{ id: string; key: string }>;
  /** The outsider's own issues, in project OUT. */
  outIssues: Array<{ id: string; key: string }>;
  jobIds: string[];
  /** Testsigma run ids of the site (a run started from Jira, finished with a failure) and an executor's run id. */
  runIds: string[];
}

/** A sandbox with a configured app, Tests, a Test Set and Plan, links, and one synced job whose linked case failed (so createDefect can file). */
async function seeded(): Promise<Seeded> {
  // Forge's storage rate limits off: 300 calls a key fit in one wall-clock minute on a fast machine and not on a slow
  // one, so with them on a call's path (throttled after its Xray sign-in, or not) would turn on the machine's speed.
  // This property is about inputs; throttling has its own tests (test/sandbox/rate-limits, the busy-site chaos).
  const sb = await startSandbox({ xrayDataRegion: 'eu', rateLimits: false });
  const w = sb.world;
  w.createProject({ key: 'DEMO' });
  w.createProject({ key: 'SEC' });
  w.createProject({ key: 'OUT' });
  for (const accountId of [ADMIN, EDITOR, VIEWER, OUTSIDER]) w.addAccount({ accountId });
  w.grant(OUTSIDER, 'BROWSE_PROJECTS', 'OUT');
  w.grant(OUTSIDER, 'EDIT_ISSUES', 'OUT');
  w.grant(OUTSIDER, 'CREATE_ISSUES', 'OUT');
  w.grant(ADMIN, 'ADMINISTER');
  w.grant(ADMIN, 'BROWSE_PROJECTS');
  w.grant(ADMIN, 'EDIT_ISSUES');
  w.grant(ADMIN, 'CREATE_ISSUES');
  w.grant(EDITOR, 'BROWSE_PROJECTS', 'DEMO');
  w.grant(EDITOR, 'EDIT_ISSUES', 'DEMO');
  w.grant(VIEWER, 'BROWSE_PROJECTS', 'DEMO');
  const t1 = w.createIssue({ projectKey: 'DEMO', type: 'Test', summary: 'Login' });
  const t2 = w.createIssue({ projectKey: 'DEMO', type: 'Test', summary: 'Logout' });
  const set = w.createIssue({ projectKey: 'DEMO', type: 'Test Set', summary: 'Smoke' });
  const plan = w.createIssue({ projectKey: 'DEMO', type: 'Test Plan', summary: 'Release' });
  const task = w.createIssue({ projectKey: 'DEMO', type: 'Task', summary: 'Not a test' });
  const hidden = w.createIssue({ projectKey: 'SEC', type: 'Test', summary: 'Hidden' });
  const outIssues = [
    w.createIssue({ projectKey: 'OUT', type: 'Test', summary: 'Outsider test' }),
    w.createIssue({ projectKey: 'OUT', type: 'Test Set', summary: 'Outsider set' }),
    w.createIssue({ projectKey: 'OUT', type: 'Test Plan', summary: 'Outsider plan' }),
  ];
  // Xray lets anyone put any Test into their own Test Set: the outsider's set lists DEMO's Tests.
  w.addTestsToTestSet(outIssues[1]!.id, [t1.id, t2.id]);
  // Project HID's permission scheme leaves the app out (below, once its Test is linked): Jira answers 404 for it.
  w.createProject({ key: 'HID' });
  const unreadable = w.createIssue({ projectKey: 'HID', type: 'Test', summary: 'Unreadable to the app' });
  w.addTestsToTestSet(set.id, [t1.id, t2.id]);
  w.addTestsToTestPlan(plan.id, [t1.id, t2.id]);
  sb.testsigma.state.seedPlan({ id: 274, name: 'Nightly', suites: [{ id: 55, name: 'All', cases: [{ id: 609, name: 'Login case' }] }] });
  const admin = sb.app.adminResolver;
  const saved = await admin.saveSettings!({
    payload: {
      xray: { region: 'eu', clientId: sb.xrayCredentials.clientId, clientSecret: sb.xrayCredentials.clientSecret },
      testsigma: { apiKey: sb.testsigmaApiKey },
      defaultProjectKey: 'DEMO',
    },
    context: { accountId: ADMIN },
  });
  if (!saved.ok) throw new Error(`saveSettings: ${saved.error.message}`);
  const rotated = await admin.rotateWebtriggerSecret!({ payload: {}, context: { accountId: ADMIN } });
  if (!rotated.ok) throw new Error(`rotate: ${rotated.error.message}`);
  const secret = (rotated.data as { secret: string }).secret;
  const panel = sb.app.panelResolver;
  for (const [issue, id] of [[t1, '609'], [set, '55'], [plan, '274'], [unreadable, '611']] as const) {
    const linked = await panel.link!({ payload: { testsigmaId: id }, context: { accountId: ADMIN, extension: { issue } } });
    if (!linked.ok) throw new Error(`link: ${linked.error.message}`);
  }
  const readable = w.listProjects().filter((p) => p.key !== 'HID');
  w.appPermissions.clear();
  for (const p of readable) w.appPermissions.set(p.id, new Set(['BROWSE_PROJECTS', 'EDIT_ISSUES', 'CREATE_ISSUES']));
  const body = JSON.stringify({ runId: 'prop-1', testPlanId: '274', results: [{ testCaseId: '609', status: 'FAILURE', message: 'Login button missing' }, { testCaseId: '999', status: 'FAILURE' }] });
  const t = String(Math.floor(Date.now() / 1000));
  const sig = `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
  const posted = await sb.app.webtrigger({ method: 'POST', body, headers: { 'content-type': ['application/json'], 'x-signature': [sig] }, queryParameters: {} });
  if (posted.statusCode !== 202) throw new Error(`webtrigger: ${posted.body}`);
  await sb.queue.idle();
  // Issue 20: a run started from Jira that finished with a failure, so rerunFailed has a run it may re-run.
  const started = await panel.runPlan!({ payload: {}, context: { accountId: ADMIN, extension: { issue: plan } } });
  if (!started.ok) throw new Error(`runPlan: ${started.error.message}`);
  for (const run of sb.testsigma.state.runs.values()) sb.testsigma.state.completeRun(run.id, { 609: 'FAILURE' });
  await runsSynced(sb, plan);
  // From here on the queue only records: a consumer running in the background would change stored keys between a
  // case's before and after snapshots.
  sb.queue.setConsumer(async () => undefined);
  const jobId = (JSON.parse(posted.body) as { jobId: string }).jobId;
  knownJobIds.add(jobId);
  const runIds = [...sb.testsigma.state.runs.keys()].map(String);
  return { sb, issues: [t1, t2, set, plan, task, hidden], outIssues, jobIds: [jobId], runIds: [...runIds, 'prop-1'] };
}

/**
 * Waits until every run of the Test Plan has synced, as its panel shows them: a run started from Jira is pulled by
 * a job that polls Testsigma, and on a busy machine its next poll may still be ahead on the sandbox's clock when the
 * queue first goes idle. Each round moves that clock past the poll's delay; a run still unsynced after them fails
 * the seeding loudly (without it, rerunFailed was never accepted and the property failed for a reason it does not name).
 */
async function runsSynced(sb: Sandbox, plan: { id: string; key: string }): Promise<void> {
  let states: string[] = [];
  for (let round = 0; round < 10; round++) {
    await sb.pickupRound();
    await sb.queue.idle();
    const view = await sb.app.panelResolver.getPanel!({ payload: {}, context: { accountId: ADMIN, extension: { issue: plan } } });
    if (!view.ok) throw new Error(`getPanel: ${view.error.message}`);
    const runs = (view.data as { recentRuns?: Array<{ runId: string; state: string }> }).recentRuns ?? [];
    states = runs.map((r) => `${r.runId}: ${r.state}`);
    if (runs.length > 0 && runs.every((r) => r.state !== 'running' && r.state !== 'queued')) return;
    sb.advance(5 * 60_000);
  }
  throw new Error(`seeding: the plan's runs did not sync (${states.join(', ') || 'none listed'})`);
}

/**
 * The invocation's context. Forge sets it (the frontend cannot forge an account or an issue), so it is generated
 * from what the platform can send: one of the site's accounts or none (anonymous), and one of the site's issues,
 * one deleted since the page opened, or none.
 */
function contextArb(s: Seeded) {
  const issueRef = fc.oneof(
    { arbitrary: fc.constantFrom(...s.issues), weight: 8 },
    { arbitrary: fc.constant({ id: '99999', key: 'DEMO-999' }), weight: 1 },
  );
  return record({
    accountId: fc.oneof(
      { arbitrary: fc.constant(ADMIN), weight: 6 },
      { arbitrary: fc.constantFrom(EDITOR, VIEWER), weight: 3 },
      { arbitrary: fc.constant(undefined), weight: 1 },
    ),
    extension: fc.oneof({ arbitrary: record({ issue: issueRef }), weight: 8 }, { arbitrary: fc.constant(undefined), weight: 1 }),
  });
}

/** Settings patches: the shapes of contract section 2 with good and bad values. */
const settingsPatch = record({
  xray: optional(
    fc.oneof(
      record({
        region: optional(mostly(fc.constantFrom('global', 'eu', 'us', 'au'), hostileString)),
        clientId: optional(mostly(fc.constantFrom('client-a', 'client-b'), fc.oneof(hostileString, longString))),
        clientSecret: optional(mostly(fc.constantFrom('secret-a-0123456789'), fc.oneof(hostileString, longString))),
        requestsPer5Minutes: optional(mostly(fc.integer({ min: 10, max: 100_000 }), fc.oneof(fc.integer({ min: -10, max: 200_000 }), fc.constantFrom(9, 1.5, Number.NaN), junk))),
      }),
      junk,
    ),
  ),
  testsigma: optional(
    mostly(
      record({
        baseUrl: optional(mostly(fc.constantFrom('https://app.testsigma.com', 'https://testsigma.example.com/'), urlLike)),
        apiKey: optional(mostly(fc.constantFrom('ts-key-0123456789'), fc.oneof(hostileString, longString))),
      }),
    ),
  ),
  defaultProjectKey: optional(mostly(fc.constantFrom('DEMO', 'demo', 'SEC', 'NOPE', ''), fc.oneof(hostileString, junk))),
  statusMap: optional(
    mostly(
      fc.dictionary(fc.constantFrom('SUCCESS', 'FLAKY', 'skipped'), fc.constantFrom('PASSED', 'FAILED', 'TODO'), { maxKeys: 3 }),
      fc.oneof(fc.dictionary(hostileString, fc.oneof(hostileString, junk), { maxKeys: 3 }), junk),
    ),
  ),
  issueTypes: optional(
    mostly(
      record({ test: optional(fc.array(fc.constantFrom('Test', 'Xray Test'), { minLength: 1, maxLength: 2 })), testPlan: optional(fc.constant(['Test Plan'])) }),
      fc.oneof(record({ test: optional(fc.oneof(fc.array(hostileString, { maxLength: 3 }), junk)), testSet: optional(junk), testExecution: optional(junk) }), junk),
    ),
  ),
});

/**
 * A payload for any key: the fields the contract names for some key (a key reads the ones it knows), with good and
 * bad values, or junk in place of the whole payload.
 */
function payloadArb(s: Seeded) {
  const fields = record({
    // Mostly the site's runs: a re-run is accepted only on the Test Plan, for an editor, of its finished run.
    runId: fc.oneof({ arbitrary: fc.constantFrom(...s.runIds), weight: 8 }, { arbitrary: optional(fc.oneof(idLike, hostileString, junk)), weight: 1 }),
    buildNo: optional(fc.oneof(fc.constantFrom('1.4.2', ''), hostileString, junk)),
    testsigmaId: fc.oneof(
      { arbitrary: fc.constantFrom('609', '610', '611', '55', '274', '0609', 609), weight: 5 },
      { arbitrary: optional(fc.oneof(idLike, hostileString, junk)), weight: 2 },
    ),
    refresh: optional(fc.oneof(fc.boolean(), junk)),
    cursor: optional(fc.oneof(fc.constant(''), hostileString, longString, junk)),
    jobId: optional(fc.oneof(fc.constantFrom(...s.jobIds), hostileString, junk)),
    query: optional(fc.oneof(fc.constantFrom('DEMO', 'de'), hostileString, longString, junk)),
    projectKey: optional(fc.oneof(fc.constantFrom('DEMO', 'SEC', 'NOPE'), hostileString, junk)),
    at: optional(dateLike),
  });
  return fc.oneof(
    { arbitrary: fields, weight: 3 },
    { arbitrary: settingsPatch, weight: 3 },
    { arbitrary: fc.tuple(fields, settingsPatch).map(([a, b]) => ({ ...a, ...b })), weight: 2 },
    { arbitrary: junk, weight: 1 },
  );
}

function field(payload: unknown, name: string): unknown {
  return payload && typeof payload === 'object' && !Array.isArray(payload) ? (payload as Record<string, unknown>)[name] : undefined;
}

function unparsableUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    new URL(value.trim());
    return false;
  } catch {
    return true;
  }
}

/**
 * Inputs that reproduced a finding, each with what is right. The main property covers them too; the property of
 * each runs only them, so a regression names its finding.
 */
const KNOWN_FINDINGS: Array<{
  name: string;
  key: string;
  expected: string;
  /** The refusal every generated call must get (a caller who is no admin gets `forbidden` first); absent where an answer may also be data. */
  code?: string;
  applies(payload: unknown): boolean;
  payload: fc.Arbitrary<unknown>;
}> = [
  {
    // Issue 10, finding 11: zod runs the second refine, whose `new URL` throws.
    name: 'issue 10 finding 11: a testsigma.baseUrl that is no URL answered internal',
    key: 'saveSettings',
    expected: 'invalid_settings, nothing changed',
    code: 'invalid_settings',
    applies: (p) => unparsableUrl(field(field(p, 'testsigma'), 'baseUrl')),
    payload: fc.record({ testsigma: fc.record({ baseUrl: fc.oneof(fc.constantFrom('not a url', '', '://x', 'https://'), hostileString) }) }),
  },
  {
    // Issue 10, finding 17 (an unknown job answers internal; the contract now has not_found): a job id that cannot
    // name a job, or none, is an unknown job too.
    name: 'issue 10 finding 17: retryJob without a job id that can name a job answered internal',
    key: 'retryJob',
    expected: 'not_found, nothing changed',
    code: 'not_found',
    applies: (p) => {
      const id = field(p, 'jobId');
      return typeof id !== 'string' || !/^[A-Za-z0-9._:-]{1,128}$/.test(id) || !knownJobIds.has(id);
    },
    payload: record({ jobId: optional(fc.oneof(hostileString, idLike, junk)) }),
  },
  {
    // Not among issue 10's findings: admin-resolver.ts answers `internal` on purpose for a cursor listJobs never
    // gave, and a JSON null (how many clients write "absent") is such a cursor.
    name: 'issue 10 hardening: listJobs with a cursor that is null, not text, or over 1,000 characters answered internal',
    key: 'listJobs',
    expected: 'null read as absent; a foreign cursor refused with a code other than internal (or the first page)',
    applies: (p) => {
      const c = field(p, 'cursor');
      return c !== undefined && (typeof c !== 'string' || c.length > 1000);
    },
    payload: fc.record({ cursor: fc.oneof(fc.constant(null), longString.map((x) => x.padEnd(1001, 'x')), junk.filter((j) => typeof j !== 'string' && j !== undefined)) }),
  },
];

/** Runs `fn` over a freshly seeded sandbox and closes it. */
async function withSeeded<T>(fn: (s: Seeded) => Promise<T>): Promise<T> {
  const s = await seeded();
  try {
    return await fn(s);
  } finally {
    await s.sb.close();
  }
}

/** Job ids the seeded sandbox holds (retryJob of one of them is a real retry). */
const knownJobIds = new Set<string>();

interface Outcome {
  ok: number;
  refused: Map<string, number>;
}

async function exploreKey(s: Seeded, resolver: ResolverHandlers, key: string, payload: fc.Arbitrary<unknown>, outcome: Outcome) {
  await fc.assert(
    fc.asyncProperty(payload, contextArb(s), async (p, context) => {
      const before = s.sb.kvs.snapshot();
      const secretsBefore = s.sb.kvs.secretValues();
      const envelope = await resolver[key]!({ payload: p, context: context as never });
      expect(typeof envelope.ok).toBe('boolean');
      if (envelope.ok) {
        outcome.ok++;
        return;
      }
      outcome.refused.set(envelope.error.code, (outcome.refused.get(envelope.error.code) ?? 0) + 1);
      expect(envelope.error).toEqual({ code: expect.any(String), message: expect.any(String) });
      expect(envelope.error.code).not.toBe('internal');
      expect(s.sb.kvs.snapshot()).toEqual(before);
      expect(s.sb.kvs.secretValues()).toEqual(secretsBefore);
    }),
    { numRuns: CASES_PER_KEY },
  );
}

describe.each(['panelResolver', 'adminResolver'] as const)('%s payloads (property)', (name) => {
  test(`every key: ${CASES_PER_KEY} generated calls each answer the envelope, never internal, and a refusal changes nothing`, async () => {
    const keys = Object.keys((await withSeeded(async (s) => s.sb.app[name]))!);
    expect(keys.length).toBeGreaterThan(0);
    const report: Record<string, { ok: number; refused: Record<string, number> }> = {};
    for (const key of keys) {
      // Each key starts from the seeded state: an earlier key's generated unlinks would otherwise leave a later key
      // (createDefect on the linked, failed case) no path to succeed on.
      await withSeeded(async (s) => {
        const outcome: Outcome = { ok: 0, refused: new Map() };
        try {
          await exploreKey(s, s.sb.app[name], key, payloadArb(s), outcome);
        } catch (err) {
          // fast-check 4 keeps the failed assertion in `cause`: show it with the key and the shrunk counterexample.
          const cause = err instanceof Error && err.cause instanceof Error ? `\n${err.cause.message}` : '';
          throw new Error(`${name}.${key}: ${err instanceof Error ? err.message : String(err)}${cause}`);
        }
        report[key] = { ok: outcome.ok, refused: Object.fromEntries(outcome.refused) };
      });
    }
    // Each key was both accepted and refused at least once, or the generators never reached one of its paths.
    for (const [key, r] of Object.entries(report)) {
      expect({ key, accepted: r.ok > 0 }).toEqual({ key, accepted: true });
      expect({ key, refused: Object.keys(r.refused).length > 0 }).toEqual({ key, refused: true });
    }
    // 300 calls a key: the admin resolver's nine keys take about 40 s alone, over a minute on a shared, busy machine.
  }, 180_000);
});

describe.each(KNOWN_FINDINGS.map((f) => [f.name, f] as const))('%s (property)', (_name, finding) => {
  let s: Seeded;
  beforeAll(async () => {
    s = await seeded();
  });
  afterAll(async () => {
    await s.sb.close();
  });

  test(`answers ${finding.expected}`, async () => {
    const resolver = finding.key in s.sb.app.adminResolver ? s.sb.app.adminResolver : s.sb.app.panelResolver;
    const outcome: Outcome = { ok: 0, refused: new Map() };
    await exploreKey(s, resolver, finding.key, finding.payload.filter((p) => finding.applies(p)), outcome);
    if (finding.code) {
      expect(outcome.ok).toBe(0);
      expect(outcome.refused.get(finding.code)).toBeGreaterThan(0);
      expect([...outcome.refused.keys()].filter((c) => c !== finding.code && c !== 'forbidden')).toEqual([]);
    }
  });
});

/**
 * Link storage (`link:`, `issue:`, `slot:`, `tlinked:` keys) as a map, to compare before and after a call. An entry
 * belongs to an issue when its key or value names the issue's id.
 */
function linkEntries(s: Seeded): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(s.sb.kvs.snapshot())) {
    if (/^(link|issue|slot|tlinked):/.test(k)) out.set(k, JSON.stringify(v));
  }
  return out;
}

describe('attackers (property)', () => {
  test(`${CASES_PER_KEY} generated link, unlink and createDefect calls by a viewer or an outsider never change a link of another's issue and never name an issue they cannot browse`, async () => {
    await withSeeded(async (s) => {
      const own = new Set(s.outIssues.map((i) => i.id));
      const mine = (entry: string) => [...own].some((id) => entry.includes(`:${id}`) || entry.includes(`"${id}"`));
      const world = s.sb.world;
      const unbrowsable = (who: string) => world.listIssues().filter((i) => !world.canBrowse(who, i)).map((i) => i.key);
      const hiddenFrom = new Map([VIEWER, OUTSIDER].map((who) => [who, unbrowsable(who)]));
      const seen: Record<string, number> = {};
      const call = fc.record({
        key: fc.constantFrom('link', 'unlink', 'createDefect'),
        who: fc.constantFrom(VIEWER, OUTSIDER),
        issue: fc.constantFrom(...s.issues, ...s.outIssues, { id: '99999', key: 'DEMO-999' }),
        // Mostly ids that are linked somewhere (to be stolen or unlinked) or free (to be linked on their own issues).
        payload: fc.oneof(
          { arbitrary: fc.record({ testsigmaId: fc.constantFrom('609', '0609', '610', '611', '612', '55', '56', '274', '275') }), weight: 4 },
          { arbitrary: payloadArb(s), weight: 1 },
        ),
      });
      await fc.assert(
        fc.asyncProperty(call, async ({ key, who, issue, payload }) => {
          const before = linkEntries(s);
          const envelope = await s.sb.app.panelResolver[key]!({ payload, context: { accountId: who, extension: { issue } } });
          const outcome = envelope.ok ? 'ok' : envelope.error.code;
          seen[outcome] = (seen[outcome] ?? 0) + 1;
          expect(outcome).not.toBe('internal');
          const after = linkEntries(s);
          for (const [k, v] of before) if (!mine(`${k}=${v}`)) expect({ k, v: after.get(k) }).toEqual({ k, v });
          for (const [k, v] of after) if (!before.has(k)) expect({ k, v, mine: mine(`${k}=${v}`) }).toEqual({ k, v, mine: true });
          const text = JSON.stringify(envelope);
          for (const hidden of hiddenFrom.get(who)!) expect({ who, key, named: new RegExp(`\\b${hidden}\\b`).test(text) }).toEqual({ who, key, named: false });
        }),
        { numRuns: CASES_PER_KEY },
      );
      // The outsider's own panels accept some calls and the rest are refused: both paths were reached.
      expect(seen['ok']).toBeGreaterThan(0);
      expect(Object.keys(seen).length).toBeGreaterThan(1);
    });
  }, 60_000);
});
