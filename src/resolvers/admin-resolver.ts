import type { AdminErrorCode, ConnectionReport, JobView, SettingsView } from '../shared/types';
import type { Clock, JiraPort, Logger } from '../ports';
import type { KvsPort } from '../store/kvs-port';
import type { XrayClient, XrayClientConfig } from '../xray/xray-types';
import { AppError } from '../errors/app-error';
import { msg, type Message } from '../shared/message';
import { translateMessage } from '../i18n/translate';
import { ResolverHandlers, ResolverRequest, toEnvelope } from './envelope';
import { getProject, JiraError, myPermissions } from '../jira/jira-client';
import { SettingsStore } from '../store/settings-store';
import { applySettingsPatch, autoPickupOn, executionIssueType, StoredSettings, toSettingsView } from '../domain/settings';
import { pickupStateView, readPickupTrace } from '../pickup/pickup-trace';
import { PickupStore } from '../store/pickup-store';
import { checkTemplate, type ExecutionTemplate } from '../domain/execution-template';
import { readCreateFields } from '../jira/create-metadata';
import { checkTestsigma, checkXray, redactSecrets } from './admin-connection';
import { createAdminPickers } from './admin-pickers';
import { SetupStore, toSetupState } from '../store/setup-store';
import { StatusCache } from '../store/status-cache';
import { freeCase } from './admin-free-case';

/** The sync log as the admin page reads and drives it; implemented by the jobs store (src/sync, src/webtrigger). */
export interface AdminJobs {
  /** One page of jobs, newest first, their problems in `locale` (the admin's). */
  list(cursor?: string, locale?: unknown): Promise<{ jobs: JobView[]; nextCursor?: string }>;
  /**
   * Re-runs a job's stored results into the same Test Execution and answers the job; a job still running is answered
   * as it is. `undefined` means no such job.
   */
  retry(jobId: string, locale?: unknown): Promise<JobView | undefined>;
}

/** What the admin resolver needs; every part is injected so tests and the sandbox need no Forge module. */
export interface AdminDeps {
  kvs: KvsPort;
  jira: JiraPort;
  clock: Clock;
  log: Logger;
  /** Random bytes as hex: the web trigger secret is `randomHex(32)`. */
  randomHex(bytes: number): string;
  /** The web trigger's URL for this installation, when the platform can tell. */
  webtriggerUrl(): Promise<string | undefined>;
  /** Builds an Xray client from the settings being tested (not a cached one: the admin may just have saved new ones). */
  xrayClientFor(config: XrayClientConfig): XrayClient;
  /** Checks the Testsigma key with one cheap call; throws an Error whose message says what to fix. */
  testsigmaPing(config: { baseUrl: string; apiKey: string }): Promise<void>;
  jobs: AdminJobs;
  /**
   * How long each connection check may take, in ms (default 10 000). Both run side by side inside the resolver's 25 s,
   * so a host that never answers yields a message instead of a platform timeout.
   */
  connectionTimeoutMs?: number;
}

const FORBIDDEN_MESSAGE = msg('apiErrors.admin.forbidden');
/** Job ids are KVS key parts made by the app; anything longer or stranger never names a job. */
const JOB_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Cursors come back from `listJobs` as they were given; this bounds what a tampered payload can make us read. */
const MAX_CURSOR_LENGTH = 1000;

function fail(code: AdminErrorCode, message: Message): AppError<AdminErrorCode> {
  return new AppError(code, message);
}

function field(payload: unknown, name: string): unknown {
  return payload && typeof payload === 'object' && !Array.isArray(payload) ? (payload as Record<string, unknown>)[name] : undefined;
}

/**
 * The admin page's handlers (`getSettings`, `saveSettings`, `testConnection`, `rotateWebtriggerSecret`, `listJobs`,
 * `retryJob`, `freeCase`), per contract sections 2 and 8. Each first checks that the caller is a Jira administrator, as the user.
 */
