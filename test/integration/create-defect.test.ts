/**
 * createDefect over real HTTP: the app as `createApp` builds it, Jira and Xray played by the sandbox emulators (the
 * app calls the real Xray host; the routing fetch delivers it to the emulator). The case's results are written with
 * the function the sync uses, as the sync would for runs of one Testsigma plan.
 */
import { World } from '../../sandbox/emulators/world';
import { startJiraEmulator, JiraEmulator } from '../../sandbox/emulators/jira';
import { startXrayEmulator, XrayEmulator } from '../../sandbox/emulators/xray';
import { MemoryKvs } from '../../sandbox/forge/memory-kvs';
import { appOverEmulators } from '../support/app-over-emulators';
import { SettingsStore } from '../../src/store/settings-store';
import { RunStore } from '../../src/store/run-store';
import { recordAsSync } from '../support/record-results';
import type { Envelope, PanelView } from '../../src/shared/types';

const XRAY = { clientId: 'defect-client', clientSecret: 'defect-secret-0123456789' };
const CASE = '609';

interface Site {
  world: World;
  jira: JiraEmulator;
  xray: XrayEmulator;
  kvs: MemoryKvs;
  clock: { now: () => number; advance(ms: number): void };
  test: { id: string; key: string };
  call(key: string, as: string, payload?: unknown): Promise<Envelope<PanelView>>;
  /** A run of the Test in a new Test Execution with that Xray status, synced as the sync writes it (with the execution's id). */
  syncRun(runId: string, status: string, word: string, comment?: string): Promise<{ id: string; key: string }>;
  close(): Promise<void>;
}

async function startSite(opts: { xrayAccount?: string } = {}): Promise<Site> {
  let t = Date.parse('2026-12-01T08:00:00Z');
  const clock = { now: () => t, advance: (ms: number) => void (t += ms) };
  const world = new World({ now: clock.now });
  world.createProject({ key: 'DEMO', name: 'Demo' });
  world.createProject({ key: 'BUGS', name: 'Bugs' });
  for (const a of ['alice', 'bob', 'carol', 'xray-bot']) world.addAccount({ accountId: a });
  for (const a of ['alice', 'carol']) {
    world.grant(a, 'BROWSE_PROJECTS');
    world.grant(a, 'EDIT_ISSUES');
  }
  world.grant('alice', 'CREATE_ISSUES');
  world.grant('bob', 'BROWSE_PROJECTS');
  world.grant('xray-bot', 'BROWSE_PROJECTS');
  const jira = await startJiraEmulator({ world });
  const xray = await startXrayEmulator({ world, dataRegion: 'eu', clients: [{ ...XRAY, ...(opts.xrayAccount ? { accountId: opts.xrayAccount } : {}) }], now: clock.now });
  const { app, kvs } = await appOverEmulators({ jiraUrl: jira.url, xrayUrl: xray.url, xray: XRAY, clock });
  const test = world.createIssue({ projectKey: 'DEMO', type: 'Test', summary: 'Checkout works' });
  const call = async (key: string, as: string, payload: unknown = { testsigmaId: CASE }) =>
    (await app.panelResolver[key]!({ payload, context: { accountId: as, extension: { issue: test } } })) as Envelope<PanelView>;
  const linked = await call('link', 'alice');
  if (!linked.ok) throw new Error(linked.error.message);
  return {
    world,
    jira,
    xray,
    kvs,
    clock,
    test,
    call,
    async syncRun(runId, status, word, comment) {
      clock.advance(60_000);
      const exec = world.createIssue({ projectKey: 'DEMO', type: 'Test Execution', summary: `Nightly ${runId}` });
      world.setExecutionEnvironments(exec.id, ['chrome', 'staging']);
      world.upsertRun(exec.id, test.id, { status, ...(comment ? { comment } : {}) });
      const at = new Date(clock.now()).toISOString();
      await recordAsSync(kvs, CASE, { status, word, runId, at, testIssueId: test.id, testExecutionKey: exec.key, testExecutionId: exec.id }, '274');
      return exec;
    },
    close: async () => {
      await Promise.all([jira.close(), xray.close()]);
    },
  };
}

function bugsIn(world: World, projectKey = 'DEMO') {
  return world.listIssues().filter((i) => world.typeOf(i).name === 'Bug' && world.projectOf(i).key === projectKey);
}

function ok(env: Envelope<PanelView>): PanelView {
  if (!env.ok) throw new Error(`${env.error.code}: ${env.error.message}`);
  return env.data;
}

let site: Site | undefined;
afterEach(async () => {
  await site?.close();
  site = undefined;
});

