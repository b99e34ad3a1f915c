/**
 * A local emulator of Testsigma's public REST API (`https://app.testsigma.com/api/v1`), for the sandbox, the
 * integration tests and the CLI tests. Paths, auth and bodies follow Testsigma's docs and the fixtures in
 * `test/fixtures/testsigma/`; the app reaches it through a sandbox fetch that rewrites the host.
 */
import * as http from 'node:http';
import { listenLocal, type RunningServer } from '../http-util';
import { caseBody, caseResultsBody, errorBody, latestRunOf, planBody, runBody, springPage, suiteBody } from './shapes';
import { RERUN_TYPES, TestsigmaState, type ReRunType, type RunDurations } from './state';

export * from './state';

/** Options of {@link startTestsigmaEmulator}. */
export interface TestsigmaEmulatorOptions {
  /** API keys accepted as `Authorization: Bearer <key>`. */
  apiKeys: string[];
  /** Delay before every answer (ms), to make timeouts and slow polls testable. */
  latencyMs?: number;
  /** The clock runs progress by (ms since epoch); tests pass a fake one to move runs without waiting. */
  now?: () => number;
  /** How long runs stay queued and running when nobody completes them by hand. */
  runDurations?: Partial<RunDurations>;
}

/** A fault the emulator answers with instead of serving the request. */
export interface FaultSpec {
  /** HTTP status to answer, such as 429 or 500. */
  status: number;
  /** How many requests get the fault (default 1). */
  count?: number;
  /** Only requests to this endpoint key (as in `counters`, e.g. `GET /execution_results/{id}`) get it. */
  endpoint?: string;
  /** Seconds for a `Retry-After` header. */
  retryAfter?: number;
}

/** A running emulator. */
export interface TestsigmaEmulator {
  /** Base URL, `http://127.0.0.1:<port>`; the API lives under `/api/v1`. */
  url: string;
  /** Seedable data and run controls. */
  state: TestsigmaState;
  /** Requests served per endpoint key (`"GET /test_plans"`, ...), plus `total` and `unauthorized`. */
  counters: Record<string, number>;
  /** Makes the next requests fail with the given status. */
  injectFault(fault: FaultSpec): void;
  /** Zeroes every counter. */
  resetCounters(): void;
  /**
   * Resolves once requests to the endpoint key (as in `counters`) have been answered `times` times in all, so a test
   * can wait for "the app has polled the run once" instead of sleeping.
   */
  served(key: string, times?: number): Promise<void>;
  /** The request handler, for in-process calls (see `RunningServer.handle`). */
  handle: RunningServer['handle'];
  /** Stops the server. */
  close(): Promise<void>;
}

const API = '/api/v1';

interface Route {
  method: string;
  pattern: RegExp;
  key: string;
  handle: (ctx: { params: string[]; query: URLSearchParams; body: unknown }) => { status: number; body: unknown };
}

function pageParams(query: URLSearchParams, defaultSize: number): { page: number; size: number } {
  const page = Number(query.get('page') ?? 0);
  const size = Number(query.get('size') ?? defaultSize);
  return {
    page: Number.isSafeInteger(page) && page >= 0 ? page : 0,
    size: Number.isSafeInteger(size) && size > 0 ? Math.min(size, 1000) : defaultSize,
  };
}

/**
 * Testsigma filters lists with `query=<field><op><value>,...`; the emulator supports the equality form the docs use
 * for plans (`query=applicationVersionId:52`).
 */
function equalityFilters(query: URLSearchParams): Array<[string, string]> {
  const q = query.get('query');
  if (!q) return [];
  return q
    .split(',')
    .map((part) => part.split(':'))
    .filter((kv): kv is [string, string] => kv.length === 2 && kv[0] !== undefined && kv[1] !== undefined)
    .map(([k, v]) => [k.trim(), v.trim()]);
}

function numericId(raw: string): number | undefined {
  return /^\d{1,15}$/.test(raw) ? Number(raw) : undefined;
}

