/**
 * A scripted world for the web trigger and the sync consumer: MemoryKvs, a settable clock, a recording queue, a
 * small Jira (bulkfetch and label search with a lagging index) and a scripted Xray client.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { MemoryKvs } from '../../sandbox/forge/memory-kvs';
import type { HttpRequestInit, HttpResponseLike, JiraPort, Logger, QueueEvent, QueuePort } from '../../src/ports';
import { LinkStore } from '../../src/store/link-store';
import { SettingsStore } from '../../src/store/settings-store';
import { DEFAULT_SETTINGS, StoredSettings } from '../../src/domain/settings';
import {
  XrayCallOptions,
  XrayClient,
  XrayClientConfig,
  XrayError,
  XrayImportJson,
  XrayImportResult,
  XrayMultipartInfo,
} from '../../src/xray/xray-types';
import { createWebtriggerHandler, WebtriggerRequest } from '../../src/webtrigger/webtrigger-handler';
import { createSyncConsumer, SyncAnswer, SyncTuning } from '../../src/sync/sync-consumer';
import type { TestsigmaRunReader } from '../../src/testsigma/testsigma-client';
import type { IssueKind, JobView } from '../../src/shared/types';

/** A Jira issue of the fake site. */
export interface FakeIssue {
  id: string;
  key: string;
  type: string;
  projectKey: string;
  labels: string[];
  /** When Jira created it (ms), on the world's clock. */
  createdMs: number;
}

function response(status: number, body: unknown): HttpResponseLike {
  const text = JSON.stringify(body);
  return { status, ok: status >= 200 && status < 300, headers: { get: () => null }, text: async () => text };
}

/** Jira with issues by id, bulkfetch, and `labels = "..."` search behind an index that can lag. */
export class FakeJira {
  readonly issues = new Map<string, FakeIssue>();
  /** Searches that find nothing before the index shows new labels. */
  searchMisses = 0;
  /** Issues bulkfetch lists in `issueErrors` (Jira could not return them this time) instead of returning them. */
  readonly unavailable = new Set<string>();
  readonly calls: string[] = [];
  private nextId = 20000;

  /** `now` dates the issues it adds, as Jira's `created`. */
  constructor(private readonly now: () => number = Date.now) {}

  add(issue: Partial<FakeIssue> & { key: string; type?: string }): FakeIssue {
    const id = issue.id ?? String(this.nextId++);
    const full: FakeIssue = {
      id,
      key: issue.key,
      type: issue.type ?? 'Test',
      projectKey: issue.projectKey ?? issue.key.split('-')[0]!,
      labels: issue.labels ?? [],
      createdMs: issue.createdMs ?? this.now(),
    };
    this.issues.set(id, full);
    return full;
  }

  port(): JiraPort {
    const request = async (path: string, init?: HttpRequestInit): Promise<HttpResponseLike> => {
      const body = init?.body ? (JSON.parse(String(init.body)) as Record<string, unknown>) : {};
      if (path === '/rest/api/3/issue/bulkfetch') {
        this.calls.push('bulkfetch');
        const ids = body.issueIdsOrKeys as string[];
        const issues = ids
          .map((id) => this.issues.get(id))
          .filter((i): i is FakeIssue => !!i && !this.unavailable.has(i.id))
          .map((i) => ({ id: i.id, key: i.key, fields: { issuetype: { name: i.type }, project: { key: i.projectKey, id: '1' }, summary: 's' } }));
        const issueErrors = ids.filter((id) => this.unavailable.has(id)).map((id) => ({ id, errorMessage: 'Try again later.' }));
        return response(200, { issues, issueErrors });
      }
      if (path === '/rest/api/3/search/jql') {
        this.calls.push('search');
        const m = /labels = "([^"]+)"/.exec(String(body.jql));
        if (!m) return response(400, { errorMessages: ['bad jql'] });
        if (this.searchMisses > 0) {
          this.searchMisses--;
          return response(200, { issues: [], isLast: true });
        }
        const found = [...this.issues.values()].filter((i) => i.labels.some((l) => l.toLowerCase() === m[1]!.toLowerCase()));
        const created = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');
        return response(200, {
          issues: found.map((i) => ({ id: i.id, key: i.key, fields: { issuetype: { name: i.type }, project: { key: i.projectKey }, created: created(i.createdMs) } })),
          isLast: true,
        });
      }
      return response(404, { errorMessages: [`no route ${path}`] });
    };
    return { asApp: () => request, asUser: () => request };
  }
}

