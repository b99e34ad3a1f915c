/**
 * The Xray Cloud client: regional hosts, the shared token, the site's request budget, retries with backoff, and
 * the three endpoints the app uses (JSON import, multipart import, GraphQL). It imports nothing from Forge: the
 * platform hands it `fetch`, `kvs`, a clock, a logger and, in tests, `sleep` and `random`.
 *
 * Retry schedule: up to 4 attempts on 429, 5xx, network errors and timeouts, waiting a full-jitter draw from
 * [0, 1 s), [0, 2 s), [0, 4 s) (capped at 30 s; a Retry-After header, when a proxy sends one, wins), and never
 * starting a wait that ends after the call's deadline. A call that is not idempotent (an import that creates a Test
 * Execution) is sent again only when Xray surely did not act on it (429, refused connection, our own budget); a
 * timeout, 5xx or lost answer throws at once with `ambiguous: true`, so the caller looks for the created execution
 * instead of making a second one. When retries run out, the error carries `retryAfterSeconds` for a queue retry.
 */
import { z } from 'zod';
import type { Clock, FetchPort, Logger } from '../ports';
import type { KvsPort } from '../store/kvs-port';
import { buildMultipart } from './multipart';
import { BudgetLease, RequestBudget } from './request-budget';
import { fetchWithTimeout, ReadResponse, RequestTimeoutError } from './request-timeout';
import { backoffDelay, DEFAULT_RETRY_POLICY, isSurelyUnsent, parseRetryAfter, RetryPolicy } from './retry-policy';
import { TokenCache } from './token-cache';
import {
  BAD_CREDENTIALS_MESSAGE,
  describeEndpoint,
  isCloudFrontRegionPage,
  isWrongRegionBody,
  redact,
  redactError,
  REGION_LABELS,
  refusalError,
  wrongRegionMessage,
  XrayEndpoint,
  xrayDetail,
} from './xray-errors';
import {
  XRAY_BASE_URLS,
  XrayCallOptions,
  XrayClient,
  XrayClientConfig,
  XrayError,
  XrayErrorKind,
  XrayImportJson,
  XrayImportResult,
  XrayMultipartInfo,
} from './xray-types';

/** Default per-request time limit: leaves a resolver (25 s) room to answer after one slow call. */
export const DEFAULT_TIMEOUT_MS = 20_000;
// A request squeezed by the deadline still gets this long: an import cut off sooner would only be ambiguous.
const MIN_ATTEMPT_TIMEOUT_MS = 5_000;
// Queue retries after a spent local retry budget: 429s wait for Xray's window to move, faults a little.
const MIN_RETRY_AFTER_S: Record<'rate_limited' | 'server' | 'network', number> = {
  rate_limited: 60,
  server: 10,
  network: 10,
};
/** Xray Standard's budget, used when the configured one is not a positive number. */
const DEFAULT_BUDGET = 300;

/** What the client depends on. */
export interface XrayClientDeps {
  fetch: FetchPort;
  kvs: KvsPort;
  clock: Clock;
  log: Logger;
  /** Waits between retries (tests pass a recorder that returns at once). */
  sleep?: (ms: number) => Promise<void>;
  /** A draw from [0, 1) for backoff jitter. */
  random?: () => number;
  /** Per-request time limit in ms (default 20 s). */
  timeoutMs?: number;
  /** Retry limits (default 4 attempts, 1 s base, 30 s cap). */
  retry?: Partial<RetryPolicy>;
  /** Called once for every request sent to Xray (the bench counts them by endpoint). */
  onRequest?: (endpoint: XrayEndpoint) => void;
}

/** Counts of what one client sent. */
export interface XrayRequestStats {
  /** HTTP requests sent to Xray, retries and authenticate included. */
  requests: number;
  byEndpoint: Partial<Record<XrayEndpoint, number>>;
  /** Requests that were a retry after a 429, 5xx or network failure. */
  retries: number;
  /** KVS reservations of the site's request budget. */
  budgetReservations: number;
}

/** The client with its counters and an explicit reservation for callers that know how much they will send. */
export interface XrayClientHandle extends XrayClient {
  readonly stats: Readonly<XrayRequestStats>;
  /**
   * Reserves `n` requests of the site's budget in one KVS reservation (a sync run that knows it will authenticate,
   * import and attach the plan can ask for 3). Answers how many this client now holds. Throws `rate_limited` when
   * the window has none left.
   */
  reserveRequests(n: number): Promise<number>;
}

interface Failure {
  kind: Extract<XrayErrorKind, 'rate_limited' | 'server' | 'network'>;
  /** Xray may have acted on the request. */
  ambiguous: boolean;
  status?: number;
  retryAfterMs?: number;
  /** What happened, without advice (advice depends on what we do next). */
  what: string;
}

