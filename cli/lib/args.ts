/**
 * Command-line parsing and configuration: pure functions from argv and env to a validated command, so that every
 * usage mistake is reported before anything is read or sent.
 */
import { CliError, EXIT } from './errors';
import type { AuthMode } from './sign';

const COMMON_OPTIONS = `Options:
  --url <url>             the app's web trigger URL (env XTS_URL); shown on the app's settings page
  --secret <secret>       the web trigger secret (env XTS_SECRET; prefer the env, argv is visible to other users)
  --bearer                send the secret as "Authorization: Bearer" instead of an HMAC signature
  --wait                  wait until every job is final (succeeded, partial or failed) and print progress
  --timeout <seconds>     give up waiting after this long (default 3600; exit code 4)
  --poll-interval <s>     seconds between status polls (default 2 for jobs, 5 for Testsigma runs)
  --fail-on-test-failure  with --wait: exit 3 when a synced result was sent to Xray as FAILED or ABORTED
  --json                  print one JSON object on stdout (progress goes to stderr)
  -h, --help              show this help (xts <command> --help: that command's)
  --version               print the version of xts
Proxy: HTTPS_PROXY / HTTP_PROXY (http://host:port) and NO_PROXY (comma list of hosts or .domains) are honoured.`;

/** The usage text `xts --help` prints. */
export const USAGE = `xts: send Testsigma execution results to the "Testsigma links for Xray" Jira app

Usage:
  xts send <results.json|junit.xml> [--wait]
                                        send a results file or a JUnit XML report (split when over 4 MiB)
  xts pull <testsigmaRunId> [--wait]    ask the app to fetch a finished Testsigma run itself (pull mode)
  xts run --plan <testsigmaPlanId> [--wait]
                                        trigger a Testsigma test plan, wait for it to finish, send its results
  xts status <jobId>                    show a job (one delivery) as the app reports it
  xts help <command>                    the options of one command, with an example

${COMMON_OPTIONS}

Exit codes:
  0  delivered (with --wait: every job succeeded, or partial with a warning)
  1  a job failed, or the Testsigma run had no results to send
  2  usage, input or configuration error, or the app/Testsigma could not be reached or refused the request
  3  with --fail-on-test-failure: a synced result failed
  4  gave up waiting (--timeout); the app keeps working, check with "xts status <jobId>"

Example:
  XTS_URL=https://... XTS_SECRET=... xts send target/surefire-reports/TEST-app.xml --run-id "build-$BUILD_NUMBER" --wait
`;

/** The commands xts knows. */
export const COMMANDS = ['send', 'pull', 'run', 'status', 'help'] as const;
type CommandName = (typeof COMMANDS)[number];

/** `xts <command> --help`. */
export const COMMAND_HELP: Record<Exclude<CommandName, 'help'>, string> = {
  send: `xts send <file> [options]: send a results file (the web trigger's JSON format) or a JUnit / xUnit XML report

The format is detected by content (or give --format json|junit). Files over 4 MiB go in several deliveries with
the same runId.

Options of "send" for JUnit XML:
  --run-id <id>           the run's idempotency key (env XTS_RUN_ID); required for JUnit, e.g. "ci-$PIPELINE_ID"
  --test-plan <id>        the Testsigma test plan id the run belongs to (decides the Xray Test Plan)
  --summary <text>        the Test Execution's summary
  --map <map.csv>         a file of "test name,case id" lines (or "classname.name,case id"): for tools that cannot
                          write a property per test (Surefire, Gradle, jest-junit, Cypress, GoogleTest, pytest)
  --id-pattern <regex>    find the Testsigma case id in a testcase's name, else its classname (one capture group);
                          a testcase property testsigma_id (or testsigma_case_id) wins, then --map
  --timezone <zone>       IANA zone of report timestamps without an offset (default: this machine's zone)
  --attachments-dir <dir> send [[ATTACHMENT|...]] files from this folder too (default: the report's folder only);
                          a relative path not found next to the report is looked for here (older Playwright
                          versions write them relative to the test folder)
  --no-attachments        send no attachments
  --fail-on-empty         exit 2 when the report holds no testcase (default: say so and exit 0)
  --format <json|junit>   skip detection

Options of "send" for any file:
  --test-execution <key>  put the results into this existing Test Execution (e.g. PROJ-123); later deliveries of
                          the run follow it

${COMMON_OPTIONS}

Examples:
  xts send results.json --wait
  xts send reports/junit.xml --run-id "nightly-$CI_PIPELINE_ID" --id-pattern 'TC-(\\d+)' --wait --fail-on-test-failure
  xts send target/surefire-reports/TEST-app.xml --run-id "build-$BUILD_NUMBER" --map testsigma-map.csv --wait
`,
  pull: `xts pull <testsigmaRunId> [options]: ask the app to fetch a Testsigma run's results itself (needs a Testsigma
API key in the app's settings)

${COMMON_OPTIONS}

Example:
  xts pull 337 --wait
`,
  run: `xts run --plan <testsigmaPlanId> [options]: trigger a Testsigma test plan, wait for it, send its results

Options of "run":
  --plan <id>             the Testsigma test plan to trigger
  --testsigma-url <url>   Testsigma's address (default https://app.testsigma.com)
  --testsigma-key <key>   Testsigma API key (env TESTSIGMA_API_KEY)
  --build-no <text>       build number to record on the Testsigma run

${COMMON_OPTIONS}

Example:
  TESTSIGMA_API_KEY=... xts run --plan 274 --wait
`,
  status: `xts status <jobId> [options]: show one job (one delivery) as the app reports it

${COMMON_OPTIONS}

Example:
  xts status 01J9Z6K3M4-1a2b3c
`,
};

