/**
 * JUnit XML into results, on the real reports in test/fixtures/junit (Surefire, pytest, jest-junit, Playwright).
 * The server does not honour `attempt` yet (triage issue), so these check the converter's output, not Xray's.
 */
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { convertJunit, describeWithoutId, looksLikeXml, readTimestamp } from '../../cli/lib/junit';
import { readInput } from '../../cli/lib/main';

const FIXTURES = path.resolve(__dirname, '../fixtures/junit');
const fixture = (name: string) => path.join(FIXTURES, name);
const xml = (name: string) => readFileSync(fixture(name), 'utf8');
const tally = (statuses: string[]) => statuses.reduce<Record<string, number>>((a, s) => ((a[s] = (a[s] ?? 0) + 1), a), {});

/** Gives the testcase named `name` a testsigma_id property, the way a team would tag its tests. */
function tag(report: string, name: string, id: string, prop = 'testsigma_id'): string {
  const re = new RegExp(`(<testcase name="${name}"[^>]*>)`);
  expect(report).toMatch(re);
  return report.replace(re, `$1<properties><property name="${prop}" value="${id}"/></properties>`);
}

describe('convertJunit on real reports', () => {
  it('Playwright: 93 testcases, statuses as the report counts them, attachments relative to the report', () => {
    const c = convertJunit(xml('playwright.attachments-retries-skipped.xml'), { runId: 'pw-1', reportPath: fixture('playwright.attachments-retries-skipped.xml'), idPattern: /retry-(\d+)/ });
    expect(c.cases).toHaveLength(93);
    expect(tally(c.cases.map((x) => x.status))).toEqual({ SUCCESS: 84, NOT_EXECUTED: 6, FAILURE: 3 });
    expect(c.run).toEqual({
      runId: 'pw-1',
      summary: 'tests/demo-todo-app.spec.ts and 4 more suites', // no --summary: the report's own suite names
      startedAt: '2024-08-27T05:12:38.392Z',
      finishedAt: expect.stringMatching(/^2024-08-27T05:1\d:/),
    });
    // No Playwright name carries "retry-<digits>", so none is sent and all are listed.
    expect(c.results).toEqual([]);
    expect(c.withoutId).toHaveLength(93);

    const timeout = xml('playwright.attachments-retries-skipped.xml').replace(/(<testcase name="[^"]*time-out"[^>]*>)/, '$1<properties><property name="testsigma_id" value="701"/></properties>');
    const t = convertJunit(timeout, { runId: 'pw-1', reportPath: fixture('playwright.attachments-retries-skipped.xml') });
    expect(t.results).toEqual([
      expect.objectContaining({
        testCaseId: '701',
        status: 'FAILURE',
        message: expect.stringMatching(/^timeout-example\.spec\.ts:3:5 time-out\n/),
        attachmentPaths: [path.join(FIXTURES, 'test-results/tests-timeout-example-time-out-chromium-retry1/trace.zip')],
      }),
    ]);
  });

  it('pytest: failures, skips and xfail, a zone offset in the timestamp, --id-pattern over the name then the classname', () => {
    const c = convertJunit(xml('pytest.failure-skip-xfail-properties.xml'), { runId: 'py-1', reportPath: fixture('pytest.failure-skip-xfail-properties.xml'), idPattern: /param(\d+)/ });
    expect(c.cases).toHaveLength(10);
    expect(c.results).toEqual([
      { testCaseId: '1', status: 'SUCCESS', startedAt: '2025-11-15T16:51:49.548Z', finishedAt: '2025-11-15T16:51:49.548Z' },
      { testCaseId: '2', status: 'SUCCESS', startedAt: '2025-11-15T16:51:49.548Z', finishedAt: '2025-11-15T16:51:49.548Z' },
    ]);
    expect(c.run.startedAt).toBe('2025-11-15T16:51:49.548Z'); // -05:00 read as written
    const byName = (n: string) => c.cases.find((x) => x.name === n)?.status;
    expect(byName('test_always_fail')).toBe('FAILURE');
    expect(byName('test_always_skip')).toBe('NOT_EXECUTED');
    expect(byName('test_expected_failure')).toBe('NOT_EXECUTED');
    expect(describeWithoutId(c.withoutId)).toMatch(/^8 test cases have no Testsigma id \(not sent\): tests\.test_lib test_always_pass; .*; custom_classname test_with_record_xml_attribute\. Add a testcase property testsigma_id, list them in a mapping file \(--map map\.csv: test name,case id\), or pass --id-pattern\.$/);

    // pytest writes classname before name; tag() finds a testcase by a leading name, so swap them first.
    const swapped = xml('pytest.failure-skip-xfail-properties.xml').replace(/<testcase classname="([^"]*)" name="([^"]*)"/g, '<testcase name="$2" classname="$1"');
    const tagged = tag(tag(swapped, 'test_always_fail', '609'), 'test_always_skip', '610', 'testsigma_case_id');
    const t = convertJunit(tagged, {
      runId: 'py-1',
      reportPath: fixture('pytest.failure-skip-xfail-properties.xml'),
    });
    expect(t.results.map((r) => [r.testCaseId, r.status, r.message?.split('\n')[0]])).toEqual([
      ['610', 'NOT_EXECUTED', 'skipped'],
      ['609', 'FAILURE', 'assert False'],
    ]);
  });

  it('jest-junit: a failure without a message attribute keeps its text; a timestamp without zone is local time or --timezone', () => {
    const report = xml('jest-junit.failures-skipped.xml');
    const local = convertJunit(report, { runId: 'j-1', reportPath: fixture('jest-junit.failures-skipped.xml'), idPattern: /Test (\d+)/ });
    expect(local.run.startedAt).toBe(new Date(2020, 9, 27, 21, 39, 41).toISOString());
    const berlin = convertJunit(report, { runId: 'j-1', reportPath: fixture('jest-junit.failures-skipped.xml'), idPattern: /Test (\d+)/, timeZone: 'Europe/Berlin' });
    expect(berlin.run.startedAt).toBe('2020-10-27T20:39:41.000Z'); // CET, after the October change
    expect(convertJunit(report, { runId: 'j-1', reportPath: 'x.xml', idPattern: /Test (\d+)/, timeZone: 'UTC' }).run.startedAt).toBe('2020-10-27T21:39:41.000Z');
    expect(tally(local.cases.map((x) => x.status))).toEqual({ SUCCESS: 1, FAILURE: 4, NOT_EXECUTED: 1 });
    const failing = local.results.find((r) => r.status === 'FAILURE');
    expect(failing?.message).toMatch(/^Error: expect\(received\)\.toBeTruthy\(\)\n\nReceived: false\n {4}at Object\.<anonymous>/);
  });

  it('Surefire: rerunFailure / rerunError after a failure and flakyFailure / flakyError before a pass become attempts', () => {
    let report = xml('surefire.rerun.flaky-and-rerun.xml');
    const names = [...report.matchAll(/<testcase name="([^"]+)"/g)].map((m) => m[1] as string);
    expect(names).toHaveLength(4);
    names.forEach((n, i) => (report = tag(report, n, String(801 + i))));
    const c = convertJunit(report, { runId: 'mvn-1', reportPath: fixture('surefire.rerun.flaky-and-rerun.xml') });
    const of = (id: string) => c.results.filter((r) => r.testCaseId === id).map((r) => [r.attempt, r.status]);
    expect(of('801')).toEqual([[1, 'FAILURE'], [2, 'FAILURE'], [3, 'FAILURE'], [4, 'FAILURE']]); // error + 3 rerunError
    expect(of('802')).toEqual([[1, 'FAILURE'], [2, 'FAILURE'], [3, 'FAILURE'], [4, 'FAILURE']]); // failure + 3 rerunFailure
    expect(of('803')).toEqual([[1, 'FAILURE'], [2, 'SUCCESS']]); // flakyFailure, then the pass
    expect(of('804')).toEqual([[1, 'FAILURE'], [2, 'SUCCESS']]); // flakyError, then the pass
    expect(c.results.find((r) => r.testCaseId === '802' && r.attempt === 2)?.message).toMatch(/^Always fails assertion ==> expected: <1> but was: <2>\norg\.opentest4j/);

    const flaky = convertJunit(tag(xml('surefire.rerun.flaky-passes.xml'), 'testApp', '900'), { runId: 'mvn-2', reportPath: 'r.xml' });
    expect(flaky.results.map((r) => [r.attempt, r.status, r.message?.split('\n')[0]])).toEqual([
      [1, 'FAILURE', 'obvious fail'],
      [2, 'FAILURE', 'try one more time maybe'],
      [3, 'SUCCESS', undefined],
    ]);
    const always = convertJunit(xml('surefire.rerun.always-fails.xml').replace(/(<testcase [^>]*>)/, '$1<properties><property name="testsigma_id" value="901"/></properties>'), { runId: 'mvn-3', reportPath: 'r.xml' });
    expect(always.results.map((r) => [r.attempt, r.status])).toEqual([[1, 'FAILURE'], [2, 'FAILURE'], [3, 'FAILURE'], [4, 'FAILURE']]);
  });

  it('refuses what is not a JUnit report, and a report without a run id, saying what to do', () => {
    expect(() => convertJunit('<a><b></a>', { runId: 'r', reportPath: 'bad.xml' })).toThrow(/"bad\.xml" is not well-formed XML: .*Nothing was sent/);
    expect(() => convertJunit('<html><body/></html>', { runId: 'r', reportPath: 'page.xml' })).toThrow(/holds no <testsuite>: it is not a JUnit report/);
    expect(() => convertJunit(xml('pytest.failure-skip-xfail-properties.xml'), { reportPath: 'p.xml' })).toThrow(/pass --run-id \(or set XTS_RUN_ID\)/);
    const bad = convertJunit(tag(xml('surefire.rerun.flaky-passes.xml'), 'testApp', 'TC-9'), { runId: 'r', reportPath: 'r.xml' });
    expect(describeWithoutId(bad.withoutId)).toMatch(/^1 test case has no Testsigma id \(not sent\): io\.olamy\.FlakyTest testApp \(property testsigma_id "TC-9" is not a number\)/);
  });

  it('detects XML by content and reads timestamps exactly', () => {
    expect(looksLikeXml('\uFEFF  <?xml version="1.0"?><testsuite/>')).toBe(true);
    expect(looksLikeXml('{"runId":"1"}')).toBe(false);
    expect(readTimestamp('2026-03-29T02:30:00', 'Europe/Berlin')).toBe(Date.parse('2026-03-29T01:30:00Z')); // in the DST gap: read as CET (+01:00)
    expect(readTimestamp('2026-07-01T12:00:00.250', 'America/New_York')).toBe(Date.parse('2026-07-01T16:00:00.250Z'));
    expect(readTimestamp('2026-07-01T12:00:00+0200')).toBe(Date.parse('2026-07-01T10:00:00Z'));
    expect(readTimestamp('yesterday')).toBeUndefined();
  });
});

describe('xts send <report.xml>: reading the report and its attachments', () => {
  it('sends existing [[ATTACHMENT|...]] files as evidence and warns about missing ones and cases without id', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'xts-junit-'));
    const report = xml('playwright.attachments-retries-skipped.xml').replace(/(<testcase name="[^"]*time-out"[^>]*>)/, '$1<properties><property name="testsigma_id" value="701"/></properties>');
    writeFileSync(path.join(dir, 'report.xml'), report);
    const trace = path.join(dir, 'test-results/tests-timeout-example-time-out-chromium-retry1');
    mkdirSync(trace, { recursive: true });
    writeFileSync(path.join(trace, 'trace.zip'), 'PK-trace');
    const warnings: string[] = [];
    const file = await readInput((p) => readFile(p), path.join(dir, 'report.xml'), undefined, { runId: 'pw-7' }, (l) => warnings.push(l));
    expect(file.runId).toBe('pw-7');
    expect(file.results).toHaveLength(1);
    expect(file.results[0]?.attachments).toEqual([{ filename: 'trace.zip', contentType: 'application/zip', data: Buffer.from('PK-trace').toString('base64') }]);
    expect(warnings).toEqual([expect.stringMatching(/^Warning: 92 test cases have no Testsigma id \(not sent\): /)]);

    writeFileSync(path.join(dir, 'firefox.xml'), report.replaceAll('tests-timeout-example-time-out-chromium-retry1', 'missing-folder'));
    const w2: string[] = [];
    await readInput((p) => readFile(p), path.join(dir, 'firefox.xml'), 'junit', { runId: 'pw-8' }, (l) => w2.push(l));
    expect(w2).toContainEqual(`Warning: attachment ${path.join(dir, 'test-results/missing-folder/trace.zip')} of test case 701 is not sent: no such file.`);

    await expect(readInput((p) => readFile(p), fixture('jest-junit.failures-skipped.xml'), undefined, { runId: 'j' }, () => undefined)).rejects.toThrow(
      /None of the 6 test case\(s\) in ".*jest-junit\.failures-skipped\.xml" has a Testsigma id, so nothing was sent/,
    );
  });
});

