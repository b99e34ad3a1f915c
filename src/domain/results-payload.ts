/**
 * The web trigger's POST body (contract section 3): a delivery of results, or a pull request naming a Testsigma
 * run. Validation answers every problem with a path written the way the 400's `details` write it.
 */
import { z } from 'zod';
import { mapStatus } from './status-map';
import { canonicalDigits } from './testsigma-id';
import { quoteValue } from './quote';
import { idList, jobMsg, type JobMessage } from './job-messages';

/**
 * Bodies over this many bytes answer 413. The contract's prose says 4 MiB and its table says 5 MiB; the prose is
 * the rule (the CLI splits below 4 MiB, and it leaves room under Forge's own cap on a web trigger invocation).
 */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;
/** A run carries at most this many test environments; the rest are cut, with a warning (contract section 8). */
export const MAX_ENVIRONMENTS = 50;
/** An environment name is cut to this many characters, with a warning. */
export const MAX_ENVIRONMENT_CHARS = 255;
/** `summary` is cut to this many characters (Jira's summary limit), with a warning in the job. */
export const MAX_SUMMARY_CHARS = 255;
/** A result's `message` is cut to this many characters, with a warning in the job. */
export const MAX_MESSAGE_CHARS = 32_000;
/** Attachments larger than this (decoded) are skipped with a warning. */
export const MAX_ATTACHMENT_BYTES = 2 * 1024 * 1024;
/** Attachments of one delivery beyond this total (decoded) are skipped with a warning. */
export const MAX_DELIVERY_ATTACHMENT_BYTES = 3 * 1024 * 1024;

/** One attachment of a result (base64 data, whitespace removed). */
export interface ResultAttachment {
  filename: string;
  contentType?: string;
  data: string;
}

/** One result of a delivery, with ids as strings. */
export interface DeliveryResult {
  testCaseId: string;
  /** The incoming word as sent; mapped to Xray's name at sync time. */
  status: string;
  testSuiteId?: string;
  startedAt?: string;
  finishedAt?: string;
  message?: string;
  attachments?: ResultAttachment[];
  /**
   * Which attempt of the test this entry is (1 and up; contract section 3): entries of one case with `attempt` are
   * retries of one test, and the highest decides its status.
   */
  attempt?: number;
  /** A name for a Test the app creates for this case (contract section 8, created Tests). */
  testCaseName?: string;
  /** The machine (browser, device) it ran on: with `splitByMachine`, the key of its Test Execution. */
  machine?: string;
  /** A data-driven case's iterations, each with its incoming status word and parameters. */
  iterations?: ResultIteration[];
}

/** One iteration of a data-driven result (one data set). */
export interface ResultIteration {
  name?: string;
  /** The incoming word, mapped by the status map like a result's. */
  status: string;
  parameters?: Record<string, string>;
}

/** The run-level fields of a delivery. */
export interface RunMeta {
  runId: string;
  testPlanId?: string;
  summary?: string;
  startedAt?: string;
  finishedAt?: string;
  environments?: string[];
  /** Put the run into this existing Test Execution (contract section 8). */
  testExecutionKey?: string;
  /** The build: the Test Execution's Revision. */
  buildNo?: string;
  /** The release: a fixVersion of the Test Execution. */
  version?: string;
  /** The run in Testsigma (pull mode: its `app_url`), linked from the Test Execution's description. */
  testsigmaUrl?: string;
}

/** A validated delivery, normalised (ids as strings, blanks dropped). */
export interface Delivery extends RunMeta {
  results: DeliveryResult[];
  /**
   * Pull mode only: the delivery is this Testsigma re-run of `runId` (the first run it re-runs), so each result is
   * the next attempt of its test in that run's Test Execution.
   */
  rerun?: { testsigmaRunId: string };
}

/** What a POST asks for. */
export type ResultsRequest = { mode: 'push'; delivery: Delivery } | { mode: 'pull'; testsigmaRunId: string };

/** One problem with a body, as the 400's `details` carry it. */
export interface PayloadProblem {
  path: string;
  message: string;
}

