import { MemoryKvs } from '../../sandbox/forge/memory-kvs';
import { createPanelInsights, PanelInsightsDeps, TestsigmaEntityReader } from '../../src/resolvers/panel-insights';
import { budgetHintKey, CoverageRefusedError, fetchTests, panelAllowance, testsQuery } from '../../src/resolvers/coverage';
import type { PanelInsights, PanelIssue } from '../../src/resolvers/panel-resolver';
import { COOL_KEYS, PanelCache } from '../../src/store/panel-cache';
import { LinkStore } from '../../src/store/link-store';
import { SECRET_KEYS } from '../../src/store/settings-store';
import { withDefaults, StoredSettings } from '../../src/domain/settings';
import { RequestBudget } from '../../src/xray/request-budget';
import { XrayClient, XrayClientConfig, XrayError } from '../../src/xray/xray-types';
import type { RecentRun, TestsigmaKind } from '../../src/shared/types';
import { collectingLogger } from '../../sandbox/forge/memory-log';

const T0 = Date.parse('2026-11-30T10:00:00Z');

/** A scripted Xray that serves one issue's Tests and records each GraphQL request. */
class ScriptedXray implements XrayClient {
  requests: Array<{ query: string; variables: Record<string, unknown> }> = [];
  /** Thrown (or awaited) instead of answering, once per entry. */
  failures: Array<unknown | 'hang'> = [];
  constructor(
    public tests: Array<{ id: string; key: string }>,
    private readonly op: 'getTestSet' | 'getTestPlan' = 'getTestSet',
    public known = true,
  ) {}
  async authenticate(): Promise<void> {}
  async importExecution(): Promise<never> {
    throw new Error('not used');
  }
  async importExecutionMultipart(): Promise<never> {
    throw new Error('not used');
  }
  async getStatuses(): Promise<never> {
    throw new Error('not used');
  }
  async graphql<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    this.requests.push({ query, variables });
    const f = this.failures.shift();
    if (f === 'hang') return new Promise<T>(() => undefined);
    if (f !== undefined) throw f;
    if (!this.known) return { [this.op]: null } as T;
    const root: Record<string, unknown> = {};
    for (const m of query.matchAll(/(p\d+): tests\(limit: (\d+), start: (\d+)\)/g)) {
      const limit = Number(m[2]);
      const start = Number(m[3]);
      root[m[1]!] = {
        total: this.tests.length,
        results: this.tests.slice(start, start + limit).map((t) => ({ issueId: t.id, jira: { key: t.key } })),
      };
    }
    return { [this.op]: root } as T;
  }
  /** Pages asked for in all requests. */
  get pages(): number {
    return this.requests.reduce((n, r) => n + (r.query.match(/tests\(/g)?.length ?? 0), 0);
  }
}

function makeTests(n: number, from = 20000): Array<{ id: string; key: string }> {
  return Array.from({ length: n }, (_, i) => ({ id: String(from + i), key: `DEMO-${i + 1}` }));
}

function settingsWith(over: Partial<StoredSettings['xray']> = {}, baseUrl = 'https://app.testsigma.com'): StoredSettings {
  const s = withDefaults(undefined);
  return { ...s, xray: { ...s.xray, clientId: 'client-1', region: 'eu', ...over }, testsigma: { baseUrl } };
}

interface Rig {
  kvs: MemoryKvs;
  clock: { now: () => number; advance: (ms: number) => void };
  xray: ScriptedXray;
  configs: XrayClientConfig[];
  insights: PanelInsights;
  log: ReturnType<typeof collectingLogger>;
  links: LinkStore;
}

async function rig(xray: ScriptedXray, more: Partial<PanelInsightsDeps> = {}, secrets = true, rateLimits = true): Promise<Rig> {
  let t = T0;
  const clock = { now: () => t, advance: (ms: number) => void (t += ms) };
  const kvs = new MemoryKvs({ now: clock.now, rateLimits });
  if (secrets) {
    await kvs.setSecret(SECRET_KEYS.xrayClientSecret, 'xray-secret');
    await kvs.setSecret(SECRET_KEYS.testsigmaApiKey, 'ts-key');
  }
  const configs: XrayClientConfig[] = [];
  const log = collectingLogger();
  const insights = createPanelInsights({
    kvs,
    clock,
    log,
    xrayClientFor: (c) => {
      configs.push(c);
      return xray;
    },
    ...more,
    options: { xrayTimeoutMs: 200, testsigmaTimeoutMs: 200, ...more.options },
  });
  return { kvs, clock, xray, configs, insights, log, links: new LinkStore(kvs) };
}

