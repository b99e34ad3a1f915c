/**
 * The converter on real reports from more tools (test/fixtures/junit-real, provenance in test/fixtures/README.md),
 * and on the shapes of producers documented but not captured there (tst, Catch2, Robot Framework, Ant): statuses,
 * timestamps, character references, encodings, ids given by several testcases, and the mapping file.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { convertJunit, readTimestamp } from '../../cli/lib/junit';
import { decodeReport } from '../../cli/lib/encoding';
import { parseMapFile } from '../../cli/lib/mapping';

const REAL = path.resolve(__dirname, '../fixtures/junit-real');
const bytes = (name: string) => readFileSync(path.join(REAL, name));
const real = (name: string) => decodeReport(bytes(name), name);
const tally = (statuses: string[]) => statuses.reduce<Record<string, number>>((a, s) => ((a[s] = (a[s] ?? 0) + 1), a), {});
/** Gives every testcase a testsigma_id property (1, 2, ...), as a team that tags its tests would. */
function tagAll(xml: string): string {
  let n = 0;
  return xml.replace(/<testcase\b([^>]*?)(\/?)>/g, (_m, attrs: string, selfClosing: string) => {
    const props = `<properties><property name="testsigma_id" value="${++n}"/></properties>`;
    return selfClosing ? `<testcase${attrs}>${props}</testcase>` : `<testcase${attrs}>${props}`;
  });
}

describe('skipped and disabled, as each producer says it', () => {
  it('GoogleTest: status="notrun" result="suppressed" (DISABLED_ tests) is not executed, and 1970 timestamps are ignored with a warning', () => {
    const c = convertJunit(real('googletest/gtest-disabled-test_detail.xml'), { runId: 'g', reportPath: 'gtest.xml', idPattern: /Sample(\d+)/ });
    expect(c.cases).toHaveLength(16);
    expect(tally(c.cases.map((x) => x.status))).toEqual({ SUCCESS: 13, NOT_EXECUTED: 3 });
    expect(c.cases.find((x) => x.name === 'DISABLED_Sample5')?.status).toBe('NOT_EXECUTED');
    expect(c.run.startedAt?.startsWith('2021-05-2')).toBe(true);
    expect(c.results.every((r) => !r.startedAt?.startsWith('1970'))).toBe(true);
    expect(c.warnings).toContainEqual(expect.stringMatching(/timestamp "1970-01-01T00:00:00" .* ignored/));
  });

  it('GoogleTest GTEST_SKIP (result="skipped"), tst (status="disabled" / "failed" / "errored"), Catch2, Robot Framework, Ant and Ginkgo v2 shapes', () => {
    const report = `<?xml version="1.0"?>
<testsuites>
  <testsuite name="gtest"><testcase name="Skips" status="run" result="skipped" classname="S"><skipped message="GTEST_SKIP"/></testcase>
    <testcase name="SkipsNoElement" status="run" result="skipped" classname="S"/></testsuite>
  <testsuite name="tst"><testcase name="a" status="passed"/><testcase name="b" status="disabled"/><testcase name="c" status="failed"/><testcase name="d" status="errored"/></testsuite>
  <testsuite name="catch2"><testcase classname="t.global" name="skipped one"><skipped message="TEST_SKIP()"/></testcase></testsuite>
  <testsuite name="robot"><testcase classname="Suite" name="Skipped test"><skipped message="Skipped with Skip keyword."/></testcase></testsuite>
  <testsuite name="ant"><testcase classname="A" name="ignored"><skipped/></testcase><testcase classname="A" name="x" ignored="true"/></testsuite>
  <testsuite name="ginkgo"><testcase name="[It] p" status="pending"/><testcase name="[It] t" status="timedout"/><testcase name="[It] ok" status="passed"/></testsuite>
</testsuites>`;
    const c = convertJunit(report, { runId: 'x', reportPath: 'x.xml' });
    expect(c.cases.map((x) => `${x.name}:${x.status}`)).toEqual([
      'Skips:NOT_EXECUTED',
      'SkipsNoElement:NOT_EXECUTED',
      'a:SUCCESS',
      'b:NOT_EXECUTED',
      'c:FAILURE',
      'd:FAILURE',
      'skipped one:NOT_EXECUTED',
      'Skipped test:NOT_EXECUTED',
      'ignored:NOT_EXECUTED',
      'x:NOT_EXECUTED',
      '[It] p:NOT_EXECUTED',
      '[It] t:FAILURE',
      '[It] ok:SUCCESS',
    ]);
  });

  it('gotestsum: its year-1 timestamps are ignored with one warning; statuses as the report counts them', () => {
    const c = convertJunit(real('gotestsum/junitxml-report-golden.xml'), { runId: 'go', reportPath: 'go.xml' });
    expect(c.run.startedAt).toBeUndefined();
    expect(c.warnings.filter((w) => /0001-01-01/.test(w))).toHaveLength(1);
  });
});

