/**
 * The committed single file `cli/dist/xts.cjs` over every real report in test/fixtures/junit-real, as a CI job runs
 * it: `xts send <report> --map map.csv --json` against the web trigger stand-in over loopback HTTP. The mapping file
 * gives each distinct testcase (classname.name) its own case id, as a team with no per-test properties would; the
 * expected figures are the reports' own counters (tests, failures + errors, skipped + disabled), noted per row where a
 * producer counts otherwise.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { convertJunit } from '../../cli/lib/junit';
import { decodeReport } from '../../cli/lib/encoding';
import { startStandin } from './standin';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const SINGLE = path.join(ROOT, 'cli', 'dist', 'xts.cjs');
const REAL = path.join(ROOT, 'test', 'fixtures', 'junit-real');
const SECRET = 'whsec_real_reports';

interface Row {
  /** Testcases in the report. */
  read: number;
  /** Tests sent (distinct case ids). */
  sent: number;
  /** Statuses of the results sent, as xts wrote them. */
  statuses: Record<string, number>;
  /** Warnings xts must print for this report. */
  warns?: RegExp[];
}

const EXPECTED: Record<string, Row | 'empty'> = {
  'cypress/cypress-results.xml': { read: 6, sent: 6, statuses: { SUCCESS: 4, FAILURE: 2 } },
  'dotnet/junit-testlogger-TestResults.xml': { read: 52, sent: 52, statuses: { SUCCESS: 32, FAILURE: 14, NOT_EXECUTED: 6 } },
  'encodings/cucumber-latin1.xml': { read: 3, sent: 3, statuses: { FAILURE: 3 } },
  'encodings/gradle-korean-utf16.xml': { read: 4, sent: 4, statuses: { SUCCESS: 4 } },
  // <testsuites tests="5" failures="2" skipped="1">: its leaf suites count only 2 (the nested one holds the rest).
  'go-junit-report/go-junit-report.xml': { read: 5, sent: 5, statuses: { SUCCESS: 2, FAILURE: 2, NOT_EXECUTED: 1 } },
  'googletest/gtest-disabled-test_detail.xml': {
    read: 16,
    sent: 16,
    statuses: { SUCCESS: 13, NOT_EXECUTED: 3 }, // disabled="3"
    warns: [/the timestamp "1970-01-01T00:00:00" \(4 times in the report\) is not a real run's time, so it is ignored/],
  },
  // tests="59" failures="13": the 60th testcase is badmain's TestMain, which its suite counts as tests="0".
  'gotestsum/junitxml-report-golden.xml': { read: 60, sent: 60, statuses: { SUCCESS: 42, FAILURE: 13, NOT_EXECUTED: 5 }, warns: [/"0001-01-01T00:00:00Z"/] },
  'jest-junit/jest-junit-dorny.xml': { read: 6, sent: 6, statuses: { SUCCESS: 1, FAILURE: 4, NOT_EXECUTED: 1 } },
  'jest-junit/jest-junit-no-tests.xml': 'empty',
  'make/junit-report-1472.xml': { read: 2653, sent: 2653, statuses: { SUCCESS: 2652, FAILURE: 1 } },
  // Four testcases share classname and name ("Status code is 200", one failed): one test, its worst status.
  'newman/newman-report.xml': {
    read: 7,
    sent: 4,
    statuses: { SUCCESS: 3, FAILURE: 1 },
    warns: [/1 Testsigma id was given by more than one testcase, so 4 testcases become 1 test in Xray.*id 1000 came from 4 testcases/],
  },
  'playwright/playwright-report.xml': { read: 60, sent: 60, statuses: { SUCCESS: 36, FAILURE: 4, NOT_EXECUTED: 20 } },
  'pytest/report-xunit2.xml': { read: 3, sent: 3, statuses: { SUCCESS: 1, FAILURE: 2 } },
  // tests="3" failures="2" count every run: two flakyFailure, then the pass (attempts 1-3, the last decides).
  'surefire/TEST-io.olamy.FlakyTest.xml': { read: 1, sent: 1, statuses: { SUCCESS: 1 } },
  'testng/TEST-com.Vtiger.pomscripts.VtigerTestCases.xml': { read: 4, sent: 4, statuses: { SUCCESS: 2, FAILURE: 1, NOT_EXECUTED: 1 } },
};

/** Worst first: entries of one case id without `attempt` keep the worst status (docs/webtrigger-api.md). */
const WORST = ['FAILURE', 'NOT_EXECUTED', 'SUCCESS'];

const reports = readdirSync(REAL, { recursive: true, withFileTypes: true })
  .filter((d) => d.isFile() && d.name.endsWith('.xml'))
  .map((d) => path.relative(REAL, path.join(d.parentPath, d.name)))
  .sort();

describe('xts over the real reports', () => {
  let standin: Awaited<ReturnType<typeof startStandin>>;
  beforeAll(async () => {
    standin = await startStandin({ secret: SECRET });
  });
  afterAll(() => standin.close());

  it.each(reports)('%s', async (name) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'xts-real-'));
    const report = path.join(dir, path.basename(name));
    copyFileSync(path.join(REAL, name), report);
    const { cases } = convertJunit(decodeReport(readFileSync(report), name), { runId: 'map', reportPath: report });
    const keys = [...new Set(cases.map((c) => `${c.classname}.${c.name}`))];
    const csv = keys.map((k, i) => `"${k.replaceAll('"', '""')}",${1000 + i}`).join('\n');
    writeFileSync(path.join(dir, 'map.csv'), `test,testsigma_id\n${csv}\nno such test,999\n`);
    const before = standin.requests.length;
    const runId = `real-${name.replace(/[^A-Za-z0-9]+/g, '-')}`.slice(0, 64);
    let out: { code: number; stdout: string; stderr: string };
    try {
      const r = await run(process.execPath, [SINGLE, 'send', report, '--run-id', runId, '--map', path.join(dir, 'map.csv'), '--json'], {
        env: { PATH: process.env.PATH ?? '', XTS_URL: standin.url, XTS_SECRET: SECRET },
        cwd: dir,
        timeout: 30_000,
      });
      out = { code: 0, stdout: r.stdout, stderr: r.stderr };
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      out = { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
    expect(out.code).toBe(0);
    const posts = standin.requests.slice(before).filter((r) => r.method === 'POST');
    const results = posts.flatMap((p) => (JSON.parse(p.body) as { results: Array<{ testCaseId: string; status: string; attempt?: number }> }).results);
    // With attempts, the highest one is the test's status; without, the worst entry.
    const last = new Map<string, { status: string; attempt: number }>();
    for (const r of results) {
      const seen = last.get(r.testCaseId);
      const attempt = r.attempt ?? 0;
      if (!seen || attempt > seen.attempt || (attempt === seen.attempt && WORST.indexOf(r.status) < WORST.indexOf(seen.status))) last.set(r.testCaseId, { status: r.status, attempt });
    }
    const row: Row = {
      read: cases.length,
      sent: last.size,
      statuses: [...last.values()].reduce<Record<string, number>>((a, { status }) => ((a[status] = (a[status] ?? 0) + 1), a), {}),
    };
    const expected = EXPECTED[name];
    if (expected === undefined) throw new Error(`${name} has no row in EXPECTED: add its figures from the report's own counters.`);
    if (expected === 'empty') {
      expect(posts).toEqual([]);
      expect(JSON.parse(out.stdout)).toMatchObject({ ok: true, empty: true });
    } else {
      const { warns = [], ...figures } = expected;
      expect(row).toEqual(figures);
      for (const w of warns) expect(out.stderr).toMatch(w);
      expect(JSON.parse(out.stdout)).toMatchObject({ ok: true, runId });
    }
  }, 60_000);
});