/** Formats a zod path as `results[3].status`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out === '' ? '(top level)' : out;
}

const safeInt = z
  .number({ error: 'must be a string or a whole number' })
  .int('must be a whole number')
  .refine((n) => Number.isSafeInteger(n), 'must be a safe integer (at most 9007199254740991)');

const runIdSchema = z.union(
  [z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1 to 64 of the characters A-Z a-z 0-9 . _ -'), safeInt],
  { error: 'must be a string of 1 to 64 of A-Z a-z 0-9 . _ - or a whole number' },
);

const entityIdSchema = z.union(
  [z.string().regex(/^\d{1,19}$/, 'must be 1 to 19 digits'), safeInt.refine((n) => n >= 0, 'must not be negative')],
  { error: 'must be a string of 1 to 19 digits or a whole number' },
);

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-](\d{2}):?(\d{2}))?)?$/;

/**
 * Whether the fields of an ISO 8601 text name a real instant: February 30th, hour 24 or minute 60 do not. `Date`
 * itself would move them to another day silently, so they are checked here, field by field.
 */
function isRealInstant(m: RegExpExecArray): boolean {
  const [, y, mo, d, h, mi, sec, , , oh, om] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  if (day > days) return false;
  if (h !== undefined && (Number(h) > 23 || Number(mi) > 59)) return false;
  if (sec !== undefined && Number(sec) > 59) return false;
  if (oh !== undefined && (Number(oh) > 23 || Number(om) > 59)) return false;
  return true;
}

/**
 * Turns an accepted date-time into what Xray's importer takes (`yyyy-MM-ddTHH:mm:ssZ`). A time without an offset
 * is read as UTC, so the result does not depend on where the code runs. Undefined for anything that is not a real
 * instant.
 */
