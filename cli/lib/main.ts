/**
 * The `xts` program: parses the command, then does its IO through the dependencies it is given, so tests run it
 * whole against local servers with fake clocks.
 */
import * as path from 'node:path';
import { parseCommand, type Common, type JunitOptions } from './args';
import { CliError, EXIT } from './errors';
import { contentTypeOf, convertJunit, describeWithoutId, looksLikeXml } from './junit';
import { readAttachment, type AttachmentReader } from './attachments';
import { decodeReport } from './encoding';
import { parseMapFile } from './mapping';
import { VERSION } from './version';
import { printableLines } from './printable';
import { jobDetails, jobLine, outcomeSummary } from './format';
import type { IoDeps } from './http';
import { validateResultsFile, warningsFor, withoutOversizedAttachments, type ResultsFile } from './schema';
import { mib, splitRun, type Delivery } from './split';
import { TestsigmaClient, toResultsFile, type TestsigmaRun } from './testsigma';
import { FINAL_STATES, WebtriggerClient, type JobView } from './webtrigger';

/** Something that takes text (process.stdout, or a buffer in tests). */
export interface Sink {
  write(text: string): unknown;
}

/** Everything `xts` touches outside itself. */
export interface MainDeps {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  fetch: typeof fetch;
  stdout: Sink;
  stderr: Sink;
  readFile: (path: string) => Promise<Buffer | string>;
  sleep: (ms: number) => Promise<void>;
  /** Clock for signatures and deadlines; defaults to Date.now. */
  now?: () => number;
  /** Whether stdout is a terminal: waiting then keeps one live line instead of printing a line per change. */
  isTTY?: boolean;
  /** Reads the attachments a JUnit report names; defaults to the file system, confined as attachments.ts says. */
  readAttachment?: AttachmentReader;
}

interface Ctx {
  io: IoDeps;
  out: (line: string) => void;
  /** Progress: stderr with --json (stdout stays one JSON object), stdout otherwise. */
  progress: (line: string) => void;
  warn: (line: string) => void;
  /** Rewrites the live status line (a TTY without --json); undefined prints lines instead. */
  live?: (line: string) => void;
  json: boolean;
}

/** Without a TTY, a waiting xts prints the job's line at least this often, so CI logs show it is alive. */
export const HEARTBEAT_MS = 15_000;

/** Runs one `xts` command and answers its exit code; never throws. */
export async function main(deps: MainDeps): Promise<number> {
  const now = deps.now ?? Date.now;
  let json = deps.argv.includes('--json');
  try {
    const command = parseCommand(deps.argv, deps.env);
    if (command.kind === 'help') {
      deps.stdout.write(command.text);
      return EXIT.OK;
    }
    if (command.kind === 'version') {
      deps.stdout.write(`xts ${VERSION}\n`);
      return EXIT.OK;
    }
    json = command.common.json;
    const progressSink = json ? deps.stderr : deps.stdout;
    const ctx: Ctx = {
      io: { fetch: deps.fetch, sleep: deps.sleep, now, log: (l) => progressSink.write(`${printableLines(l)}\n`) },
      out: (l) => deps.stdout.write(`${printableLines(l)}\n`),
      progress: (l) => progressSink.write(`${printableLines(l)}\n`),
      warn: (l) => deps.stderr.write(`${printableLines(l)}\n`),
      ...(deps.isTTY && !json ? { live: (l: string) => deps.stdout.write(`\r\x1b[2K${l}`) } : {}),
      json,
    };
    const client = new WebtriggerClient({ url: command.common.url, secret: command.common.secret, auth: command.common.auth, deps: ctx.io });
    switch (command.kind) {
      case 'send': {
        const read = await readInput(deps.readFile, command.file, command.format, command.junit, ctx.warn, {
          ...(deps.readAttachment ? { readAttachment: deps.readAttachment } : {}),
          ...(json ? {} : { note: ctx.out }),
        });
        const file = command.testExecutionKey ? { ...read, testExecutionKey: command.testExecutionKey } : read;
        return await deliver(ctx, client, command.common, file, command.file);
      }
      case 'pull':
        return await pull(ctx, client, command.common, command.testsigmaRunId);
      case 'status':
        return await status(ctx, client, command.jobId);
      case 'run': {
        const ts = new TestsigmaClient({ baseUrl: command.testsigma.url, apiKey: command.testsigma.apiKey, deps: ctx.io });
        return await runPlan(ctx, client, ts, command.common, command.planId, command.testsigma.buildNo);
      }
    }
  } catch (err) {
    if (err instanceof EmptyReport) {
      if (json) deps.stdout.write(`${JSON.stringify({ ok: true, empty: true, message: err.message, jobs: [] })}\n`);
      else deps.stdout.write(`${printableLines(err.message)}\n`);
      return EXIT.OK;
    }
    const e = err instanceof CliError ? err : new CliError(`Unexpected error: ${(err as Error)?.stack ?? String(err)}`, EXIT.USAGE);
    deps.stderr.write(`xts: ${printableLines(e.message)}\n`);
    if (json) deps.stdout.write(`${JSON.stringify({ ok: false, exitCode: e.exitCode, error: e.message })}\n`);
    return e.exitCode;
  }
}