interface RequestSpec {
  endpoint: XrayEndpoint;
  body: string | Uint8Array;
  contentType: string;
  /** Sends the bearer token (every endpoint but authenticate). */
  auth: boolean;
}

const tokenSchema = z.string().trim().min(1);
const importResultSchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  key: z.string().min(1),
});
const graphqlSchema = z.object({
  data: z.unknown().optional(),
  errors: z.array(z.object({ message: z.string().optional() }).passthrough()).optional(),
});
const statusesSchema = z.object({
  getStatuses: z.array(
    z.object({
      // Xray's schema makes every field nullable, and one entry without a name must not cost the whole list.
      name: z.string().nullish(),
      description: z.string().nullish(),
      final: z.boolean().nullish(),
      color: z.string().nullish(),
    }),
  ),
});

const STATUSES_QUERY = '{ getStatuses { name description final color } }';

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A 2xx body as JSON; undefined when it is not JSON (the caller's schema then reports it). */
function jsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function statusOf(failure: Failure): { status?: number } {
  return failure.status === undefined ? {} : { status: failure.status };
}

function shortError(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    const code = (err as { code?: unknown }).code ?? (cause as { code?: unknown } | undefined)?.code;
    return typeof code === 'string' ? `${err.message}: ${code}` : err.message;
  }
  return String(err);
}

/**
 * Builds an Xray Cloud client for one invocation. Nothing it keeps in memory outlives the invocation: the token and
 * the request budget live in KVS, shared by every invocation of the site.
 */
