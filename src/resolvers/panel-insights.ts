/**
 * What the issue panel tells beyond the links: Testsigma names and deep links, the last synced result of a linked
 * case, a Test Set's or Test Plan's coverage, and the latest deliveries of a linked Testsigma plan.
 *
 * Every part is best-effort and bounded, because the resolver has 25 s and one slow vendor must not cost the user
 * their links: Xray gets one short deadline for the whole coverage read, Testsigma a few parallel calls under one
 * short timer, and whatever does not come back in time is left out (coverage) or shown as ids only (names).
 *
 * Xray requests are the site's scarcest resource (300 per 5 minutes, shared with the sync), so the panel:
 * - caches a Test list in KVS for 10 minutes and counts `linked` from the link store on every open;
 * - asks for five 100-Test pages per request (see `coverage.ts`);
 * - spends only while the shared budget's window is less than half used (`xrayBudgetShare`), reading the budget's
 *   own KVS position in the same batch read as the cache, so the check costs no extra call;
 * - after a 429 or a stall, leaves Xray alone for a while (a KVS mark with a ttl), and after a refused key until
 *   the settings change.
 */
import { createHash } from 'node:crypto';
import type { AppDeps, Clock, Logger } from '../ports';
import type { Coverage, FlakyCase, LastResult, RecentRun, TestsigmaKind } from '../shared/types';
import type { StoredSettings } from '../domain/settings';
import type { KvsPort } from '../store/kvs-port';
import { LinkStore, TestMark } from '../store/link-store';
import { SettingsStore } from '../store/settings-store';
import { asCoolMark, CachedEntity, COOL_KEYS, PanelCache, TestList } from '../store/panel-cache';
import { XrayClient, XrayClientConfig, XrayError } from '../xray/xray-types';
import { listPlanRuns, readLastResults } from '../store/run-store';
import { createTestsigmaClient } from '../testsigma/testsigma-client';
import { createXrayClient } from '../xray/xray-client';
import { budgetHintKey, CoverageRefusedError, fetchTests, MAX_COVERAGE_TESTS, panelAllowance } from './coverage';
import type { CaseResults, NoticeSink, PanelInsights, PanelIssue } from './panel-resolver';
import type { CaseResultRecord } from '../store/run-store';
import { readResultsOf, readTestResults } from '../store/test-results';
import { CASE_INDEX_META_KEY, caseIndexKeys, indexComplete, plansIn, testsIn } from '../store/case-index';
import { coalesceBatchGets } from '../store/coalescing-kvs';
import { withReadAhead } from '../store/read-ahead';
import { flipCount, historyView, isFlaky } from '../domain/history';

/** The part of the Testsigma client the panel uses. */
export interface TestsigmaEntityReader {
  getEntity(kind: TestsigmaKind, id: string): Promise<{ id: string; name: string; url?: string }>;
}

/** Limits of the panel's outbound calls; the defaults suit a 25 s resolver. */
export interface PanelInsightsOptions {
  /** The whole coverage read from Xray (all its requests) must finish within this (ms). */
  xrayTimeoutMs: number;
  /** All Testsigma name look-ups of one open share this (ms). */
  testsigmaTimeoutMs: number;
  /** Testsigma calls in flight at once. */
  testsigmaConcurrency: number;
  /** Most names fetched from Testsigma in one open; the rest come from later opens as the cache fills. */
  maxEntityFetches: number;
  /** The share of the site's Xray window the panel may use (0..1): it stops once the window is this full. */
  xrayBudgetShare: number;
  /** Largest Test list the panel reads. */
  maxCoverageTests: number;
}

/** Defaults of {@link PanelInsightsOptions}. */
export const DEFAULT_PANEL_INSIGHTS_OPTIONS: PanelInsightsOptions = {
  xrayTimeoutMs: 5_000,
  testsigmaTimeoutMs: 3_000,
  testsigmaConcurrency: 4,
  maxEntityFetches: 50,
  xrayBudgetShare: 0.5,
  maxCoverageTests: MAX_COVERAGE_TESTS,
};

