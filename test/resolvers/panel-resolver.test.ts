import { createPanelResolver } from '../../src/resolvers/panel-resolver';
import { freeCase } from '../../src/resolvers/admin-free-case';
import { createIssueDeletedHandler } from '../../src/triggers/issue-deleted';
import { SettingsStore } from '../../src/store/settings-store';
import { withDefaults } from '../../src/domain/settings';
import type { Envelope, PanelView } from '../../src/shared/types';
import { lastResultItem, readLastResults } from '../../src/store/run-store';
import { JiraSite, startJiraSite } from '../support/jira-site';

let site: JiraSite;
let panel: ReturnType<typeof createPanelResolver>;
const clock = { now: () => Date.parse('2026-11-30T10:00:00Z') };

beforeEach(async () => {
  site = await startJiraSite();
  panel = createPanelResolver({ kvs: site.kvs, jira: site.port, clock, log: site.log });
});
afterEach(() => site.close());

function call(key: 'getPanel' | 'link' | 'unlink', who: string, issue: { id: string; key: string }, payload: unknown = {}) {
  return panel[key]!({ payload, context: { accountId: who, extension: { issue } } }) as Promise<Envelope<PanelView>>;
}
function ok(env: Envelope<PanelView>): PanelView {
  if (!env.ok) throw new Error(`expected ok, got ${env.error.code}: ${env.error.message}`);
  return env.data;
}
function err(env: Envelope<PanelView>) {
  if (env.ok) throw new Error('expected an error');
  return env.error;
}

describe('panel resolver: getPanel', () => {
  it('shows an empty Test panel with edit rights for alice and read-only for bob', async () => {
    const a = ok(await call('getPanel', 'alice', site.issues.test1));
    expect(a).toEqual({ issue: { ...site.issues.test1, kind: 'test' }, canEdit: true, links: [] });
    const b = ok(await call('getPanel', 'bob', site.issues.test1));
    expect(b.canEdit).toBe(false);
  });

  it('reads the kind from Jira, not from the frontend', async () => {
    const v = ok(await call('getPanel', 'alice', { id: site.issues.set.id, key: site.issues.set.key }));
    expect(v.issue.kind).toBe('testSet');
    const spoofed = await panel.getPanel!({ payload: {}, context: { accountId: 'alice', extension: { issue: { ...site.issues.task, type: 'Test' } as never } } });
    expect(err(spoofed as Envelope<PanelView>).code).toBe('not_xray_issue');
  });

  it('answers not_found alike for a hidden issue and a missing one, with no data', async () => {
    const hidden = err(await call('getPanel', 'bob', site.issues.secretTest));
    const missing = err(await call('getPanel', 'bob', { id: '999999', key: 'DEMO-999' }));
    expect(hidden).toEqual(missing);
    expect(hidden.code).toBe('not_found');
    expect(JSON.stringify(hidden)).not.toContain(site.issues.secretTest.key);
  });

  it('uses renamed issue type names from the settings', async () => {
    site.world.renameIssueType('Test', 'Xray Test');
    expect(err(await call('getPanel', 'alice', site.issues.test1)).code).toBe('not_xray_issue');
    const store = new SettingsStore(site.kvs);
    await store.put({ ...withDefaults(undefined), issueTypes: { test: ['Xray Test'] } });
    expect(ok(await call('getPanel', 'alice', site.issues.test1)).issue.kind).toBe('test');
  });

  it('keeps showing links after the Test moves and its key changes', async () => {
    ok(await call('link', 'alice', site.issues.test1, { testsigmaId: '609' }));
    const moved = site.world.moveIssue(site.issues.test1.id, 'OTHER');
    const v = ok(await call('getPanel', 'alice', { id: site.issues.test1.id, key: moved.key }));
    expect(v.issue.key).toBe(moved.key);
    expect(v.links.map((l) => l.testsigmaId)).toEqual(['609']);
  });
});