const setIssue: PanelIssue = { id: '10100', key: 'DEMO-900', kind: 'testSet', projectKey: 'DEMO' };
const planIssue: PanelIssue = { id: '10101', key: 'DEMO-901', kind: 'testPlan', projectKey: 'DEMO' };

async function linkTest(links: LinkStore, testId: string, caseId: string) {
  const r = await links.claim({ issueId: testId, issueKind: 'test', testsigmaKind: 'testCase', testsigmaId: caseId, linkedBy: 'alice', linkedAt: new Date(T0).toISOString() });
  expect(r.ok).toBe(true);
}

describe('coverage', () => {
  it('reads 250 Tests in one request of five 100-Test pages and counts linked from the link store', async () => {
    const tests = makeTests(250);
    const r = await rig(new ScriptedXray(tests));
    for (const i of [0, 3, 100, 249]) await linkTest(r.links, tests[i]!.id, String(600 + i));
    const cov = await r.insights.coverage!(setIssue, { refresh: false, settings: settingsWith() });
    expect(cov).toBeDefined();
    expect(cov!.total).toBe(250);
    expect(cov!.linked).toBe(4);
    expect(cov!.unlinked).toHaveLength(50);
    const expected = tests.filter((_, i) => ![0, 3, 100, 249].includes(i)).slice(0, 50);
    expect(cov!.unlinked).toEqual(expected);
    expect(r.xray.requests).toHaveLength(1);
    expect(r.xray.requests[0]!.variables).toEqual({ issueId: setIssue.id });
    expect(r.configs).toEqual([{ region: 'eu', clientId: 'client-1', clientSecret: 'xray-secret', requestsPer5Minutes: 300 }]);
  });

  it('asks Xray for a Test Plan with getTestPlan and pages beyond 500 in parallel follow-ups', async () => {
    // Limits off: this counts Xray pages; a 1,234-Test plan's link marks take 50 batch reads, over Forge's 45 a
    // minute (issue 17 measures that in the bench).
    const r = await rig(new ScriptedXray(makeTests(1_234), 'getTestPlan'), {}, true, false);
    const cov = await r.insights.coverage!(planIssue, { refresh: false, settings: settingsWith() });
    expect(cov).toMatchObject({ total: 1_234, linked: 0 });
    expect(r.xray.requests).toHaveLength(3);
    expect(r.xray.requests.every((q) => q.query.includes('getTestPlan(issueId: $issueId)'))).toBe(true);
    expect(r.xray.pages).toBe(13);
  });

  it('builds queries with limit 100 and consecutive starts', () => {
    const q = testsQuery('testSet', 5, 2);
    expect(q).toContain('p5: tests(limit: 100, start: 500)');
    expect(q).toContain('p6: tests(limit: 100, start: 600)');
    expect(q).not.toContain('p7');
  });

  it('serves the second open from the cache, yet counts a link made since', async () => {
    const tests = makeTests(120);
    const r = await rig(new ScriptedXray(tests));
    const first = await r.insights.coverage!(setIssue, { refresh: false, settings: settingsWith() });
    expect(first!.linked).toBe(0);
    await linkTest(r.links, tests[1]!.id, '700');
    r.clock.advance(60_000);
    const second = await r.insights.coverage!(setIssue, { refresh: false, settings: settingsWith() });
    expect(r.xray.requests).toHaveLength(1);
    expect(second!.linked).toBe(1);
    expect(second!.unlinked.map((u) => u.key)).not.toContain(tests[1]!.key);
    await r.insights.coverage!(setIssue, { refresh: true, settings: settingsWith() });
    expect(r.xray.requests).toHaveLength(2);
  });

  it('asks Xray again once the cached list expired (10 minutes)', async () => {
    const r = await rig(new ScriptedXray(makeTests(3)));
    await r.insights.coverage!(setIssue, { refresh: false, settings: settingsWith() });
    r.clock.advance(9 * 60_000);
    await r.insights.coverage!(setIssue, { refresh: false, settings: settingsWith() });
    expect(r.xray.requests).toHaveLength(1);
    r.clock.advance(2 * 60_000);
    await r.insights.coverage!(setIssue, { refresh: false, settings: settingsWith() });
    expect(r.xray.requests).toHaveLength(2);
  });

  it('is left out, with no Xray call, when Xray is not set up', async () => {
    const r = await rig(new ScriptedXray(makeTests(3)));
    expect(await r.insights.coverage!(setIssue, { refresh: false, settings: settingsWith({ clientId: '' }) })).toBeUndefined();
    const noSecret = await rig(new ScriptedXray(makeTests(3)), {}, false);
    expect(await noSecret.insights.coverage!(setIssue, { refresh: false, settings: settingsWith() })).toBeUndefined();
    expect(r.configs).toHaveLength(0);
    expect(noSecret.configs).toHaveLength(0);
  });

  it('is never asked for a Test', async () => {
    const r = await rig(new ScriptedXray(makeTests(3)));
    expect(await r.insights.coverage!({ ...setIssue, kind: 'test' }, { refresh: false, settings: settingsWith() })).toBeUndefined();
    expect(r.kvs.totalCalls).toBe(2); // the two secrets the rig wrote
  });

  it('after a 429 is left out and leaves Xray alone until the cool-down ends', async () => {
    const r = await rig(new ScriptedXray(makeTests(3)));
    r.xray.failures.push(new XrayError('rate_limited', 'Xray is rate limiting this site', { status: 429, retryAfterSeconds: 90 }));
    expect(await r.insights.coverage!(setIssue, { refresh: false, settings: settingsWith() })).toBeUndefined();
    expect(r.xray.requests).toHaveLength(1);
    r.clock.advance(60_000);
    expect(await r.insights.coverage!(setIssue, { refresh: true, settings: settingsWith() })).toBeUndefined();
    expect(r.xray.requests).toHaveLength(1);
    r.clock.advance(31_000);
    expect(await r.insights.coverage!(setIssue, { refresh: false, settings: settingsWith() })).toMatchObject({ total: 3 });
    expect(r.xray.requests).toHaveLength(2);
  });

  it('gives up on a slow Xray within its own timeout and pauses 30 s', async () => {
    const r = await rig(new ScriptedXray(makeTests(3)), { options: { xrayTimeoutMs: 50 } });
    r.xray.failures.push('hang');
    const started = Date.now();
    expect(await r.insights.coverage!(setIssue, { refresh: false, settings: settingsWith() })).toBeUndefined();
    // Xray never answers, so answering at all proves the timeout; the bound is the resolver's, far from 50 ms, so a
    // busy machine cannot fail it.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.log.lines.some((l) => l.includes('did not answer within 50 ms'))).toBe(true);
    expect(await r.insights.coverage!(setIssue, { refresh: false, settings: settingsWith() })).toBeUndefined();
    expect(r.xray.requests).toHaveLength(1);
    r.clock.advance(31_000);
    expect(await r.insights.coverage!(setIssue, { refresh: false, settings: settingsWith() })).toBeDefined();
  });

  it('after a refused API key pauses only until the key changes', async () => {
    const r = await rig(new ScriptedXray(makeTests(3)));
    r.xray.failures.push(new XrayError('auth', 'bad key', { status: 401 }));
    expect(await r.insights.coverage!(setIssue, { refresh: false, settings: settingsWith() })).toBeUndefined();
    expect(await r.insights.coverage!(setIssue, { refresh: false, settings: settingsWith() })).toBeUndefined();
    expect(r.xray.requests).toHaveLength(1);
    expect(await r.insights.coverage!(setIssue, { refresh: false, settings: settingsWith({ clientId: 'client-2' }) })).toBeDefined();
    expect(r.xray.requests).toHaveLength(2);
  });

  it('leaves the budget to the sync once half of the window is used', async () => {
    const r = await rig(new ScriptedXray(makeTests(3)));
    await r.kvs.set(budgetHintKey(T0), 150);
    expect(await r.insights.coverage!(setIssue, { refresh: false, settings: settingsWith() })).toBeUndefined();
    expect(r.xray.requests).toHaveLength(0);
    // Enterprise: 1,000 a window, so 150 used leaves the panel room.
    expect(await r.insights.coverage!(setIssue, { refresh: false, settings: settingsWith({ requestsPer5Minutes: 1000 }) })).toBeDefined();
  });

  it('does not start follow-up requests the budget share cannot pay for', async () => {
    const r = await rig(new ScriptedXray(makeTests(2_000)));
    await r.kvs.set(budgetHintKey(T0), 147); // 150 - 147 = 3: the first request and 2 follow-ups; 2,000 Tests need 3
    expect(await r.insights.coverage!(setIssue, { refresh: false, settings: settingsWith() })).toBeUndefined();
    expect(r.xray.requests).toHaveLength(1);
  });

  it('reads the budget position where the shared budget writes it', async () => {
    const kvs = new MemoryKvs({ now: () => T0 });
    const budget = new RequestBudget(kvs, { now: () => T0 }, 300);
    await budget.reserve(3);
    await budget.reserve(2);
    expect(panelAllowance(await kvs.get(budgetHintKey(T0)), 300, 0.5)).toBe(145);
    expect(panelAllowance(undefined, 300, 0.5)).toBe(150);
  });

  it('is left out for a list larger than the panel reads, and when Xray does not know the issue', async () => {
    const big = await rig(new ScriptedXray(makeTests(600)), { options: { maxCoverageTests: 500 } });
    expect(await big.insights.coverage!(setIssue, { refresh: false, settings: settingsWith() })).toBeUndefined();
    expect(big.xray.requests).toHaveLength(1);
    await expect(fetchTests(new ScriptedXray(makeTests(600)), 'testSet', '1', { deadline: 0, maxFollowUps: 9, maxTests: 500 })).rejects.toBeInstanceOf(CoverageRefusedError);
    const unknown = await rig(new ScriptedXray([], 'getTestSet', false));
    expect(await unknown.insights.coverage!(setIssue, { refresh: false, settings: settingsWith() })).toBeUndefined();
  });

  it('cuts a huge list into values under 240 KiB and reads it back whole', async () => {
    const kvs = new MemoryKvs({ now: () => T0 });
    const cache = new PanelCache(kvs);
    const tests = makeTests(30_000, 1_000_000_000);
    await cache.writeTestList('5', { kind: 'testPlan', total: 30_000, ids: tests.map((t) => t.id), keys: tests.map((t) => `LONGPROJECTKEY-${t.key}`), at: T0 });
    expect(kvs.keys().filter((k) => k.startsWith('pins:cov:5:')).length).toBeGreaterThan(1);
    const { list } = await cache.readTestList('5', 'testPlan');
    expect(list!.ids).toEqual(tests.map((t) => t.id));
    expect(list!.keys[29_999]).toBe('LONGPROJECTKEY-DEMO-30000');
    // A head whose kind no longer matches the issue is not trusted.
    expect((await cache.readTestList('5', 'testSet')).list).toBeUndefined();
    // A part gone before its head makes the whole list a miss.
    await kvs.delete(kvs.keys().find((k) => k.startsWith('pins:cov:5:'))!);
    expect((await cache.readTestList('5', 'testPlan')).list).toBeUndefined();
  });

  it('costs one batch read on a warm open of a 1,000-Test plan with 250 Tests linked: the cached list and the case index', async () => {
    // Limits off: linking 250 Tests is more than a minute's allowance of storage.
    const tests = makeTests(1_000);
    const r = await rig(new ScriptedXray(tests, 'getTestPlan'), {}, true, false);
    for (let i = 0; i < 250; i++) await linkTest(r.links, tests[i * 4]!.id, String(600 + i));
    expect((await r.insights.coverage!(planIssue, { refresh: false, settings: settingsWith() }))?.linked).toBe(250);
    r.kvs.resetCalls();
    expect((await r.insights.coverage!(planIssue, { refresh: false, settings: settingsWith() }))?.linked).toBe(250);
    expect(r.kvs.calls).toEqual({ batchGet: 1 });
  });
});