function buildRoutes(state: TestsigmaState): Route[] {
  const notFound = (what: string, id: string) => ({ status: 404, body: errorBody(`${what} with id ${id} not found`) });
  return [
    {
      method: 'GET',
      pattern: /^\/test_plans$/,
      key: 'GET /test_plans',
      handle: ({ query }) => {
        const filters = equalityFilters(query);
        const all = [...state.plans.values()]
          .sort((a, b) => a.id - b.id)
          .map((p) => planBody(p, latestRunOf(state, p.id)))
          .filter((p) => filters.every(([k, v]) => String(p[k]) === v));
        const { page, size } = pageParams(query, 20);
        return { status: 200, body: springPage(all, page, size) };
      },
    },
    {
      method: 'GET',
      pattern: /^\/test_plans\/([^/]+)$/,
      key: 'GET /test_plans/{id}',
      handle: ({ params }) => {
        const raw = params[0] ?? '';
        const plan = state.plans.get(numericId(raw) ?? -1);
        return plan ? { status: 200, body: planBody(plan, latestRunOf(state, plan.id)) } : notFound('TestPlan', raw);
      },
    },
    {
      method: 'GET',
      pattern: /^\/test_suites$/,
      key: 'GET /test_suites',
      handle: ({ query }) => {
        const all = [...state.suites.values()].sort((a, b) => a.id - b.id).map(suiteBody);
        const { page, size } = pageParams(query, 25);
        return { status: 200, body: springPage(all, page, size) };
      },
    },
    {
      method: 'GET',
      pattern: /^\/test_suites\/([^/]+)$/,
      key: 'GET /test_suites/{id}',
      handle: ({ params }) => {
        const raw = params[0] ?? '';
        const suite = state.suites.get(numericId(raw) ?? -1);
        return suite ? { status: 200, body: suiteBody(suite) } : notFound('TestSuite', raw);
      },
    },
    {
      method: 'GET',
      pattern: /^\/test_cases\/([^/]+)$/,
      key: 'GET /test_cases/{id}',
      handle: ({ params }) => {
        const raw = params[0] ?? '';
        const testCase = state.cases.get(numericId(raw) ?? -1);
        if (!testCase) return notFound('TestCase', raw);
        const firstSuite = testCase.suiteIds[0] !== undefined ? state.suites.get(testCase.suiteIds[0]) : undefined;
        return { status: 200, body: caseBody(testCase, firstSuite?.appVersionId ?? null) };
      },
    },
    {
      method: 'POST',
      pattern: /^\/execution_results$/,
      key: 'POST /execution_results',
      handle: ({ body }) => {
        const b = (body ?? {}) as Record<string, unknown>;
        // The docs' cURL sends executionId as a string ("431"); a number works too.
        const rawId = b.executionId;
        const planId = typeof rawId === 'number' ? rawId : typeof rawId === 'string' ? numericId(rawId.trim()) : undefined;
        if (planId === undefined || !Number.isSafeInteger(planId)) {
          return { status: 400, body: errorBody('executionId is required and must be a test plan id') };
        }
        if (b.isReRun === true) {
          // A re-run (docs: "Rerun test cases in a test run"): `executionResultId` is the run re-run.
          const rawParent = b.executionResultId;
          const parentId = typeof rawParent === 'number' ? rawParent : typeof rawParent === 'string' ? numericId(rawParent.trim()) : undefined;
          const type = b.reRunType;
          if (parentId === undefined || !Number.isSafeInteger(parentId)) {
            return { status: 400, body: errorBody('executionResultId is required for a re-run and must be a test plan result id') };
          }
          if (typeof type !== 'string' || !(RERUN_TYPES as readonly string[]).includes(type)) {
            return { status: 400, body: errorBody(`reRunType must be one of ${RERUN_TYPES.join(', ')}`) };
          }
          const picks = Array.isArray(b.testCaseResultRequests)
            ? (b.testCaseResultRequests as unknown[]).map((r) => Number((r as { id?: unknown })?.id)).filter((n) => Number.isSafeInteger(n))
            : [];
          const parent = state.getRun(parentId);
          if (!parent) return notFound('TestPlanResult', String(parentId));
          if (parent.planId !== planId) return { status: 400, body: errorBody(`Test plan result ${parentId} is not a run of test plan ${planId}`) };
          const rerun = state.triggerRerun(parentId, type as ReRunType, picks);
          if (rerun === undefined) return notFound('TestPlanResult', String(parentId));
          if (typeof rerun === 'string') return { status: 400, body: errorBody(rerun) };
          return { status: 200, body: runBody(state, rerun, false) };
        }
        const buildNo = typeof b.buildNo === 'string' || typeof b.buildNo === 'number' ? String(b.buildNo) : null;
        const run = state.triggerRun(planId, buildNo);
        if (!run) return notFound('TestPlan', String(planId));
        return { status: 200, body: runBody(state, run, false) };
      },
    },
    {
      method: 'GET',
      pattern: /^\/execution_results\/([^/]+)$/,
      key: 'GET /execution_results/{id}',
      handle: ({ params }) => {
        const raw = params[0] ?? '';
        const run = state.getRun(numericId(raw) ?? -1);
        return run ? { status: 200, body: runBody(state, run, true) } : notFound('TestPlanResult', raw);
      },
    },
    {
      method: 'GET',
      pattern: /^\/execution_results\/([^/]+)\/test_case_results$/,
      key: 'GET /execution_results/{id}/test_case_results',
      handle: ({ params }) => {
        const raw = params[0] ?? '';
        const run = state.getRun(numericId(raw) ?? -1);
        return run ? { status: 200, body: caseResultsBody(state, run) } : notFound('TestPlanResult', raw);
      },
    },
  ];
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Starts the emulator on 127.0.0.1 with a free port. */
export async function startTestsigmaEmulator(options: TestsigmaEmulatorOptions): Promise<TestsigmaEmulator> {
  const now = options.now ?? Date.now;
  const state = new TestsigmaState(now, options.runDurations);
  const counters: Record<string, number> = {};
  const faults: Array<Required<Pick<FaultSpec, 'status' | 'count'>> & FaultSpec> = [];
  const routes = buildRoutes(state);
  const keys = new Set(options.apiKeys);
  const bump = (key: string) => {
    counters[key] = (counters[key] ?? 0) + 1;
  };
  const answered: Record<string, number> = {};
  const waiters: Array<{ key: string; times: number; resolve: () => void }> = [];
  const markAnswered = (key: string) => {
    answered[key] = (answered[key] ?? 0) + 1;
    for (const w of [...waiters]) {
      if (w.key === key && answered[key] >= w.times) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };

  // listenLocal binds 127.0.0.1 on an ephemeral port and answers 500 if the handler throws.
  const running = await listenLocal(async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(text);
    };
    try {
      const raw = await readBody(req);
      if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
      bump('total');
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const method = (req.method ?? 'GET').toUpperCase();
      const path = url.pathname.replace(/\/+$/, '');
      const sub = path.startsWith(API) ? path.slice(API.length) : undefined;
      let route: Route | undefined;
      let params: string[] = [];
      for (const r of routes) {
        const m = sub !== undefined && r.method === method ? r.pattern.exec(sub) : null;
        if (m) {
          route = r;
          params = m.slice(1).map((p) => decodeURIComponent(p));
          break;
        }
      }
      const key = route?.key ?? `${method} ${path}`;
      bump(key);

      const faultIndex = faults.findIndex((f) => f.endpoint === undefined || f.endpoint === key);
      const fault = faultIndex >= 0 ? faults[faultIndex] : undefined;
      if (fault) {
        fault.count--;
        if (fault.count <= 0) faults.splice(faultIndex, 1);
        bump(`fault ${fault.status}`);
        const headers: Record<string, string> = fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {};
        const message = fault.status === 429 ? 'Too Many Requests' : 'Internal Server Error';
        send(fault.status, errorBody(message), headers);
        return;
      }

      const auth = req.headers.authorization ?? '';
      const match = /^Bearer\s+(.+)$/i.exec(auth);
      if (!match || !keys.has((match[1] ?? '').trim())) {
        bump('unauthorized');
        send(401, errorBody('Unauthorized: a valid API key is required as "Authorization: Bearer <API key>"'));
        return;
      }
      if (!route) {
        send(404, errorBody(`No endpoint ${method} ${path}`));
        return;
      }
      let body: unknown = undefined;
      if (method === 'POST') {
        try {
          body = raw.length > 0 ? JSON.parse(raw) : {};
        } catch {
          send(400, errorBody('Request body is not valid JSON'));
          return;
        }
      }
      const answer = route.handle({ params, query: url.searchParams, body });
      send(answer.status, answer.body);
      markAnswered(key);
    } catch (err) {
      send(500, errorBody(`Emulator error: ${(err as Error).message}`));
    }
  });

  return {
    url: running.url,
    state,
    counters,
    injectFault(fault) {
      if (!Number.isInteger(fault.status) || fault.status < 400) throw new Error('injectFault: status must be an HTTP error status');
      faults.push({ ...fault, count: fault.count ?? 1 });
    },
    resetCounters() {
      for (const k of Object.keys(counters)) delete counters[k];
    },
    served(key, times = 1) {
      if ((answered[key] ?? 0) >= times) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ key, times, resolve }));
    },
    handle: running.handle,
    close: () => running.close(),
  };
}

