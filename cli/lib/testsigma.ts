/**
 * The slice of Testsigma's REST API that `xts run` needs (docs: "Trigger Test Plans Remotely"), and the pure
 * conversion of a finished run into the web trigger's results format.
 */
import { z } from 'zod';
import { CliError, EXIT } from './errors';
import { requestWithRetry, type HttpAnswer, type IoDeps, type RetryPolicy } from './http';
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

/** `GET /saved_execution_configs`: a Spring page of saved partial runs. */
const savedConfigsSchema = z.looseObject({ content: z.array(z.looseObject({ id: z.union([z.number(), z.string()]), name: z.string() })) });

/** What `xts run` starts a plan with. */
export interface RunStart {
  buildNo?: string;
  environmentId?: string;
  /** A saved partial run's id. */
  configId?: string;
}

/** A run's status or a trigger's answer: one object. */
export const TESTSIGMA_ANSWER_BYTES = 1024 * 1024;

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

  /**
   * Starts a run of a test plan, with a build number, an environment and a saved partial run when given (the
   * documented optional fields of `POST /execution_results`; a saved run is sent as `executionConfig: { id, name }`,
   * its name read from `GET /saved_execution_configs`).
   */
  async trigger(planId: string, start: RunStart = {}): Promise<TestsigmaRun> {
    let executionConfig: { id: number; name: string } | undefined;
    if (start.configId) {
      const page = await this.call('GET', `/saved_execution_configs?query=${encodeURIComponent(`testPlanId:${planId}`)}&page=0&size=100`, savedConfigsSchema, `Reading the saved configurations of Testsigma plan ${planId}`);
      const found = page.content.find((c) => String(c.id) === start.configId);
      if (!found) throw new CliError(`Testsigma plan ${planId} has no saved configuration ${start.configId}. Check --config: ${page.content.map((c) => `${c.id} (${c.name})`).join(', ') || 'the plan has none'}.`, EXIT.USAGE);
      executionConfig = { id: Number(found.id), name: found.name };
    }
    try {
      // The docs send executionId as a string.
      return await this.call('POST', '/execution_results', runSchema, `Triggering Testsigma plan ${planId}`, {
        executionId: planId,
        ...(start.buildNo ? { buildNo: start.buildNo } : {}),
        ...(start.environmentId ? { environmentId: start.environmentId } : {}),
        ...(executionConfig ? { executionConfig } : {}),
      });
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
}
