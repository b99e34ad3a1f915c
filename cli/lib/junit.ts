/**
 * JUnit / xUnit XML reports (Maven Surefire, pytest, jest-junit, Playwright, ...) into the web trigger's results
 * format. Pure: attachments are named here (`[[ATTACHMENT|path]]`, resolved against the report's folder) and read
 * by the caller, which knows the file system.
 */
import { XMLParser } from 'fast-xml-parser';
import * as path from 'node:path';
import { CliError } from './errors';
import type { JunitOptions } from './args';

/** One testcase of the report, whether or not it names a Testsigma case. */
export interface JunitCase {
  classname: string;
  name: string;
  /** The Testsigma case id, when the testcase names one. */
  testCaseId?: string;
  /** Why a testcase without an id has none, when it tried (a malformed property). */
  idProblem?: string;
  status: 'SUCCESS' | 'FAILURE' | 'NOT_EXECUTED';
}

/** A result as the converter builds it; `attachmentPaths` become `attachments` once read. */
export interface JunitResult {
  testCaseId: string;
  status: string;
  startedAt?: string;
  finishedAt?: string;
  message?: string;
  attempt?: number;
  attachmentPaths?: string[];
  /** A parameterised test's runs (`name[params]`), one iteration each. */
  iterations?: Array<{ name: string; status: string; parameters?: Record<string, string> }>;
}

/** What a report converts to. */
export interface JunitConversion {
  run: { runId: string; testPlanId?: string; summary?: string; startedAt?: string; finishedAt?: string };
  results: JunitResult[];
  cases: JunitCase[];
  /** Testcases with no Testsigma id: listed to the user, never sent. */
  withoutId: JunitCase[];
}

/** True when the text looks like XML rather than JSON (format detection by content). */
export function looksLikeXml(text: string): boolean {
  return /^\uFEFF?\s*</.test(text);
}

const ARRAYS = new Set([
  'testsuites',
  'testsuite',
  'testcase',
  'property',
  'failure',
  'error',
  'skipped',
  'flakyFailure',
  'flakyError',
  'rerunFailure',
  'rerunError',
  'system-out',
]);

type Node = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  isArray: (name) => ARRAYS.has(name),
});

const nodes = (v: unknown): Node[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]).map((n) => (typeof n === 'object' && n !== null ? (n as Node) : { '#text': String(n) }));
const attr = (n: Node, name: string): string | undefined => (typeof n[`@_${name}`] === 'string' ? (n[`@_${name}`] as string) : undefined);
const text = (n: Node): string => {
  const t = n['#text'];
  return typeof t === 'string' ? t : t === undefined ? '' : String(t);
};

/** A failure-like element's message: its `message` attribute and its text (or nested `stackTrace`), trimmed. */
function messageOf(n: Node): string {
  const nested = nodes(n.stackTrace).map(text).join('\n');
  return [attr(n, 'message'), text(n).trim() || nested.trim()]
    .map((s) => (s ?? '').trim())
    .filter((s, i, all) => s !== '' && all.indexOf(s) === i)
    .join('\n');
}

function zoneOffsetMs(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/**
 * Reads a report timestamp as an instant (ms). One with an offset or `Z` is exact; one without is wall time in
 * `timeZone` (an IANA name), or in this machine's zone when none is given, as the tools that omit it write local time.
 */
export function readTimestamp(value: string, timeZone?: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const ms = frac ? Math.round(Number(`0${frac}`) * 1000) : 0;
  if (zone) {
    const offset = zone === 'Z' ? 'Z' : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
    const t = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
    if (Number.isNaN(t)) return undefined;
    const sign = offset === 'Z' ? 0 : offset.startsWith('-') ? -1 : 1;
    const offMs = offset === 'Z' ? 0 : sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6))) * 60_000;
    return t - offMs + ms;
  }
  if (!timeZone) {
    const local = new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms).getTime();
    return Number.isNaN(local) ? undefined : local;
  }
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  // The zone's offset at the wall time read as UTC, then once more at the instant found (it differs near a DST change).
  let instant = wall - zoneOffsetMs(wall, timeZone);
  instant = wall - zoneOffsetMs(instant, timeZone);
  return instant + ms;
}

const ATTACHMENT = /\[\[ATTACHMENT\|([^\]\r\n]+)\]\]/g;

function properties(n: Node): Map<string, string> {
  const out = new Map<string, string>();
  for (const block of nodes(n.properties)) {
    for (const p of nodes(block.property)) {
      const name = attr(p, 'name');
      if (name !== undefined) out.set(name, (attr(p, 'value') ?? text(p)).trim());
    }
  }
  return out;
}

function collectSuites(root: Node): Node[] {
  const out: Node[] = [];
  const walk = (n: Node) => {
    for (const s of nodes(n.testsuite)) {
      out.push(s);
      walk(s);
    }
    for (const s of nodes(n.testsuites)) walk(s);
  };
  walk(root);
  return out;
}

