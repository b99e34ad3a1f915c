/**
 * Testsigma's public REST API (`<baseUrl>/api/v1`, `Authorization: Bearer <API key>`): a run and its per-case
 * results (pull mode), an entity's name and deep link (the issue panel), and a cheap authenticated call (the
 * admin page's connection test).
 *
 * Endpoints: `GET /execution_results/{id}` and `GET /execution_results/{id}/test_case_results` are documented
 * (testsigma-docs, "Test Plans" API page; shapes in test/fixtures/testsigma). `GET /test_cases/{id}`,
 * `/test_suites/{id}` and `/test_plans/{id}` are the single-entity reads of the documented lists `GET /test_suites`
 * and `GET /test_plans` (Spring resources answer `/{id}` beside the list); Testsigma's docs do not show them, so a
 * 404 from them is reported as "not found", never as a broken key.
 */
import type { FetchPort, HttpResponseLike } from '../ports';
import type { TestsigmaKind } from '../shared/types';

/** Why a Testsigma call failed. */
export type TestsigmaErrorKind = 'auth' | 'not_found' | 'rate_limited' | 'server' | 'network' | 'bad_answer';

/** A Testsigma failure with a message a Jira admin can act on. The API key never appears in it. */
export class TestsigmaError extends Error {
  constructor(
    readonly kind: TestsigmaErrorKind,
    message: string,
    readonly details: { status?: number; retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = 'TestsigmaError';
  }

  /** Whether a later attempt may succeed. */
  get retryable(): boolean {
    return this.kind === 'rate_limited' || this.kind === 'server' || this.kind === 'network';
  }
}

/** Where a run is (Testsigma's `status`). */
export type TestsigmaRunStatus = 'STATUS_CREATED' | 'STATUS_IN_PROGRESS' | 'STATUS_COMPLETED' | string;

/** A run ("execution result"). */
export interface TestsigmaRun {
  id: string;
  status: TestsigmaRunStatus;
  /** The run's overall result (`SUCCESS`, `FAILURE`, `QUEUED` while running, ...). */
  result?: string;
  /** The test plan the run belongs to (`executionId`). */
  testPlanId?: string;
  testPlanName?: string;
  /** Epoch ms. */
  startTime?: number;
  endTime?: number;
  buildNo?: string;
  /** A re-run: the run it re-runs (`reRunParentId`). */
  reRunParentId?: string;
  /** The run in Testsigma's web app (`app_url`), when Testsigma gives it. */
  appUrl?: string;
}

/** One test case's result in a run. */
export interface TestsigmaCaseResult {
  testCaseId: string;
  testCaseName?: string;
  result: string;
  testSuiteId?: string;
  testSuiteName?: string;
  /** The machine it ran on (`machineTitle`). */
  machineTitle?: string;
  /** A data-driven case's data sets (`iterationResults`: `setName`, `result`); Testsigma sends no parameters. */
  iterations?: Array<{ name: string; result: string }>;
}

/** A Testsigma entity for the panel. */
export interface TestsigmaEntity {
  id: string;
  name: string;
  /** A deep link into Testsigma's web app. */
  url?: string;
}

/** The client. */
export interface TestsigmaClient {
  getRun(runId: string): Promise<TestsigmaRun>;
  getRunResults(runId: string): Promise<TestsigmaCaseResult[]>;
  getEntity(kind: TestsigmaKind, id: string): Promise<TestsigmaEntity>;
  /** One cheap authenticated call: resolves when the key works. */
  ping(): Promise<void>;
}

/** Settings the client is built from. */
export interface TestsigmaClientConfig {
  /** `https://app.testsigma.com` (a trailing `/` or `/api/v1` is tolerated). */
  baseUrl: string;
  apiKey: string;
}

/** Default per-request time limit: short enough for a resolver, long enough for a big run's results. */
export const DEFAULT_TESTSIGMA_TIMEOUT_MS = 15_000;

const NOUN: Record<TestsigmaKind, string> = { testCase: 'test case', testSuite: 'test suite', testPlan: 'test plan' };
const ENTITY_PATH: Record<TestsigmaKind, string> = { testCase: 'test_cases', testSuite: 'test_suites', testPlan: 'test_plans' };

/**
 * Deep links into Testsigma's web app, as Testsigma's own web UI builds them (testsigmahq/testsigma,
 * `openLinkedEntity`: `/ui/td/cases/{id}/steps`, `/ui/td/suites/{id}/cases`, `/ui/td/plans/{id}/details`).
 */
const UI_PATH: Record<TestsigmaKind, (id: string) => string> = {
  testCase: (id) => `/ui/td/cases/${id}/steps`,
  testSuite: (id) => `/ui/td/suites/${id}/cases`,
  testPlan: (id) => `/ui/td/plans/${id}/details`,
};

/** The Testsigma host from a configured base URL (`https://app.testsigma.com`, with or without `/api/v1`). */
export function testsigmaOrigin(baseUrl: string): string {
  return baseUrl.trim().replace(/\/+$/, '').replace(/\/api\/v1$/, '');
}

/** A deep link into Testsigma's web app for an entity. */
export function testsigmaUrl(baseUrl: string, kind: TestsigmaKind, id: string): string {
  return `${testsigmaOrigin(baseUrl)}${UI_PATH[kind](encodeURIComponent(id))}`;
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function retryAfter(res: HttpResponseLike): number | undefined {
  const raw = res.headers.get('retry-after');
  if (!raw) return undefined;
  const s = Number(raw);
  if (Number.isFinite(s) && s >= 0) return Math.ceil(s);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(1, Math.ceil((at - Date.now()) / 1000));
}

/** Builds a Testsigma client. `fetch` is Forge's in production (the host must be in the manifest's egress). */
export function createTestsigmaClient(
  config: TestsigmaClientConfig,
  deps: { fetch: FetchPort; timeoutMs?: number },
): TestsigmaClient {
  const origin = testsigmaOrigin(config.baseUrl);
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TESTSIGMA_TIMEOUT_MS;

  /** GETs a path under /api/v1; `what` names the thing for messages ("run 337"). */
  async function get(path: string, what: string): Promise<unknown> {
    if (!config.apiKey.trim()) {
      throw new TestsigmaError('auth', 'No Testsigma API key is set. Add one (Testsigma: Settings > API Keys) on the app\'s settings page.');
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let res: HttpResponseLike;
    try {
      res = await deps.fetch(`${origin}/api/v1${path}`, {
        method: 'GET',
        headers: { Accept: 'application/json', Authorization: `Bearer ${config.apiKey}` },
        signal: controller.signal,
      });
    } catch (err) {
      const timedOut = controller.signal.aborted;
      // The fetch error's text could echo request details; only its kind is reported.
      throw new TestsigmaError(
        'network',
        timedOut
          ? `Testsigma did not answer the request for ${what} within ${Math.round(timeoutMs / 1000)} seconds. Try again later.`
          : `Could not reach Testsigma at ${origin} for ${what}${err instanceof Error && err.name ? ` (${err.name})` : ''}. Check the Testsigma base URL on the app's settings page, or try again later.`,
      );
    } finally {
      clearTimeout(timer);
    }
    const text = await res.text().catch(() => '');
    if (res.status === 401 || res.status === 403) {
      throw new TestsigmaError(
        'auth',
        `Testsigma refused the API key (HTTP ${res.status}). Create a new key in Testsigma (Settings > API Keys) and save it on the app's settings page.`,
        { status: res.status },
      );
    }
    if (res.status === 404) throw new TestsigmaError('not_found', `Testsigma has no ${what} (HTTP 404).`, { status: 404 });
    if (res.status === 429) {
      const after = retryAfter(res);
      throw new TestsigmaError('rate_limited', `Testsigma is rate limiting the app (HTTP 429). Try again in ${after ?? 60} seconds.`, {
        status: 429,
        retryAfterSeconds: after ?? 60,
      });
    }
    if (res.status >= 500) {
      throw new TestsigmaError('server', `Testsigma answered HTTP ${res.status} for ${what}. Try again later.`, {
        status: res.status,
        ...(retryAfter(res) !== undefined ? { retryAfterSeconds: retryAfter(res) } : {}),
      });
    }
    if (!res.ok) throw new TestsigmaError('bad_answer', `Testsigma answered HTTP ${res.status} for ${what}.`, { status: res.status });
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new TestsigmaError('bad_answer', `Testsigma answered ${what} with something that is not JSON. Check the Testsigma base URL on the app's settings page.`);
    }
  }

  function asObject(v: unknown, what: string): Record<string, unknown> {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      throw new TestsigmaError('bad_answer', `Testsigma answered ${what} in a shape the app does not know.`);
    }
    return v as Record<string, unknown>;
  }

  return {
    async getRun(runId) {
      const what = `run ${runId}`;
      const body = asObject(await get(`/execution_results/${encodeURIComponent(runId)}`, what), what);
      const execution = typeof body.execution === 'object' && body.execution !== null ? (body.execution as Record<string, unknown>) : undefined;
      const status = str(body.status);
      if (!status) throw new TestsigmaError('bad_answer', `Testsigma's answer for ${what} has no status.`);
      const planId = str(body.executionId) ?? str(execution?.id);
      const planName = str(execution?.name);
      const startTime = num(body.startTime);
      const endTime = num(body.endTime);
      const buildNo = str(body.buildNo);
      const result = str(body.result);
      const parent = str(body.reRunParentId);
      const appUrl = str(body.app_url);
      return {
        ...(appUrl && /^https:\/\//.test(appUrl) ? { appUrl } : {}),
        id: str(body.id) ?? runId,
        status,
        ...(result ? { result } : {}),
        ...(planId ? { testPlanId: planId } : {}),
        ...(planName ? { testPlanName: planName } : {}),
        ...(startTime !== undefined ? { startTime } : {}),
        ...(endTime !== undefined ? { endTime } : {}),
        ...(buildNo ? { buildNo } : {}),
        ...(parent && /^\d{1,19}$/.test(parent) ? { reRunParentId: parent } : {}),
      };
    },

    async getRunResults(runId) {
      const what = `results of run ${runId}`;
      const body = asObject(await get(`/execution_results/${encodeURIComponent(runId)}/test_case_results`, what), what);
      if (!Array.isArray(body.testCases)) throw new TestsigmaError('bad_answer', `Testsigma's answer for the ${what} has no testCases list.`);
      const out: TestsigmaCaseResult[] = [];
      for (const raw of body.testCases as unknown[]) {
        if (typeof raw !== 'object' || raw === null) continue;
        const tc = raw as Record<string, unknown>;
        const testCaseId = str(tc.testCaseId);
        const result = str(tc.result);
        if (!testCaseId || !result) continue;
        const name = str(tc.testCaseName);
        const suiteId = str(tc.testSuiteId);
        const suiteName = str(tc.testSuiteName);
        const machineTitle = str(tc.machineTitle);
        const iterations = Array.isArray(tc.iterationResults)
          ? (tc.iterationResults as unknown[]).flatMap((it) => {
              const o = (typeof it === 'object' && it !== null ? it : {}) as Record<string, unknown>;
              const word = str(o.result);
              return word ? [{ name: str(o.setName) ?? '', result: word }] : [];
            })
          : [];
        out.push({
          ...(machineTitle ? { machineTitle } : {}),
          ...(iterations.length > 0 ? { iterations } : {}),
          testCaseId,
          result,
          ...(name ? { testCaseName: name } : {}),
          ...(suiteId ? { testSuiteId: suiteId } : {}),
          ...(suiteName ? { testSuiteName: suiteName } : {}),
        });
      }
      return out;
    },

    async getEntity(kind, id) {
      if (!/^\d{1,19}$/.test(id)) throw new TestsigmaError('not_found', `A Testsigma ${NOUN[kind]} id is 1 to 19 digits, not "${id.slice(0, 40)}".`);
      const what = `${NOUN[kind]} ${id}`;
      const body = asObject(await get(`/${ENTITY_PATH[kind]}/${id}`, what), what);
      const name = str(body.name);
      if (!name) throw new TestsigmaError('bad_answer', `Testsigma's answer for ${what} has no name.`);
      return { id: str(body.id) ?? id, name, url: testsigmaUrl(origin, kind, id) };
    },

    async ping() {
      await get('/test_plans?page=0&size=1', 'the test plan list');
    },
  };
}