describe('panel resolver: link and unlink', () => {
  it('links an id and a pasted URL, recording who and when', async () => {
    const v1 = ok(await call('link', 'alice', site.issues.test1, { testsigmaId: '609' }));
    expect(v1.links).toEqual([{ testsigmaKind: 'testCase', testsigmaId: '609', linkedBy: 'alice', linkedAt: '2026-11-30T10:00:00.000Z', url: 'https://app.testsigma.com/ui/td/cases/609/steps' }]);
    const v2 = ok(await call('link', 'alice', site.issues.test1, { testsigmaId: 'https://app.testsigma.com/ui/td/12/cases/610/steps' }));
    expect(v2.links.map((l) => l.testsigmaId)).toEqual(['609', '610']);
  });

  it('refuses a case already linked to another Test, naming that Test by key', async () => {
    ok(await call('link', 'alice', site.issues.test1, { testsigmaId: '609' }));
    const e = err(await call('link', 'alice', site.issues.test2, { testsigmaId: '609' }));
    expect(e).toEqual({ code: 'already_linked', message: `Testsigma test case 609 is already linked to ${site.issues.test1.key}. Unlink it there first.` });
  });

  it('refuses a second suite on a Test Set and a second Test Set for one suite', async () => {
    ok(await call('link', 'alice', site.issues.set, { testsigmaId: '55' }));
    const e = err(await call('link', 'alice', site.issues.set, { testsigmaId: '56' }));
    expect(e.code).toBe('already_linked');
    expect(e.message).toContain('55');
    const otherSet = site.world.createIssue({ projectKey: 'DEMO', type: 'Test Set', summary: 'Other' });
    const e2 = err(await call('link', 'alice', otherSet, { testsigmaId: '55' }));
    expect(e2.message).toContain(site.issues.set.key);
  });

  it('refuses a second plan on a Test Plan', async () => {
    ok(await call('link', 'alice', site.issues.plan, { testsigmaId: '274' }));
    expect(err(await call('link', 'alice', site.issues.plan, { testsigmaId: '275' })).code).toBe('already_linked');
  });

  it.each([
    ['empty', ''],
    ['letters', 'abc'],
    ['20 digits', '12345678901234567890'],
    ['URL without id', 'https://app.testsigma.com/ui/td/cases'],
    ['number payload of the wrong type', { nested: 1 }],
    ['missing', undefined],
  ])('answers invalid_id for %s and stores nothing', async (_name, testsigmaId) => {
    const before = site.kvs.snapshot();
    const e = err(await call('link', 'alice', site.issues.test1, { testsigmaId }));
    expect(e.code).toBe('invalid_id');
    expect(e.message.length).toBeGreaterThan(10);
    expect(site.kvs.snapshot()).toEqual(before);
  });

  it('answers invalid_id for a payload that is not an object', async () => {
    expect(err(await call('link', 'alice', site.issues.test1, 'oops')).code).toBe('invalid_id');
  });

  it('answers forbidden to a user without edit rights, and stores nothing', async () => {
    const before = site.kvs.snapshot();
    const e = err(await call('link', 'bob', site.issues.test1, { testsigmaId: '609' }));
    expect(e.code).toBe('forbidden');
    expect(e.message).toContain(site.issues.test1.key);
    expect(site.kvs.snapshot()).toEqual(before);
  });

  it('answers not_xray_issue on a Task and not_found on a hidden Test', async () => {
    expect(err(await call('link', 'alice', site.issues.task, { testsigmaId: '1' })).code).toBe('not_xray_issue');
    expect(err(await call('link', 'bob', site.issues.secretTest, { testsigmaId: '1' })).code).toBe('not_found');
    expect(site.kvs.keys()).toEqual([]);
  });

  it('unlinks, and answers not_linked for what is not linked here', async () => {
    ok(await call('link', 'alice', site.issues.test1, { testsigmaId: '609' }));
    expect(err(await call('unlink', 'alice', site.issues.test2, { testsigmaId: '609' })).code).toBe('not_linked');
    expect(err(await call('unlink', 'bob', site.issues.test1, { testsigmaId: '609' })).code).toBe('forbidden');
    expect(ok(await call('unlink', 'alice', site.issues.test1, { testsigmaId: '609' })).links).toEqual([]);
    expect(ok(await call('link', 'alice', site.issues.test2, { testsigmaId: '609' })).links).toHaveLength(1);
  });

  it('frees the links of a deleted issue through the trigger', async () => {
    ok(await call('link', 'alice', site.issues.test1, { testsigmaId: '609' }));
    site.world.deleteIssue(site.issues.test1.id);
    await createIssueDeletedHandler({ kvs: site.kvs, log: site.log })({ issue: { id: site.issues.test1.id } });
    expect(ok(await call('link', 'alice', site.issues.test2, { testsigmaId: '609' })).links).toHaveLength(1);
  });

  it('keeps the claim of a Test deleted while the trigger was missed (Jira answers a hidden one alike) until an admin frees the case', async () => {
    ok(await call('link', 'alice', site.issues.test1, { testsigmaId: '609' }));
    site.world.deleteIssue(site.issues.test1.id);
    expect(err(await call('link', 'alice', site.issues.test2, { testsigmaId: '609' })).code).toBe('already_linked');
    expect(await freeCase({ kvs: site.kvs, jira: site.port, log: site.log }, 'admin', { testsigmaId: '609' })).toEqual({ freed: true });
    expect(ok(await call('link', 'alice', site.issues.test2, { testsigmaId: '609' })).links).toHaveLength(1);
  });

  it('answers internal (not a crash) when storage fails, and rate_limited when it keeps throttling', async () => {
    // A single throttle is waited out (see "storage throttles its own reads"); one that lasts is answered.
    site.kvs.throttle(50);
    const e = err(await call('getPanel', 'alice', site.issues.test1));
    expect(e.code).toBe('rate_limited');
    const broken = createPanelResolver({
      kvs: Object.assign(Object.create(site.kvs) as typeof site.kvs, { get: () => Promise.reject(new Error('disk on fire')) }),
      jira: site.port, clock, log: site.log,
    });
    const crashed = await broken.getPanel!({ payload: {}, context: { accountId: 'alice', extension: { issue: site.issues.test1 } } });
    expect(err(crashed as Envelope<PanelView>)).toEqual({ code: 'internal', message: expect.stringMatching(/Try again/) });
    expect(JSON.stringify(crashed)).not.toContain('disk on fire');
    expect(site.log.lines.some((l) => l.includes('"level":"error"') && l.includes('disk on fire'))).toBe(true);
  });

  it('lets the platform consent error through to Jira', async () => {
    const consent = Object.assign(new Error('needs auth'), { name: 'NEEDS_AUTHENTICATION_ERR' });
    const p = createPanelResolver({ kvs: site.kvs, clock, log: site.log, jira: { asUser: () => () => Promise.reject(consent), asApp: site.port.asApp } });
    await expect(p.getPanel!({ payload: {}, context: { accountId: 'alice', extension: { issue: site.issues.test1 } } })).rejects.toBe(consent);
  });

  it('answers not_found when opened without an issue', async () => {
    const env = await panel.getPanel!({ payload: {}, context: { accountId: 'alice' } });
    expect((env as { ok: false; error: { code: string } }).error.code).toBe('not_found');
  });
});

