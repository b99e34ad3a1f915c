/**
 * JUnit / xUnit XML reports (Maven Surefire, pytest, jest-junit, Playwright, ...) into the web trigger's results
 * format. Pure: attachments are named here (`[[ATTACHMENT|path]]`, resolved against the report's folder) and read
 * by the caller, which knows the file system.
 */
import { XMLParser } from 'fast-xml-parser';
import * as path from 'node:path';
import { CliError } from './errors';
import { printable } from './printable';
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
  /**
   * Per attachment path, where else to look when it is not in the report's folder: the same relative path in
   * `--attachments-dir` (Playwright before it wrote paths relative to the report file used its test folder,
   * `config.rootDir`).
   */
  attachmentFallbacks?: Array<string | undefined>;
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
  /** True when the report is JUnit but holds no testcase (a shard or a run with no tests). */
  empty: boolean;
  /** What the user should know about the report: ignored timestamps, ids given by several testcases, suspicious ids. */
  warnings: string[];
}

/** The app keeps at most this much of a result's message (contract: `message` to 32,000 characters). */
export const MAX_MESSAGE_CHARS = 32_000;

// Attribute values, text and CDATA over 64 KiB are cut before parsing: the parser's copies of a 50 MB value cost
// about 1.8 GB, and the app keeps 32,000 characters of a message anyway. Attachment lines in the part cut are kept.
// A scan with indexOf rather than one regular expression, which overflows its stack on such a value.
const LONG_VALUE = 65_536;
const ATTACHMENT_MARK = /\[\[ATTACHMENT\|[^\]\r\n<]+\]\]/g;
const TAG_PART = /["'>]/g;

function shrinkLongValues(xml: string, warnings: string[]): string {
  const parts: string[] = [];
  let from = 0;
  let cut = 0;
  let longest = 0;
  /** Replaces xml[start, end) by its head (and the attachment lines of the rest) when it is too long. */
  const shrink = (start: number, end: number, inCdata: boolean) => {
    if (end - start <= LONG_VALUE) return;
    const head = xml.slice(start, start + MAX_MESSAGE_CHARS);
    const kept = [...xml.slice(start + MAX_MESSAGE_CHARS, end).matchAll(ATTACHMENT_MARK)].map((m) => m[0]);
    // Never end inside an entity reference (&#xA;), which would no longer be XML.
    parts.push(xml.slice(from, start), inCdata ? head : head.replace(/&[^;]*$/, ''), ' [cut by xts]', ...kept.map((k) => `\n${k}`));
    from = end;
    cut++;
    longest = Math.max(longest, end - start);
  };
  let pos = 0;
  while (pos < xml.length) {
    const lt = xml.indexOf('<', pos);
    shrink(pos, lt < 0 ? xml.length : lt, false);
    if (lt < 0) break;
    if (xml.startsWith('<![CDATA[', lt)) {
      const close = xml.indexOf(']]>', lt + 9);
      if (close < 0) break;
      shrink(lt + 9, close, true);
      pos = close + 3;
    } else if (xml.startsWith('<!--', lt)) {
      const close = xml.indexOf('-->', lt + 4);
      pos = close < 0 ? xml.length : close + 3;
    } else {
      // A tag: skip quoted attribute values (which may hold ">") to its end.
      TAG_PART.lastIndex = lt + 1;
      pos = xml.length;
      for (let m = TAG_PART.exec(xml); m; m = TAG_PART.exec(xml)) {
        if (m[0] === '>') {
          pos = m.index + 1;
          break;
        }
        const close = xml.indexOf(m[0], m.index + 1);
        if (close < 0) break;
        shrink(m.index + 1, close, false);
        TAG_PART.lastIndex = close + 1;
      }
    }
  }
  if (cut === 0) return xml;
  parts.push(xml.slice(from));
  warnings.push(
    `${cut} value${cut === 1 ? '' : 's'} in the report (the longest ${longest.toLocaleString('en-US')} characters) ${cut === 1 ? 'was' : 'were'} cut to ` +
      `${MAX_MESSAGE_CHARS.toLocaleString('en-US')} characters, as the app keeps no more of a message; attachment lines in them are kept.`,
  );
  return parts.join('');
}

/** A message of at most what the app keeps, saying when it was cut. */
function capMessage(message: string): string {
  return message.length <= MAX_MESSAGE_CHARS ? message : `${message.slice(0, MAX_MESSAGE_CHARS - 40)}\n[cut by xts: ${message.length} characters]`;
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
  // Numeric character references (&#10; &#xD; &#039;) are plain XML, which the parser only decodes with this on;
  // .NET loggers, pytest and gotestsum write them in messages.
  htmlEntities: true,
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
 * Zone names Java tools print after a timestamp (TestNG's JUnitReportReporter formats with `z`), in minutes east of
 * UTC. An abbreviation is read as Java's `ZoneId.SHORT_IDS` reads it: `IST` is Asia/Kolkata, `CST` America/Chicago
 * (standard time; a daylight name such as `CDT` says so itself).
 */
const ZONE_NAMES: Record<string, number> = {
  Z: 0, UT: 0, UTC: 0, GMT: 0, WET: 0, WEST: 60, BST: 60, CET: 60, CEST: 120, MET: 60, MEST: 120, EET: 120, EEST: 180,
  MSK: 180, IST: 330, PKT: 300, ICT: 420, SGT: 480, HKT: 480, AWST: 480, JST: 540, KST: 540, ACST: 570, AEST: 600, AEDT: 660,
  NZST: 720, NZDT: 780, BRT: -180, ART: -180, EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420,
  AKST: -540, AKDT: -480, HST: -600,
};

/** Timestamps before this are a producer's placeholder (GoogleTest's 1970 for tests that did not run, Go's year 1). */
const EARLIEST = Date.UTC(2000, 0, 1);
const LATEST = Date.UTC(2100, 0, 1);

/**
 * Reads a report timestamp as an instant (ms). One with an offset or `Z` is exact; one without is wall time in
 * `timeZone` (an IANA name), or in this machine's zone when none is given, as the tools that omit it write local time.
 */
export function readTimestamp(value: string, timeZone?: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:(Z|[+-]\d{2}:?\d{2})|\s+([A-Za-z]{1,5}))?$/.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, offsetZone, zoneName] = m;
  let zone = offsetZone;
  if (zoneName !== undefined) {
    const minutes = ZONE_NAMES[zoneName.toUpperCase()];
    if (minutes === undefined) return undefined;
    zone = `${minutes < 0 ? '-' : '+'}${String(Math.floor(Math.abs(minutes) / 60)).padStart(2, '0')}:${String(Math.abs(minutes) % 60).padStart(2, '0')}`;
  }
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

// Words producers put in a testcase's `status` or `result` attribute (GoogleTest: status="notrun",
// result="suppressed" for DISABLED_ tests and result="skipped" for GTEST_SKIP; the C++ framework tst: status=
// "passed" | "failed" | "errored" | "disabled"; Ginkgo v2: "passed" | "skipped" | "pending" | "failed" | "panicked" |
// "interrupted" | "timedout" | "aborted"; others "skipped", "ignored").
const NOT_RUN_WORDS = new Set(['notrun', 'not_run', 'not-run', 'disabled', 'suppressed', 'skipped', 'skip', 'ignored', 'pending', 'excluded']);
const FAILED_WORDS = new Set(['failed', 'failure', 'fail', 'error', 'errored', 'broken', 'panicked', 'interrupted', 'timedout', 'aborted']);
const TRUE = /^(true|1|yes)$/i;

/**
 * A testcase's status, from every way a producer says it: a `failure` or `error` element (or a failing `status`)
 * is FAILURE; a `skipped` element (Surefire, pytest, TestNG, Catch2, Robot Framework, Ant, the .NET loggers), a
 * `disabled`/`ignored` element or attribute, or a not-run `status`/`result` word is NOT_EXECUTED; else SUCCESS.
 */
function statusOf(tc: Node, failures: Node[]): JunitCase['status'] {
  if (failures.length > 0) return 'FAILURE';
  const words = [attr(tc, 'status'), attr(tc, 'result')].map((w) => (w ?? '').trim().toLowerCase());
  if (words.some((w) => FAILED_WORDS.has(w))) return 'FAILURE';
  if (nodes(tc.skipped).length > 0 || nodes(tc.disabled).length > 0 || nodes(tc.ignored).length > 0) return 'NOT_EXECUTED';
  if (['skipped', 'disabled', 'ignored'].some((a) => TRUE.test(attr(tc, a) ?? ''))) return 'NOT_EXECUTED';
  if (/^false$/i.test(attr(tc, 'executed') ?? '')) return 'NOT_EXECUTED';
  if (words.some((w) => NOT_RUN_WORDS.has(w))) return 'NOT_EXECUTED';
  return 'SUCCESS';
}

/** Numbers an id pattern should not take for a case id without a word: an HTTP status, or a year. */
function suspicious(id: string): string | undefined {
  const n = Number(id);
  if (id.length === 3 && n >= 100 && n <= 599) return 'an HTTP status';
  if (id.length === 4 && n >= 1900 && n <= 2099) return 'a year';
  return undefined;
}

/** A name for the Test Execution when none is given: the report's own (`<testsuites name>`, else its suites'). */
function reportName(doc: Node, suites: Node[]): string | undefined {
  const root = nodes(doc.testsuites)[0];
  const rootName = root ? attr(root, 'name')?.trim() : undefined;
  if (rootName) return rootName;
  const named = [...new Set(suites.filter((s) => nodes(s.testcase).length > 0).map((s) => attr(s, 'name')?.trim()).filter((n): n is string => !!n))];
  if (named.length === 0) return undefined;
  return named.length === 1 ? named[0] : `${named[0]} and ${named.length - 1} more suite${named.length === 2 ? '' : 's'}`;
}

/**
 * Converts a JUnit XML report. Status: `failure` or `error` is FAILURE, `skipped` NOT_EXECUTED, none SUCCESS.
 * Surefire's `flakyFailure` / `flakyError` (failed runs before a pass) and `rerunFailure` / `rerunError` (failed
 * re-runs after the first failure) become `attempt` entries, in the order the runs happened.
 * Throws a {@link CliError} when the text is not a JUnit report.
 */
export function convertJunit(xml: string, options: JunitOptions & { reportPath: string }): JunitConversion {
  let doc: Node;
  const warnings: string[] = [];
  try {
    doc = parser.parse(shrinkLongValues(xml.replace(/^\uFEFF/, ''), warnings), true) as Node;
  } catch (err) {
    const detail = (err as { err?: { msg?: string; line?: number } }).err;
    const why = detail?.msg ? `${detail.msg}${detail.line ? ` (line ${detail.line})` : ''}` : (err as Error).message;
    throw new CliError(`"${options.reportPath}" is not well-formed XML: ${why}. Nothing was sent.`);
  }
  const suites = collectSuites(doc);
  if (suites.length === 0 && doc.testsuites === undefined) {
    throw new CliError(`"${options.reportPath}" is XML but holds no <testsuite>: it is not a JUnit report. Nothing was sent.`);
  }
  const empty = suites.every((s) => nodes(s.testcase).length === 0);
  if (empty) return { run: { runId: options.runId ?? '' }, results: [], cases: [], withoutId: [], empty: true, warnings };
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
  const ignoredStamps = new Map<string, number>();
  /** A timestamp as an instant, or undefined (and counted for one warning) when it cannot be a real run's. */
  const instant = (stamp: string | undefined): number | undefined => {
    if (stamp === undefined || stamp.trim() === '') return undefined;
    const t = readTimestamp(stamp, options.timeZone);
    if (t !== undefined && t >= EARLIEST && t < LATEST) return t;
    ignoredStamps.set(stamp, (ignoredStamps.get(stamp) ?? 0) + 1);
    return undefined;
  };
  const suspects = new Map<string, string>();

  for (const suite of suites) {
    const cases0 = nodes(suite.testcase);
    if (cases0.length === 0) continue;
    const start = instant(attr(suite, 'timestamp'));
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
      const status = statusOf(tc, failures);
      const c: JunitCase = { classname, name, status };
      const props = properties(tc);
      const prop = props.get('testsigma_id') ?? props.get('testsigma_case_id');
      if (prop !== undefined) {
        if (/^\d{1,19}$/.test(prop)) c.testCaseId = prop;
        else c.idProblem = `property testsigma_id "${printable(prop.slice(0, 40))}" is not a number`;
      } else if (options.map && (options.map.has(`${classname}.${name}`) || options.map.has(name))) {
        c.testCaseId = options.map.get(`${classname}.${name}`) ?? options.map.get(name);
      } else if (options.idPattern) {
        const fromName = options.idPattern.exec(name);
        const m = fromName ?? options.idPattern.exec(classname);
        const id = m?.[1];
        if (id !== undefined && /^\d{1,19}$/.test(id)) {
          c.testCaseId = id;
          // Only a pattern that matched the bare number (such as '(\d+)') is suspect: 'TC-(\d+)' says it is an id.
          const looks = m?.[0].trim() === id ? suspicious(id) : undefined;
          if (looks && !suspects.has(id)) suspects.set(id, `--id-pattern took ${id} from "${printable((fromName ? name : classname).slice(0, 80))}", which looks like ${looks}, not a case id`);
        } else if (id !== undefined) c.idProblem = `--id-pattern captured "${printable(id.slice(0, 40))}", not a number`;
      }
      cases.push(c);
      if (c.testCaseId === undefined) continue;

      const seconds = Number(attr(tc, 'time'));
      // A testcase's own timestamp (GoogleTest, some jest-junit and Robot versions) is closer than its suite's.
      const own = instant(attr(tc, 'timestamp')) ?? start;
      const times =
        own !== undefined
          ? { startedAt: new Date(own).toISOString(), finishedAt: new Date(own + (Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 0)).toISOString() }
          : {};
      const refs = [...new Set(nodes(tc['system-out']).flatMap((o) => [...text(o).matchAll(ATTACHMENT)].map((m) => (m[1] as string).trim())))];
      const attachmentPaths = refs.map((p) => path.resolve(dir, p));
      const extraDir = options.attachmentsDir;
      const attachmentFallbacks = extraDir ? refs.map((p) => (path.isAbsolute(p) ? undefined : path.resolve(extraDir, p))) : [];
      const base = {
        testCaseId: c.testCaseId,
        ...times,
        ...(attachmentPaths.length > 0 ? { attachmentPaths } : {}),
        ...(attachmentFallbacks.some((f) => f !== undefined) ? { attachmentFallbacks } : {}),
      };
      const finalMessage = capMessage(failures.map(messageOf).filter(Boolean).join('\n\n') || nodes(tc.skipped).map(messageOf).filter(Boolean).join('\n\n'));
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
        ...flaky.map((f) => ({ status: 'FAILURE', message: capMessage(messageOf(f)) })),
        { status: c.status, message: finalMessage },
        ...reruns.map((f) => ({ status: 'FAILURE', message: capMessage(messageOf(f)) })),
      ];
      attempts.forEach((a, i) => results.push({ ...base, status: a.status, attempt: i + 1, ...(a.message ? { message: a.message } : {}) }));
    }
  }
  for (const [stamp, count] of ignoredStamps) {
    warnings.push(`the timestamp "${printable(stamp.slice(0, 40))}" (${count} time${count === 1 ? '' : 's'} in the report) is not a real run's time, so it is ignored.`);
  }
  const byId = new Map<string, JunitCase[]>();
  for (const c of cases) if (c.testCaseId !== undefined) byId.set(c.testCaseId, [...(byId.get(c.testCaseId) ?? []), c]);
  const iterated = asIterations(results, iterationOf);
  // A test repeated with parameters is one test with iterations, not several testcases sharing an id.
  const asOne = new Set(iterated.filter((r) => r.iterations).map((r) => r.testCaseId));
  const shared = [...byId.entries()].filter(([id, list]) => list.length > 1 && !asOne.has(id));
  if (shared.length > 0) {
    const label = (c: JunitCase) => printable(`${c.classname ? `${c.classname} ` : ''}${c.name}`.slice(0, 80));
    const shown = shared
      .slice(0, 10)
      .map(([id, list]) => `id ${id} came from ${list.length} testcases (${list.slice(0, 3).map(label).join('; ')}${list.length > 3 ? '; ...' : ''})`)
      .join(', ');
    warnings.push(
      `${shared.length} Testsigma id${shared.length === 1 ? ' was' : 's were'} given by more than one testcase, so ${shared.reduce((n, [, l]) => n + l.length, 0)} testcases become ${shared.length} test${shared.length === 1 ? '' : 's'} in Xray, each with its worst status: ` +
        `${shown}${shared.length > 10 ? `, and ${shared.length - 10} more` : ''}. If they are different tests, give each its own id (a property testsigma_id, --map, or a narrower --id-pattern).`,
    );
  }
  warnings.push(...suspects.values());
  const summary = options.summary ?? reportName(doc, suites);
  return {
    run: {
      runId: options.runId,
      ...(options.testPlanId ? { testPlanId: options.testPlanId } : {}),
      ...(summary ? { summary } : {}),
      ...(runStart !== undefined ? { startedAt: new Date(runStart).toISOString() } : {}),
      ...(runEnd !== undefined ? { finishedAt: new Date(runEnd).toISOString() } : {}),
    },
    results: iterated,
    cases,
    withoutId: cases.filter((c) => c.testCaseId === undefined),
    empty: false,
    warnings,
  };
}