/** One scripted answer of the fake Xray: a result, or an error to throw (after optionally doing the work). */
export type XrayStep = { throw: XrayError; commit?: boolean } | { ok: true };

/** A call the fake Xray received. */
export interface XrayCall {
  op: 'multipart' | 'import' | 'graphql';
  results?: XrayImportJson;
  info?: XrayMultipartInfo;
  body?: XrayImportJson;
  query?: string;
  variables?: Record<string, unknown>;
  opts: XrayCallOptions;
}

/** Xray as the consumer sees it: creates executions in the fake Jira, follows scripts, remembers evidence. */
export class FakeXray implements XrayClient {
  readonly calls: XrayCall[] = [];
  readonly script: XrayStep[] = [];
  /** Xray statuses; an import naming another is refused as a whole. */
  statuses = new Set(['PASSED', 'FAILED', 'TODO', 'EXECUTING', 'ABORTED']);
  /** Test environments that exist; others are refused. Undefined: all exist. */
  environments?: Set<string>;
  /** Evidence file names per execution key and test key. */
  readonly evidence = new Map<string, Map<string, string[]>>();
  /** Tests recorded per execution key. */
  readonly runs = new Map<string, Map<string, string>>();
  configs: XrayClientConfig[] = [];
  private n = 100;

  constructor(private readonly jira: FakeJira) {}

  private next(): XrayStep {
    return this.script.shift() ?? { ok: true };
  }

  private apply(key: string, tests: XrayImportJson['tests']): void {
    const runs = this.runs.get(key) ?? new Map<string, string>();
    const ev = this.evidence.get(key) ?? new Map<string, string[]>();
    for (const t of tests) {
      const testKey = t.testKey ?? t.testInfo?.definition ?? '';
      runs.set(testKey, t.status);
      if (t.evidence) ev.set(testKey, [...(ev.get(testKey) ?? []), ...t.evidence.map((e) => e.filename)]);
    }
    this.runs.set(key, runs);
    this.evidence.set(key, ev);
  }

  private validate(body: XrayImportJson, envs?: string[]): void {
    for (const t of body.tests) {
      if (!this.statuses.has(t.status)) throw new XrayError('bad_request', `Error importing results: status "${t.status}" of test ${t.testKey} does not exist!`, { status: 400 });
    }
    if (envs && this.environments) {
      const unknown = envs.filter((e) => !this.environments!.has(e));
      if (unknown.length > 0) {
        throw new XrayError('bad_request', `Error importing results: the following environments don't exist or are not in the context of test execution project: ${unknown.map((e) => `'${e}'`).join(', ')}!`, { status: 400 });
      }
    }
  }

  async authenticate(): Promise<void> {}

  async importExecutionMultipart(results: XrayImportJson, info: XrayMultipartInfo, opts: XrayCallOptions): Promise<XrayImportResult> {
    this.calls.push({ op: 'multipart', results, info, opts });
    const step = this.next();
    if ('throw' in step && !step.commit) throw step.throw;
    this.validate(results, info.xrayFields?.environments);
    const issue = this.jira.add({ key: `${info.fields.project.key}-${this.n++}`, type: 'Test Execution', labels: info.fields.labels ?? [] });
    this.apply(issue.key, results.tests);
    if ('throw' in step) throw step.throw;
    return { id: issue.id, key: issue.key };
  }

  async importExecution(body: XrayImportJson, opts: XrayCallOptions): Promise<XrayImportResult> {
    this.calls.push({ op: 'import', body, opts });
    const step = this.next();
    if ('throw' in step && !step.commit) throw step.throw;
    this.validate(body);
    const key = body.testExecutionKey!;
    const issue = [...this.jira.issues.values()].find((i) => i.key === key);
    if (!issue) throw new XrayError('bad_request', `Error importing results: Test Execution with key ${key} not found!`, { status: 400 });
    this.apply(key, body.tests);
    if ('throw' in step) throw step.throw;
    return { id: issue.id, key };
  }