function whyUnreadable(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
}

async function readText(readFile: MainDeps['readFile'], path: string): Promise<string> {
  let raw: Buffer | string;
  try {
    raw = await readFile(path);
  } catch (err) {
    throw new CliError(`Cannot read results file "${path}": ${whyUnreadable(err)}. Check the path.`);
  }
  return decodeReport(raw, path);
}

/** A report that holds no testcase: not an error unless `--fail-on-empty` says so. */
export class EmptyReport extends CliError {
  constructor(message: string) {
    super(message, EXIT.OK);
    this.name = 'EmptyReport';
  }
}

/**
 * Reads the file `xts send` was given: a JUnit XML report (by content, or `--format junit`) becomes a results file,
 * a JSON file is checked as one. Every problem is reported before anything is sent.
 */
export async function readInput(
  readFile: MainDeps['readFile'],
  file: string,
  format: 'json' | 'junit' | undefined,
  junit: JunitOptions,
  warn: (line: string) => void,
  io: { readAttachment?: AttachmentReader; note?: (line: string) => void } = {},
): Promise<ResultsFile> {
  const text = await readText(readFile, file);
  if (format === 'junit' || (format === undefined && looksLikeXml(text))) {
    return readJunit(readFile, file, text, junit, warn, io.readAttachment ?? readAttachment, io.note ?? (() => undefined));
  }
  if (junit.runId !== undefined || junit.idPattern || junit.timeZone || junit.testPlanId !== undefined || junit.summary !== undefined || junit.mapFile !== undefined) {
    warn('Warning: --run-id, --test-plan, --summary, --id-pattern, --map and --timezone apply to JUnit reports; a JSON results file carries its own fields.');
  }
  return parseResultsText(text, file);
}

async function readJunit(
  readFile: MainDeps['readFile'],
  file: string,
  xml: string,
  junit: JunitOptions,
  warn: (line: string) => void,
  attachmentReader: AttachmentReader,
  note: (line: string) => void,
): Promise<ResultsFile> {
  const map = junit.mapFile === undefined ? junit.map : parseMapFile(await readText(readFile, junit.mapFile), junit.mapFile);
  const converted = convertJunit(xml, { ...junit, ...(map ? { map } : {}), reportPath: file });
  if (converted.empty) {
    const what = `"${file}" holds no testcase (a shard or a run with no tests): nothing to send.`;
    if (junit.failOnEmpty) throw new CliError(`${what} --fail-on-empty makes this an error.`);
    throw new EmptyReport(`${what} Pass --fail-on-empty to make this an error.`);
  }
  for (const w of converted.warnings) warn(`Warning: ${w}`);
  if (converted.withoutId.length > 0) warn(`Warning: ${describeWithoutId(converted.withoutId)}`);
  if (converted.results.length === 0) {
    throw new CliError(
      `None of the ${converted.cases.length} test case(s) in "${file}" has a Testsigma id, so nothing was sent. ` +
        'Give each testcase a property testsigma_id (or testsigma_case_id), list the tests in a mapping file (--map map.csv, one "test name,case id" a line), ' +
        'or pass --id-pattern with one capture group.',
    );
  }
  const reportDir = path.resolve(path.dirname(file));
  const extraDir = junit.attachmentsDir === undefined ? undefined : path.resolve(junit.attachmentsDir);
  /** A file read when it lies in the report's folder, else in --attachments-dir; the more telling refusal otherwise. */
  const readAllowed = async (p: string) => {
    const first = await attachmentReader(p, reportDir);
    if (first.ok || extraDir === undefined) return first;
    const second = await attachmentReader(p, extraDir);
    return second.ok || first.why.startsWith('it is outside') ? second : first;
  };
  const named = new Set(converted.results.flatMap((r) => r.attachmentPaths ?? []));
  if (junit.noAttachments && named.size > 0) warn(`Note: ${named.size} attachment(s) named in the report are not sent (--no-attachments).`);
  const cache = new Map<string, { filename: string; contentType: string; data: string } | null>();
  const results = [];
  for (const { attachmentPaths, attachmentFallbacks, ...r } of converted.results) {
    const attachments = [];
    for (const [i, p] of (junit.noAttachments ? [] : (attachmentPaths ?? [])).entries()) {
      if (!cache.has(p)) {
        let read = await readAllowed(p);
        let at = p;
        const fallback = attachmentFallbacks?.[i];
        if (!read.ok && fallback !== undefined && fallback !== p) {
          const second = await readAllowed(fallback);
          if (second.ok) [read, at] = [second, fallback];
        }
        if (read.ok) {
          cache.set(p, { filename: path.basename(at), contentType: contentTypeOf(at), data: read.data.toString('base64') });
        } else {
          cache.set(p, null);
          warn(`Warning: attachment ${p} of test case ${r.testCaseId} is not sent: ${read.why}.`);
        }
      }
      const a = cache.get(p);
      if (a) attachments.push(a);
    }
    results.push({ ...r, ...(attachments.length > 0 ? { attachments } : {}) });
  }
  const checked = validateResultsFile({ ...converted.run, results });
  if (!checked.ok) throw new CliError(`The results converted from "${file}" are not valid (${checked.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}). Nothing was sent.`);
  const tests = new Set(results.map((r) => String(r.testCaseId))).size;
  note(`Read ${converted.cases.length} testcase(s) from ${file}: ${tests} test(s) to send, ${converted.withoutId.length} without a Testsigma id.`);
  return checked.value;
}