/**
 * Converts a JUnit XML report. Status: `failure` or `error` is FAILURE, `skipped` NOT_EXECUTED, none SUCCESS.
 * Surefire's `flakyFailure` / `flakyError` (failed runs before a pass) and `rerunFailure` / `rerunError` (failed
 * re-runs after the first failure) become `attempt` entries, in the order the runs happened.
 * Throws a {@link CliError} when the text is not a JUnit report.
 */
export function convertJunit(xml: string, options: JunitOptions & { reportPath: string }): JunitConversion {
  let doc: Node;
  try {
    doc = parser.parse(xml.replace(/^\uFEFF/, ''), true) as Node;
  } catch (err) {
    const detail = (err as { err?: { msg?: string; line?: number } }).err;
    const why = detail?.msg ? `${detail.msg}${detail.line ? ` (line ${detail.line})` : ''}` : (err as Error).message;
    throw new CliError(`"${options.reportPath}" is not well-formed XML: ${why}. Nothing was sent.`);
  }
  const suites = collectSuites(doc);
  if (suites.length === 0) {
    throw new CliError(`"${options.reportPath}" is XML but holds no <testsuite>: it is not a JUnit report. Nothing was sent.`);
  }
  if (!options.runId) {
    throw new CliError(
      'A JUnit report carries no run id: pass --run-id (or set XTS_RUN_ID), unique per run, such as "ci-$CI_PIPELINE_ID". ' +
        'Every delivery with the same run id lands in the same Test Execution. Nothing was sent.',
    );
  }
  const dir = path.dirname(options.reportPath);
  const cases: JunitCase[] = [];
  const results: JunitResult[] = [];
  /** Results of parameterised testcases (`name[params]`) by index: the test they repeat and the parameters' text. */
  const iterationOf = new Map<number, { base: string; name: string }>();
  let runStart: number | undefined;
  let runEnd: number | undefined;

  for (const suite of suites) {
    const cases0 = nodes(suite.testcase);
    if (cases0.length === 0) continue;
    const stamp = attr(suite, 'timestamp');
    const start = stamp ? readTimestamp(stamp, options.timeZone) : undefined;
    const suiteSeconds = Number(attr(suite, 'time'));
    if (start !== undefined) {
      runStart = Math.min(runStart ?? start, start);
      const end = start + (Number.isFinite(suiteSeconds) ? suiteSeconds * 1000 : 0);
      runEnd = Math.max(runEnd ?? end, end);
    }
    for (const tc of cases0) {
      const classname = attr(tc, 'classname') ?? '';
      const name = attr(tc, 'name') ?? '';
      const failures = [...nodes(tc.failure), ...nodes(tc.error)];
      const status: JunitCase['status'] = failures.length > 0 ? 'FAILURE' : nodes(tc.skipped).length > 0 ? 'NOT_EXECUTED' : 'SUCCESS';
      const c: JunitCase = { classname, name, status };
      const props = properties(tc);
      const prop = props.get('testsigma_id') ?? props.get('testsigma_case_id');
      if (prop !== undefined) {
        if (/^\d{1,19}$/.test(prop)) c.testCaseId = prop;
        else c.idProblem = `property testsigma_id "${prop.slice(0, 40)}" is not a number`;
      } else if (options.idPattern) {
        const m = options.idPattern.exec(name) ?? options.idPattern.exec(classname);
        const id = m?.[1];
        if (id !== undefined && /^\d{1,19}$/.test(id)) c.testCaseId = id;
        else if (id !== undefined) c.idProblem = `--id-pattern captured "${id.slice(0, 40)}", not a number`;
      }
      cases.push(c);
      if (c.testCaseId === undefined) continue;

      const seconds = Number(attr(tc, 'time'));
      const times =
        start !== undefined
          ? { startedAt: new Date(start).toISOString(), finishedAt: new Date(start + (Number.isFinite(seconds) ? seconds * 1000 : 0)).toISOString() }
          : {};
      const attachmentPaths = [...new Set(nodes(tc['system-out']).flatMap((o) => [...text(o).matchAll(ATTACHMENT)].map((m) => (m[1] as string).trim())))].map((p) =>
        path.resolve(dir, p),
      );
      const base = { testCaseId: c.testCaseId, ...times, ...(attachmentPaths.length > 0 ? { attachmentPaths } : {}) };
      const finalMessage = failures.map(messageOf).filter(Boolean).join('\n\n') || nodes(tc.skipped).map(messageOf).filter(Boolean).join('\n\n');
      const flaky = [...nodes(tc.flakyFailure), ...nodes(tc.flakyError)];
      const reruns = [...nodes(tc.rerunFailure), ...nodes(tc.rerunError)];
      if (flaky.length === 0 && reruns.length === 0) {
        const param = PARAMETERISED.exec(name);
        if (param) iterationOf.set(results.length, { base: `${classname} ${param[1]!}`, name: param[2]! });
        results.push({ ...base, status: c.status, ...(finalMessage ? { message: finalMessage } : {}) });
        continue;
      }
      // Surefire: flaky runs failed before the final (passing) one; reruns failed after the first failure.
      const attempts: Array<{ status: string; message: string }> = [
        ...flaky.map((f) => ({ status: 'FAILURE', message: messageOf(f) })),
        { status: c.status, message: finalMessage },
        ...reruns.map((f) => ({ status: 'FAILURE', message: messageOf(f) })),
      ];
      attempts.forEach((a, i) => results.push({ ...base, status: a.status, attempt: i + 1, ...(a.message ? { message: a.message } : {}) }));
    }
  }
  if (cases.length === 0) throw new CliError(`"${options.reportPath}" holds no <testcase>: nothing to send.`);
  return {
    ...runOf({ ...options, runId: options.runId }, runStart, runEnd),
    results: asIterations(results, iterationOf),
    cases,
    withoutId: cases.filter((c) => c.testCaseId === undefined),
  };
}

