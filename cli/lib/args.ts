/**
 * Command-line parsing and configuration: pure functions from argv and env to a validated command, so that every
 * usage mistake is reported before anything is read or sent.
 */
import { CliError, EXIT } from './errors';
import type { AuthMode } from './sign';

/** The usage text `xts --help` prints. */
export const USAGE = `xts: send Testsigma execution results to the "Testsigma links for Xray" Jira app

Usage:
  xts send <results.json> [--wait]      send a results file (split into several deliveries when over 4 MiB)
  xts pull <testsigmaRunId> [--wait]    ask the app to fetch a finished Testsigma run itself (pull mode)
  xts run --plan <testsigmaPlanId> [--wait]
                                        trigger a Testsigma test plan, wait for it to finish, send its results
  xts status <jobId>                    show a job (one delivery) as the app reports it

Options:
  --url <url>             the app's web trigger URL (env XTS_URL); shown on the app's settings page
  --secret <secret>       the web trigger secret (env XTS_SECRET; prefer the env, argv is visible to other users)
  --bearer                send the secret as "Authorization: Bearer" instead of an HMAC signature
  --wait                  wait until every job is final (succeeded, partial or failed) and print progress
  --timeout <seconds>     give up waiting after this long (default 3600)
  --poll-interval <s>     seconds between status polls (default 2 for jobs, 5 for Testsigma runs)
  --json                  print one JSON object on stdout (progress goes to stderr)
  -h, --help              show this help

Options of "run":
  --plan <id>             the Testsigma test plan to trigger
  --testsigma-url <url>   Testsigma's address (default https://app.testsigma.com)
  --testsigma-key <key>   Testsigma API key (env TESTSIGMA_API_KEY)
  --build-no <text>       build number to record on the Testsigma run

Exit codes:
  0  delivered (with --wait: every job succeeded, or partial with a warning)
  1  a job failed, or the Testsigma run had no results to send
  2  usage, input or configuration error, or the app/Testsigma could not be reached or refused the request
`;

/** A command ready to run, with every option checked. */
export type Command =
  | { kind: 'help' }
  | { kind: 'send'; file: string; common: Common }
  | { kind: 'pull'; testsigmaRunId: string; common: Common }
  | { kind: 'status'; jobId: string; common: Common }
  | { kind: 'run'; planId: string; testsigma: { url: string; apiKey: string; buildNo?: string }; common: Common };

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
}

const FLAGS = new Set(['bearer', 'wait', 'json', 'help']);
const VALUES = new Set(['url', 'secret', 'timeout', 'poll-interval', 'plan', 'testsigma-url', 'testsigma-key', 'build-no']);

interface RawArgs {
  positional: string[];
  flags: Set<string>;
  values: Map<string, string>;
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
      throw usage(`Unknown option --${name}.`);
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

/** Turns argv and env into a command, or throws a {@link CliError} that says what to fix. */
export function parseCommand(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Command {
  const raw = tokenize(argv);
  const [name, ...rest] = raw.positional;
  if (raw.flags.has('help') || name === 'help' || name === undefined) {
    if (name === undefined && !raw.flags.has('help')) throw usage('No command given.');
    return { kind: 'help' };
  }
  if (!['send', 'pull', 'run', 'status'].includes(name)) throw usage(`Unknown command "${name}".`);

  const expected = name === 'run' ? 0 : 1;
  if (rest.length !== expected) {
    const what = { send: 'a results file', pull: 'a Testsigma run id', status: 'a job id', run: 'no arguments (use --plan)' }[name];
    throw usage(`"xts ${name}" takes ${what}${rest.length > expected ? `, got extra "${rest.slice(expected).join(' ')}"` : ''}.`);
  }
  const runOnly = ['plan', 'testsigma-url', 'testsigma-key', 'build-no'].filter((o) => raw.values.has(o));
  if (name !== 'run' && runOnly.length > 0) throw usage(`--${runOnly[0]} applies only to "xts run".`);
  if (name === 'status' && raw.flags.has('wait')) throw usage('"xts status" shows the job once; --wait applies to send, pull and run.');

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
  };

  switch (name) {
    case 'send':
      return { kind: 'send', file: rest[0] as string, common };
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