export function toXrayDate(value: string): string | undefined {
  const m = ISO_DATE_TIME.exec(value);
  if (!m || !isRealInstant(m)) return undefined;
  const withZone = /T/.test(value) && !/(Z|[+-]\d{2}:?\d{2})$/.test(value) ? `${value}Z` : value;
  const normalised = withZone.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(normalised);
  if (Number.isNaN(ms)) return undefined;
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const dateTime = z
  .string({ error: 'must be a date and time such as 2026-11-25T10:00:00Z' })
  .refine((s) => toXrayDate(s) !== undefined, 'must be a real date and time such as 2026-11-25T10:00:00Z (a day that exists, hours 00 to 23)');

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const attachmentSchema = z.object({
  filename: z
    .string({ error: 'must be a file name' })
    .trim()
    .min(1, 'must not be empty')
    .max(255, 'must be at most 255 characters'),
  contentType: z.string().trim().max(255, 'must be at most 255 characters').optional(),
  data: z
    .string({ error: 'must be base64 text' })
    .transform((s) => s.replace(/\s+/g, ''))
    .refine((s) => s.length % 4 === 0 && BASE64.test(s), 'must be standard base64'),
});

function resultSchema(statusMap: Readonly<Record<string, string>>) {
  // Built once per request, not once per refused result: a large map times thousands of results cost a gigabyte.
  const accepted = Object.keys(statusMap).sort().join(', ');
  return z.object({
    testCaseId: entityIdSchema,
    testSuiteId: entityIdSchema.optional(),
    status: statusWord(statusMap, accepted),
    startedAt: dateTime.optional(),
    finishedAt: dateTime.optional(),
    message: z.string({ error: 'must be text' }).optional(),
    attempt: z
      .number({ error: 'must be a whole number from 1 (which attempt of the test this is)' })
      .int('must be a whole number')
      .min(1, 'must be 1 or more')
      .refine((n) => Number.isSafeInteger(n), 'must be a safe integer')
      .optional(),
    attachments: z.array(attachmentSchema, { error: 'must be a list of attachments' }).optional(),
    testCaseName: shortText.optional(),
    machine: shortText.optional(),
    iterations: z
      .array(iterationSchema(statusMap, accepted), { error: 'must be a list of iterations' })
      .max(MAX_ITERATIONS, `must hold at most ${MAX_ITERATIONS} iterations`)
      .optional(),
  });
}

/** A data-driven result holds at most this many iterations (contract section 8). */
export const MAX_ITERATIONS = 1000;

/** Text of 1 to 255 characters (names, build numbers, versions). */
const shortText = z.string({ error: 'must be text' }).trim().min(1, 'must not be empty').max(255, 'must be at most 255 characters');

/** A status word the effective map knows; `accepted` lists them for the message (built once a request). */
function statusWord(statusMap: Readonly<Record<string, string>>, accepted: string) {
  return z
    .string({ error: 'must be a status word such as SUCCESS or FAILURE' })
    .trim()
    .min(1, 'must not be empty')
    .refine((word) => mapStatus(statusMap, word) !== undefined, {
      error: (issue) =>
        `${quoteValue(issue.input)} is not a status the app knows. Use one of ${accepted} (any case), or ask a Jira admin to add it to the status map.`,
    });
}

function iterationSchema(statusMap: Readonly<Record<string, string>>, accepted: string) {
  return z.object({
    name: shortText.optional(),
    status: statusWord(statusMap, accepted),
    parameters: z
      .record(z.string().max(255, 'a parameter name must be at most 255 characters'), z.string({ error: 'must be text' }).max(4000, 'must be at most 4000 characters'), {
        error: 'must be an object of parameter names to text values',
      })
      .optional(),
  });
}

function deliverySchema() {
  return z.object({
    runId: runIdSchema,
    testPlanId: entityIdSchema.optional(),
    summary: z.string({ error: 'must be text' }).optional(),
    startedAt: dateTime.optional(),
    finishedAt: dateTime.optional(),
    // Not bounded here: more than MAX_ENVIRONMENTS, or names longer than MAX_ENVIRONMENT_CHARS, are cut by capText.
    environments: z
      .array(z.string({ error: 'must be text' }).trim().min(1, 'must not be empty'), {
        error: 'must be a list of environment names',
      })
      .optional(),
    // Each result is checked on its own (parseResultsRequest), so checking stops at MAX_PROBLEMS.
    results: z
      .custom<unknown[]>((v) => Array.isArray(v), { error: 'must be a list of results' })
      .refine((v) => v.length >= 1, 'must hold at least one result'),
    testExecutionKey: z
      .string({ error: 'must be a Jira issue key such as PROJ-123' })
      .trim()
      .regex(/^[A-Z][A-Z0-9_]{0,254}-[1-9]\d{0,18}$/, 'must be a Jira issue key such as PROJ-123')
      .optional(),
    buildNo: shortText.optional(),
    version: shortText.optional(),
  });
}

/** A refused body lists at most this many problems; checking stops there, so a huge bad body costs little. */
export const MAX_PROBLEMS = 50;

const pullSchema = z.object({ testsigmaRunId: entityIdSchema });

const str = (v: string | number) => String(v);
/** A Testsigma id as the link store keys it (contract section 3: leading zeros are dropped, as in the panel). */
const entityId = (v: string | number) => canonicalDigits(String(v));

/**
 * Drops properties whose value is null, at the top, in each result and in each attachment: executors written in
 * languages where "no value" serialises as null (Python's None) mean "absent". A required field that is null is
 * then reported as missing.
 */
function withoutNulls(body: Record<string, unknown>): Record<string, unknown> {
  const strip = (o: unknown): unknown => {
    if (typeof o !== 'object' || o === null || Array.isArray(o)) return o;
    // Copied only when it holds a null: most results hold none, and copying 100,000 of them costs half a second.
    if (!Object.values(o).includes(null)) return o;
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null));
  };
  const top = strip(body) as Record<string, unknown>;
  if (Array.isArray(top.results)) {
    top.results = top.results.map((r) => {
      const result = strip(r) as Record<string, unknown>;
      if (result && typeof result === 'object') {
        if (Array.isArray(result.attachments)) result.attachments = result.attachments.map(strip);
        if (Array.isArray(result.iterations)) result.iterations = result.iterations.map(strip);
      }
      return result;
    });
  }
  return top;
}

/**
 * Validates a parsed POST body against the effective status map (statuses are checked case-insensitively). A body
 * with `results` is a delivery; one with only `testsigmaRunId` asks the app to pull that run.
 */