describe('timestamps', () => {
  it('reads zone names as Java writes them (TestNG "IST" is Asia/Kolkata, GMT, UTC, PST)', () => {
    expect(readTimestamp('2021-11-05T11:54:56 IST')).toBe(Date.parse('2021-11-05T06:24:56Z'));
    expect(readTimestamp('2021-11-05T11:54:56 GMT')).toBe(Date.parse('2021-11-05T11:54:56Z'));
    expect(readTimestamp('2021-11-05 11:54:56 UTC')).toBe(Date.parse('2021-11-05T11:54:56Z'));
    expect(readTimestamp('2021-11-05T11:54:56 PST')).toBe(Date.parse('2021-11-05T19:54:56Z'));
    expect(readTimestamp('2021-11-05T11:54:56 XYZ')).toBeUndefined();
    const c = convertJunit(real('testng/TEST-com.Vtiger.pomscripts.VtigerTestCases.xml'), { runId: 't', reportPath: 't.xml' });
    expect(c.run.startedAt).toBe('2021-11-05T06:24:56.000Z');
  });

  it('a testcase\'s own timestamp starts its result (GoogleTest writes one per testcase)', () => {
    const report = '<testsuite name="s" timestamp="2026-01-01T10:00:00Z"><testcase name="TC-1" time="2" timestamp="2026-01-01T10:05:00Z"/><testcase name="TC-2" time="1"/></testsuite>';
    const c = convertJunit(report, { runId: 'r', reportPath: 'r.xml', idPattern: /TC-(\d+)/ });
    expect(c.results.map((r) => [r.testCaseId, r.startedAt, r.finishedAt])).toEqual([
      ['1', '2026-01-01T10:05:00.000Z', '2026-01-01T10:05:02.000Z'],
      ['2', '2026-01-01T10:00:00.000Z', '2026-01-01T10:00:01.000Z'],
    ]);
  });
});