describe('parameterised tests', () => {
  const report = `<?xml version="1.0"?>
<testsuites><testsuite name="checkout" tests="4" timestamp="2026-11-25T10:00:00Z">
  <testcase classname="CheckoutTest" name="pays[card=visa, amount=10]" time="1"><properties><property name="testsigma_id" value="609"/></properties></testcase>
  <testcase classname="CheckoutTest" name="pays[card=amex, amount=20]" time="2"><properties><property name="testsigma_id" value="609"/></properties><failure message="declined">declined</failure></testcase>
  <testcase classname="CheckoutTest" name="login[1] admin" time="1"><properties><property name="testsigma_id" value="610"/></properties></testcase>
  <testcase classname="CheckoutTest" name="refunds[only one]" time="1"><properties><property name="testsigma_id" value="611"/></properties></testcase>
</testsuite></testsuites>`;

  it('a test repeated with parameters becomes one result with an iteration each, its status the worst', () => {
    const c = convertJunit(report, { runId: 'p-1', reportPath: '/tmp/report.xml' });
    expect(c.results).toEqual([
      expect.objectContaining({
        testCaseId: '609',
        status: 'FAILURE',
        message: '[card=amex, amount=20] declined',
        iterations: [
          { name: 'card=visa, amount=10', status: 'SUCCESS', parameters: { card: 'visa', amount: '10' } },
          { name: 'card=amex, amount=20', status: 'FAILURE', parameters: { card: 'amex', amount: '20' } },
        ],
      }),
      expect.objectContaining({ testCaseId: '610', status: 'SUCCESS' }),
      expect.objectContaining({ testCaseId: '611', status: 'SUCCESS' }),
    ]);
    // A single bracketed run, or a name it cannot tell apart, stays a plain result.
    expect(c.results[1]!.iterations).toBeUndefined();
    expect(c.results[2]!.iterations).toBeUndefined();
  });
});
