/**
 * The Tests of a Test Set or Test Plan, read from Xray's GraphQL API for the panel's coverage line, and the guard
 * that keeps panel views from spending the Xray requests the sync needs.
 *
 * Request economy: Xray counts requests, not items (300 per 5 minutes on Standard, shared by the whole site), and a
 * GraphQL call may carry several page-sized lists as aliases as long as each `limit` stays in 1..100 and the call
 * asks for at most 10,000 items. So one request asks for {@link PAGES_PER_REQUEST} pages of 100 at once: a 250-Test
 * set costs one request, a 1,000-Test plan two. Five aliases stay far below Xray's per-call resolver limit.
 */
import type { XrayClient } from '../xray/xray-types';
import { budgetWindow } from '../xray/request-budget';

/** Xray's largest page. */
export const PAGE_SIZE = 100;
/** Pages asked for in one GraphQL request (aliases `p0`..`p4`). */
export const PAGES_PER_REQUEST = 5;
/** Largest list the panel reads (10 requests); a larger one is left out rather than counted wrong. */
export const MAX_COVERAGE_TESTS = 5_000;

/** The Tests of an issue in Xray's order. */
export interface FetchedTests {
  total: number;
  ids: string[];
  keys: string[];
}

/** The list would cost more requests than the panel may spend, or is larger than the panel reads. */
export class CoverageRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CoverageRefusedError';
  }
}

const OP = { testSet: 'getTestSet', testPlan: 'getTestPlan' } as const;

/** The GraphQL document for `pages` pages from page `first` (exported for tests). */
export function testsQuery(kind: 'testSet' | 'testPlan', first: number, pages: number): string {
  const lists: string[] = [];
  for (let p = first; p < first + pages; p++) {
    lists.push(`p${p}: tests(limit: ${PAGE_SIZE}, start: ${p * PAGE_SIZE}) { total results { issueId jira(fields: ["key"]) } }`);
  }
  return `query PanelCoverage($issueId: String) { ${OP[kind]}(issueId: $issueId) { ${lists.join(' ')} } }`;
}

interface PageAnswer {
  total?: unknown;
  results?: Array<{ issueId?: unknown; jira?: { key?: unknown } | null } | null> | null;
}

function asPage(v: unknown): PageAnswer | undefined {
  return v && typeof v === 'object' ? (v as PageAnswer) : undefined;
}

/** Options of {@link fetchTests}. */
export interface FetchTestsOptions {
  /** Absolute time (ms) after which the client starts no retry. */
  deadline: number;
  /** Requests the caller allows after the first one. */
  maxFollowUps: number;
  /** Largest total read (default {@link MAX_COVERAGE_TESTS}). */
  maxTests?: number;
}

/**
 * Reads every Test of a Test Set or Test Plan. The first request learns `total`; the rest go in parallel. Answers
 * undefined when Xray does not know the issue (or its API key's user may not see it).
 */
export async function fetchTests(
  client: XrayClient,
  kind: 'testSet' | 'testPlan',
  issueId: string,
  opts: FetchTestsOptions,
): Promise<FetchedTests | undefined> {
  const maxTests = opts.maxTests ?? MAX_COVERAGE_TESTS;
  const ask = async (first: number, pages: number) => {
    const data = await client.graphql<Record<string, unknown>>(testsQuery(kind, first, pages), { issueId }, { idempotent: true, deadline: opts.deadline });
    const root = data[OP[kind]];
    if (root === null || root === undefined) return undefined;
    const out: PageAnswer[] = [];
    for (let p = first; p < first + pages; p++) out.push(asPage((root as Record<string, unknown>)[`p${p}`]) ?? {});
    return out;
  };

  const firstPages = await ask(0, PAGES_PER_REQUEST);
  if (!firstPages) return undefined;
  const total = typeof firstPages[0]?.total === 'number' ? firstPages[0].total : 0;
  if (total > maxTests) {
    throw new CoverageRefusedError(`The issue has ${total} Tests; the panel counts coverage for at most ${maxTests}.`);
  }
  const pagesNeeded = Math.ceil(total / PAGE_SIZE);
  const starts: number[] = [];
  for (let first = PAGES_PER_REQUEST; first < pagesNeeded; first += PAGES_PER_REQUEST) starts.push(first);
  if (starts.length > opts.maxFollowUps) {
    throw new CoverageRefusedError(
      `Reading ${total} Tests needs ${starts.length} more Xray requests; the panel may spend ${Math.max(0, opts.maxFollowUps)} now.`,
    );
  }
  const rest = await Promise.all(starts.map((first) => ask(first, Math.min(PAGES_PER_REQUEST, pagesNeeded - first))));
  const ids: string[] = [];
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const page of [...firstPages, ...rest.flatMap((r) => r ?? [])]) {
    for (const r of page.results ?? []) {
      const id = typeof r?.issueId === 'string' || typeof r?.issueId === 'number' ? String(r.issueId) : undefined;
      if (!id || seen.has(id)) continue;
      seen.add(id);
      ids.push(id);
      const key = r?.jira && typeof r.jira.key === 'string' ? r.jira.key : '';
      keys.push(key);
    }
  }
  return { total, ids, keys };
}

/**
 * The KVS key of the shared Xray budget's position hint for the window of `now`: how many of the window's requests
 * are spoken for (written by `RequestBudget.reserve`; a test pins this coupling against the real class).
 */
export function budgetHintKey(now: number): string {
  return `xray:budget:${budgetWindow(now)}:next`;
}

/**
 * How many requests the panel may still spend in this window: the panel uses only the first `share` of the site's
 * budget, so a window that is already busy (a sync importing, other panels) is left to the sync. A missing or
 * unreadable hint counts as an untouched window.
 */
export function panelAllowance(hint: unknown, limit: number, share: number): number {
  const used = typeof hint === 'number' && Number.isFinite(hint) && hint >= 0 ? hint : 0;
  return Math.floor(limit * share) - used;
}