/** "12 test cases have no Testsigma id: a, b, ... and 2 more." */
export function describeWithoutId(list: readonly JunitCase[], shown = 10): string {
  // Names come from the code under test: one line each, so none can start a workflow command in the CI log.
  const label = (c: JunitCase) => printable(`${c.classname ? `${c.classname} ` : ''}${c.name}${c.idProblem ? ` (${c.idProblem})` : ''}`);
  const head = list.slice(0, shown).map(label).join('; ');
  const more = list.length > shown ? `; and ${list.length - shown} more` : '';
  return `${list.length} test case${list.length === 1 ? ' has' : 's have'} no Testsigma id (not sent): ${head}${more}. ` +
    'Add a testcase property testsigma_id, list them in a mapping file (--map map.csv: test name,case id), or pass --id-pattern.';
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
    // Each file once, with the fallback its own testcase gave it.
    const files = new Map<string, string | undefined>();
    for (const p of parts) (p.r.attachmentPaths ?? []).forEach((f, k) => files.has(f) || files.set(f, p.r.attachmentFallbacks?.[k]));
    const fallbacks = [...files.values()];
    merged.set(indexes[0]!, {
      testCaseId: parts[0]!.r.testCaseId,
      status,
      ...(starts.length > 0 ? { startedAt: starts[0]! } : {}),
      ...(finishes.length > 0 ? { finishedAt: finishes[finishes.length - 1]! } : {}),
      ...(messages.length > 0 ? { message: messages.join('\n\n') } : {}),
      ...(files.size > 0 ? { attachmentPaths: [...files.keys()] } : {}),
      ...(fallbacks.some((f) => f !== undefined) ? { attachmentFallbacks: fallbacks } : {}),
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