export function parseResultsRequest(
  body: unknown,
  statusMap: Readonly<Record<string, string>>,
): { ok: true; value: ResultsRequest } | { ok: false; problems: PayloadProblem[]; more?: true } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, problems: [{ path: '(top level)', message: 'must be a JSON object' }] };
  }
  body = withoutNulls(body as Record<string, unknown>);
  if (!('results' in (body as object)) && 'testsigmaRunId' in (body as object)) {
    const parsed = pullSchema.safeParse(body);
    if (!parsed.success) return { ok: false, problems: toProblems(parsed.error) };
    return { ok: true, value: { mode: 'pull', testsigmaRunId: entityId(parsed.data.testsigmaRunId) } };
  }
  const parsed = deliverySchema().safeParse(body);
  const problems: PayloadProblem[] = parsed.success ? [] : toProblems(parsed.error);
  const rawResults = parsed.success ? parsed.data.results : Array.isArray((body as { results?: unknown }).results) ? ((body as { results: unknown[] }).results) : [];
  const oneResult = resultSchema(statusMap);
  const results: Array<z.infer<typeof oneResult>> = [];
  for (let i = 0; i < rawResults.length && problems.length < MAX_PROBLEMS; i++) {
    const r = oneResult.safeParse(rawResults[i]);
    if (r.success) results.push(r.data);
    else problems.push(...r.error.issues.map((issue) => ({ path: formatPath(['results', i, ...issue.path]), message: issue.message })));
  }
  if (!parsed.success || problems.length > 0) {
    // At the cap the checking stopped: there may be more, and the answer says so.
    return { ok: false, problems: problems.slice(0, MAX_PROBLEMS), ...(problems.length >= MAX_PROBLEMS ? { more: true as const } : {}) };
  }
  const d = { ...parsed.data, results };
  const summary = d.summary?.trim();
  const environments = d.environments ? [...new Set(d.environments)] : undefined;
  const delivery: Delivery = {
    runId: str(d.runId),
    ...(d.testPlanId !== undefined ? { testPlanId: entityId(d.testPlanId) } : {}),
    ...(summary ? { summary } : {}),
    ...(d.startedAt ? { startedAt: d.startedAt } : {}),
    ...(d.finishedAt ? { finishedAt: d.finishedAt } : {}),
    ...(environments && environments.length > 0 ? { environments } : {}),
    ...(d.testExecutionKey ? { testExecutionKey: d.testExecutionKey } : {}),
    ...(d.buildNo ? { buildNo: d.buildNo } : {}),
    ...(d.version ? { version: d.version } : {}),
    results: d.results.map((r) => ({
      testCaseId: entityId(r.testCaseId),
      status: r.status,
      ...(r.testSuiteId !== undefined ? { testSuiteId: entityId(r.testSuiteId) } : {}),
      ...(r.startedAt ? { startedAt: r.startedAt } : {}),
      ...(r.finishedAt ? { finishedAt: r.finishedAt } : {}),
      ...(r.message !== undefined && r.message !== '' ? { message: r.message } : {}),
      ...(r.attempt !== undefined ? { attempt: r.attempt } : {}),
      ...(r.testCaseName ? { testCaseName: r.testCaseName } : {}),
      ...(r.machine ? { machine: r.machine } : {}),
      ...(r.iterations && r.iterations.length > 0
        ? {
            iterations: r.iterations.map((it) => ({
              ...(it.name ? { name: it.name } : {}),
              status: it.status,
              ...(it.parameters && Object.keys(it.parameters).length > 0 ? { parameters: it.parameters } : {}),
            })),
          }
        : {}),
      ...(r.attachments && r.attachments.length > 0
        ? {
            attachments: r.attachments.map((a) => ({
              filename: a.filename,
              ...(a.contentType ? { contentType: a.contentType } : {}),
              data: a.data,
            })),
          }
        : {}),
    })),
  };
  return { ok: true, value: { mode: 'push', delivery } };
}

function toProblems(error: z.ZodError): PayloadProblem[] {
  return error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
}

/** How many tests a delivery holds: its distinct cases (attempts and per-machine entries of one case are one test). */
export function testCount(results: readonly Pick<DeliveryResult, 'testCaseId'>[]): number {
  return new Set(results.map((r) => r.testCaseId)).size;
}