  async graphql<T>(query: string, variables: Record<string, unknown>, opts: XrayCallOptions): Promise<T> {
    this.calls.push({ op: 'graphql', query, variables, opts });
    const step = this.next();
    if ('throw' in step) throw step.throw;
    const execRef = (variables.testExecIssueIds as string[])[0]!;
    const exec = this.jira.issues.get(execRef) ?? [...this.jira.issues.values()].find((i) => i.key === execRef);
    const ev = exec ? this.evidence.get(exec.key) : undefined;
    const testIds = (variables.testIssueIds as string[]) ?? [];
    const results = testIds
      .map((id) => this.jira.issues.get(id))
      .filter((i): i is FakeIssue => !!i && !!ev?.has(i.key))
      .map((i) => ({ test: { issueId: i.id, jira: { key: i.key } }, evidence: (ev!.get(i.key) ?? []).map((filename) => ({ filename })) }));
    const start = (variables.start as number) ?? 0;
    const limit = variables.limit as number;
    return { getTestRuns: { total: results.length, start, limit, results: results.slice(start, start + limit) } } as T;
  }

  /** getStatuses calls answered. */
  statusReads = 0;

  async getStatuses() {
    this.statusReads++;
    return [...this.statuses].map((name) => ({ name }));
  }

  count(op: XrayCall['op']): number {
    return this.calls.filter((c) => c.op === op).length;
  }
}

/** A queue that records pushes and can refuse them. */
export class FakeQueue implements QueuePort {
  readonly pushed: QueueEvent[] = [];
  /** Every event pushed, in order (`pushed` loses those the harness delivered). */
  readonly history: QueueEvent[] = [];
  failNext = 0;
  async push(events: QueueEvent[]): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw Object.assign(new Error('Too many requests'), { status: 429 });
    }
    this.pushed.push(...events);
    this.history.push(...events);
  }
}

/** A logger that keeps every line, to search for secrets. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const put = (level: string) => (message: string, data?: Record<string, unknown>) => lines.push(JSON.stringify({ level, message, ...data }));
  return { lines, info: put('info'), warn: put('warn'), error: put('error') };
}

/** The secrets every world uses (tests search outputs for them). */
export const SECRETS = {
  webtrigger: `wt-${randomBytes(12).toString('hex')}`,
  xray: `xs-${randomBytes(12).toString('hex')}`,
  testsigma: `ts-${randomBytes(12).toString('hex')}`,
};

/** Options of {@link makeWorld}. */
export interface WorldOptions {
  settings?: Partial<StoredSettings>;
  secrets?: Partial<Record<keyof typeof SECRETS, string | undefined>>;
  tuning?: Partial<SyncTuning>;
  testsigma?: TestsigmaRunReader;
  kvsLatencyMs?: number;
  /** Forge's storage rate limits (on by default); a test that turns them off says why. */
  rateLimits?: boolean;
}

