/**
 * The slice of Testsigma's REST API that `xts run` needs (docs: "Trigger Test Plans Remotely"), and the pure
 * conversion of a finished run into the web trigger's results format.
 */
import { z } from 'zod';
import { CliError, EXIT } from './errors';
import { requestWithRetry, type HttpAnswer, type IoDeps, type RetryPolicy } from './http';
import type { ResultsFile } from './schema';
import { printable } from './printable';

const id = z.union([z.number(), z.string()]).transform((v) => String(v));

/** `POST /execution_results` and `GET /execution_results/{id}`: the fields xts reads. */
export const runSchema = z.looseObject({
  id,
  executionId: id,
  status: z.string(),
  result: z.string().nullable().optional(),
  startTime: z.number().nullable().optional(),
  endTime: z.number().nullable().optional(),
  buildNo: z.string().nullable().optional(),
  totalCount: z.number().nullable().optional(),
  execution: z.looseObject({ name: z.string().nullable().optional() }).nullable().optional(),
});
/** A Testsigma run. */
export type TestsigmaRun = z.infer<typeof runSchema>;

/** `GET /execution_results/{id}/test_case_results`. */
export const caseResultsSchema = z.looseObject({
  executionId: id.optional(),
  executionResultId: id.optional(),
  status: z.string().optional(),
  testCases: z.array(
    z.looseObject({
      testCaseId: id,
      testCaseName: z.string().nullable().optional(),
      result: z.string(),
      testSuiteId: id.nullable().optional(),
      machineTitle: z.string().nullable().optional(),
      iterationResults: z.array(z.looseObject({ setName: z.string().nullable().optional(), result: z.string() })).nullable().optional(),
    }),
  ),
});
/** A run's case results. */
export type TestsigmaCaseResults = z.infer<typeof caseResultsSchema>;

/** Testsigma's words, worst first: when one case ran several times (machines), the worst outcome stands. */
const SEVERITY = ['FAILURE', 'FAILED', 'PRE_REQUISITE_FAILED', 'ABORTED', 'STOPPED', 'NOT_EXECUTED', 'QUEUED', 'RUNNING', 'SUCCESS', 'PASSED'];
function severity(word: string): number {
  const i = SEVERITY.indexOf(word.toUpperCase());
  return i < 0 ? -1 : i; // an unknown word is treated as worst, so it is never hidden behind a pass
}

const iso = (ms: number | null | undefined) => (typeof ms === 'number' && ms > 0 ? new Date(ms).toISOString() : undefined);

/**
 * Converts a finished Testsigma run into a results file: `runId` = the Testsigma run id, `testPlanId` = the plan,
 * `status` = Testsigma's result word. A case that appears several times (one entry per machine) becomes one result
 * with the worst outcome, the others named in its message; data-driven iterations are listed in the message too.
 */
export function toResultsFile(run: TestsigmaRun, cases: TestsigmaCaseResults): ResultsFile {
  const byCase = new Map<string, Array<TestsigmaCaseResults['testCases'][number]>>();
  for (const c of cases.testCases) {
    const list = byCase.get(c.testCaseId) ?? [];
    list.push(c);
    byCase.set(c.testCaseId, list);
  }
  const results = [...byCase.entries()].map(([testCaseId, entries]) => {
    const worst = entries.reduce((a, b) => (severity(b.result) < severity(a.result) ? b : a));
    const lines: string[] = [];
    if (entries.length > 1) lines.push(entries.map((e) => `${e.machineTitle ?? 'machine'}: ${e.result}`).join('; '));
    for (const e of entries) {
      const its = e.iterationResults ?? [];
      if (its.length > 0) lines.push(`Iterations${entries.length > 1 ? ` (${e.machineTitle ?? 'machine'})` : ''}: ${its.map((i) => `${i.setName ?? '?'} ${i.result}`).join(', ')}`);
    }
    return {
      testCaseId,
      status: worst.result,
      ...(worst.testSuiteId ? { testSuiteId: worst.testSuiteId } : {}),
      ...(lines.length > 0 ? { message: lines.join('\n') } : {}),
    };
  });
  const planName = run.execution?.name ?? undefined;
  const summary = `${planName ? `Testsigma plan "${planName}"` : `Testsigma plan ${run.executionId}`}, run ${run.id}${run.buildNo ? `, build ${run.buildNo}` : ''}`;
  const startedAt = iso(run.startTime);
  const finishedAt = iso(run.endTime);
  return {
    runId: run.id,
    testPlanId: run.executionId,
    summary,
    ...(startedAt ? { startedAt } : {}),
    ...(finishedAt ? { finishedAt } : {}),
    results,
  };
}