/** Bytes a base64 text decodes to. */
export function decodedSize(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((base64.length * 3) / 4) - padding);
}

/** A size for people: "2.4 MiB", "310 KiB". */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KiB`;
  return `${n} bytes`;
}

/**
 * Applies the attachment limits of contract section 3 to a delivery: files over 2 MiB (decoded) are dropped, and
 * once the delivery's kept files reach 3 MiB the rest are dropped too. Answers the delivery to keep and a warning
 * per dropped file.
 */
export function capAttachments(delivery: Delivery): { delivery: Delivery; warnings: JobMessage[] } {
  const warnings: JobMessage[] = [];
  let total = 0;
  const results = delivery.results.map((r) => {
    if (!r.attachments) return r;
    const kept: ResultAttachment[] = [];
    for (const a of r.attachments) {
      const size = decodedSize(a.data);
      if (size > MAX_ATTACHMENT_BYTES) {
        warnings.push(jobMsg('attachmentTooLarge', { file: a.filename, id: r.testCaseId, size: formatBytes(size) }));
      } else if (total + size > MAX_DELIVERY_ATTACHMENT_BYTES) {
        warnings.push(jobMsg('attachmentsOverDelivery', { file: a.filename, id: r.testCaseId, size: formatBytes(size) }));
      } else {
        total += size;
        kept.push(a);
      }
    }
    const { attachments: _dropped, ...rest } = r;
    return kept.length > 0 ? { ...rest, attachments: kept } : rest;
  });
  return { delivery: { ...delivery, results }, warnings };
}

/** Cuts text to `max` UTF-16 units without splitting a surrogate pair. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text[max - 1]!) ? max - 1 : max;
  return text.slice(0, end);
}

/**
 * Applies the text caps of contract sections 3 and 8: `summary` to 255 characters, each `message` to 32,000, and
 * `environments` to 50 names of 255, so that no field can make a stored row too large. Long text and extra
 * environments are cut, never refused; the job says what was cut.
 */
export function capText(delivery: Delivery): { delivery: Delivery; warnings: JobMessage[] } {
  const warnings: JobMessage[] = [];
  const summary = delivery.summary !== undefined && delivery.summary.length > MAX_SUMMARY_CHARS ? cutText(delivery.summary, MAX_SUMMARY_CHARS) : delivery.summary;
  if (summary !== delivery.summary) {
    warnings.push(jobMsg('summaryCut', { count: delivery.summary!.length, max: MAX_SUMMARY_CHARS }));
  }
  const cut: string[] = [];
  const results = delivery.results.map((r) => {
    if (r.message === undefined || r.message.length <= MAX_MESSAGE_CHARS) return r;
    cut.push(r.testCaseId);
    return { ...r, message: cutText(r.message, MAX_MESSAGE_CHARS) };
  });
  if (cut.length > 0) {
    const unique = [...new Set(cut)];
    warnings.push(jobMsg('messagesCut', { count: unique.length, ids: idList(unique), max: MAX_MESSAGE_CHARS }));
  }
  let environments = delivery.environments;
  if (environments) {
    const long = environments.filter((e) => e.length > MAX_ENVIRONMENT_CHARS).length;
    if (long > 0) warnings.push(jobMsg('environmentNamesCut', { count: long, max: MAX_ENVIRONMENT_CHARS }));
    const named = [...new Set(environments.map((e) => cutText(e, MAX_ENVIRONMENT_CHARS)))];
    if (named.length > MAX_ENVIRONMENTS) warnings.push(jobMsg('environmentsCut', { count: named.length, max: MAX_ENVIRONMENTS }));
    environments = named.slice(0, MAX_ENVIRONMENTS);
  }
  return { delivery: { ...delivery, ...(summary !== undefined ? { summary } : {}), ...(environments ? { environments } : {}), results }, warnings };
}

/** Drops every attachment (evidence is off: storing them would only cost storage). */
export function withoutAttachments(delivery: Delivery): Delivery {
  return {
    ...delivery,
    results: delivery.results.map((r) => {
      if (!r.attachments) return r;
      const { attachments: _dropped, ...rest } = r;
      return rest;
    }),
  };
}
