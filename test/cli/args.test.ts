import { checkUrl, COMMAND_HELP, parseCommand, suggest, tokenize, USAGE } from '../../cli/lib/args';
import { CliError } from '../../cli/lib/errors';
import { validateResultsFile, warningsFor, formatPath } from '../../cli/lib/schema';

const ENV = { XTS_URL: 'https://abc.hello.atlassian-dev.net/x1/trigger', XTS_SECRET: 'whsec' };

function usageError(argv: string[], env: Record<string, string | undefined> = ENV): CliError {
  try {
    parseCommand(argv, env);
  } catch (err) {
    expect(err).toBeInstanceOf(CliError);
    return err as CliError;
  }
  throw new Error('expected a usage error');
}

describe('tokenize', () => {
  it('reads flags, --name value, --name=value and positionals', () => {
    const t = tokenize(['send', 'f.json', '--wait', '--url=https://x', '--secret', 's', '--', '--weird']);
    expect(t.positional).toEqual(['send', 'f.json', '--weird']);
    expect([...t.flags]).toEqual(['wait']);
    expect(t.values.get('url')).toBe('https://x');
    expect(t.values.get('secret')).toBe('s');
  });

  it.each([
    [['--nope'], /Unknown option --nope/],
    [['-x'], /Unknown option -x/],
    [['--url'], /--url needs a value/],
    [['--url', '--wait'], /--url needs a value/],
    [['--wait=yes'], /--wait takes no value/],
  ])('rejects %j', (argv, message) => {
    expect(() => tokenize(argv)).toThrow(message);
  });
});