export function createXrayClient(config: XrayClientConfig, deps: XrayClientDeps): XrayClientHandle {
  const base = XRAY_BASE_URLS[config.region];
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...deps.retry };
  const sleep = deps.sleep ?? defaultSleep;
  const random = deps.random ?? Math.random;
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const limit =
    Number.isFinite(config.requestsPer5Minutes) && config.requestsPer5Minutes > 0
      ? Math.floor(config.requestsPer5Minutes)
      : DEFAULT_BUDGET;
  const budget = new RequestBudget(deps.kvs, deps.clock, limit, deps.log);
  const lease = new BudgetLease(budget, deps.clock);
  const stats: XrayRequestStats = { requests: 0, byEndpoint: {}, retries: 0, budgetReservations: 0 };
  const tokens = new TokenCache(deps.kvs, deps.clock, config.region, config.clientId, config.clientSecret, async (deadline) =>
    authenticateNow(deadline),
  );
  const secrets = (): Array<string | undefined> => [config.clientSecret, tokens.lastToken];

  function requireConfig(): void {
    if (!config.clientId.trim() || !config.clientSecret.trim()) {
      throw new XrayError(
        'not_configured',
        "Xray is not set up: enter the API key's client id and secret (Xray: Settings > API Keys) in Settings.",
      );
    }
  }

  function attemptTimeout(deadline: number | undefined): number {
    if (deadline === undefined) return timeoutMs;
    const remaining = deadline - deps.clock.now();
    return Math.min(timeoutMs, Math.max(MIN_ATTEMPT_TIMEOUT_MS, remaining));
  }

  function count(endpoint: XrayEndpoint, retry: boolean): void {
    stats.requests++;
    stats.byEndpoint[endpoint] = (stats.byEndpoint[endpoint] ?? 0) + 1;
    if (retry) stats.retries++;
    deps.onRequest?.(endpoint);
  }

  /** Classifies a non-2xx answer: a `Failure` worth retrying, or throws what retrying cannot fix. */
  function failureOf(spec: RequestSpec, res: ReadResponse): Failure {
    const what = describeEndpoint(spec.endpoint);
    if (res.status === 429) {
      return {
        kind: 'rate_limited',
        ambiguous: false,
        status: 429,
        retryAfterMs: parseRetryAfter(res.headers.get('retry-after'), deps.clock.now()),
        what: `Xray is rate limiting this site (HTTP 429 to ${what})`,
      };
    }
    if (res.status >= 500) {
      if (spec.endpoint === 'authenticate' && isCloudFrontRegionPage(res.text)) {
        // Users who called the wrong regional host got this page; a retry would spend requests on the same page.
        throw new XrayError(
          'server',
          `Failed to reach Xray: the ${REGION_LABELS[config.region]} host answered ${res.status} with a CloudFront error page. ` +
            'Xray answers this way when the region is wrong: check that the region in Settings (US, EU, AU or Global) is where your Xray data is kept. ' +
            'If it is, Xray may be down; try again later.',
          { status: res.status, retryAfterSeconds: MIN_RETRY_AFTER_S.server },
        );
      }
      const detail = xrayDetail(res.text);
      return {
        kind: 'server',
        ambiguous: true,
        status: res.status,
        what: `Xray answered HTTP ${res.status} to ${what}${detail ? ` (${detail})` : ''}`,
      };
    }
    throw refusalError(spec.endpoint, res.status, res.text);
  }

  /** Decides after a failure: throws when no retry may follow, else answers how long to wait. */
  function planRetry(failure: Failure, failures: number, opts: XrayCallOptions): number {
    if (!opts.idempotent && failure.ambiguous) {
      const retryAfterSeconds = MIN_RETRY_AFTER_S[failure.kind];
      throw new XrayError(
        failure.kind,
        `${failure.what}. Xray may or may not have created the Test Execution, so the request was not sent again.`,
        { ...statusOf(failure), ambiguous: true, retryAfterSeconds },
      );
    }
    const jitter = backoffDelay(failures, policy, random);
    const delay = failure.retryAfterMs ?? jitter;
    const now = deps.clock.now();
    const outOfAttempts = failures >= policy.maxAttempts;
    const pastDeadline = opts.deadline !== undefined && now + delay > opts.deadline;
    if (outOfAttempts || pastDeadline || delay > policy.capMs) {
      const retryAfterSeconds = Math.max(MIN_RETRY_AFTER_S[failure.kind], Math.ceil(delay / 1000));
      const tries = failures === 1 ? '1 attempt' : `${failures} attempts`;
      throw new XrayError(failure.kind, `${failure.what} (${tries}). Try again in ${retryAfterSeconds} seconds.`, {
        ...statusOf(failure),
        retryAfterSeconds,
      });
    }
    return delay;
  }

  /** Sends one logical request with budget, token, timeout and retries; answers the 2xx body. */
  async function send(spec: RequestSpec, opts: XrayCallOptions): Promise<string> {
    const url = `${base}/api/v2/${spec.endpoint}`;
    let token = spec.auth ? await tokens.get(opts.deadline) : undefined;
    let reauthed = false;
    let failures = 0;
    let retrying = false;
    for (;;) {
      await lease.take();
      stats.budgetReservations = lease.reservations;
      count(spec.endpoint, retrying);
      const headers: Record<string, string> = { 'Content-Type': spec.contentType, Accept: 'application/json' };
      if (token) headers.Authorization = `Bearer ${token}`;
      let failure: Failure;
      try {
        const res = await fetchWithTimeout(
          deps.fetch,
          url,
          { method: 'POST', headers, body: spec.body },
          attemptTimeout(opts.deadline),
        );
        if (res.status >= 200 && res.status < 300) return res.text;
        // Redacted before anything reads it: messages clip Xray's words, and a clipped secret no longer matches.
        res.text = redact(res.text, secrets());
        if (res.status === 401) {
          if (isWrongRegionBody(res.text)) {
            throw new XrayError('wrong_region', wrongRegionMessage(config.region), { status: 401 });
          }
          if (token && !reauthed) {
            // A token can be revoked or expire early; one fresh sign-in settles whether the key itself is refused.
            reauthed = true;
            deps.log.info('Xray refused the cached token; signing in again', { endpoint: spec.endpoint });
            token = await tokens.renew(token, opts.deadline);
            retrying = false;
            continue;
          }
          throw new XrayError('auth', BAD_CREDENTIALS_MESSAGE, { status: 401 });
        }
        failure = failureOf(spec, res);
      } catch (err) {
        if (err instanceof XrayError) throw err;
        const timedOut = err instanceof RequestTimeoutError;
        const what = describeEndpoint(spec.endpoint);
        failure = {
          kind: 'network',
          ambiguous: !isSurelyUnsent(err),
          what: timedOut
            ? `Xray did not answer ${what} within ${Math.round(attemptTimeout(opts.deadline) / 1000)} s`
            : `Could not reach Xray for ${what} (${redact(shortError(err), secrets())})`,
        };
      }
      failures++;
      const delay = planRetry(failure, failures, opts);
      deps.log.warn('Xray request failed; retrying', {
        endpoint: spec.endpoint,
        kind: failure.kind,
        status: failure.status,
        attempt: failures,
        delayMs: delay,
      });
      await sleep(delay);
      retrying = true;
    }
  }

  async function authenticateNow(deadline: number | undefined): Promise<string> {
    const text = await send(
      {
        endpoint: 'authenticate',
        auth: false,
        contentType: 'application/json',
        body: JSON.stringify({ client_id: config.clientId.trim(), client_secret: config.clientSecret.trim() }),
      },
      { idempotent: true, deadline },
    );
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Xray documents a quoted JWT; accept a bare one from a proxy that unquoted it.
      parsed = text;
    }
    const token = tokenSchema.safeParse(parsed);
    if (!token.success || /\s/.test(token.data)) {
      throw new XrayError('server', 'Xray answered the sign-in with something that is not a token. Try again later.');
    }
    return token.data;
  }

  async function guarded<T>(fn: () => Promise<T>): Promise<T> {
    try {
      requireConfig();
      return await fn();
    } catch (err) {
      throw redactError(err, secrets());
    }
  }

  function parseImport(text: string, opts: XrayCallOptions): XrayImportResult {
    const body = jsonOrUndefined(text);
    // Cloud answers {id,key,self}; Server/DC wraps it in testExecIssue, accepted in case a proxy or emulator does.
    const unwrapped =
      body && typeof body === 'object' && 'testExecIssue' in body ? (body as { testExecIssue: unknown }).testExecIssue : body;
    const parsed = importResultSchema.safeParse(unwrapped);
    if (!parsed.success) {
      // The import went through (2xx), so a create did happen: the caller must look it up, not send it again.
      throw new XrayError(
        'server',
        'Xray accepted the results but its answer did not name the Test Execution.',
        opts.idempotent ? {} : { ambiguous: true, retryAfterSeconds: MIN_RETRY_AFTER_S.server },
      );
    }
    return { id: parsed.data.id, key: parsed.data.key };
  }

  async function graphql<T>(query: string, variables: Record<string, unknown>, opts: XrayCallOptions): Promise<T> {
    const text = await send(
      { endpoint: 'graphql', auth: true, contentType: 'application/json', body: JSON.stringify({ query, variables }) },
      opts,
    );
    const parsed = graphqlSchema.safeParse(jsonOrUndefined(text));
    if (!parsed.success) {
      throw new XrayError('server', 'Xray answered the query with something that is not GraphQL. Try again later.');
    }
    const first = parsed.data.errors?.[0];
    if (first) {
      // GraphQL errors come with HTTP 200; the first one is the one Xray's own UI shows.
      throw new XrayError('graphql', `Xray refused the query: ${xrayDetail(JSON.stringify(first)) || 'unknown error'}`, {
        status: 200,
      });
    }
    if (parsed.data.data === undefined || parsed.data.data === null) {
      throw new XrayError('server', 'Xray answered the query without data. Try again later.');
    }
    return parsed.data.data as T;
  }

  return {
    stats,

    reserveRequests: (n) =>
      guarded(async () => {
        const held = await lease.reserveAhead(n);
        stats.budgetReservations = lease.reservations;
        return held;
      }),

    authenticate: (opts: { fresh?: boolean } = {}) =>
      guarded(async () => {
        await (opts.fresh ? tokens.fresh() : tokens.get());
      }),

    importExecution: (body: XrayImportJson, opts: XrayCallOptions) =>
      guarded(async () => {
        const text = await send(
          { endpoint: 'import/execution', auth: true, contentType: 'application/json', body: JSON.stringify(body) },
          opts,
        );
        return parseImport(text, opts);
      }),

    importExecutionMultipart: (results: XrayImportJson, info: XrayMultipartInfo, opts: XrayCallOptions) =>
      guarded(async () => {
        const multipart = buildMultipart([
          { name: 'results', filename: 'results.json', contentType: 'application/json', content: JSON.stringify(results) },
          { name: 'info', filename: 'info.json', contentType: 'application/json', content: JSON.stringify(info) },
        ]);
        const text = await send(
          { endpoint: 'import/execution/multipart', auth: true, contentType: multipart.contentType, body: multipart.body },
          opts,
        );
        return parseImport(text, opts);
      }),

    graphql: <T>(query: string, variables: Record<string, unknown>, opts: XrayCallOptions) =>
      guarded(() => graphql<T>(query, variables, opts)),

    getStatuses: () =>
      guarded(async () => {
        const data = await graphql<unknown>(STATUSES_QUERY, {}, { idempotent: true });
        const parsed = statusesSchema.safeParse(data);
        if (!parsed.success) {
          throw new XrayError('server', "Xray's list of test run statuses could not be read. Try again later.");
        }
        return parsed.data.getStatuses.flatMap((s) => (typeof s.name === 'string' && s.name.trim() !== '' ? [s] : [])).map((s) => ({
          name: s.name as string,
          ...(typeof s.final === 'boolean' ? { final: s.final } : {}),
          ...(typeof s.color === 'string' ? { color: s.color } : {}),
        }));
      }),
  };
}