/** A scripted Testsigma: names by id, optional failures, latency and in-flight accounting. */
class ScriptedTestsigma implements TestsigmaEntityReader {
  calls: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  fail?: (id: string) => unknown;
  delayMs = 0;
  async getEntity(kind: TestsigmaKind, id: string) {
    this.calls.push(`${kind}:${id}`);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.delayMs) await new Promise((res) => setTimeout(res, this.delayMs));
      const err = this.fail?.(id);
      if (err) throw err;
      return { id, name: `Case ${id}`, url: `https://app.testsigma.com/ui/td/cases/${id}/steps` };
    } finally {
      this.inFlight--;
    }
  }
}

function tsError(kind: string, retryAfterSeconds?: number) {
  return Object.assign(new Error(`testsigma ${kind}`), { kind, details: retryAfterSeconds ? { retryAfterSeconds } : {} });
}

describe('entities', () => {
  async function tsRig(ts: ScriptedTestsigma, secrets = true) {
    const configs: Array<{ baseUrl: string; apiKey: string }> = [];
    const r = await rig(new ScriptedXray([]), { testsigmaClientFor: (c) => (configs.push(c), ts) }, secrets);
    return { ...r, configs };
  }
  const ids = Array.from({ length: 50 }, (_, i) => String(600 + i));

  it('fetches 50 names with at most 4 calls in flight, then serves them from the cache', async () => {
    const ts = new ScriptedTestsigma();
    ts.delayMs = 1;
    const r = await tsRig(ts);
    const got = await r.insights.entities!('testCase', ids, { refresh: false, settings: settingsWith() });
    expect(got.size).toBe(50);
    expect(got.get('601')).toEqual({ name: 'Case 601', url: 'https://app.testsigma.com/ui/td/cases/601/steps' });
    expect(ts.maxInFlight).toBeLessThanOrEqual(4);
    expect(r.configs).toEqual([{ baseUrl: 'https://app.testsigma.com', apiKey: 'ts-key' }]);
    r.kvs.resetCalls();
    const again = await r.insights.entities!('testCase', ids, { refresh: false, settings: settingsWith() });
    expect(again).toEqual(got);
    expect(ts.calls).toHaveLength(50);
    expect(r.kvs.calls).toEqual({ batchGet: 3 }); // 51 keys (50 names and the cool-down mark) in batches of 25
    await r.insights.entities!('testCase', ['600'], { refresh: true, settings: settingsWith() });
    expect(ts.calls).toHaveLength(51);
  });

  it('asks again when the names were cached under another Testsigma base URL', async () => {
    const ts = new ScriptedTestsigma();
    const r = await tsRig(ts);
    await r.insights.entities!('testSuite', ['55'], { refresh: false, settings: settingsWith() });
    await r.insights.entities!('testSuite', ['55'], { refresh: false, settings: settingsWith({}, 'https://ts.example.com') });
    expect(ts.calls).toEqual(['testSuite:55', 'testSuite:55']);
  });

  it('remembers an id Testsigma does not know, and shows it without a name', async () => {
    const ts = new ScriptedTestsigma();
    ts.fail = (id) => (id === '999' ? tsError('not_found') : undefined);
    const r = await tsRig(ts);
    const got = await r.insights.entities!('testCase', ['999', '600'], { refresh: false, settings: settingsWith() });
    expect([...got.keys()]).toEqual(['600']);
    await r.insights.entities!('testCase', ['999', '600'], { refresh: false, settings: settingsWith() });
    expect(ts.calls).toHaveLength(2);
  });

  it('stops at the first unreachable answer and leaves Testsigma alone for a minute', async () => {
    const ts = new ScriptedTestsigma();
    ts.fail = () => tsError('network');
    const r = await tsRig(ts);
    const got = await r.insights.entities!('testCase', ids, { refresh: false, settings: settingsWith() });
    expect(got.size).toBe(0);
    expect(ts.calls.length).toBeLessThanOrEqual(4);
    const before = ts.calls.length;
    await r.insights.entities!('testCase', ids, { refresh: false, settings: settingsWith() });
    expect(ts.calls.length).toBe(before);
    expect(await r.kvs.get(COOL_KEYS.testsigma)).toMatchObject({ reason: 'down' });
    r.clock.advance(61_000);
    ts.fail = undefined;
    expect((await r.insights.entities!('testCase', ids, { refresh: false, settings: settingsWith() })).size).toBe(50);
  });

  it('answers with what it has when Testsigma is slow', async () => {
    const ts = new ScriptedTestsigma();
    // Testsigma answers 25 times later than the 200 ms the panel waits: answering before it, with no names, is the
    // event that counts, with room for a busy machine.
    ts.delayMs = 5_000;
    const r = await tsRig(ts);
    const started = Date.now();
    const got = await r.insights.entities!('testCase', ids, { refresh: false, settings: settingsWith() });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(got.size).toBe(0);
    expect(ts.calls).toHaveLength(4);
  });

  it('makes no Testsigma call without an API key', async () => {
    const ts = new ScriptedTestsigma();
    const r = await tsRig(ts, false);
    expect((await r.insights.entities!('testCase', ['600'], { refresh: false, settings: settingsWith() })).size).toBe(0);
    expect(r.configs).toHaveLength(0);
    expect(r.kvs.calls).toEqual({ batchGet: 1, getSecret: 1 });
  });
});