describe('parseCommand', () => {
  it('answers help for --help, -h and "help", and refuses no command', () => {
    expect(parseCommand(['--help'], {})).toEqual({ kind: 'help', text: USAGE });
    expect(parseCommand(['help'], {})).toEqual({ kind: 'help', text: USAGE });
    expect(usageError([]).message).toMatch(/No command given.*xts --help/);
    expect(USAGE).toMatch(/xts send <results.json\|junit.xml>/);
  });

  it('gives each command its own help with an example, and --version', () => {
    for (const cmd of ['send', 'pull', 'run', 'status'] as const) {
      const viaFlag = parseCommand([cmd, '-h'], {});
      expect(viaFlag).toEqual({ kind: 'help', text: COMMAND_HELP[cmd] });
      expect(parseCommand(['help', cmd], {})).toEqual(viaFlag);
      expect(COMMAND_HELP[cmd]).toMatch(new RegExp(`^xts ${cmd} `));
      expect(COMMAND_HELP[cmd]).toMatch(new RegExp(`Examples?:\\n  (\\S+=\\S+ )?xts ${cmd} `));
    }
    expect(COMMAND_HELP.send).toMatch(/--id-pattern/);
    expect(COMMAND_HELP.pull).not.toMatch(/--id-pattern/);
    expect(parseCommand(['--version'], {})).toEqual({ kind: 'version' });
    expect(parseCommand(['send', 'x', '-v'], {})).toEqual({ kind: 'version' });
    expect(usageError(['help', 'sedn']).message).toMatch(/No help for "sedn"\. Did you mean "xts help send"\?/);
  });

  it('suggests the command or option a typo meant, and nothing for a word far from all', () => {
    expect(usageError(['sned', 'r.json']).message).toMatch(/Unknown command "sned"\. Did you mean "xts send"\?/);
    expect(usageError(['stauts', 'j']).message).toMatch(/Did you mean "xts status"\?/);
    expect(usageError(['send', 'r.json', '--wiat']).message).toMatch(/Unknown option --wiat\. Did you mean --wait\?/);
    expect(usageError(['send', 'r.json', '--id-patern', 'x']).message).toMatch(/Did you mean --id-pattern\?/);
    expect(usageError(['frobnicate']).message).not.toMatch(/Did you mean/);
    expect(suggest('zz', ['send', 'run'])).toBeUndefined();
  });

  it('builds send with env defaults (HMAC, no wait)', () => {
    expect(parseCommand(['send', 'r.json'], ENV)).toEqual({
      kind: 'send',
      file: 'r.json',
      junit: {},
      common: { url: ENV.XTS_URL, secret: 'whsec', auth: 'hmac', wait: false, json: false, timeoutMs: 3_600_000, pollIntervalMs: undefined, failOnTestFailure: false },
    });
  });

  it('lets options override env', () => {
    const c = parseCommand(['pull', '337', '--url', 'http://127.0.0.1:8080/t', '--secret', 'x', '--bearer', '--wait', '--json', '--timeout', '30', '--poll-interval', '0.5'], ENV);
    expect(c).toEqual({
      kind: 'pull',
      testsigmaRunId: '337',
      common: { url: 'http://127.0.0.1:8080/t', secret: 'x', auth: 'bearer', wait: true, json: true, timeoutMs: 30_000, pollIntervalMs: 500, failOnTestFailure: false },
    });
  });

  it('builds run with Testsigma defaults and the env key', () => {
    const c = parseCommand(['run', '--plan', '274', '--build-no', '1.4.2'], { ...ENV, TESTSIGMA_API_KEY: 'tk' });
    expect(c).toMatchObject({ kind: 'run', planId: '274', testsigma: { url: 'https://app.testsigma.com/', apiKey: 'tk', start: { buildNo: '1.4.2' } } });
    const d = parseCommand(['run', '--plan', '274', '--build', '2.0', '--environment', '12', '--config', '31'], { ...ENV, TESTSIGMA_API_KEY: 'tk' });
    expect(d).toMatchObject({ kind: 'run', testsigma: { start: { buildNo: '2.0', environmentId: '12', configId: '31' } } });
  });

  it.each<[string[], Record<string, string | undefined>, RegExp]>([
    [['send'], ENV, /"xts send" takes a results file/],
    [['send', 'a', 'b'], ENV, /got extra "b"/],
    [['frobnicate'], ENV, /Unknown command "frobnicate"/],
    [['send', 'r.json'], {}, /No web trigger URL\. Pass --url or set XTS_URL/],
    [['send', 'r.json'], { XTS_URL: ENV.XTS_URL }, /No web trigger secret\. Set XTS_SECRET/],
    [['send', 'r.json'], { ...ENV, XTS_SECRET: '   ' }, /No web trigger secret/],
    [['send', 'r.json', '--url', 'not a url'], ENV, /"not a url" is not a valid URL/],
    [['send', 'r.json', '--url', 'http://example.com/t'], ENV, /must use https:\/\//],
    [['send', 'r.json', '--url', 'ftp://example.com/t'], ENV, /must use https:\/\//],
    [['send', 'r.json', '--timeout', '-1'], ENV, /--timeout must be a positive number/],
    [['pull', 'abc'], ENV, /Testsigma run id must be a number/],
    [['status', 'a b'], ENV, /is not a job id/],
    [['status', 'job-1', '--wait'], ENV, /--wait applies to send, pull and run/],
    [['send', 'r.json', '--plan', '1'], ENV, /--plan applies only to "xts run"/],
    [['run'], ENV, /needs --plan/],
    [['run', '--plan', 'x1'], { ...ENV, TESTSIGMA_API_KEY: 'k' }, /--plan must be a number/],
    [['run', '--plan', '1', '--environment', 'Chrome'], { ...ENV, TESTSIGMA_API_KEY: 'k' }, /--environment must be a number/],
    [['send', 'r.json', '--config', '3'], ENV, /--config applies only to "xts run"/],
    [['run', '--plan', '1'], ENV, /No Testsigma API key\. Set TESTSIGMA_API_KEY/],
    [['run', '--plan', '1', '--testsigma-url', 'http://app.testsigma.com'], { ...ENV, TESTSIGMA_API_KEY: 'k' }, /Testsigma URL .* must use https/],
    [['pull', '1', '--run-id', 'r'], ENV, /--run-id applies only to "xts send"/],
    [['send', 'r.xml', '--run-id', 'has space'], ENV, /--run-id "has space" must be 1-64 of/],
    [['send', 'r.xml', '--id-pattern', 'TC-\\d+'], ENV, /--id-pattern needs exactly one capture group .* has 0/],
    [['send', 'r.xml', '--id-pattern', '(a)(\\d+)'], ENV, /has 2/],
    [['send', 'r.xml', '--id-pattern', '(['], ENV, /is not a regular expression/],
    [['send', 'r.xml', '--timezone', 'Mars/Olympus'], ENV, /--timezone "Mars\/Olympus" is not a time zone/],
    [['send', 'r.xml', '--format', 'csv'], ENV, /--format takes json or junit/],
    [['send', 'r.json', '--fail-on-test-failure'], ENV, /--fail-on-test-failure needs --wait/],
  ])('%j refuses with a message that says what to do', (argv, env, message) => {
    const err = usageError(argv, env);
    expect(err.message).toMatch(message);
    expect(err.exitCode).toBe(2);
  });

  it('allows plain http only to this machine', () => {
    expect(checkUrl('http://localhost:3000/x', 'U', '--url')).toBe('http://localhost:3000/x');
    expect(() => checkUrl('https://u:p@example.com', 'U', '--url')).toThrow(/user name or password/);
  });
});

describe('results file schema', () => {
  it('accepts the contract example, numeric ids and unknown fields', () => {
    const ok = validateResultsFile({
      runId: 337,
      testPlanId: '274',
      extra: { kept: true },
      results: [{ testCaseId: 609, testSuiteId: '55', status: 'success', attachments: [{ filename: 'a.log', data: 'QQ==' }], note: 'x' }],
    });
    expect(ok.ok).toBe(true);
    if (ok.ok) expect((ok.value as Record<string, unknown>).extra).toEqual({ kept: true });
  });

  it('names every problem by path', () => {
    const r = validateResultsFile({ runId: 'has space', results: [{ testCaseId: '12a', status: '' }, { status: 'SUCCESS' }] });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems.map((p) => p.path)).toEqual(['runId', 'results[0].testCaseId', 'results[0].status', 'results[1].testCaseId']);
    }
    const empty = validateResultsFile({ runId: '1', results: [] });
    expect(!empty.ok && empty.problems[0]).toEqual({ path: 'results', message: 'must hold at least one result' });
    expect(formatPath([])).toBe('(top level)');
  });

  it('warns about statuses outside the default map and attachments the app will skip', () => {
    const big = 'A'.repeat(Math.ceil((2 * 1024 * 1024 + 10) / 3) * 4);
    const w = warningsFor({
      runId: '1',
      results: [
        { testCaseId: '1', status: 'BLOCKED' },
        { testCaseId: '2', status: 'passed', attachments: [{ filename: 'video.mp4', data: big }] },
      ],
    });
    expect(w).toEqual([
      expect.stringMatching(/results\[1\]\.attachments\[0\] \(video\.mp4\) is 2\.0 MiB; the app skips attachments over 2 MiB/),
      expect.stringMatching(/Status BLOCKED is not in the default status map/),
    ]);
  });
});