/** Builds a world with settings, secrets and the two handlers. */
export async function makeWorld(opts: WorldOptions = {}) {
  let nowMs = Date.parse('2026-11-25T12:00:00Z');
  const clock = { now: () => nowMs };
  const kvs = new MemoryKvs({ now: clock.now, rateLimits: opts.rateLimits ?? true });
  const queue = new FakeQueue();
  const jira = new FakeJira(clock.now);
  const xray = new FakeXray(jira);
  const log = recordingLogger();
  const settingsStore = new SettingsStore(kvs);
  await settingsStore.put({ ...DEFAULT_SETTINGS, xray: { ...DEFAULT_SETTINGS.xray, clientId: 'client-1' }, ...opts.settings });
  const secrets = { ...SECRETS, ...opts.secrets };
  if (secrets.webtrigger) await settingsStore.setSecret('webtriggerSecret', secrets.webtrigger);
  if (secrets.xray) await settingsStore.setSecret('xrayClientSecret', secrets.xray);
  if (secrets.testsigma) await settingsStore.setSecret('testsigmaApiKey', secrets.testsigma);
  const deps = {
    kvs,
    queue,
    clock,
    log,
    randomHex: (bytes: number) => randomBytes(bytes).toString('hex'),
    jira: jira.port(),
    fetch: async () => {
      throw new Error('no network in unit tests');
    },
    webtriggerUrl: async () => 'https://example.test/x1/abc',
  };
  const webtrigger = createWebtriggerHandler(deps);
  const sync = createSyncConsumer({
    ...deps,
    xrayClientFor: (config) => {
      xray.configs.push(config);
      return xray;
    },
    ...(opts.testsigma ? { testsigmaClientFor: () => opts.testsigma! } : {}),
    // Unpaced unless a test asks: the harness's clock stands still between drains, so every job would share a minute.
    tuning: { batchOpsPerMinute: 0, ...opts.tuning },
    // Pauses pass on the harness's clock, at once.
    sleep: async (ms) => {
      nowMs += ms;
    },
  });
  const links = new LinkStore(kvs);
  kvs.latencyMs = opts.kvsLatencyMs ?? 0;
  kvs.resetCalls();

  /** Links Testsigma entities to a new Jira issue. */
  async function link(kind: IssueKind, key: string, testsigmaIds: string[], projectKey?: string): Promise<FakeIssue> {
    const type = kind === 'test' ? 'Test' : kind === 'testSet' ? 'Test Set' : 'Test Plan';
    const issue = jira.add({ key, type, ...(projectKey ? { projectKey } : {}) });
    const tsKind = kind === 'test' ? 'testCase' : kind === 'testSet' ? 'testSuite' : 'testPlan';
    for (const id of testsigmaIds) {
      const r = await links.claim({ issueId: issue.id, issueKind: kind, testsigmaKind: tsKind, testsigmaId: id, linkedBy: 'acc-1', linkedAt: '2026-11-01T00:00:00Z' });
      if (!r.ok) throw new Error(`link failed for ${id}`);
    }
    return issue;
  }

  function sign(body: string, atMs = nowMs, secret = secrets.webtrigger ?? ''): string {
    const t = Math.floor(atMs / 1000);
    return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
  }

  /** A signed POST of a JSON body. */
  function post(payload: unknown, headers: Record<string, string[]> = {}): WebtriggerRequest {
    const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
    return { method: 'POST', body, headers: { 'content-type': ['application/json'], 'x-signature': [sign(body)], ...headers }, queryParameters: {} };
  }

  /** A signed GET of a job. */
  function getJob(jobId: string): WebtriggerRequest {
    return { method: 'GET', body: '', headers: { 'x-signature': [sign('')] }, queryParameters: { job: [jobId] } };
  }

  async function jobView(jobId: string): Promise<JobView> {
    const res = await webtrigger(getJob(jobId));
    if (res.statusCode !== 200) throw new Error(`GET job answered ${res.statusCode}: ${res.body}`);
    return JSON.parse(res.body) as JobView;
  }

  /** Posts a delivery and answers its job id (fails the test on anything but 202). */
  async function deliver(payload: unknown): Promise<string> {
    const res = await webtrigger(post(payload));
    if (res.statusCode !== 202) throw new Error(`POST answered ${res.statusCode}: ${res.body}`);
    return (JSON.parse(res.body) as { jobId: string }).jobId;
  }

  /**
   * Runs queued events in order, like the queue would, moving the clock by each delay; retry answers run again.
   * Answers every consumer answer. Stops after `max` runs.
   */
  async function drain(max = 50): Promise<SyncAnswer[]> {
    const answers: SyncAnswer[] = [];
    for (let i = 0; i < max && queue.pushed.length > 0; i++) {
      const ev = queue.pushed.shift()!;
      if (ev.delayInSeconds) nowMs += ev.delayInSeconds * 1000;
      const answer = await sync({ body: ev.body });
      answers.push(answer);
      if (answer) queue.pushed.unshift({ ...ev, delayInSeconds: answer.retryAfterSeconds });
    }
    return answers;
  }

  return {
    kvs,
    clock,
    queue,
    jira,
    xray,
    log,
    deps,
    webtrigger,
    sync,
    secrets,
    settingsStore,
    link,
    sign,
    post,
    getJob,
    jobView,
    deliver,
    drain,
    advance: (ms: number) => {
      nowMs += ms;
    },
    setNow: (ms: number) => {
      nowMs = ms;
    },
  };
}

/** A delivery body. */
export function delivery(runId: string, results: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}) {
  return { runId, results, ...extra };
}