describe('characters and encodings', () => {
  it('.NET JunitXml.TestLogger: &#xD;&#xA; in a message reach Xray as line breaks, not as text', () => {
    const c = convertJunit(tagAll(real('dotnet/junit-testlogger-TestResults.xml')), { runId: 'd', reportPath: 'd.xml' });
    const failing = c.results.filter((r) => r.status === 'FAILURE');
    expect(failing.length).toBeGreaterThan(0);
    for (const r of c.results) expect(r.message ?? '').not.toMatch(/&#/);
    expect(failing.some((r) => /\r?\n {2}Expected: /.test(r.message ?? ''))).toBe(true);
  });

  it('a UTF-16 report with a byte order mark (PowerShell 5\'s ">") is read as XML with its Korean names', () => {
    const text = real('encodings/gradle-korean-utf16.xml');
    const c = convertJunit(text, { runId: 'k', reportPath: 'k.xml' });
    expect(c.results.map((r) => r.testCaseId)).toEqual(['1', '2', '3', '4']);
    expect(c.cases.map((x) => x.name)).toContain('회원가입()');
  });

  it('a report that declares ISO-8859-1 is read as Latin-1', () => {
    const c = convertJunit(real('encodings/cucumber-latin1.xml'), { runId: 'l', reportPath: 'l.xml' });
    expect(c.cases[0]?.name).toBe('Nuevo envío individual - Example #1.1');
  });

  it('UTF-8 with and without a BOM, UTF-16BE, and an unknown declared encoding named in the error', () => {
    const xml = '<?xml version="1.0"?><testsuite name="é"/>';
    expect(decodeReport(Buffer.from(`\uFEFF${xml}`, 'utf8'), 'a.xml')).toBe(xml);
    expect(decodeReport(Buffer.from(xml, 'utf8'), 'a.xml')).toBe(xml);
    const be = Buffer.from(`\uFEFF${xml}`, 'utf16le').swap16();
    expect(decodeReport(be, 'a.xml')).toBe(xml);
    expect(() => decodeReport(Buffer.from('<?xml version="1.0" encoding="x-klingon"?><a/>'), 'k.xml')).toThrow(/"k\.xml" declares encoding "x-klingon", which xts cannot read/);
    expect(() => decodeReport(Buffer.from([0x3c, 0x61, 0xff, 0xfe, 0xfd, 0x3e]), 'bad.xml')).toThrow(/"bad\.xml" is not valid UTF-8 \(byte 0xff at offset 2\)/);
  });
});

describe('ids given by several testcases', () => {
  it('newman: --id-pattern (\\d+) takes "Status code is 200" for case 200: one warning says how many testcases gave it and that it looks like an HTTP status', () => {
    const c = convertJunit(real('newman/newman-report.xml'), { runId: 'n', reportPath: 'n.xml', idPattern: /(\d+)/ });
    const from200 = c.cases.filter((x) => x.testCaseId === '200').length;
    expect(from200).toBeGreaterThan(1);
    expect(c.warnings).toContainEqual(expect.stringMatching(new RegExp(`id 200 came from ${from200} testcases`)));
    expect(c.warnings).toContainEqual(expect.stringMatching(/--id-pattern took 200 from "Status code is 200".*HTTP status/));
  });

  it('a year is called out as well', () => {
    const c = convertJunit('<testsuite name="s"><testcase name="report for 2024"/></testsuite>', { runId: 'r', reportPath: 'r.xml', idPattern: /(\d+)/ });
    expect(c.warnings).toContainEqual(expect.stringMatching(/--id-pattern took 2024 from "report for 2024".*year/));
  });

  it('a pattern with a marker (TC-(\\d+)) is trusted: TC-404 is case 404 without a word', () => {
    const c = convertJunit('<testsuite name="s"><testcase name="TC-404 returns not found"/></testsuite>', { runId: 'r', reportPath: 'r.xml', idPattern: /TC-(\d+)/ });
    expect(c.results.map((r) => r.testCaseId)).toEqual(['404']);
    expect(c.warnings).toEqual([]);
  });
});

describe('the mapping file (--map)', () => {
  it('maps a test name or classname.name to a case id; a property still wins, then the map, then --id-pattern', () => {
    const map = parseMapFile('test,testsigma_id\nStatus code is 200,609\n"PassingPostmanCollection.Response time is less than 200ms",610\n', 'map.csv');
    const c = convertJunit(real('newman/newman-report.xml'), { runId: 'n', reportPath: 'n.xml', map, idPattern: /(\d+)/ });
    expect(new Set(c.cases.filter((x) => x.name === 'Status code is 200').map((x) => x.testCaseId))).toEqual(new Set(['609']));
    expect(c.warnings.some((w) => /HTTP status/.test(w) && /Status code is 200/.test(w))).toBe(false);
  });

  it('says which line of the file is wrong', () => {
    expect(() => parseMapFile('a,1\nb,TC-2\n', 'map.csv')).toThrow(/map\.csv line 2: "TC-2" is not a Testsigma case id/);
    expect(() => parseMapFile('a;1\n', 'map.csv')).toThrow(/map\.csv line 1: .*two columns/);
  });
});

describe('huge values', () => {
  it('an attribute, a text and a CDATA section of 5 MB each are cut to the 32,000 characters the app keeps, attachment lines kept, with a warning', () => {
    const big = 'x'.repeat(5 * 1024 * 1024);
    const report =
      `<testsuite name="s"><testcase name="TC-1"><failure message="${big}&#10;end">${big}</failure>` +
      `<system-out><![CDATA[${big}\n[[ATTACHMENT|shots/last.png]]\n]]></system-out></testcase></testsuite>`;
    const c = convertJunit(report, { runId: 'r', reportPath: '/reports/r.xml', idPattern: /TC-(\d+)/ });
    expect(c.results).toHaveLength(1);
    expect(c.results[0]?.message?.length).toBeLessThanOrEqual(32_000);
    expect(c.results[0]?.message).toMatch(/^x{1000}/);
    expect(c.results[0]?.attachmentPaths).toEqual([path.resolve('/reports/shots/last.png')]);
    expect(c.warnings).toContainEqual(expect.stringMatching(/^3 values in the report \(the longest 5,242,9\d\d characters\) were cut to 32,000 characters/));
  });
});

describe('empty reports and suite names', () => {
  it('jest-junit with no test (--passWithNoTests) is empty, not "not a JUnit report"', () => {
    const c = convertJunit(real('jest-junit/jest-junit-no-tests.xml'), { runId: 'e', reportPath: 'e.xml' });
    expect(c.cases).toEqual([]);
    expect(c.empty).toBe(true);
  });

  it('without --summary, the Test Execution takes the report\'s suite name', () => {
    expect(convertJunit(real('pytest/report-xunit2.xml'), { runId: 'p', reportPath: 'p.xml' }).run.summary).toBe('pytest');
    expect(convertJunit(real('newman/newman-report.xml'), { runId: 'p', reportPath: 'p.xml' }).run.summary).toBe('Passing Postman collection');
    expect(convertJunit(real('pytest/report-xunit2.xml'), { runId: 'p', reportPath: 'p.xml', summary: 'Nightly' }).run.summary).toBe('Nightly');
  });
});