/** Reads, parses and validates a results file; every problem is reported before anything is sent. */
export async function readResultsFile(readFile: MainDeps['readFile'], path: string): Promise<ResultsFile> {
  return parseResultsText(await readText(readFile, path), path);
}

function parseResultsText(text: string, path: string): ResultsFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new CliError(`Results file "${path}" is not valid JSON: ${(err as Error).message}. Nothing was sent.`);
  }
  const checked = validateResultsFile(value);
  if (!checked.ok) {
    const shown = checked.problems.slice(0, 20).map((p) => `\n  ${p.path}: ${p.message}`).join('');
    const more = checked.problems.length > 20 ? `\n  ... and ${checked.problems.length - 20} more` : '';
    throw new CliError(
      `Results file "${path}" does not match the results format (runId, and results[] each with testCaseId and status). Nothing was sent.${shown}${more}`,
    );
  }
  return checked.value;
}

async function deliver(
  ctx: Ctx,
  client: WebtriggerClient,
  common: Common,
  given: ResultsFile,
  source: string,
  extra: Record<string, unknown> = {},
): Promise<number> {
  for (const w of warningsFor(given)) ctx.warn(`Warning: ${w}`);
  const file = withoutOversizedAttachments(given);
  const deliveries = splitRun(file);
  const runId = String(file.runId);
  if (!ctx.json) {
    // One vocabulary: testcases are read from a report, tests are sent (one per case id), results are synced by the app.
    const tests = new Set(file.results.map((r) => String(r.testCaseId))).size;
    const entries = file.results.length === tests ? '' : ` (${file.results.length} results: attempts, or several for one id)`;
    const what = `${tests} test(s)${entries} from ${source}`;
    ctx.out(
      deliveries.length === 1
        ? `Run ${runId}: sending ${what} in one delivery (${mib(deliveries[0]?.bytes ?? 0)}).`
        : `Run ${runId}: sending ${what} in ${deliveries.length} deliveries (${deliveries.map((d) => mib(d.bytes)).join(', ')}), all with runId ${runId}.`,
    );
  }
  const accepted: Array<{ delivery: Delivery; jobId: string; state: string }> = [];
  for (const [i, d] of deliveries.entries()) {
    const what = `Delivery ${i + 1} of ${deliveries.length} (results[${d.firstIndex}..${d.firstIndex + d.count - 1}])`;
    try {
      const job = await client.post(d.body, what);
      accepted.push({ delivery: d, ...job });
      if (!ctx.json) ctx.out(`${what} accepted: job ${job.jobId} (${job.state})`);
    } catch (err) {
      if (err instanceof CliError && accepted.length > 0) {
        throw new CliError(
          `${err.message}\nAlready accepted: ${accepted.map((a) => `job ${a.jobId}`).join(', ')}. Sending the whole file again is safe: the same runId updates the same Test Execution.`,
          err.exitCode,
        );
      }
      throw err;
    }
  }
  return finish(
    ctx,
    client,
    common,
    runId,
    accepted.map((a) => ({ jobId: a.jobId, state: a.state, results: a.delivery.count, bytes: a.delivery.bytes })),
    extra,
  );
}

