/**
 * Fakes for the admin resolver's tests: a Jira that answers `mypermissions` and `project` in Jira Cloud's REST
 * shapes, scripted Xray and Testsigma checks, a jobs store, and a logger that keeps every line.
 */
import { randomBytes } from 'node:crypto';
import type { HttpResponseLike, JiraPort, JiraRequest, Logger } from '../../src/ports';
import type { JobView } from '../../src/shared/types';
import type { XrayClient, XrayClientConfig } from '../../src/xray/xray-types';
import { MemoryKvs } from '../../sandbox/forge/memory-kvs';
import { AdminDeps, createAdminResolver } from '../../src/resolvers/admin-resolver';
import type { Envelope } from '../../src/shared/types';

export const ADMIN = '5b10a2844c20165700ede21g';
export const USER = '5b10ac8d82e05b22cc7d4ef5';

function json(status: number, body: unknown): HttpResponseLike {
  const text = JSON.stringify(body);
  return { status, ok: status >= 200 && status < 300, headers: { get: () => 'application/json' }, text: async () => text };
}

/** A Jira site with admins and projects; `asApp()` claims to be an admin so a check made as the app would pass wrongly. */
export class FakeJira implements JiraPort {
  readonly admins = new Set<string>([ADMIN]);
  /** Projects by every key that finds them (Jira answers old keys with the project under its new key). */
  readonly projects = new Map<string, { id: string; key: string; name: string }>([
    ['PROJ', { id: '10000', key: 'PROJ', name: 'Project' }],
  ]);
  readonly calls: Array<{ as: string; path: string }> = [];
  /** When set, every call as a user throws it (the platform's consent error). */
  userError?: Error;

  asUser(accountId: string): JiraRequest {
    return async (path) => {
      this.calls.push({ as: accountId, path });
      if (this.userError) throw this.userError;
      return this.answer(path, this.admins.has(accountId));
    };
  }

  asApp(): JiraRequest {
    return async (path) => {
      this.calls.push({ as: 'app', path });
      return this.answer(path, true);
    };
  }

  private answer(path: string, isAdmin: boolean): HttpResponseLike {
    const url = new URL(path, 'https://example.atlassian.net');
    if (url.pathname === '/rest/api/3/mypermissions') {
      const wanted = (url.searchParams.get('permissions') ?? '').split(',').filter(Boolean);
      if (wanted.length === 0) return json(400, { errorMessages: ["The 'permissions' query parameter is required."], errors: {} });
      const permissions: Record<string, unknown> = {};
      for (const key of wanted) {
        permissions[key] = {
          description: 'Create and administer projects, issue types, fields, workflows, and schemes for all projects.',
          havePermission: key === 'ADMINISTER' ? isAdmin : false,
          id: '0',
          key,
          name: 'Administer Jira',
          type: 'GLOBAL',
        };
      }
      return json(200, { permissions });
    }
    const m = /^\/rest\/api\/3\/project\/([^/]+)$/.exec(url.pathname);
    if (m) {
      const ref = decodeURIComponent(m[1]!);
      const p = this.projects.get(ref);
      if (!p) return json(404, { errorMessages: [`No project could be found with key '${ref}'.`], errors: {} });
      return json(200, { self: `https://example.atlassian.net/rest/api/3/project/${p.id}`, id: p.id, key: p.key, name: p.name });
    }
    return json(404, { errorMessages: ['Not found'], errors: {} });
  }
}

/** A scripted Xray: `statuses` to answer, or `error` to throw from `getStatuses`. */
export class FakeXray {
  statuses: Array<{ name: string; final?: boolean }> = ['PASSED', 'FAILED', 'TODO', 'EXECUTING', 'ABORTED'].map((name) => ({ name, final: name !== 'TODO' && name !== 'EXECUTING' }));
  error?: Error;
  /** A promise that never settles, to test the timeout. */
  hang = false;
  readonly configs: XrayClientConfig[] = [];
  /** Sign-ins asked for, with their options. */
  readonly signIns: Array<{ fresh?: boolean }> = [];

  clientFor = (config: XrayClientConfig): XrayClient => {
    this.configs.push(config);
    const unused = async (): Promise<never> => {
      throw new Error('not used by the admin resolver');
    };
    return {
      authenticate: async (opts: { fresh?: boolean } = {}) => {
        this.signIns.push(opts);
        if (this.hang) return new Promise<void>(() => undefined);
        if (this.error) throw this.error;
      },
      importExecution: unused,
      importExecutionMultipart: unused,
      graphql: unused,
      getStatuses: async () => {
        if (this.hang) return new Promise(() => undefined);
        if (this.error) throw this.error;
        return this.statuses;
      },
    };
  };
}

