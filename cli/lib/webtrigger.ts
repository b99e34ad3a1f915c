/**
 * Client of the app's web trigger API v1 (docs/webtrigger-api.md): POST results or a pull request, GET a job.
 */
import { z } from 'zod';
import { CliError, EXIT } from './errors';
import { requestWithRetry, type HttpAnswer, type IoDeps, type RetryPolicy } from './http';
import { authHeaders, signedText, type AuthMode } from './sign';
import { printable } from './printable';

/** A job (one delivery) as `GET ?job=` answers it; unknown fields are tolerated. */
export const jobViewSchema = z.looseObject({
  jobId: z.string(),
  runId: z.string(),
  state: z.enum(['queued', 'running', 'succeeded', 'partial', 'failed']),
  testExecutionKey: z.string().optional(),
  counts: z.looseObject({ received: z.number(), synced: z.number(), unmapped: z.number(), failed: z.number() }),
  unmapped: z.array(z.string()).default([]),
  errors: z.array(z.string()).default([]),
  attempts: z.number().optional(),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
});

/** A job view. */
export type JobView = z.infer<typeof jobViewSchema>;
/** The most xts reads of one web trigger answer: a job or an error is a few KiB (the unmapped list holds 100 ids). */
export const WEBTRIGGER_ANSWER_BYTES = 1024 * 1024;

/** Job states that no longer change. */
export const FINAL_STATES: ReadonlySet<string> = new Set(['succeeded', 'partial', 'failed']);

// The job id and state are printed and put into `xts status <id>`: accept only the shapes the app makes, so that a
// server's answer cannot break a CI log line (a '\n::set-output' in a job id).
const acceptedSchema = z.looseObject({ jobId: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/), state: z.string().regex(/^[a-z_]{1,32}$/) });
const errorSchema = z.looseObject({
  error: z.looseObject({
    code: z.string(),
    message: z.string(),
    details: z.array(z.looseObject({ path: z.string(), message: z.string() })).optional(),
  }),
});

/** The app's error answer, if the body is one. */
export function appError(a: HttpAnswer): z.infer<typeof errorSchema>['error'] | undefined {
  const parsed = errorSchema.safeParse(a.json);
  return parsed.success ? parsed.data.error : undefined;
}

/** Turns a refusal of the web trigger into a message that says what failed, why, and what to do. */
export function explainRefusal(a: HttpAnswer, what: string, method: 'GET' | 'POST' = 'GET'): CliError {
  const err = appError(a);
  const said = printable(err ? err.message : a.text.slice(0, 200) || '(no body)').replace(/[.\s]+$/, '');
  const code = err?.code === undefined ? undefined : printable(err.code);
  let advice: string;
  if (a.status === 401 || code === 'unauthorized') {
    advice = 'Check that XTS_SECRET/--secret is the current web trigger secret (a Jira admin can rotate it on the app\'s settings page); with signatures, also check this machine\'s clock, as the app refuses signatures more than 300 s off.';
  } else if (code === 'not_configured') {
    advice = 'The app is not set up yet: a Jira admin must set the web trigger secret and the Xray credentials (and, for pull mode, the Testsigma API key) on the app\'s settings page.';
  } else if (code === 'invalid_payload' || a.status === 400) {
    const details = err?.details?.map((d) => `\n  ${printable(d.path)}: ${printable(d.message)}`).join('') ?? '';
    advice = `Fix the results and send again.${details}`;
  } else if (a.status === 404) {
    // The web trigger answers POSTs at its URL whatever the body, so a 404 on a POST means the URL is wrong.
    advice =
      method === 'GET' && code === 'not_found'
        ? 'Check the job id (as printed by "xts send"); jobs are kept for a limited time.'
        : 'Check the web trigger URL (--url or XTS_URL): nothing takes results at that address; copy the URL again from the app\'s settings page.';
  } else if (a.status === 413) {
    advice = 'The delivery is over the app\'s size limit. This is a bug in xts\'s splitting: please report it with the file\'s size.';
  } else {
    advice = 'Check the web trigger URL, or try again later.';
  }
  return new CliError(`${what} was refused: HTTP ${a.status}${code ? ` ${code}` : ''}: ${said}. ${advice}`, EXIT.USAGE);
}

/** Talks to one site's web trigger. */
export class WebtriggerClient {
  constructor(
    private readonly opts: { url: string; secret: string; auth: AuthMode; deps: IoDeps; retry?: RetryPolicy },
  ) {}

  private send(method: 'GET' | 'POST', url: string, body: string): Promise<HttpAnswer> {
    const { secret, auth, deps } = this.opts;
    return requestWithRetry(
      deps,
      'The web trigger',
      () => ({
        url,
        init: {
          method,
          headers: {
            accept: 'application/json',
            ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
            ...authHeaders(auth, secret, signedText(method, url, body), deps.now()),
          },
          ...(method === 'POST' ? { body } : {}),
        },
      }),
      {
        isBusy: (a) => a.status === 503 && appError(a)?.code === 'busy',
        isPermanent: (a) => appError(a)?.code === 'not_configured',
        limit: { bytes: WEBTRIGGER_ANSWER_BYTES, hint: "Check that --url points at the app's web trigger." },
      },
      this.opts.retry,
    );
  }

  /**
   * POSTs one body and answers the new job. A retry after a lost answer may make a second job for the same
   * delivery; the app keys Test Executions by `runId`, so that updates the same one rather than making another.
   */
  async post(body: string, what: string): Promise<{ jobId: string; state: string }> {
    const a = await this.send('POST', this.opts.url, body);
    if (a.status !== 202 && a.status !== 200) throw explainRefusal(a, what, 'POST');
    const parsed = acceptedSchema.safeParse(a.json);
    if (!parsed.success) throw new CliError(`${what}: the web trigger answered HTTP ${a.status} without a job id (${printable(a.text.slice(0, 200))}). Check --url points at the app's web trigger.`);
    return { jobId: parsed.data.jobId, state: parsed.data.state };
  }

  /** GETs a job. */
  async job(jobId: string): Promise<JobView> {
    const u = new URL(this.opts.url);
    u.searchParams.set('job', jobId);
    const a = await this.send('GET', u.toString(), '');
    if (a.status !== 200) throw explainRefusal(a, `Looking up job ${jobId}`);
    const parsed = jobViewSchema.safeParse(a.json);
    if (!parsed.success) throw new CliError(`Job ${jobId}: the web trigger answered something that is not a job (${printable(a.text.slice(0, 200))}).`);
    return parsed.data;
  }
}