describe('panel resolver: last results', () => {
  const LAST = { status: 'FAILED', runId: '337', testExecutionKey: 'DEMO-99', at: '2026-11-30T09:00:00.000Z' };
  function withLastResults() {
    const p = createPanelResolver({
      kvs: site.kvs, jira: site.port, clock, log: site.log,
      insights: { lastResults: (ids) => readLastResults(site.kvs, ids) },
    });
    return (key: 'link' | 'unlink' | 'getPanel', issue: { id: string; key: string }, payload: unknown = {}) =>
      p[key]!({ payload, context: { accountId: 'alice', extension: { issue } } }) as Promise<Envelope<PanelView>>;
  }
  async function linkWithResult(callP: ReturnType<typeof withLastResults>) {
    ok(await callP('link', site.issues.test1, { testsigmaId: '609' }));
    await site.kvs.batchSet([lastResultItem('609', LAST)]);
    expect(ok(await callP('getPanel', site.issues.test1)).links[0]!.lastResult).toEqual(LAST);
  }

  it('forgets a case\'s last result when it is unlinked, so another Test never shows it', async () => {
    const callP = withLastResults();
    await linkWithResult(callP);
    ok(await callP('unlink', site.issues.test1, { testsigmaId: '609' }));
    const relinked = ok(await callP('link', site.issues.test2, { testsigmaId: '609' }));
    expect(relinked.links[0]!.lastResult).toBeUndefined();
  });

  it('forgets it when its Test is deleted, through the trigger', async () => {
    const callP = withLastResults();
    await linkWithResult(callP);
    site.world.deleteIssue(site.issues.test1.id);
    await createIssueDeletedHandler({ kvs: site.kvs, log: site.log })({ issue: { id: site.issues.test1.id } });
    expect((await readLastResults(site.kvs, ['609'])).size).toBe(0);
  });

  it('forgets it when its Test is deleted while storage throttles the trigger for a moment', async () => {
    const callP = withLastResults();
    await linkWithResult(callP);
    site.world.deleteIssue(site.issues.test1.id);
    site.kvs.throttle(2);
    await createIssueDeletedHandler({ kvs: site.kvs, log: site.log })({ issue: { id: site.issues.test1.id } });
    expect((await readLastResults(site.kvs, ['609'])).size).toBe(0);
    expect(site.kvs.keys().filter((k) => k.includes(site.issues.test1.id) || k.includes(':609'))).toEqual([]);
  });

  it('forgets it when an admin frees the case of a deleted Test (the trigger was missed) and it is linked again', async () => {
    const callP = withLastResults();
    await linkWithResult(callP);
    site.world.deleteIssue(site.issues.test1.id);
    await freeCase({ kvs: site.kvs, jira: site.port, log: site.log }, 'admin', { testsigmaId: '609' });
    const relinked = ok(await callP('link', site.issues.test2, { testsigmaId: '609' }));
    expect(relinked.links.map((l) => l.testsigmaId)).toEqual(['609']);
    expect(relinked.links[0]!.lastResult).toBeUndefined();
  });
});