/** A parameterised testcase's name: JUnit 5, Surefire and pytest write `test[params]`. */
const PARAMETERISED = /^(.*\S)\s*\[(.+)\]$/;
const WORST = ['FAILURE', 'NOT_EXECUTED', 'SUCCESS'];

/**
 * Where the report repeats one test with parameters (two or more `name[params]` testcases of one Testsigma case and
 * one test), those results become one result with an iteration each, named by its parameters (and with them as
 * `parameters` when they read `key=value, ...`); the test's status is the worst. Anything else is left as it was.
 */
function asIterations(results: JunitResult[], iterationOf: ReadonlyMap<number, { base: string; name: string }>): JunitResult[] {
  const groups = new Map<string, number[]>();
  iterationOf.forEach((it, i) => {
    const key = `${results[i]!.testCaseId}\u0000${it.base}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  const merged = new Map<number, JunitResult>();
  const dropped = new Set<number>();
  for (const indexes of groups.values()) {
    if (indexes.length < 2) continue;
    const parts = indexes.map((i) => ({ r: results[i]!, name: iterationOf.get(i)!.name }));
    const status = parts.map((p) => p.r.status).sort((a, b) => WORST.indexOf(a) - WORST.indexOf(b))[0]!;
    const messages = parts.filter((p) => p.r.message).map((p) => `[${p.name}] ${p.r.message!}`);
    const starts = parts.map((p) => p.r.startedAt).filter((d): d is string => !!d).sort();
    const finishes = parts.map((p) => p.r.finishedAt).filter((d): d is string => !!d).sort();
    const files = [...new Set(parts.flatMap((p) => p.r.attachmentPaths ?? []))];
    merged.set(indexes[0]!, {
      testCaseId: parts[0]!.r.testCaseId,
      status,
      ...(starts.length > 0 ? { startedAt: starts[0]! } : {}),
      ...(finishes.length > 0 ? { finishedAt: finishes[finishes.length - 1]! } : {}),
      ...(messages.length > 0 ? { message: messages.join('\n\n') } : {}),
      ...(files.length > 0 ? { attachmentPaths: files } : {}),
      iterations: parts.map((p) => ({ name: p.name.slice(0, 255), status: p.r.status, ...parametersOf(p.name) })),
    });
    indexes.slice(1).forEach((i) => dropped.add(i));
  }
  return results.flatMap((r, i) => (dropped.has(i) ? [] : [merged.get(i) ?? r]));
}

/** `a=1, b=x` as parameters; nothing when the text is not all `key=value` pairs (JUnit 5's "[1] 1, x" is not). */
function parametersOf(text: string): { parameters?: Record<string, string> } {
  const pairs = text.split(/,\s*/).map((p) => /^([^=\s]+)=(.*)$/.exec(p.trim()));
  if (pairs.length === 0 || pairs.some((m) => !m)) return {};
  return { parameters: Object.fromEntries(pairs.map((m) => [m![1]!, m![2]!])) };
}

function runOf(options: JunitOptions & { runId: string }, runStart: number | undefined, runEnd: number | undefined): Pick<JunitConversion, 'run'> {
  return {
    run: {
      runId: options.runId,
      ...(options.testPlanId ? { testPlanId: options.testPlanId } : {}),
      ...(options.summary ? { summary: options.summary } : {}),
      ...(runStart !== undefined ? { startedAt: new Date(runStart).toISOString() } : {}),
      ...(runEnd !== undefined ? { finishedAt: new Date(runEnd).toISOString() } : {}),
    },
  };
}

/** "12 test cases have no Testsigma id: a, b, ... and 2 more." */
export function describeWithoutId(list: readonly JunitCase[], shown = 10): string {
  const label = (c: JunitCase) => `${c.classname ? `${c.classname} ` : ''}${c.name}${c.idProblem ? ` (${c.idProblem})` : ''}`;
  const head = list.slice(0, shown).map(label).join('; ');
  const more = list.length > shown ? `; and ${list.length - shown} more` : '';
  return `${list.length} test case${list.length === 1 ? ' has' : 's have'} no Testsigma id (not sent): ${head}${more}. ` +
    'Add a testcase property testsigma_id, or pass --id-pattern.';
}

const TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webm': 'video/webm',
  '.mp4': 'video/mp4',
  '.txt': 'text/plain',
  '.log': 'text/plain',
  '.html': 'text/html',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.zip': 'application/zip',
};

/** A content type from a file name; octet-stream when unknown. */
export function contentTypeOf(file: string): string {
  return TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}