describe('last results and recent runs', () => {
  it("passes case ids to the sync's reader", async () => {
    const seen: string[][] = [];
    const r = await rig(new ScriptedXray([]), {
      readLastResults: async (_kvs, caseIds) => {
        seen.push([...caseIds]);
        return new Map([['609', { status: 'PASSED', runId: '337', at: '2026-11-30T09:00:00Z' }]]);
      },
    });
    const got = await r.insights.lastResults!(['609', '610']);
    expect(seen).toEqual([['609', '610']]);
    expect(got.get('609')?.status).toBe('PASSED');
  });

  it('lists at most 10 deliveries, newest first', async () => {
    const runs: RecentRun[] = Array.from({ length: 12 }, (_, i) => ({
      runId: `r${i}`,
      state: 'succeeded',
      at: new Date(T0 - (i % 2 === 0 ? i : 20 - i) * 60_000).toISOString(),
      counts: { received: 1, synced: 1, unmapped: 0, failed: 0 },
    }));
    const asked: unknown[] = [];
    const r = await rig(new ScriptedXray([]), {
      listPlanRuns: async (_kvs, planId, limit, nowMs) => {
        asked.push([planId, limit, nowMs]);
        return runs;
      },
    });
    const got = await r.insights.recentRuns!('274');
    expect(asked).toEqual([['274', 10, T0]]);
    expect(got).toHaveLength(10);
    const ats = got!.map((x) => x.at);
    expect([...ats].sort().reverse()).toEqual(ats);
  });
});