export function createAdminResolver(deps: AdminDeps): ResolverHandlers {
  const store = new SettingsStore(deps.kvs);
  const setupStore = new SetupStore(deps.kvs);
  const timeoutMs = deps.connectionTimeoutMs ?? 10_000;

  /**
   * Proves the caller holds ADMINISTER. It asks as the user on purpose: the app itself is no Jira administrator, and
   * Jira's answer about the user is the only one that counts. The consent error escapes through toEnvelope.
   */
  async function requireAdmin(req: ResolverRequest): Promise<string> {
    const accountId = req.context.accountId;
    if (!accountId) throw fail('forbidden', FORBIDDEN_MESSAGE);
    const perms = await myPermissions(deps.jira.asUser(accountId), ['ADMINISTER']);
    if (perms['ADMINISTER'] !== true) {
      deps.log.warn('admin call refused: not a Jira administrator', { accountId });
      throw fail('forbidden', FORBIDDEN_MESSAGE);
    }
    return accountId;
  }

  async function view(settings: StoredSettings | undefined, locale: unknown): Promise<SettingsView> {
    const [s, presence, url, setupRead, pickup] = await Promise.all([
      settings ?? store.get(),
      store.presence(),
      deps.webtriggerUrl(),
      setupStore.read(),
      readPickupTrace(deps.kvs),
    ]);
    const on = autoPickupOn(s, pickup.pushDeliverySeen);
    const setup = { ...toSetupState(setupRead, presence), pickup: pickupStateView(pickup.record, on, locale) };
    return toSettingsView(s, presence, url, setup, pickup.pushDeliverySeen);
  }

  /**
   * The admin switched pick-up on: its first round looks back to this moment (no backfill, and nothing finished
   * between now and that round is missed). A pick-up that was on already keeps where it was.
   */
  async function markPickupSwitchedOn(): Promise<void> {
    const pickup = new PickupStore(deps.kvs);
    const rec = await pickup.state();
    if (rec.on && rec.since !== undefined) return;
    await pickup.putState({ ...rec, on: true, since: deps.clock.now(), cursors: {}, runsPickedUp: 0 });
  }

  /** Checks a default project as the user: it must exist and be visible to them. Answers its current key. */
  async function checkProject(accountId: string, key: string, fieldName = 'defaultProjectKey'): Promise<string> {
    const notFound = fail('invalid_settings', msg('settingsErrors.projectNotFound', { field: fieldName, project: key }));
    try {
      const project = await getProject(deps.jira.asUser(accountId), key);
      if (!project) throw notFound;
      // Jira answers a project's old key with the project under its new key: keep the key that works from now on.
      return project.key;
    } catch (err) {
      if (err instanceof JiraError && (err.status === 400 || err.status === 403 || err.status === 404)) throw notFound;
      throw err;
    }
  }

  /** Refuses a template that Jira would refuse: the first problem, naming its field. */
  async function checkTemplateAt(accountId: string, projectKey: string, typeName: string, template: ExecutionTemplate): Promise<void> {
    const meta = await readCreateFields(deps.jira.asUser(accountId), projectKey, typeName);
    if (!meta) throw fail('invalid_settings', msg('settingsErrors.atField', { field: 'testExecution', problem: msg('settingsErrors.templateNoType', { project: projectKey, type: typeName }) }));
    const problem = checkTemplate(template, meta)[0];
    if (!problem) return;
    const key =
      problem.reason === 'unknown'
        ? 'settingsErrors.templateUnknownField'
        : problem.reason === 'required'
          ? 'settingsErrors.templateRequired'
          : problem.reason === 'value'
            ? 'settingsErrors.templateValue'
            : problem.reason === 'reserved'
              ? 'settingsErrors.templateReserved'
              : problem.reason === 'tooMany'
                ? 'settingsErrors.templateTooMany'
                : 'settingsErrors.templateTooLarge';
    throw fail(
      'invalid_settings',
      msg('settingsErrors.atField', { field: problem.field, problem: msg(key, { project: projectKey, name: problem.detail ?? '', value: problem.detail ?? '', max: problem.detail ?? '' }) }),
    );
  }

  return {
    ...createAdminPickers({ jira: deps.jira, log: deps.log, requireAdmin }),

    getSettings: (req) =>
      toEnvelope(deps.log, req, 'getSettings', async () => {
        await requireAdmin(req);
        return view(undefined, req.context.locale);
      }),

    saveSettings: (req) =>
      toEnvelope(deps.log, req, 'saveSettings', async () => {
        const accountId = await requireAdmin(req);
        const current = await store.get();
        const result = applySettingsPatch(current, req.payload);
        if (!result.ok) throw fail('invalid_settings', result.problem);
        const next = result.settings;
        // Everything is checked before the first write, so a refused save leaves settings and secrets as they were.
        if (typeof field(req.payload, 'defaultProjectKey') === 'string' && next.defaultProjectKey) {
          next.defaultProjectKey = await checkProject(accountId, next.defaultProjectKey);
        }
        const defectsPatch = field(req.payload, 'defects');
        if (defectsPatch && typeof defectsPatch === 'object' && typeof (defectsPatch as { projectKey?: unknown }).projectKey === 'string' && next.defects?.projectKey) {
          next.defects = { ...next.defects, projectKey: await checkProject(accountId, next.defects.projectKey, 'defects.projectKey') };
        }
        const createTestsPatch = field(req.payload, 'createTests');
        if (createTestsPatch && typeof createTestsPatch === 'object' && typeof (createTestsPatch as { projectKey?: unknown }).projectKey === 'string' && next.createTests?.projectKey) {
          next.createTests = { ...next.createTests, projectKey: await checkProject(accountId, next.createTests.projectKey, 'createTests.projectKey') };
        }
        // The template is checked against Jira's create metadata of the default project whenever it or the project
        // changes; without a default project it is checked at the first import (the job error names the field).
        const templateChanged = field(req.payload, 'testExecution') !== undefined || typeof field(req.payload, 'defaultProjectKey') === 'string';
        if (templateChanged && next.testExecution && next.defaultProjectKey) {
          await checkTemplateAt(accountId, next.defaultProjectKey, executionIssueType(next), next.testExecution);
        }
        if (result.secrets.clientSecret) await store.setSecret('xrayClientSecret', result.secrets.clientSecret);
        if (result.secrets.apiKey) await store.setSecret('testsigmaApiKey', result.secrets.apiKey);
        await store.put(next);
        // New credentials have not been tested yet: the checklist shows that side as unknown again.
        const changedXray = field(req.payload, 'xray') !== undefined;
        // The pick-up switch lives under `testsigma` too, but flipping it changes no credential.
        const ts = field(req.payload, 'testsigma');
        const changedTestsigma = field(ts, 'baseUrl') !== undefined || field(ts, 'apiKey') !== undefined;
        if (changedXray || changedTestsigma) {
          const { connection } = await setupStore.read();
          const { xray: _x, xrayStatuses: _s, xrayAt: _xa, ...keepXray } = connection;
          const { testsigma: _t, testsigmaAt: _ta, ...keepTestsigma } = connection;
          const kept = changedXray && changedTestsigma ? {} : changedXray ? keepXray : keepTestsigma;
          await setupStore.putConnection(kept);
        }
        if (next.testsigma.autoPickup === true && current.testsigma.autoPickup !== true) await markPickupSwitchedOn();
        const payload = req.payload && typeof req.payload === 'object' ? (req.payload as Record<string, unknown>) : {};
        // Names only: the log says what changed and by whom, never a value (secrets would leak through it).
        deps.log.info('settings saved', {
          accountId,
          fields: Object.keys(payload).sort(),
          secretsChanged: Object.keys(result.secrets).sort(),
        });
        return view(next, req.context.locale);
      }),

    testConnection: (req) =>
      toEnvelope(deps.log, req, 'testConnection', async (): Promise<ConnectionReport> => {
        await requireAdmin(req);
        const [settings, clientSecret, apiKey] = await Promise.all([
          store.get(),
          store.secret('xrayClientSecret'),
          store.secret('testsigmaApiKey'),
        ]);
        const secrets = [clientSecret, apiKey].filter((s): s is string => !!s);
        const [xray, testsigma] = await Promise.all([
          checkXray(deps, settings, clientSecret, timeoutMs),
          checkTestsigma(deps, settings, apiKey, timeoutMs),
        ]);
        // Messages quote what Xray and Testsigma said; scrub our secrets in case a service echoed one back.
        const say = (m: Message) => redactSecrets(translateMessage(req.context.locale, m), secrets);
        const report: ConnectionReport = {
          xray: { ...xray, message: say(xray.message) },
          testsigma: { ...testsigma, message: say(testsigma.message) },
        };
        // The checklist's record, and the statuses for the sync (so it need not read them again today).
        const at = new Date(deps.clock.now()).toISOString();
        await setupStore.putConnection({
          xray: report.xray.ok ? 'ok' : 'failed',
          xrayAt: at,
          ...(apiKey ? { testsigma: report.testsigma.ok ? 'ok' : 'failed', testsigmaAt: at } : {}),
          ...(report.xray.statuses ? { xrayStatuses: report.xray.statuses } : {}),
        });
        if (report.xray.ok && report.xray.statuses) await new StatusCache(deps.kvs).put(report.xray.statuses, deps.clock.now());
        deps.log.info('connection tested', { xrayOk: report.xray.ok, testsigmaOk: report.testsigma.ok });
        return report;
      }),

    rotateWebtriggerSecret: (req) =>
      toEnvelope(deps.log, req, 'rotateWebtriggerSecret', async () => {
        const accountId = await requireAdmin(req);
        const secret = deps.randomHex(32);
        // A short or non-hex secret would weaken every executor's signature: refuse rather than store it.
        if (!/^[0-9a-f]{64}$/.test(secret)) throw new Error('randomHex(32) did not give 64 lower-case hex characters');
        // The URL is read first: it has no side effect, so a failure there leaves the old secret working.
        const url = await deps.webtriggerUrl();
        // The web trigger reads the secret on every request, so the old one stops working with this write.
        await store.setSecret('webtriggerSecret', secret);
        deps.log.info('web trigger secret rotated', { accountId });
        // An empty url means the platform could not tell it: the admin page then points to `forge webtrigger list`.
        return { secret, url: url ?? '' };
      }),

    listJobs: (req) =>
      toEnvelope(deps.log, req, 'listJobs', async () => {
        await requireAdmin(req);
        const cursor = field(req.payload, 'cursor');
        // Only our own page sends cursors, as `listJobs` gave them. Anything else (null, which many clients write for
        // "absent", a number, a string longer than any we give) cannot name a page: it gets the first one.
        const usable = typeof cursor === 'string' && cursor !== '' && cursor.length <= MAX_CURSOR_LENGTH;
        return deps.jobs.list(usable ? cursor : undefined, req.context.locale);
      }),

    retryJob: (req) =>
      toEnvelope(deps.log, req, 'retryJob', async () => {
        const accountId = await requireAdmin(req);
        const jobId = field(req.payload, 'jobId');
        // Contract section 2: an unknown job answers `not_found`; so does a payload that names no job at all.
        const missing = (id: string) =>
          fail('not_found', msg('apiErrors.admin.jobNotFound', { job: id }));
        if (typeof jobId !== 'string' || !JOB_ID.test(jobId)) {
          throw fail('not_found', msg('apiErrors.admin.noJobNamed'));
        }
        const [settings, clientSecret] = await Promise.all([store.get(), store.secret('xrayClientSecret')]);
        // A retry without Xray credentials could only fail again: say what to set up instead.
        if (!settings.xray.clientId || !clientSecret) {
          throw fail('not_configured', msg('apiErrors.admin.retryNeedsXray'));
        }
        const job = await deps.jobs.retry(jobId, req.context.locale);
        if (!job) throw missing(jobId);
        deps.log.info('job retry requested', { accountId, jobId, state: job.state });
        return job;
      }),

    freeCase: (req) =>
      toEnvelope(deps.log, req, 'freeCase', async () => {
        const accountId = await requireAdmin(req);
        return freeCase(deps, accountId, req.payload);
      }),
  };
}