async function finish(
  ctx: Ctx,
  client: WebtriggerClient,
  common: Common,
  runId: string,
  jobs: Array<{ jobId: string; state: string; results?: number; bytes?: number }>,
  extra: Record<string, unknown> = {},
): Promise<number> {
  if (!common.wait) {
    if (ctx.json) ctx.out(JSON.stringify({ ok: true, runId, ...extra, jobs }));
    else ctx.out(`Sent. Follow the job(s) with: ${jobs.map((j) => `xts status ${j.jobId}`).join(' ; ')}`);
    return EXIT.OK;
  }
  const views = await waitForJobs(ctx, client, jobs.map((j) => j.jobId), common);
  const summary = outcomeSummary(views);
  let code: number = summary.worst === 'failed' ? EXIT.RUN_FAILED : EXIT.OK;
  if (code === EXIT.OK && common.failOnTestFailure) {
    const failedTests = failedResults(views);
    if (failedTests === undefined) {
      ctx.warn('Warning: --fail-on-test-failure: the app did not report the synced statuses (JobView.statuses), so xts cannot tell whether a test failed; update the app.');
    } else if (failedTests > 0) {
      code = EXIT.TEST_FAILED;
      ctx.warn(`${failedTests} synced result(s) failed in Xray (--fail-on-test-failure): exit ${EXIT.TEST_FAILED}.`);
    }
  }
  if (ctx.json) {
    ctx.out(
      JSON.stringify({
        ok: code === EXIT.OK,
        runId,
        ...extra,
        outcome: summary.worst,
        jobs: jobs.map((j, i) => ({ ...j, state: views[i]?.state ?? j.state, job: views[i] })),
      }),
    );
  } else {
    // The final state line was already printed as progress; add only what it does not show.
    for (const v of views) {
      const rest = jobDetails(v).split('\n').slice(1);
      if (rest.length > 0) ctx.out(`job ${v.jobId}:\n${rest.join('\n')}`);
    }
  }
  if (summary.worst === 'succeeded') {
    if (!ctx.json) ctx.out(summary.text);
  } else {
    ctx.warn(summary.text);
  }
  return code;
}

/** Xray statuses that count as a failed test for `--fail-on-test-failure`. */
export const FAILING_XRAY_STATUSES: ReadonlySet<string> = new Set(['FAILED', 'ABORTED']);

/** Results the jobs synced with a failing Xray status; undefined when a job does not report `statuses`. */
export function failedResults(views: readonly JobView[]): number | undefined {
  let n = 0;
  for (const v of views) {
    const statuses = (v as { statuses?: unknown }).statuses;
    if (!statuses || typeof statuses !== 'object') return undefined;
    for (const [status, count] of Object.entries(statuses as Record<string, unknown>)) {
      if (FAILING_XRAY_STATUSES.has(status.toUpperCase()) && typeof count === 'number') n += count;
    }
  }
  return n;
}

/**
 * Polls each job until it is final. Prints a line whenever one changes and, without a TTY, repeats it at least
 * every 15 s with the time waited; on a TTY it keeps one live line instead. With --json only changes are printed.
 */