describe('notices: why a part is missing', () => {
  const collect = () => {
    const codes: string[] = [];
    return { codes, notice: (code: string) => void codes.push(code) };
  };

  it('says Xray is not configured when coverage has no client id or secret', async () => {
    const r = await rig(new ScriptedXray(makeTests(3)));
    const a = collect();
    await r.insights.coverage!(setIssue, { refresh: false, settings: settingsWith({ clientId: '' }), notice: a.notice });
    const noSecret = await rig(new ScriptedXray(makeTests(3)), {}, false);
    const b = collect();
    await noSecret.insights.coverage!(setIssue, { refresh: false, settings: settingsWith(), notice: b.notice });
    expect([a.codes, b.codes]).toEqual([['xray_not_configured'], ['xray_not_configured']]);
  });

  it('says Xray is unavailable after a 429, and while it cools down; nothing once coverage comes back', async () => {
    const r = await rig(new ScriptedXray(makeTests(3)));
    r.xray.failures.push(new XrayError('rate_limited', 'Xray is rate limiting this site', { status: 429, retryAfterSeconds: 90 }));
    const first = collect();
    await r.insights.coverage!(setIssue, { refresh: false, settings: settingsWith(), notice: first.notice });
    const cooling = collect();
    await r.insights.coverage!(setIssue, { refresh: false, settings: settingsWith(), notice: cooling.notice });
    r.clock.advance(91_000);
    const back = collect();
    expect(await r.insights.coverage!(setIssue, { refresh: false, settings: settingsWith(), notice: back.notice })).toMatchObject({ total: 3 });
    expect([first.codes, cooling.codes, back.codes]).toEqual([['xray_unavailable'], ['xray_unavailable'], []]);
  });

  it('says names are missing because Testsigma has no key, or did not answer', async () => {
    const noKey = await rig(new ScriptedXray([]), { testsigmaClientFor: () => new ScriptedTestsigma() }, false);
    const a = collect();
    await noKey.insights.entities!('testCase', ['600'], { refresh: false, settings: settingsWith(), notice: a.notice });
    const ts = new ScriptedTestsigma();
    ts.fail = () => tsError('network');
    const down = await rig(new ScriptedXray([]), { testsigmaClientFor: () => ts });
    const b = collect();
    await down.insights.entities!('testCase', ['600'], { refresh: false, settings: settingsWith(), notice: b.notice });
    const fine = await rig(new ScriptedXray([]), { testsigmaClientFor: () => new ScriptedTestsigma() });
    const c = collect();
    await fine.insights.entities!('testCase', ['600'], { refresh: false, settings: settingsWith(), notice: c.notice });
    expect([a.codes, b.codes, c.codes]).toEqual([['testsigma_not_configured'], ['testsigma_unavailable'], []]);
  });
});