/**
 * The panel's insights depend on these. Build `xrayClientFor` with a short per-request timeout and few retries
 * (e.g. `createXrayClient(config, { fetch, kvs, clock, log, timeoutMs: 4000, retry: { maxAttempts: 2 } })`): the
 * panel's own timer bounds the wait either way, but a client that gives up sooner spends fewer requests.
 */
export interface PanelInsightsDeps {
  kvs: KvsPort;
  clock: Clock;
  log: Logger;
  /** An Xray client for the stored settings (the sync's client: same token cache and request budget). */
  xrayClientFor(config: XrayClientConfig): XrayClient;
  /** A Testsigma client; without it, links show ids only. */
  testsigmaClientFor?(config: { baseUrl: string; apiKey: string }): TestsigmaEntityReader;
  /** The sync's reader of each case's newest synced result (default: the sync's own). */
  readLastResults?(kvs: KvsPort, caseIds: readonly string[]): Promise<Map<string, LastResult>>;
  /** The sync's list of a Testsigma plan's deliveries, newest first (default: the sync's own). */
  listPlanRuns?(kvs: KvsPort, testsigmaPlanId: string, limit: number, nowMs: number): Promise<RecentRun[]>;
  options?: Partial<PanelInsightsOptions>;
}

/** How many flaky cases a Test Set or Test Plan panel lists (contract: at most 10). */
export const MAX_FLAKY_CASES = 10;
/** Link reads in flight at once for the flaky list. */
const FLAKY_READ_CONCURRENCY = 8;

/** A case record's last result as the panel shows it: no storage-only fields. */
function lastResultView(rec: CaseResultRecord): LastResult {
  return {
    status: rec.status,
    runId: rec.runId,
    ...(rec.testExecutionKey ? { testExecutionKey: rec.testExecutionKey } : {}),
    at: rec.at,
    ...(rec.attempts !== undefined ? { attempts: rec.attempts } : {}),
    ...(rec.defects?.length ? { defects: [...rec.defects] } : {}),
  };
}

/** How many deliveries the Test Plan panel lists (contract: at most 10). */
export const RECENT_RUNS = 10;

// After a 429 Xray's window needs time to move; a stall suggests trouble worth a shorter pause.
const XRAY_COOL_S = { rate_limited: [60, 300], slow: [30, 30], refused: [600, 600] } as const;
const TESTSIGMA_COOL_S = { rate_limited: [30, 600], down: [60, 60] } as const;