describe('panel resolver: notices', () => {
  it("carries the insights' notices once each, in the caller's language, and none when the part came back", async () => {
    const withInsights = (coverage: boolean) =>
      createPanelResolver({
        kvs: site.kvs,
        jira: site.port,
        clock,
        log: site.log,
        insights: {
          coverage: async (_issue, o) => {
            o.notice?.('xray_unavailable');
            o.notice?.('xray_unavailable');
            return coverage ? { total: 1, linked: 0, unlinked: [] } : undefined;
          },
        },
      });
    const open = (p: ReturnType<typeof createPanelResolver>, locale?: string) =>
      p.getPanel!({ payload: {}, context: { accountId: 'alice', locale, extension: { issue: site.issues.set } } }) as Promise<Envelope<PanelView>>;
    expect(ok(await open(withInsights(false))).notices).toEqual([
      { code: 'xray_unavailable', message: 'Coverage is unavailable right now: Xray is busy or did not answer. Try Refresh in a few minutes.' },
    ]);
    expect(ok(await open(withInsights(false), 'de-DE')).notices?.[0]?.message).toMatch(/^Die Abdeckung ist gerade nicht verfügbar/);
    expect(ok(await open(withInsights(true))).notices).toBeUndefined();
  });

  it('says storage was busy when a part could not be read because storage throttled it, and still shows the links', async () => {
    const throttled = Object.assign(new Error('Rate limit exceeded'), { code: 'RATE_LIMIT_EXCEEDED', status: 429 });
    const panel = createPanelResolver({
      kvs: site.kvs,
      jira: site.port,
      clock,
      log: site.log,
      insights: {
        coverage: async () => {
          throw throttled;
        },
      },
    });
    const open = (locale?: string) =>
      panel.getPanel!({ payload: {}, context: { accountId: 'alice', locale, extension: { issue: site.issues.set } } }) as Promise<Envelope<PanelView>>;
    const view = ok(await open());
    expect(view.coverage).toBeUndefined();
    expect(view.notices).toEqual([
      { code: 'storage_busy', message: "Part of this panel is not shown: the app's storage is busy. Try Refresh in a minute." },
    ]);
    expect(ok(await open('de-DE')).notices?.[0]?.message).toMatch(/Speicher der App ist ausgelastet/);
  });
});

describe('panel resolver: storage throttles its own reads', () => {
  it('waits out a throttled read of the settings or links and answers the view, not rate_limited', async () => {
    ok(await call('link', 'alice', site.issues.test1, { testsigmaId: '609' }));
    site.kvs.throttle(2);
    const view = ok(await call('getPanel', 'alice', site.issues.test1));
    expect(view.links.map((l) => l.testsigmaId)).toEqual(['609']);
  });

  it('answers rate_limited, changing nothing, when storage stays busy', async () => {
    site.kvs.throttle(50);
    expect(err(await call('getPanel', 'alice', site.issues.test1)).code).toBe('rate_limited');
  });
});