/** A run's status or a trigger's answer: one object. */
export const TESTSIGMA_ANSWER_BYTES = 1024 * 1024;
/**
 * A run's case results, read whole until pull mode hands finished runs to the app: the documented entry
 * (test/fixtures/testsigma) is about 500 bytes, so 5,000 cases are about 2.5 MiB; 32 MiB leaves room for
 * data-driven iterations and one entry per machine.
 */
export const TESTSIGMA_CASE_RESULTS_BYTES = 32 * 1024 * 1024;

/** Calls Testsigma with its API key. */
export class TestsigmaClient {
  constructor(
    private readonly opts: { baseUrl: string; apiKey: string; deps: IoDeps; retry?: RetryPolicy },
  ) {}

  private async call<T>(method: 'GET' | 'POST', path: string, schema: z.ZodType<T>, what: string, body?: unknown, limitBytes = TESTSIGMA_ANSWER_BYTES): Promise<T> {
    const url = new URL(`/api/v1${path}`, this.opts.baseUrl).toString();
    const text = body === undefined ? undefined : JSON.stringify(body);
    const a = await requestWithRetry(
      this.opts.deps,
      'Testsigma',
      () => ({
        url,
        init: {
          method,
          headers: {
            accept: 'application/json',
            authorization: `Bearer ${this.opts.apiKey}`,
            ...(text !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          ...(text !== undefined ? { body: text } : {}),
        },
      }),
      { isBusy: (x) => x.status === 429, limit: { bytes: limitBytes, hint: 'Check --testsigma-url.' } },
      this.opts.retry,
    );
    if (a.status < 200 || a.status > 299) throw this.refusal(a, what);
    const parsed = schema.safeParse(a.json);
    if (!parsed.success) throw new CliError(`${what}: Testsigma answered in an unexpected shape (${printable(a.text.slice(0, 200))}). Check --testsigma-url.`);
    return parsed.data;
  }

  private refusal(a: HttpAnswer, what: string): CliError {
    const said = (a.json as { error?: unknown } | undefined)?.error;
    const detail = printable(typeof said === 'string' ? said.slice(0, 500) : a.text.slice(0, 200));
    if (a.status === 401 || a.status === 403) {
      return new CliError(`${what}: Testsigma refused the API key (HTTP ${a.status}). Check TESTSIGMA_API_KEY/--testsigma-key (Testsigma > Settings > API Keys).`, EXIT.USAGE);
    }
    return new CliError(`${what}: Testsigma answered HTTP ${a.status}: ${detail}`, EXIT.USAGE);
  }

  /** Starts a run of a test plan. */
  async trigger(planId: string, buildNo?: string): Promise<TestsigmaRun> {
    try {
      // The docs send executionId as a string.
      return await this.call('POST', '/execution_results', runSchema, `Triggering Testsigma plan ${planId}`, { executionId: planId, ...(buildNo ? { buildNo } : {}) });
    } catch (err) {
      if (err instanceof CliError && /HTTP 404/.test(err.message)) {
        throw new CliError(`Testsigma has no test plan ${planId} (HTTP 404). Check --plan: the id is on the plan's CI/CD Integrations tab.`, EXIT.USAGE);
      }
      throw err;
    }
  }

  /** Reads a run's status. */
  run(runId: string): Promise<TestsigmaRun> {
    return this.call('GET', `/execution_results/${encodeURIComponent(runId)}`, runSchema, `Reading Testsigma run ${runId}`);
  }

  /** Reads a run's per-case results. */
  caseResults(runId: string): Promise<TestsigmaCaseResults> {
    return this.call(
      'GET',
      `/execution_results/${encodeURIComponent(runId)}/test_case_results`,
      caseResultsSchema,
      `Reading the case results of Testsigma run ${runId}`,
      undefined,
      TESTSIGMA_CASE_RESULTS_BYTES,
    );
  }
}