/** A command ready to run, with every option checked. */
export type Command =
  | { kind: 'help'; text: string }
  | { kind: 'version' }
  | { kind: 'send'; file: string; format?: 'json' | 'junit'; junit: JunitOptions; testExecutionKey?: string; common: Common }
  | { kind: 'pull'; testsigmaRunId: string; common: Common }
  | { kind: 'status'; jobId: string; common: Common }
  | { kind: 'run'; planId: string; testsigma: { url: string; apiKey: string; buildNo?: string }; common: Common };

/** How a JUnit report becomes a run. */
export interface JunitOptions {
  runId?: string;
  testPlanId?: string;
  summary?: string;
  idPattern?: RegExp;
  timeZone?: string;
  /** Test name (or `classname.name`) to case id, from `--map`; read by the caller. */
  map?: ReadonlyMap<string, string>;
  /** The `--map` file to read. */
  mapFile?: string;
  /** `--attachments-dir`: the folder attachments may come from instead of the report's. */
  attachmentsDir?: string;
  /** `--no-attachments`. */
  noAttachments?: boolean;
  /** `--fail-on-empty`: a report without testcases is an error (exit 2) instead of a note. */
  failOnEmpty?: boolean;
}

/** Options every command that talks to the web trigger shares. */
export interface Common {
  url: string;
  secret: string;
  auth: AuthMode;
  wait: boolean;
  json: boolean;
  timeoutMs: number;
  /** Poll interval when given; each wait picks its own default otherwise. */
  pollIntervalMs?: number;
  /** Exit 3 when a synced result failed (read from the job's `statuses`). */
  failOnTestFailure: boolean;
}

const FLAGS = new Set(['bearer', 'wait', 'json', 'help', 'version', 'fail-on-test-failure', 'no-attachments', 'fail-on-empty']);
const VALUES = new Set([
  'url',
  'secret',
  'timeout',
  'poll-interval',
  'plan',
  'testsigma-url',
  'testsigma-key',
  'build-no',
  'format',
  'run-id',
  'test-plan',
  'summary',
  'id-pattern',
  'timezone',
  'map',
  'attachments-dir',
  'test-execution',
]);
const RUN_ONLY = ['plan', 'testsigma-url', 'testsigma-key', 'build-no'];
const SEND_ONLY = ['format', 'run-id', 'test-plan', 'summary', 'id-pattern', 'timezone', 'map', 'attachments-dir', 'test-execution'];
const SEND_ONLY_FLAGS = ['no-attachments', 'fail-on-empty'];

interface RawArgs {
  positional: string[];
  flags: Set<string>;
  values: Map<string, string>;
}

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const keep = row[j] as number;
      row[j] = Math.min((row[j] as number) + 1, (row[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = keep;
    }
  }
  return row[b.length] as number;
}

/** The closest of `known` to `word` when it is a likely typo (at most 2 edits, and fewer than the word's length). */
export function suggest(word: string, known: Iterable<string>): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const name of known) {
    const d = distance(word.toLowerCase(), name);
    if (!best || d < best.d) best = { name, d };
  }
  return best && best.d <= Math.min(2, Math.max(1, word.length - 1)) ? best.name : undefined;
}

/** Splits argv into positionals, boolean flags and `--name value` / `--name=value` options. */
export function tokenize(argv: readonly string[]): RawArgs {
  const out: RawArgs = { positional: [], flags: new Set(), values: new Map() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      out.positional.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-h') {
      out.flags.add('help');
      continue;
    }
    if (arg === '-v' || arg === '-V') {
      out.flags.add('version');
      continue;
    }
    if (!arg.startsWith('--')) {
      if (arg.startsWith('-') && arg.length > 1) throw usage(`Unknown option ${arg}.`);
      out.positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq >= 0 ? eq : undefined);
    if (FLAGS.has(name)) {
      if (eq >= 0) throw usage(`--${name} takes no value.`);
      out.flags.add(name);
    } else if (VALUES.has(name)) {
      const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || (eq < 0 && value.startsWith('--'))) throw usage(`--${name} needs a value.`);
      out.values.set(name, value);
    } else {
      const near = suggest(name, [...FLAGS, ...VALUES]);
      throw usage(`Unknown option --${name}.${near ? ` Did you mean --${near}?` : ''}`);
    }
  }
  return out;
}

