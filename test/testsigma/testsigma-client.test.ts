import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestsigmaClient, TestsigmaError, testsigmaUrl } from '../../src/testsigma/testsigma-client';
import type { HttpRequestInit, HttpResponseLike } from '../../src/ports';

const FIXTURES = join(__dirname, '../fixtures/testsigma');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const KEY = 'ts-secret-key-123';

interface Seen {
  url: string;
  init?: HttpRequestInit;
}

function fakeFetch(routes: Record<string, { status: number; body: string; headers?: Record<string, string> } | Error>) {
  const seen: Seen[] = [];
  const fetch = async (url: string, init?: HttpRequestInit): Promise<HttpResponseLike> => {
    seen.push({ url, ...(init ? { init } : {}) });
    const path = new URL(url).pathname + new URL(url).search;
    const route = routes[path];
    if (!route) return { status: 404, ok: false, headers: { get: () => null }, text: async () => '{"error":"not found"}' };
    if (route instanceof Error) throw route;
    return {
      status: route.status,
      ok: route.status >= 200 && route.status < 300,
      headers: { get: (n: string) => route.headers?.[n.toLowerCase()] ?? null },
      text: async () => route.body,
    };
  };
  return { fetch, seen };
}

describe('Testsigma client', () => {
  test('getRun reads the documented run shape; executionId is the plan', async () => {
    const { fetch, seen } = fakeFetch({ '/api/v1/execution_results/302': { status: 200, body: fixture('execution-results.get.response.json') } });
    const client = createTestsigmaClient({ baseUrl: 'https://app.testsigma.com/', apiKey: KEY }, { fetch });
    const run = await client.getRun('302');
    expect(run).toEqual({
      id: '302',
      status: 'STATUS_COMPLETED',
      result: 'FAILURE',
      testPlanId: '274',
      testPlanName: 'Test Plan Trigger REST API',
      startTime: 1633512584000,
      endTime: 1633512598000,
      buildNo: '1.9.26_rc1',
    });
    expect(seen[0]!.url).toBe('https://app.testsigma.com/api/v1/execution_results/302');
    expect(seen[0]!.init!.headers).toMatchObject({ Authorization: `Bearer ${KEY}`, Accept: 'application/json' });
  });

  test('getRunResults reads the documented per-case results, with the machine and each data set\'s result', async () => {
    const { fetch } = fakeFetch({ '/api/v1/execution_results/986/test_case_results': { status: 200, body: fixture('execution-results.test-case-results.response.json') } });
    const client = createTestsigmaClient({ baseUrl: 'https://app.testsigma.com/api/v1', apiKey: KEY }, { fetch });
    expect(await client.getRunResults('986')).toEqual([
      {
        testCaseId: '413',
        testCaseName: '03 data driven small',
        result: 'FAILURE',
        testSuiteId: '197',
        testSuiteName: '02 DD Small',
        machineTitle: 'machine 2',
        iterations: [
          { name: 'examples', result: 'SUCCESS' },
          { name: 'travels', result: 'FAILURE' },
          { name: 'examples 1', result: 'FAILURE' },
        ],
      },
    ]);
  });

  test('getEntity names a case, suite or plan with a deep link into the web app', async () => {
    const suites = JSON.parse(fixture('test-suites.list.response.json')) as { content: Array<Record<string, unknown>> };
    const plans = JSON.parse(fixture('test-plans.list.response.json')) as { content: Array<Record<string, unknown>> };
    const { fetch } = fakeFetch({
      '/api/v1/test_cases/609': { status: 200, body: JSON.stringify({ id: 609, name: 'Login works', applicationVersionId: 39 }) },
      '/api/v1/test_suites/84': { status: 200, body: JSON.stringify(suites.content[0]) },
      '/api/v1/test_plans/185': { status: 200, body: JSON.stringify(plans.content[0]) },
    });
    const client = createTestsigmaClient({ baseUrl: 'https://app.testsigma.com', apiKey: KEY }, { fetch });
    expect(await client.getEntity('testCase', '609')).toEqual({ id: '609', name: 'Login works', url: 'https://app.testsigma.com/ui/td/cases/609/steps' });
    expect(await client.getEntity('testSuite', '84')).toEqual({ id: '84', name: 'Home page tests', url: 'https://app.testsigma.com/ui/td/suites/84/cases' });
    expect(await client.getEntity('testPlan', '185')).toEqual({ id: '185', name: 'TP 1', url: 'https://app.testsigma.com/ui/td/plans/185/details' });
    await expect(client.getEntity('testCase', '1')).rejects.toMatchObject({ kind: 'not_found' });
    await expect(client.getEntity('testCase', '../x')).rejects.toMatchObject({ kind: 'not_found' });
    expect(testsigmaUrl('https://ts.example.com/', 'testPlan', '7')).toBe('https://ts.example.com/ui/td/plans/7/details');
  });

  test('ping makes one cheap authenticated call', async () => {
    const { fetch, seen } = fakeFetch({ '/api/v1/test_plans?page=0&size=1': { status: 200, body: fixture('test-plans.list.response.json') } });
    const client = createTestsigmaClient({ baseUrl: 'https://app.testsigma.com', apiKey: KEY }, { fetch });
    await client.ping();
    expect(seen).toHaveLength(1);
  });

  test('errors: auth, not_found, rate_limited with Retry-After, server, network, timeout; never the key', async () => {
    const cases: Array<[{ status: number; body: string; headers?: Record<string, string> } | Error, string, boolean]> = [
      [{ status: 401, body: '{"error":"Unauthorized"}' }, 'auth', false],
      [{ status: 403, body: '{}' }, 'auth', false],
      [{ status: 404, body: '{}' }, 'not_found', false],
      [{ status: 429, body: '{}', headers: { 'retry-after': '42' } }, 'rate_limited', true],
      [{ status: 503, body: 'down' }, 'server', true],
      [Object.assign(new Error(`connect ECONNREFUSED with ${KEY}`), { name: 'TypeError' }), 'network', true],
      [{ status: 200, body: '<html>' }, 'bad_answer', false],
    ];
    for (const [route, kind, retryable] of cases) {
      const { fetch } = fakeFetch({ '/api/v1/execution_results/1': route });
      const client = createTestsigmaClient({ baseUrl: 'https://app.testsigma.com', apiKey: KEY }, { fetch });
      const err = (await client.getRun('1').catch((e: unknown) => e)) as TestsigmaError;
      expect(err).toBeInstanceOf(TestsigmaError);
      expect(err.kind).toBe(kind);
      expect(err.retryable).toBe(retryable);
      expect(err.message).not.toContain(KEY);
      expect(err.message.length).toBeGreaterThan(20);
      if (kind === 'rate_limited') expect(err.details.retryAfterSeconds).toBe(42);
    }
    const slow = createTestsigmaClient(
      { baseUrl: 'https://app.testsigma.com', apiKey: KEY },
      {
        fetch: (_url, init) =>
          new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' })))),
        timeoutMs: 20,
      },
    );
    await expect(slow.getRun('1')).rejects.toMatchObject({ kind: 'network', message: expect.stringMatching(/did not answer/) });
    const noKey = createTestsigmaClient({ baseUrl: 'https://app.testsigma.com', apiKey: ' ' }, { fetch: fakeFetch({}).fetch });
    await expect(noKey.ping()).rejects.toMatchObject({ kind: 'auth' });
  });
});