describe('createDefect over HTTP', () => {
  it('files a Bug for a failed result, linked to the Test in Jira and to the test run in Xray, with two Xray requests', async () => {
    site = await startSite();
    const s = site;
    const exec = await s.syncRun('r1', 'FAILED', 'FAILURE', 'Expected 200 but got 500 from /cart');
    s.xray.counters.reset();

    const view = ok(await s.call('createDefect', 'alice'));
    const [bug] = bugsIn(s.world);
    expect(bug).toBeDefined();
    expect(view.links[0]?.lastResult?.defects).toEqual([bug!.key]);
    expect(bug!.summary).toBe(`Testsigma test case ${CASE} failed in Nightly r1`);
    const description = JSON.stringify(bug!.description);
    for (const part of ['Expected 200 but got 500 from /cart', 'r1', 'chrome, staging', s.test.key, exec.key]) expect(description).toContain(part);
    expect(s.world.linksOf(bug!.id)).toEqual([expect.objectContaining({ typeName: 'Relates' })]);
    expect(s.world.findRun(s.test.id, exec.id)?.defects).toEqual([bug!.id]);
    const snap = s.xray.counters.snapshot();
    expect(snap['graphql']).toBe(2);
    expect(snap['graphql:getTestRun']).toBe(1);
    expect(snap['graphql:addDefectsToTestRun']).toBe(1);
  });

  it('links the run in Testsigma from the defect\'s description when the sync learnt its address', async () => {
    site = await startSite();
    const s = site;
    await s.syncRun('r1', 'FAILED', 'FAILURE', 'Expected 200');
    await new RunStore(s.kvs).put({ runId: 'r1', label: 'testsigma-run-r1', testsigmaUrl: 'https://app.testsigma.com/ui/td/runs/r1', updatedAt: new Date(s.clock.now()).toISOString() });
    ok(await s.call('createDefect', 'alice'));
    const [bug] = bugsIn(s.world);
    expect(JSON.stringify(bug!.description)).toContain('"href":"https://app.testsigma.com/ui/td/runs/r1"');
  });

  it('files it where the settings say: the defect project and issue type', async () => {
    site = await startSite();
    const s = site;
    s.world.addIssueType({ name: 'Defect', kind: null });
    const settings = new SettingsStore(s.kvs);
    await settings.put({ ...(await settings.get()), defects: { issueType: 'Defect', projectKey: 'BUGS' } });
    await s.syncRun('r1', 'FAILED', 'FAILURE');
    const view = ok(await s.call('createDefect', 'alice'));
    const filed = s.world.listIssues().filter((i) => s.world.typeOf(i).name === 'Defect');
    expect(filed).toHaveLength(1);
    expect(s.world.projectOf(filed[0]!).key).toBe('BUGS');
    expect(view.links[0]?.lastResult?.defects).toEqual([filed[0]!.key]);
  });

  it('links the same open defect to a newer failed run instead of filing a second one', async () => {
    site = await startSite();
    const s = site;
    await s.syncRun('r1', 'FAILED', 'FAILURE');
    ok(await s.call('createDefect', 'alice'));
    const exec2 = await s.syncRun('r2', 'FAILED', 'FAILURE');
    const view = ok(await s.call('createDefect', 'alice'));
    const bugs = bugsIn(s.world);
    expect(bugs).toHaveLength(1);
    expect(view.links[0]?.lastResult?.defects).toEqual([bugs[0]!.key]);
    expect(s.world.findRun(s.test.id, exec2.id)?.defects).toEqual([bugs[0]!.id]);
    // Linked once to the Test, not once per run.
    expect(s.world.linksOf(bugs[0]!.id)).toHaveLength(1);
  });

  it('answers a second click on the same run with the same defect, asking Xray nothing more', async () => {
    site = await startSite();
    const s = site;
    await s.syncRun('r1', 'FAILED', 'FAILURE');
    const first = ok(await s.call('createDefect', 'alice'));
    s.xray.counters.reset();
    const again = ok(await s.call('createDefect', 'alice'));
    expect(again.links[0]?.lastResult?.defects).toEqual(first.links[0]?.lastResult?.defects);
    expect(bugsIn(s.world)).toHaveLength(1);
    expect(s.xray.counters.snapshot()['graphql']).toBeUndefined();
  });

  it('files exactly one defect for two createDefect calls at once; the other answers that it is being filed', async () => {
    site = await startSite();
    const s = site;
    await s.syncRun('r1', 'FAILED', 'FAILURE');
    const answers = await Promise.all([s.call('createDefect', 'alice'), s.call('createDefect', 'alice')]);
    const bugs = bugsIn(s.world);
    expect(bugs).toHaveLength(1);
    const filed = answers.filter((a) => a.ok);
    const busy = answers.filter((a) => !a.ok);
    expect(filed).toHaveLength(1);
    expect(ok(filed[0]!).links[0]?.lastResult?.defects).toEqual([bugs[0]!.key]);
    expect(busy).toEqual([{ ok: false, error: { code: 'already_linked', message: 'A defect for this case is being filed right now. Refresh in a moment.' } }]);
    // Once the first call ended, its claim is gone: the next click answers the same defect.
    expect(ok(await s.call('createDefect', 'alice')).links[0]?.lastResult?.defects).toEqual([bugs[0]!.key]);
    expect(bugsIn(s.world)).toHaveLength(1);
  });

  it('lets a claim left by a filing that never ended (resolver killed) expire after two minutes', async () => {
    site = await startSite();
    const s = site;
    await s.syncRun('r1', 'FAILED', 'FAILURE');
    // What a resolver killed mid-filing leaves behind: its claim, with the ttl it was written with.
    await s.kvs.set(`defect-filing:${CASE}`, { at: new Date(s.clock.now()).toISOString() }, { ttl: { value: 2, unit: 'MINUTES' } });
    expect(await s.call('createDefect', 'alice')).toMatchObject({ ok: false, error: { code: 'already_linked' } });
    expect(bugsIn(s.world)).toEqual([]);
    s.clock.advance(2 * 60_000 + 1);
    ok(await s.call('createDefect', 'alice'));
    expect(bugsIn(s.world)).toHaveLength(1);
  });

  it('files a new defect once the last one is resolved (status category done)', async () => {
    site = await startSite();
    const s = site;
    await s.syncRun('r1', 'FAILED', 'FAILURE');
    ok(await s.call('createDefect', 'alice'));
    const [first] = bugsIn(s.world);
    s.world.setIssueStatus(first!.id, 'Done', 'done');
    await s.syncRun('r2', 'FAILED', 'FAILURE');
    const view = ok(await s.call('createDefect', 'alice'));
    const bugs = bugsIn(s.world);
    expect(bugs).toHaveLength(2);
    const second = bugs.find((b) => b.id !== first!.id)!;
    expect(view.links[0]?.lastResult?.defects).toEqual([second.key]);
  });

  it('answers no_failure when the case has no result, or its last result passed, and files nothing', async () => {
    site = await startSite();
    const s = site;
    const none = await s.call('createDefect', 'alice');
    expect(none).toMatchObject({ ok: false, error: { code: 'no_failure' } });
    await s.syncRun('r1', 'PASSED', 'SUCCESS');
    const passed = await s.call('createDefect', 'alice');
    expect(passed).toMatchObject({ ok: false, error: { code: 'no_failure' } });
    expect(!passed.ok && passed.error.message).toContain('PASSED');
    await s.syncRun('r2', 'TO DO', 'QUEUED');
    expect(await s.call('createDefect', 'alice')).toMatchObject({ ok: false, error: { code: 'no_failure' } });
    expect(bugsIn(s.world)).toEqual([]);
  });

  it('answers forbidden without Edit Issues on the Test or Create Issues in the defect project, and files nothing', async () => {
    site = await startSite();
    const s = site;
    await s.syncRun('r1', 'FAILED', 'FAILURE');
    const bob = await s.call('createDefect', 'bob');
    expect(bob).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const carol = await s.call('createDefect', 'carol');
    expect(carol).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(!carol.ok && carol.error.message).toContain('Create Issues');
    expect(bugsIn(s.world)).toEqual([]);
  });

  it('keeps a defect whose Xray link failed and names its key; a retry links that same defect', async () => {
    // Xray acts as a user who may see the Test Execution but not edit it: getTestRun works, addDefectsToTestRun not.
    site = await startSite({ xrayAccount: 'xray-bot' });
    const s = site;
    const exec = await s.syncRun('r1', 'FAILED', 'FAILURE');
    const answer = await s.call('createDefect', 'alice');
    const [bug] = bugsIn(s.world);
    expect(bug).toBeDefined();
    expect(answer.ok).toBe(false);
    expect(!answer.ok && answer.error.message).toContain(bug!.key);
    expect(s.world.linksOf(bug!.id)).toHaveLength(1);

    s.world.grant('xray-bot', 'EDIT_ISSUES');
    const view = ok(await s.call('createDefect', 'alice'));
    expect(bugsIn(s.world)).toHaveLength(1);
    expect(view.links[0]?.lastResult?.defects).toEqual([bug!.key]);
    expect(s.world.findRun(s.test.id, exec.id)?.defects).toEqual([bug!.id]);
  });

  it('answers not_linked for a case this Test does not link, and invalid_id for a malformed id', async () => {
    site = await startSite();
    const s = site;
    expect(await s.call('createDefect', 'alice', { testsigmaId: '777' })).toMatchObject({ ok: false, error: { code: 'not_linked' } });
    expect(await s.call('createDefect', 'alice', { testsigmaId: 'x' })).toMatchObject({ ok: false, error: { code: 'invalid_id' } });
  });
});