function usage(message: string): CliError {
  return new CliError(`${message} Run "xts --help" for usage.`, EXIT.USAGE);
}

/**
 * Checks a service URL: https, or plain http to this machine only (local emulators and tests), so that a secret
 * is never sent in clear over a network.
 */
export function checkUrl(raw: string, what: string, optionHint: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError(`${what} "${raw}" is not a valid URL. Give the full address, such as https://..., with ${optionHint}.`);
  }
  const local = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
    throw new CliError(`${what} "${raw}" must use https:// (plain http is allowed only for localhost). Fix ${optionHint}.`);
  }
  if (url.username || url.password) throw new CliError(`${what} must not contain a user name or password. Fix ${optionHint}.`);
  return url.toString();
}

function seconds(raw: string | undefined, name: string, fallback: number | undefined): number | undefined {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw usage(`--${name} must be a positive number of seconds, got "${raw}".`);
  return n * 1000;
}

function digits(raw: string | undefined, what: string): string {
  if (raw === undefined || !/^\d{1,19}$/.test(raw)) throw usage(`${what} must be a number (1 to 19 digits), got "${raw ?? ''}".`);
  return raw;
}

/** Compiles `--id-pattern`: a regular expression with exactly one capture group, the Testsigma case id. */
export function idPattern(raw: string): RegExp {
  let re: RegExp;
  try {
    re = new RegExp(raw);
  } catch (err) {
    throw usage(`--id-pattern "${raw}" is not a regular expression: ${(err as Error).message}.`);
  }
  const groups = (new RegExp(`${raw}|`).exec('')?.length ?? 1) - 1;
  if (groups !== 1) throw usage(`--id-pattern needs exactly one capture group (the case id), such as 'TC-(\\d+)'; "${raw}" has ${groups}.`);
  return re;
}

function timeZone(raw: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: raw });
  } catch {
    throw usage(`--timezone "${raw}" is not a time zone this Node knows; give an IANA name such as Europe/Berlin or UTC.`);
  }
  return raw;
}