/** A scripted Testsigma ping. */
export class FakeTestsigma {
  error?: Error;
  readonly pings: Array<{ baseUrl: string; apiKey: string }> = [];
  ping = async (config: { baseUrl: string; apiKey: string }): Promise<void> => {
    this.pings.push(config);
    if (this.error) throw this.error;
  };
}

/** An in-memory jobs list with cursors over indices. */
export class FakeJobs {
  readonly jobs: JobView[] = [];
  readonly listed: Array<string | undefined> = [];
  readonly retried: string[] = [];
  pageSize = 2;

  list = async (cursor?: string) => {
    this.listed.push(cursor);
    const start = cursor ? Number(cursor) : 0;
    const page = this.jobs.slice(start, start + this.pageSize);
    const next = start + this.pageSize < this.jobs.length ? String(start + this.pageSize) : undefined;
    return next ? { jobs: page, nextCursor: next } : { jobs: page };
  };

  retry = async (jobId: string) => {
    this.retried.push(jobId);
    const job = this.jobs.find((j) => j.jobId === jobId);
    if (!job) return undefined;
    if (job.state === 'running' || job.state === 'queued') return job;
    const again: JobView = { ...job, state: 'queued', attempts: job.attempts + 1 };
    this.jobs.splice(this.jobs.indexOf(job), 1, again);
    return again;
  };
}

/** A job as the sync log shows it. */
export function job(jobId: string, state: JobView['state'] = 'failed'): JobView {
  return {
    jobId,
    runId: `run-${jobId}`,
    state,
    counts: { received: 3, synced: state === 'failed' ? 0 : 3, unmapped: 0, failed: state === 'failed' ? 3 : 0 },
    unmapped: [],
    errors: state === 'failed' ? ['Xray refused the import: status SKIPPED does not exist.'] : [],
    attempts: 1,
    createdAt: '2026-11-25T10:00:00.000Z',
    updatedAt: '2026-11-25T10:01:00.000Z',
  };
}

/** A logger that keeps every line with its data. */
export class RecordingLogger implements Logger {
  readonly lines: Array<{ level: string; message: string; data?: Record<string, unknown> }> = [];
  info(message: string, data?: Record<string, unknown>): void {
    this.lines.push({ level: 'info', message, ...(data ? { data } : {}) });
  }
  warn(message: string, data?: Record<string, unknown>): void {
    this.lines.push({ level: 'warn', message, ...(data ? { data } : {}) });
  }
  error(message: string, data?: Record<string, unknown>): void {
    this.lines.push({ level: 'error', message, ...(data ? { data } : {}) });
  }
}

export const WEBTRIGGER_URL = 'https://1234abcd.hello.atlassian-dev.net/x1/AbCdEfGh';

/** A resolver over fresh fakes, plus a caller that records every answer for the secret-leak checks. */
export function setup(overrides: Partial<AdminDeps> = {}) {
  const kvs = new MemoryKvs({ now: () => Date.parse('2026-11-25T12:00:00Z') });
  const jira = new FakeJira();
  const xray = new FakeXray();
  const testsigma = new FakeTestsigma();
  const jobs = new FakeJobs();
  const log = new RecordingLogger();
  const answers: unknown[] = [];
  const deps: AdminDeps = {
    kvs,
    jira,
    clock: { now: () => Date.parse('2026-11-25T12:00:00Z') },
    log,
    randomHex: (n) => randomBytes(n).toString('hex'),
    webtriggerUrl: async () => WEBTRIGGER_URL,
    xrayClientFor: xray.clientFor,
    testsigmaPing: testsigma.ping,
    jobs,
    ...overrides,
  };
  const handlers = createAdminResolver(deps);
  async function call<T = unknown>(key: string, payload: unknown = {}, accountId: string | null = ADMIN): Promise<Envelope<T>> {
    const handler = handlers[key];
    if (!handler) throw new Error(`no handler ${key}`);
    const answer = await handler({ payload, context: accountId === null ? {} : { accountId } });
    answers.push(answer);
    return answer as Envelope<T>;
  }
  return { kvs, jira, xray, testsigma, jobs, log, deps, handlers, call, answers };
}

/** The data of a successful envelope, failing the test with the error otherwise. */
export function data<T>(answer: Envelope<T>): T {
  if (!answer.ok) throw new Error(`expected ok, got ${answer.error.code}: ${answer.error.message}`);
  return answer.data;
}