export async function waitForJobs(ctx: Ctx, client: WebtriggerClient, jobIds: string[], common: Common): Promise<JobView[]> {
  const interval = common.pollIntervalMs ?? 2000;
  const deadline = ctx.io.now() + common.timeoutMs;
  const t0 = ctx.io.now();
  const latest = new Map<string, JobView>();
  const lastLine = new Map<string, string>();
  let lastPrinted = t0;
  for (;;) {
    for (const id of jobIds) {
      if (FINAL_STATES.has(latest.get(id)?.state ?? '')) continue;
      const view = await client.job(id);
      latest.set(id, view);
      const line = jobLine(view);
      const final = FINAL_STATES.has(view.state);
      if (ctx.live && !final) {
        ctx.live(`${line} (${Math.round((ctx.io.now() - t0) / 1000)} s)`);
      } else if (lastLine.get(id) !== line) {
        if (ctx.live) ctx.live('');
        ctx.progress(line);
        lastPrinted = ctx.io.now();
      }
      lastLine.set(id, line);
    }
    const pending = jobIds.filter((id) => !FINAL_STATES.has(latest.get(id)?.state ?? ''));
    if (pending.length === 0) return jobIds.map((id) => latest.get(id) as JobView);
    if (!ctx.live && !ctx.json && ctx.io.now() - lastPrinted >= HEARTBEAT_MS) {
      const waited = Math.round((ctx.io.now() - t0) / 1000);
      for (const id of pending) ctx.progress(`${lastLine.get(id)} (still waiting, ${waited} s)`);
      lastPrinted = ctx.io.now();
    }
    if (ctx.io.now() + interval > deadline) {
      if (ctx.live) ctx.live('');
      throw new CliError(
        `Gave up waiting after ${Math.round(common.timeoutMs / 1000)} s: ${pending.map((id) => `job ${id} is still ${latest.get(id)?.state}`).join(', ')}. ` +
          `The app keeps working on it; check later with "xts status ${pending[0]}" or wait longer with --timeout.`,
        EXIT.TIMEOUT,
      );
    }
    await ctx.io.sleep(interval);
  }
}

async function pull(ctx: Ctx, client: WebtriggerClient, common: Common, testsigmaRunId: string): Promise<number> {
  const job = await client.post(JSON.stringify({ testsigmaRunId }), `Pull request for Testsigma run ${testsigmaRunId}`);
  if (!ctx.json) ctx.out(`Pull of Testsigma run ${testsigmaRunId} accepted: job ${job.jobId} (${job.state}). The app fetches the results itself.`);
  return finish(ctx, client, common, testsigmaRunId, [job]);
}

async function status(ctx: Ctx, client: WebtriggerClient, jobId: string): Promise<number> {
  const job = await client.job(jobId);
  if (ctx.json) ctx.out(JSON.stringify(job));
  else ctx.out(jobDetails(job));
  return job.state === 'failed' ? EXIT.RUN_FAILED : EXIT.OK;
}

async function runPlan(ctx: Ctx, client: WebtriggerClient, ts: TestsigmaClient, common: Common, planId: string, buildNo?: string): Promise<number> {
  const started = await ts.trigger(planId, buildNo);
  const runId = started.id;
  ctx.progress(`Triggered Testsigma plan ${planId}: run ${runId} (${started.status}). If xts is interrupted, send the results later with: xts pull ${runId}`);

  const interval = common.pollIntervalMs ?? 5000;
  const t0 = ctx.io.now();
  const deadline = t0 + common.timeoutMs;
  let run: TestsigmaRun = started;
  let lastStatus = started.status;
  let lastNotice = t0;
  while (run.status !== 'STATUS_COMPLETED') {
    if (ctx.io.now() + interval > deadline) {
      throw new CliError(
        `Testsigma run ${runId} is still ${run.status} after ${Math.round(common.timeoutMs / 1000)} s; gave up waiting. ` +
          `When it finishes, send its results with "xts pull ${runId}" (or run xts again with a longer --timeout).`,
        EXIT.TIMEOUT,
      );
    }
    await ctx.io.sleep(interval);
    run = await ts.run(runId);
    const elapsed = Math.round((ctx.io.now() - t0) / 1000);
    if (run.status !== lastStatus) {
      ctx.progress(`Testsigma run ${runId}: ${run.status} after ${elapsed} s`);
      lastStatus = run.status;
      lastNotice = ctx.io.now();
    } else if (ctx.io.now() - lastNotice >= HEARTBEAT_MS) {
      ctx.progress(`Testsigma run ${runId}: still ${run.status} after ${elapsed} s`);
      lastNotice = ctx.io.now();
    }
  }
  ctx.progress(`Testsigma run ${runId} completed: ${run.result ?? 'no result'}`);

  const cases = await ts.caseResults(runId);
  if (cases.testCases.length === 0) {
    throw new CliError(`Testsigma run ${runId} completed without any test case results, so there is nothing to send to Xray. Check the plan's suites in Testsigma.`, EXIT.RUN_FAILED);
  }
  const file = toResultsFile(run, cases);
  const extra = { testsigma: { planId, runId, status: run.status, result: run.result ?? null } };
  return deliver(ctx, client, common, file, `Testsigma run ${runId}`, extra).then(
    (code) => code,
    (err: unknown) => {
      if (err instanceof CliError) {
        throw new CliError(`${err.message}\nThe Testsigma run ${runId} itself finished; to send its results again use: xts pull ${runId}`, err.exitCode);
      }
      throw err;
    },
  );
}