/** Turns argv and env into a command, or throws a {@link CliError} that says what to fix. */
export function parseCommand(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Command {
  const raw = tokenize(argv);
  const [name, ...rest] = raw.positional;
  if (raw.flags.has('version')) return { kind: 'version' };
  if (name === 'help' || (name === undefined && raw.flags.has('help'))) {
    const topic = name === 'help' ? rest[0] : undefined;
    if (topic !== undefined && !(topic in COMMAND_HELP)) {
      const near = suggest(topic, Object.keys(COMMAND_HELP));
      throw usage(`No help for "${topic}".${near ? ` Did you mean "xts help ${near}"?` : ''}`);
    }
    return { kind: 'help', text: topic ? COMMAND_HELP[topic as keyof typeof COMMAND_HELP] : USAGE };
  }
  if (name === undefined) throw usage('No command given.');
  if (!(COMMANDS as readonly string[]).includes(name)) {
    const near = suggest(name, COMMANDS);
    throw usage(`Unknown command "${name}".${near ? ` Did you mean "xts ${near}"?` : ''}`);
  }
  const cmd = name as Exclude<CommandName, 'help'>;
  if (raw.flags.has('help')) return { kind: 'help', text: COMMAND_HELP[cmd] };

  const expected = cmd === 'run' ? 0 : 1;
  if (rest.length !== expected) {
    const what = { send: 'a results file', pull: 'a Testsigma run id', status: 'a job id', run: 'no arguments (use --plan)' }[cmd];
    throw usage(`"xts ${cmd}" takes ${what}${rest.length > expected ? `, got extra "${rest.slice(expected).join(' ')}"` : ''}.`);
  }
  const runOnly = RUN_ONLY.filter((o) => raw.values.has(o));
  if (cmd !== 'run' && runOnly.length > 0) throw usage(`--${runOnly[0]} applies only to "xts run".`);
  const sendOnly = SEND_ONLY.filter((o) => raw.values.has(o));
  if (cmd !== 'send' && sendOnly.length > 0) throw usage(`--${sendOnly[0]} applies only to "xts send".`);
  const sendOnlyFlag = SEND_ONLY_FLAGS.find((f) => raw.flags.has(f));
  if (cmd !== 'send' && sendOnlyFlag) throw usage(`--${sendOnlyFlag} applies only to "xts send".`);
  if (cmd === 'status' && raw.flags.has('wait')) throw usage('"xts status" shows the job once; --wait applies to send, pull and run.');
  if (raw.flags.has('fail-on-test-failure') && !raw.flags.has('wait')) {
    throw usage('--fail-on-test-failure needs --wait: the outcome of the tests is known only once the job is final.');
  }

  const urlRaw = raw.values.get('url') ?? env.XTS_URL;
  if (!urlRaw) throw new CliError('No web trigger URL. Pass --url or set XTS_URL to the URL on the app\'s settings page in Jira.');
  const url = checkUrl(urlRaw, 'The web trigger URL', '--url or XTS_URL');
  const secret = raw.values.get('secret') ?? env.XTS_SECRET;
  if (!secret || secret.trim() === '') {
    throw new CliError('No web trigger secret. Set XTS_SECRET (or pass --secret) to the secret a Jira admin made with "Rotate web trigger secret".');
  }
  const common: Common = {
    url,
    secret: secret.trim(),
    auth: raw.flags.has('bearer') ? 'bearer' : 'hmac',
    wait: raw.flags.has('wait'),
    json: raw.flags.has('json'),
    timeoutMs: seconds(raw.values.get('timeout'), 'timeout', 3_600_000) as number,
    pollIntervalMs: seconds(raw.values.get('poll-interval'), 'poll-interval', undefined),
    failOnTestFailure: raw.flags.has('fail-on-test-failure'),
  };

  switch (cmd) {
    case 'send': {
      const format = raw.values.get('format');
      if (format !== undefined && format !== 'json' && format !== 'junit') throw usage(`--format takes json or junit, got "${format}".`);
      const runId = raw.values.get('run-id') ?? env.XTS_RUN_ID;
      if (runId !== undefined && !/^[A-Za-z0-9._-]{1,64}$/.test(runId)) {
        throw usage(`--run-id "${runId}" must be 1-64 of A-Z a-z 0-9 . _ - (the app's runId rule).`);
      }
      const plan = raw.values.get('test-plan');
      const pattern = raw.values.get('id-pattern');
      const zone = raw.values.get('timezone');
      const summary = raw.values.get('summary');
      const mapFile = raw.values.get('map');
      const attachmentsDir = raw.values.get('attachments-dir');
      const junit: JunitOptions = {
        ...(mapFile !== undefined ? { mapFile } : {}),
        ...(attachmentsDir !== undefined ? { attachmentsDir } : {}),
        ...(raw.flags.has('no-attachments') ? { noAttachments: true } : {}),
        ...(raw.flags.has('fail-on-empty') ? { failOnEmpty: true } : {}),
        ...(runId ? { runId } : {}),
        ...(plan !== undefined ? { testPlanId: digits(plan, '--test-plan') } : {}),
        ...(summary !== undefined ? { summary } : {}),
        ...(pattern !== undefined ? { idPattern: idPattern(pattern) } : {}),
        ...(zone !== undefined ? { timeZone: timeZone(zone) } : {}),
      };
      const execution = raw.values.get('test-execution');
      if (execution !== undefined && !/^[A-Z][A-Z0-9_]{0,254}-[1-9]\d{0,18}$/.test(execution)) {
        throw usage(`--test-execution "${execution}" is not a Jira issue key such as PROJ-123.`);
      }
      return { kind: 'send', file: rest[0] as string, ...(format ? { format } : {}), junit, ...(execution ? { testExecutionKey: execution } : {}), common };
    }
    case 'pull':
      return { kind: 'pull', testsigmaRunId: digits(rest[0], 'The Testsigma run id'), common };
    case 'status': {
      const jobId = rest[0] as string;
      if (!/^[A-Za-z0-9._:-]{1,128}$/.test(jobId)) throw usage(`"${jobId}" is not a job id (as printed by "xts send").`);
      return { kind: 'status', jobId, common };
    }
    default: {
      const plan = raw.values.get('plan');
      if (plan === undefined) throw usage('"xts run" needs --plan <testsigmaPlanId>.');
      const planId = digits(plan, '--plan');
      const apiKey = raw.values.get('testsigma-key') ?? env.TESTSIGMA_API_KEY;
      if (!apiKey || apiKey.trim() === '') {
        throw new CliError('No Testsigma API key. Set TESTSIGMA_API_KEY (or pass --testsigma-key); Testsigma shows keys under Settings > API Keys.');
      }
      const tsUrl = checkUrl(raw.values.get('testsigma-url') ?? 'https://app.testsigma.com', 'The Testsigma URL', '--testsigma-url');
      const buildNo = raw.values.get('build-no');
      return { kind: 'run', planId, testsigma: { url: tsUrl, apiKey: apiKey.trim(), ...(buildNo ? { buildNo } : {}) }, common };
    }
  }
}