/** Our own timer ran out. */
class PanelTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not answer within ${ms} ms`);
    this.name = 'PanelTimeoutError';
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PanelTimeoutError(what, ms)), ms);
  });
  // The loser's rejection is nobody's business once the timer won.
  work.catch(() => undefined);
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

function clampSeconds(value: number | undefined, [min, max]: readonly [number, number]): number {
  const v = value !== undefined && Number.isFinite(value) ? value : min;
  return Math.min(max, Math.max(min, Math.ceil(v)));
}

/** Ties a mark to the settings it was set under, so fixing them lifts it; no secret goes in. */
function xrayScope(settings: StoredSettings): string {
  return createHash('sha256').update(`${settings.xray.region}\n${settings.xray.clientId.trim()}`).digest('hex').slice(0, 16);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Builds the panel's insights (see {@link PanelInsights}); each call makes only the KVS and vendor calls it needs. */
export function createPanelInsights(deps: PanelInsightsDeps): PanelInsights {
  const opts: PanelInsightsOptions = { ...DEFAULT_PANEL_INSIGHTS_OPTIONS, ...deps.options };
  const cache = new PanelCache(deps.kvs);
  const links = new LinkStore(deps.kvs);
  const settingsStore = new SettingsStore(deps.kvs);

  async function coolSafely(key: string, until: number, reason: string, now: number, scope?: string): Promise<void> {
    try {
      await cache.cool(key, { until, reason, ...(scope ? { scope } : {}) }, now);
    } catch (err) {
      deps.log.warn('panel cool-down mark not written', { key, error: errorText(err) });
    }
  }

  /** Asks Xray for the issue's Tests, or answers undefined with the reason logged. */
  async function fetchList(issue: PanelIssue & { kind: 'testSet' | 'testPlan' }, settings: StoredSettings, extras: Map<string, unknown>, now: number, notice: NoticeSink): Promise<TestList | undefined> {
    const scope = xrayScope(settings);
    if (!settings.xray.clientId.trim()) {
      notice('xray_not_configured');
      return undefined;
    }
    const cool = asCoolMark(extras.get(COOL_KEYS.xray));
    if (cool && cool.until > now && (cool.scope === undefined || cool.scope === scope)) {
      deps.log.info('coverage left out: Xray is cooling down', { reason: cool.reason, seconds: Math.ceil((cool.until - now) / 1000) });
      notice('xray_unavailable');
      return undefined;
    }
    const allowance = panelAllowance(extras.get(budgetHintKey(now)), settings.xray.requestsPer5Minutes, opts.xrayBudgetShare);
    if (allowance < 1) {
      deps.log.info('coverage left out: the Xray budget of this window is kept for the sync', { allowance });
      notice('xray_unavailable');
      return undefined;
    }
    const clientSecret = await settingsStore.secret('xrayClientSecret');
    if (!clientSecret) {
      notice('xray_not_configured');
      return undefined;
    }
    const client = deps.xrayClientFor({
      region: settings.xray.region,
      clientId: settings.xray.clientId,
      clientSecret,
      requestsPer5Minutes: settings.xray.requestsPer5Minutes,
    });
    try {
      const fetched = await withTimeout(
        fetchTests(client, issue.kind, issue.id, {
          deadline: now + opts.xrayTimeoutMs,
          maxFollowUps: allowance - 1,
          maxTests: opts.maxCoverageTests,
        }),
        opts.xrayTimeoutMs,
        'Xray',
      );
      if (!fetched) {
        deps.log.info('coverage left out: Xray does not know the issue', { issueId: issue.id });
        return undefined;
      }
      const list: TestList = { kind: issue.kind, total: fetched.total, ids: fetched.ids, keys: fetched.keys, at: now };
      try {
        await cache.writeTestList(issue.id, list);
      } catch (err) {
        deps.log.warn('coverage cache not written', { error: errorText(err) });
      }
      return list;
    } catch (err) {
      const after = deps.clock.now();
      if (err instanceof XrayError && err.kind === 'rate_limited') {
        const s = clampSeconds(err.details.retryAfterSeconds, XRAY_COOL_S.rate_limited);
        await coolSafely(COOL_KEYS.xray, after + s * 1000, 'rate_limited', after);
      } else if (err instanceof PanelTimeoutError || (err instanceof XrayError && (err.kind === 'network' || err.kind === 'server'))) {
        await coolSafely(COOL_KEYS.xray, after + XRAY_COOL_S.slow[0] * 1000, 'slow', after);
      } else if (err instanceof XrayError && (err.kind === 'auth' || err.kind === 'wrong_region')) {
        // Each try would spend a request on a sign-in that fails; a settings change lifts the mark (its scope).
        await coolSafely(COOL_KEYS.xray, after + XRAY_COOL_S.refused[0] * 1000, err.kind, after, scope);
      }
      // A plan too large to count is no outage: the panel just has no figure for it.
      if (!(err instanceof CoverageRefusedError)) notice('xray_unavailable');
      const level = err instanceof CoverageRefusedError ? 'info' : 'warn';
      deps.log[level]('coverage left out', { issueId: issue.id, kind: err instanceof XrayError ? err.kind : (err as Error)?.name, error: errorText(err) });
      return undefined;
    }
  }

  /**
   * The issue's Test list and which of its Tests have links, shared by coverage and the flaky list of one open (both
   * are asked in the same tick, coverage first), so the list is read, and Xray asked, once.
   */
  const pendingLists = new Map<string, Promise<{ list: TestList; linkedSet: Set<string>; marks: Map<string, TestMark>; index?: Map<string, unknown> } | undefined>>();
  function linkedTests(issue: PanelIssue, o: { refresh: boolean; settings: StoredSettings; notice?: NoticeSink }, mayFetch: boolean) {
    const pending = pendingLists.get(issue.id);
    if (pending) return pending;
    if (issue.kind === 'test') return Promise.resolve(undefined);
    const kind = issue.kind;
    const work = (async () => {
      const now = deps.clock.now();
      // One batch read: the cached list's head, the cool-down mark, the budget's position and the case index.
      const { list: cached, extras } = await cache.readTestList(issue.id, kind, [COOL_KEYS.xray, budgetHintKey(now), CASE_INDEX_META_KEY, ...caseIndexKeys()], !o.refresh || !mayFetch);
      const list = cached ?? (mayFetch ? await fetchList({ ...issue, kind }, o.settings, extras, now, o.notice ?? (() => undefined)) : undefined);
      if (!list) return undefined;
      if (await indexComplete(deps.kvs, extras)) {
        // The case index lists every linked case's Test: which Tests have links, and their cases.
        const tests = testsIn(extras);
        const marks = new Map<string, TestMark>();
        for (const id of list.ids) {
          const cases = tests.get(id);
          if (cases) marks.set(id, { at: '', cases });
        }
        return { list, linkedSet: new Set(marks.keys()), marks, index: extras };
      }
      // A site whose index is still being filled (upgraded from a version without it): each Test's mark.
      const marks = await links.testMarks(list.ids);
      return { list, linkedSet: new Set(marks.keys()), marks };
    })();
    pendingLists.set(issue.id, work);
    work.finally(() => pendingLists.delete(issue.id)).catch(() => undefined);
    return work;
  }

  async function coverage(issue: PanelIssue, o: { refresh: boolean; settings: StoredSettings; notice?: NoticeSink }): Promise<Coverage | undefined> {
    if (issue.kind === 'test') return undefined;
    const got = await linkedTests(issue, o, true);
    if (!got) return undefined;
    const { list, linkedSet } = got;
    const unlinked: Array<{ id: string; key: string }> = [];
    for (let i = 0; i < list.ids.length && unlinked.length < 50; i++) {
      const id = list.ids[i]!;
      if (!linkedSet.has(id)) unlinked.push({ id, key: list.keys[i] ?? '' });
    }
    return { total: list.total, linked: linkedSet.size, unlinked };
  }

  async function entities(
    kind: TestsigmaKind,
    ids: string[],
    o: { refresh: boolean; settings: StoredSettings; notice?: NoticeSink; testIssueId?: string },
  ): Promise<Map<string, { name?: string; url?: string }>> {
    const notice: NoticeSink = o.notice ?? (() => undefined);
    const out = new Map<string, { name?: string; url?: string }>();
    const unique = [...new Set(ids)].filter((id) => /^\d{1,19}$/.test(id));
    if (unique.length === 0) return out;
    const baseUrl = o.settings.testsigma.baseUrl;
    const now = deps.clock.now();
    const { entities: cached, cool } = await cache.readEntities(kind, o.refresh ? [] : unique, baseUrl, o.testIssueId);
    for (const [id, e] of cached) if (e.name) out.set(id, { name: e.name, ...(e.url ? { url: e.url } : {}) });
    const misses = unique.filter((id) => !cached.has(id));
    if (misses.length === 0 || !deps.testsigmaClientFor) return out;
    if (cool && cool.until > now && (cool.scope === undefined || cool.scope === baseUrl)) {
      notice('testsigma_unavailable');
      return out;
    }
    const apiKey = await settingsStore.secret('testsigmaApiKey');
    if (!apiKey) {
      notice('testsigma_not_configured');
      return out;
    }
    const client = deps.testsigmaClientFor({ baseUrl, apiKey });

    const fetched = new Map<string, CachedEntity>();
    let stopped: { reason: 'rate_limited' | 'down'; retryAfter?: number } | undefined;
    let timedOut = false;
    const queue = misses.slice(0, opts.maxEntityFetches);
    const worker = async () => {
      for (let id = queue.shift(); id !== undefined && !stopped && !timedOut; id = queue.shift()) {
        try {
          const e = await client.getEntity(kind, id);
          if (!timedOut) fetched.set(id, { name: e.name, ...(e.url ? { url: e.url } : {}) });
        } catch (err) {
          const k = (err as { kind?: unknown })?.kind;
          if (k === 'not_found') {
            fetched.set(id, { missing: true });
          } else if (k === 'bad_answer') {
            deps.log.warn('Testsigma name not read', { kind, id, error: errorText(err) });
          } else {
            const retryAfter = (err as { details?: { retryAfterSeconds?: unknown } })?.details?.retryAfterSeconds;
            stopped ??= { reason: k === 'rate_limited' ? 'rate_limited' : 'down', ...(typeof retryAfter === 'number' ? { retryAfter } : {}) };
            deps.log.warn('Testsigma names left out', { kind: typeof k === 'string' ? k : 'unknown', error: errorText(err) });
          }
        }
      }
    };
    const workers = Promise.all(Array.from({ length: Math.min(opts.testsigmaConcurrency, queue.length) }, worker));
    try {
      await withTimeout(workers, opts.testsigmaTimeoutMs, 'Testsigma');
    } catch (err) {
      if (!(err instanceof PanelTimeoutError)) throw err;
      timedOut = true;
      stopped ??= { reason: 'down' };
      deps.log.warn('Testsigma names left out: too slow', { timeoutMs: opts.testsigmaTimeoutMs });
    }
    for (const [id, e] of fetched) if (e.name) out.set(id, { name: e.name, ...(e.url ? { url: e.url } : {}) });
    if (stopped) notice('testsigma_unavailable');
    const after = deps.clock.now();
    await Promise.all([
      fetched.size > 0
        ? cache.writeEntities(kind, fetched, baseUrl, o.testIssueId !== undefined ? { issueId: o.testIssueId, keep: unique } : undefined).catch((err: unknown) => deps.log.warn('Testsigma names not cached', { error: errorText(err) }))
        : undefined,
      stopped
        ? coolSafely(COOL_KEYS.testsigma, after + clampSeconds(stopped.retryAfter, TESTSIGMA_COOL_S[stopped.reason]) * 1000, stopped.reason, after, baseUrl)
        : undefined,
    ]);
    return out;
  }

  /** Last result, history and flakiness of a Test's cases; a record synced to another Test is not this one's. */
  async function caseResults(testIssueId: string, caseIds: string[], plans: readonly string[] = []): Promise<Map<string, CaseResults>> {
    const out = new Map<string, CaseResults>();
    for (const [id, rec] of await readTestResults(deps.kvs, testIssueId, caseIds, plans)) {
      const history = rec.history ?? [];
      out.set(id, { lastResult: lastResultView(rec), history: historyView(history), flaky: isFlaky(history) });
    }
    return out;
  }

  /**
   * The flakiest linked cases of a Test Set's or Test Plan's Tests, most flips first: the case index (read for
   * coverage anyway: each Test's cases, and the plans their results are kept under) and those results (a Test
   * Plan's: its Testsigma plan's 8 parts). While the index is being filled, each Test's link mark stands in (a mark
   * older than its case list costs one query for that Test's links). Without coverage asked in the same open, only a
   * cached Test list is used: never Xray.
   */
  async function flakyCases(issue: PanelIssue, o: { refresh: boolean; settings: StoredSettings; testsigmaPlanId?: string }): Promise<FlakyCase[] | undefined> {
    const got = await linkedTests(issue, o, false);
    if (!got) return undefined;
    const keyOf = new Map<string, string>();
    got.list.ids.forEach((id, i) => keyOf.set(id, got.list.keys[i] ?? ''));
    const caseTest = new Map<string, string>();
    // Marks list their Test's cases; only marks older than that list need the Test's links read.
    const queue: string[] = [];
    for (const [testId, mark] of got.marks) {
      if (Array.isArray(mark.cases)) for (const c of mark.cases) caseTest.set(c, testId);
      else queue.push(testId);
    }
    const worker = async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        for (const l of await links.listForIssue(id)) if (l.testsigmaKind === 'testCase') caseTest.set(l.testsigmaId, id);
      }
    };
    await Promise.all(Array.from({ length: Math.min(FLAKY_READ_CONCURRENCY, queue.length) }, worker));
    // A Test Plan's flaky cases are those of its Testsigma plan's runs; a Test Set's, of wherever each case's results
    // are kept (the case index says).
    const kept = got.index ? plansIn(got.index, [...caseTest.keys()]) : new Map<string, string[]>();
    const plansOf = (caseId: string) => (o.testsigmaPlanId ? [o.testsigmaPlanId] : (kept.get(caseId) ?? []));
    const records = await readResultsOf(deps.kvs, [...caseTest].map(([caseId, testIssueId]) => ({ caseId, testIssueId, plans: plansOf(caseId) })));
    const out: FlakyCase[] = [];
    for (const [caseId, testId] of caseTest) {
      const rec = records.get(caseId);
      if (!rec?.history || !isFlaky(rec.history)) continue;
      out.push({ testsigmaId: caseId, test: { id: testId, key: keyOf.get(testId) ?? '' }, flips: flipCount(rec.history), lastStatuses: rec.history.map((h) => h.status) });
    }
    return out.sort((a, b) => b.flips - a.flips || a.test.key.localeCompare(b.test.key)).slice(0, MAX_FLAKY_CASES);
  }

  const insights: PanelInsights = { coverage, entities, flakyCases };
  if (!deps.readLastResults) insights.caseResults = caseResults;
  const readLast = deps.readLastResults ?? readLastResults;
  insights.lastResults = (caseIds) => readLast(deps.kvs, caseIds);
  const listRuns = deps.listPlanRuns ?? listPlanRuns;
  insights.recentRuns = async (testsigmaPlanId, limit = RECENT_RUNS) => {
    const shown = Math.max(1, Math.min(RECENT_RUNS, limit));
    const runs = await listRuns(deps.kvs, testsigmaPlanId, shown, deps.clock.now());
    // The store lists newest first by key; sorting again keeps the contract if a store ever answers otherwise.
    return [...runs].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).slice(0, shown);
  };
  return insights;
}

/** Per-request limits of the panel's vendor clients: the panel waits seconds, never the sync's 20 s. */
export const PANEL_CLIENT_LIMITS = { xrayTimeoutMs: 4_000, xrayMaxAttempts: 2, testsigmaTimeoutMs: 3_000 } as const;

/**
 * Xray clients for calls a user waits on (panel opens, createDefect): panel-sized timeouts and retries, with the
 * sync's token cache and the site's request budget.
 */
export function panelXrayClientFor(deps: Pick<AppDeps, 'kvs' | 'fetch' | 'clock' | 'log'>): (config: XrayClientConfig) => XrayClient {
  return (config) =>
    createXrayClient(config, {
      fetch: deps.fetch,
      kvs: deps.kvs,
      clock: deps.clock,
      log: deps.log,
      timeoutMs: PANEL_CLIENT_LIMITS.xrayTimeoutMs,
      retry: { maxAttempts: PANEL_CLIENT_LIMITS.xrayMaxAttempts },
    });
}

/**
 * The panel's insights wired from the app's dependencies, for `createApp`:
 * `createPanelResolver({ ...deps, insights: createAppPanelInsights(deps) })`. The Xray client shares the sync's
 * token cache and request budget (both in KVS), with panel-sized timeouts and retries.
 */
export function createAppPanelInsights(
  deps: Pick<AppDeps, 'kvs' | 'fetch' | 'clock' | 'log'>,
  options?: Partial<PanelInsightsOptions>,
): PanelInsights {
  return createPanelInsights({
    ...(options ? { options } : {}),
    // The parts of one open read at the same moment: one batch read for all of them (Forge's 45 a minute).
    // What a getPanel call read ahead answers first (`panel-read-ahead.ts`).
    kvs: withReadAhead(coalesceBatchGets(deps.kvs)),
    clock: deps.clock,
    log: deps.log,
    xrayClientFor: panelXrayClientFor(deps),
    testsigmaClientFor: (config) => createTestsigmaClient(config, { fetch: deps.fetch, timeoutMs: PANEL_CLIENT_LIMITS.testsigmaTimeoutMs }),
  });
}
