/**
 * The `xray-sync` queue consumer: one job (delivery) into the run's one Test Execution.
 *
 * Per job: take it (a lease, so a consumer killed at its time limit does not hold it forever), load its results
 * (or pull them from Testsigma), map each case to its linked Xray Test by the Test's current key, decide where a new
 * Test Execution goes, import, and record the outcome with each case's last result.
 *
 * One Test Execution per run: `run:<runId>` keeps its key once known. Before the first create an intent is written
 * and the create carries the run's label; when the create's answer is lost, the label is looked up in Jira (as the
 * app, spending no Xray request) now and after 1, 2 and 4 minutes (Jira's index lags) before creating again.
 * Deliveries of one run are serialised by the queue's concurrency key, so only one of them acts at a time.
 */
import type { Clock, FetchPort, JiraPort, Logger, QueuePort } from '../ports';
import type { LastResult } from '../shared/types';
import type { KvsPort } from '../store/kvs-port';
import { isKvsThrottle } from '../store/kvs-port';
import type { StoredSettings } from '../domain/settings';
import type { Delivery } from '../domain/results-payload';
import type { XrayClient, XrayClientConfig, XrayImportTest } from '../xray/xray-types';
import { XrayError } from '../xray/xray-types';
import { JiraError, bulkFetchIssues, searchIssues } from '../jira/jira-client';
import { LinkStore } from '../store/link-store';
import { SettingsStore } from '../store/settings-store';
import { JobRecord, JobStore, KvsItem, addErrors, isJobId, writeItems } from '../store/job-store';
import { RunRecord, RunStore, lastResultItem, planRunItem } from '../store/run-store';
import { effectiveStatusMap } from '../domain/status-map';
import { runConcurrencyKey, runLabel } from '../domain/run-mark';
import {
  CurrentTest,
  Evidence,
  MAX_LISTED_IDS,
  MappedResult,
  ResultTriage,
  buildCreateImport,
  buildImportTests,
  buildUpdateImport,
  decideTarget,
  listIds,
  outcomeState,
  refusedEnvironments,
  triageResults,
} from '../domain/xray-import';
import { TestsigmaClient, TestsigmaClientConfig, TestsigmaError, createTestsigmaClient } from '../testsigma/testsigma-client';

/** Timings and bounds of the consumer; tests shorten them. */
export interface SyncTuning {
  /** How long a started job is held (the consumer's 900 s limit plus a little). */
  leaseMs: number;
  /** How long into an invocation Xray calls may still start (leaves time to record the outcome). */
  workMs: number;
  /** Transient failures (Xray or Testsigma 429/5xx/network, storage throttling) before the job ends failed. */
  maxTransientFailures: number;
  /** Waits between label lookups after a lost create answer, in seconds (Jira's index lags). */
  lookupDelaysSeconds: number[];
  /** Pull mode: seconds between polls of an unfinished Testsigma run. */
  pollDelaySeconds: number;
  /** Pull mode: how long to wait for a run to finish. */
  pollWindowMs: number;
}

/** Defaults: the platform's limits and the contract's schedules. */
export const DEFAULT_SYNC_TUNING: SyncTuning = {
  leaseMs: 930_000,
  workMs: 840_000,
  maxTransientFailures: 5,
  lookupDelaysSeconds: [60, 120, 240],
  pollDelaySeconds: 180,
  pollWindowMs: 60 * 60 * 1000,
};

/** What the consumer needs. */
export interface SyncDeps {
  kvs: KvsPort;
  jira: JiraPort;
  queue: QueuePort;
  clock: Clock;
  log: Logger;
  fetch: FetchPort;
  /** Builds an Xray client for this invocation. */
  xrayClientFor(config: XrayClientConfig): XrayClient;
  /** Builds a Testsigma client (pull mode); defaults to the real one over `fetch`. */
  testsigmaClientFor?(config: TestsigmaClientConfig): TestsigmaClient;
  tuning?: Partial<SyncTuning>;
}

/** The queue event as the consumer reads it. */
export interface SyncEvent {
  body: Record<string, unknown>;
  retryContext?: unknown;
}

/** `undefined` when done; otherwise the queue should run the event again after that many seconds. */
export type SyncAnswer = void | { retryAfterSeconds: number; reason: string };

/** Job states that no event changes any more (only `retryJob` does). */
const FINAL_STATES = new Set(['succeeded', 'partial', 'failed']);
/** Seconds to wait after storage throttled us. */
const STORAGE_RETRY_SECONDS = 60;
/** A job waiting for a later run is reported lost when it has not restarted this long after it was due. */
const RESUME_GRACE_MS = 30 * 60 * 1000;
/** Backoff for transient failures that carry no hint, by failure count. */
const TRANSIENT_BACKOFF_SECONDS = [30, 60, 120, 240, 480];
/** Tests a getTestRuns page asks for (GraphQL lists take at most 100). */
const GRAPHQL_PAGE = 100;

const EVIDENCE_QUERY = `query($testExecIssueIds: [String], $testIssueIds: [String], $start: Int, $limit: Int!) {
  getTestRuns(testExecIssueIds: $testExecIssueIds, testIssueIds: $testIssueIds, start: $start, limit: $limit) {
    total
    start
    limit
    results { test { issueId jira(fields: ["key"]) } evidence { filename } }
  }
}`;

interface TestRunsPage {
  getTestRuns?: {
    total?: number;
    results?: Array<{ test?: { issueId?: string; jira?: { key?: string } }; evidence?: Array<{ filename?: string }> }>;
  };
}

/** Run the job again later: by a delayed event of our own, or the queue's retry when the queue refuses that event. */
class Later extends Error {
  constructor(
    readonly seconds: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** End the job failed with this sentence; `failedResults` counts results Xray refused as a whole. */
class Fail extends Error {
  constructor(
    message: string,
    readonly failedResults = 0,
  ) {
    super(message);
  }
}

/** A step failed in a way a later attempt may fix. */
class Transient extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

/** What an attempt has learnt so far, kept when it fails. */
interface Progress {
  rec?: JobRecord;
  warnings: string[];
}

/** Builds the consumer. Its answer is turned into an `InvocationError` retry by `src/platform/forge-consumer.ts`. */
export function createSyncConsumer(deps: SyncDeps) {
  const t: SyncTuning = { ...DEFAULT_SYNC_TUNING, ...deps.tuning };
  const jobs = new JobStore(deps.kvs);
  const runs = new RunStore(deps.kvs);
  const links = new LinkStore(deps.kvs);
  const settingsStore = new SettingsStore(deps.kvs);
  const testsigmaFor = deps.testsigmaClientFor ?? ((c: TestsigmaClientConfig) => createTestsigmaClient(c, { fetch: deps.fetch }));

  return async function sync(event: SyncEvent): Promise<SyncAnswer> {
    const raw = event?.body?.jobId;
    const jobId = typeof raw === 'string' ? raw : '';
    if (!isJobId(jobId)) {
      deps.log.warn('sync: event without a valid job id; dropped');
      return;
    }
    let job: JobRecord | undefined;
    const now = deps.clock.now();
    try {
      job = await jobs.get(jobId);
      if (!job) {
        deps.log.warn('sync: job not found (expired or withdrawn); dropped', { jobId });
        return;
      }
      // Events are delivered at least once: a finished job, or one another invocation holds, is left alone.
      if (FINAL_STATES.has(job.state)) return;
      if (job.state === 'running' && job.deadline > now) return;
      job = { ...job, state: 'running', attempts: job.attempts + 1, deadline: now + t.leaseMs, updatedAt: iso(now) };
      await jobs.put(job);
    } catch (err) {
      if (isKvsThrottle(err)) return { retryAfterSeconds: STORAGE_RETRY_SECONDS, reason: 'Forge storage is busy' };
      throw err;
    }

    const progress: Progress = { warnings: [] };
    try {
      const done = await runJob(job, now, progress);
      await writeItems(deps.kvs, [...done.items, jobs.item(done.rec)]);
      deps.log.info('sync: job finished', { jobId, runId: done.rec.runId, state: done.rec.state, counts: done.rec.counts });
      return;
    } catch (err) {
      return settle(job, err, progress);
    }
  };

  /** Records why the job stopped, and asks for another run when one may help. */
  async function settle(job: JobRecord, err: unknown, progress: Progress): Promise<SyncAnswer> {
    const now = deps.clock.now();
    try {
      if (err instanceof Later) {
        const waiting: JobRecord = { ...job, state: 'queued', deadline: now + err.seconds * 1000 + RESUME_GRACE_MS, updatedAt: iso(now) };
        await jobs.put(waiting);
        deps.log.info('sync: job continues later', { jobId: job.jobId, seconds: err.seconds, reason: err.reason });
        try {
          await deps.queue.push([
            { body: { jobId: job.jobId }, delayInSeconds: err.seconds, concurrency: { key: runConcurrencyKey(job.runId), limit: 1 } },
          ]);
          return;
        } catch (pushErr) {
          deps.log.warn('sync: delayed push refused; asking the queue for a retry instead', { jobId: job.jobId, error: String(pushErr) });
          return { retryAfterSeconds: err.seconds, reason: err.reason };
        }
      }
      if (err instanceof Fail) {
        // Keep what the attempt learnt (unmapped cases, problems, warnings) beside the reason it failed.
        const base = progress.rec ? { ...progress.rec, errors: addErrors(progress.rec.errors, progress.warnings) } : job;
        await finish(base, err.message, err.failedResults);
        return;
      }
      const transient = asTransient(err);
      if (transient) {
        const failures = job.retries + 1;
        if (failures >= t.maxTransientFailures) {
          await finish(job, `${transient.message} The app gave up after ${failures} attempts; retry the job later from the app's sync log.`);
          return;
        }
        const seconds = Math.min(900, Math.max(1, transient.retryAfterSeconds ?? TRANSIENT_BACKOFF_SECONDS[failures - 1] ?? 480));
        await jobs.put({ ...job, state: 'queued', retries: failures, deadline: now + seconds * 1000 + RESUME_GRACE_MS, updatedAt: iso(now) });
        deps.log.warn('sync: transient failure; retry requested', { jobId: job.jobId, seconds, failures, error: transient.message });
        return { retryAfterSeconds: seconds, reason: transient.message };
      }
      deps.log.error('sync: job failed unexpectedly', { jobId: job.jobId, error: err instanceof Error ? err.message : String(err) });
      await finish(job, `The sync failed unexpectedly (${err instanceof Error ? err.message : String(err)}). Retry the job; if it keeps failing, check the app's logs.`);
      return;
    } catch (writeErr) {
      // The job could not be updated: let the queue bring the event back rather than lose the outcome.
      if (isKvsThrottle(writeErr)) return { retryAfterSeconds: STORAGE_RETRY_SECONDS, reason: 'Forge storage is busy' };
      throw writeErr;
    }
  }

  /** Ends a job failed (it keeps the counts the attempt reached, if any). */
  async function finish(job: JobRecord, message: string, failedResults = 0): Promise<void> {
    const now = deps.clock.now();
    const counts = { ...job.counts, synced: 0, failed: job.counts.failed + failedResults };
    await jobs.put({ ...job, state: 'failed', counts, errors: addErrors(job.errors, [message]), deadline: now, updatedAt: iso(now) });
    deps.log.warn('sync: job failed', { jobId: job.jobId, runId: job.runId, error: message });
  }

  /** Which failures another attempt may fix. */
  function asTransient(err: unknown): Transient | undefined {
    if (err instanceof Transient) return err;
    if (err instanceof XrayError && err.retryable) return new Transient(err.message, err.details.retryAfterSeconds);
    if (err instanceof TestsigmaError && err.retryable) return new Transient(err.message, err.details.retryAfterSeconds);
    if (err instanceof JiraError && (err.status === 429 || err.status >= 500)) {
      return new Transient(`Jira could not answer the app (${err.message}).`);
    }
    if (isKvsThrottle(err)) return new Transient('Forge storage is busy.', STORAGE_RETRY_SECONDS);
    return undefined;
  }

  /** Turns a failure that no retry fixes into the job's sentence. */
  function permanentMessage(err: unknown): string | undefined {
    if (err instanceof XrayError) return err.message;
    if (err instanceof TestsigmaError) return err.message;
    if (err instanceof JiraError) {
      return err.status === 401 || err.status === 403
        ? `Jira refused the app's request (${err.message}). Check that the app is still installed with its permissions.`
        : `Jira refused the app's request (${err.message}).`;
    }
    return undefined;
  }

  /** One attempt at the job. Answers the final record and the writes that go with it; throws Later/Fail/errors. */
  async function runJob(job: JobRecord, started: number, progress: Progress): Promise<{ rec: JobRecord; items: KvsItem[] }> {
    try {
      return await attempt(job, started, progress);
    } catch (err) {
      if (err instanceof Later || err instanceof Fail || asTransient(err)) throw err;
      const message = permanentMessage(err);
      if (message) throw new Fail(message);
      throw err;
    }
  }

  async function attempt(job: JobRecord, started: number, progress: Progress): Promise<{ rec: JobRecord; items: KvsItem[] }> {
    const [settings, xraySecret] = await Promise.all([settingsStore.get(), settingsStore.secret('xrayClientSecret')]);
    if (!settings.xray.clientId || !xraySecret) {
      throw new Fail('Xray is not set up in the app: a Jira admin must enter the Xray API key (client id and secret) on the app\'s settings page. Then retry this job.');
    }
    const statusMap = effectiveStatusMap(settings.statusOverrides);
    const delivery = job.mode === 'pull' ? await pullDelivery(job, settings, started) : await jobs.loadDelivery(job, settings.attachEvidence);
    if (!delivery) throw new Fail('The results of this job are no longer stored (they are kept for 30 days). Send the results again.');

    const caseIds = [...new Set(delivery.results.map((r) => r.testCaseId))];
    // Every delivery names its plan: a later one may be the first to, and Xray then attaches the execution to it.
    const [owners, runRec, planLink] = await Promise.all([
      links.ownersOfCases(caseIds),
      runs.get(delivery.runId),
      delivery.testPlanId ? links.owner('testPlan', delivery.testPlanId) : undefined,
    ]);
    const issueIds = new Set<string>([...owners.values()].map((o) => o.issueId));
    if (planLink) issueIds.add(planLink.issueId);
    const issues = issueIds.size > 0 ? await bulkFetchIssues(deps.jira.asApp(), [...issueIds]) : new Map();
    const current = new Map<string, CurrentTest>();
    for (const i of issues.values()) current.set(i.id, { issueId: i.id, key: i.key, projectKey: i.projectKey });
    const caseToIssue = new Map<string, string>();
    for (const [caseId, rec] of owners) caseToIssue.set(caseId, rec.issueId);
    const triage = triageResults(delivery.results, statusMap, caseToIssue, current);

    let rec: JobRecord = {
      ...job,
      ...(delivery.testPlanId ? { testsigmaPlanId: delivery.testPlanId } : {}),
      counts: { received: delivery.results.length, synced: 0, unmapped: triage.unmappedCount, failed: triage.failedCount },
      unmapped: triage.unmappedIds.slice(0, MAX_LISTED_IDS),
      errors: addErrors(job.intake, triage.errors),
    };
    progress.rec = rec;
    const planItems = delivery.testPlanId ? [planRunItem(delivery.testPlanId, job.jobId)] : [];
    const now = () => deps.clock.now();

    if (triage.mapped.length === 0) {
      const n = caseIds.length;
      const message =
        triage.unmappedCount === delivery.results.length
          ? `None of the ${n} test case${n === 1 ? '' : 's'} in this delivery ${n === 1 ? 'is' : 'are'} linked to an Xray Test (Testsigma test case${n === 1 ? '' : 's'} ${listIds(caseIds)}). Link them on their Xray Tests' Testsigma panel, then retry this job.`
          : 'No result of this delivery could be sent to Xray; see the problems listed.';
      rec = { ...rec, state: 'failed', errors: addErrors(rec.errors, [message]), deadline: now(), updatedAt: iso(now()) };
      return { rec, items: planItems };
    }

    let planIssue: CurrentTest | undefined;
    const warnings = progress.warnings;
    if (planLink) {
      planIssue = current.get(planLink.issueId);
      if (!planIssue) {
        warnings.push(
          `Testsigma test plan ${delivery.testPlanId} is linked to an Xray Test Plan that no longer exists or that the app cannot see (issue id ${planLink.issueId}); the Test Execution was not attached to a plan.`,
        );
      }
    }

    const xray = deps.xrayClientFor({
      region: settings.xray.region,
      clientId: settings.xray.clientId,
      clientSecret: xraySecret,
      requestsPer5Minutes: settings.xray.requestsPer5Minutes,
    });
    const evidence = settings.attachEvidence ? evidenceOf(triage.mapped) : new Map<number, Evidence[]>();
    const imported = await importRun({ job, delivery, triage, runRec, planIssue, settings, xray, evidence, started, warnings });

    const at = iso(now());
    const last = new Map<string, LastResult>();
    for (const m of triage.mapped) {
      last.set(m.testCaseId, { status: m.xrayStatus, runId: delivery.runId, testExecutionKey: imported.key, at });
    }
    const counts = { ...rec.counts, synced: triage.mapped.length };
    rec = {
      ...rec,
      counts,
      state: outcomeState(counts),
      testExecutionKey: imported.key,
      errors: addErrors(rec.errors, warnings),
      retries: 0,
      deadline: now(),
      updatedAt: at,
    };
    return { rec, items: [...[...last].map(([caseId, r]) => lastResultItem(caseId, r)), ...planItems] };
  }

  /** Pull mode: the run's results from Testsigma, once the run has finished. */
  async function pullDelivery(job: JobRecord, settings: StoredSettings, started: number): Promise<Delivery> {
    const runId = job.testsigmaRunId ?? job.runId;
    const apiKey = await settingsStore.secret('testsigmaApiKey');
    if (!apiKey) throw new Fail('Pull mode needs a Testsigma API key: a Jira admin must enter one on the app\'s settings page. Then retry this job.');
    const ts = testsigmaFor({ baseUrl: settings.testsigma.baseUrl, apiKey });
    const run = await ts.getRun(runId);
    if (run.status !== 'STATUS_COMPLETED') {
      const since = job.pollSince ?? Date.parse(job.createdAt);
      if (started - since >= t.pollWindowMs) {
        throw new Fail(
          `Testsigma run ${runId} had not finished ${Math.round(t.pollWindowMs / 60000)} minutes after it was sent (its status is ${run.status}). Retry this job once the run has finished in Testsigma.`,
        );
      }
      throw new Later(t.pollDelaySeconds, `Testsigma run ${runId} has not finished yet (${run.status})`);
    }
    const results = await ts.getRunResults(runId);
    if (results.length === 0) throw new Fail(`Testsigma run ${runId} has no test case results to record.`);
    return {
      runId,
      ...(run.testPlanId ? { testPlanId: run.testPlanId } : {}),
      ...(run.startTime !== undefined ? { startedAt: iso(run.startTime) } : {}),
      ...(run.endTime !== undefined ? { finishedAt: iso(run.endTime) } : {}),
      results: results.map((r) => ({
        testCaseId: r.testCaseId,
        status: r.result,
        ...(r.testSuiteId ? { testSuiteId: r.testSuiteId } : {}),
      })),
    };
  }

  /** Evidence per result index, from the delivery's attachments. */
  function evidenceOf(mapped: readonly MappedResult[]): Map<number, Evidence[]> {
    const out = new Map<number, Evidence[]>();
    for (const m of mapped) {
      const atts = m.result.attachments;
      if (!atts || atts.length === 0) continue;
      out.set(
        m.index,
        atts.map((a) => ({ filename: a.filename, contentType: a.contentType ?? 'application/octet-stream', data: a.data })),
      );
    }
    return out;
  }

  /** Jira search as the app for the run's label: the oldest issue that carries it. */
  async function findByLabel(label: string): Promise<{ key: string; id: string } | undefined> {
    const found = await searchIssues(deps.jira.asApp(), `labels = "${label}" ORDER BY created ASC`, 10);
    const sorted = [...found].sort((a, b) => Number(a.id) - Number(b.id));
    const first = sorted[0];
    return first ? { key: first.key, id: first.id } : undefined;
  }

  interface ImportArgs {
    job: JobRecord;
    delivery: Delivery;
    triage: ResultTriage;
    runRec: RunRecord | undefined;
    planIssue: CurrentTest | undefined;
    settings: StoredSettings;
    xray: XrayClient;
    evidence: Map<number, Evidence[]>;
    started: number;
    /** Warnings for the job, added to by the import. */
    warnings: string[];
  }

  /** Imports the delivery into the run's Test Execution, creating it once. Answers the execution. */
  async function importRun(a: ImportArgs): Promise<{ key: string; id?: string }> {
    const runId = a.delivery.runId;
    const label = runLabel(runId);
    const deadline = a.started + t.workMs;
    let rec = a.runRec;

    if (rec?.testExecutionKey) return update(a, rec, deadline);

    // Not known: the mark may be there from a lost answer (ours or an expired record's); Jira costs no Xray request.
    const found = await findByLabel(label);
    if (found) {
      rec = { runId, label, testExecutionKey: found.key, testExecutionId: found.id, updatedAt: iso(deps.clock.now()) };
      await runs.put(rec);
      return update(a, rec, deadline);
    }
    if (rec?.intent) {
      const lookups = rec.intent.lookups + 1;
      if (lookups <= t.lookupDelaysSeconds.length) {
        await runs.put({ ...rec, intent: { ...rec.intent, lookups }, updatedAt: iso(deps.clock.now()) });
        throw new Later(t.lookupDelaysSeconds[lookups - 1]!, `Jira's search does not show the Test Execution of run ${runId} yet (look ${lookups})`);
      }
      deps.log.warn('sync: no Test Execution carries the run label after every lookup; creating it again', { runId, label });
    }
    return create(a, rec, label, deadline);
  }

  async function create(a: ImportArgs, prior: RunRecord | undefined, label: string, deadline: number): Promise<{ key: string; id?: string }> {
    const runId = a.delivery.runId;
    const target = decideTarget(a.planIssue, a.settings.defaultProjectKey, a.triage.mapped)!;
    const intentRec: RunRecord = { runId, label, intent: { jobId: a.job.jobId, at: deps.clock.now(), lookups: 0 }, updatedAt: iso(deps.clock.now()) };
    if (!prior) {
      if (!(await runs.claim(intentRec))) throw new Later(30, `another delivery of run ${runId} is creating its Test Execution`);
    } else {
      await runs.put(intentRec);
    }
    const tests = buildImportTests(a.triage.mapped, (m) => a.evidence.get(m.index) ?? []);
    let withEnvironments = true;
    for (;;) {
      const { results, info } = buildCreateImport({ meta: a.delivery, tests, target, label, withEnvironments });
      try {
        const res = await a.xray.importExecutionMultipart(results, info, { idempotent: false, deadline });
        await runs.put({ runId, label, testExecutionKey: res.key, testExecutionId: res.id, updatedAt: iso(deps.clock.now()) });
        return res;
      } catch (err) {
        if (err instanceof XrayError && err.kind === 'bad_request') {
          const envs = withEnvironments ? refusedEnvironments(err.message, a.delivery.environments) : undefined;
          if (envs) {
            withEnvironments = false;
            a.warnings.push(environmentWarning(envs, err.message));
            continue;
          }
          // Refused as a whole: nothing was created, so no mark to look for.
          await runs.put({ runId, label, updatedAt: iso(deps.clock.now()) });
          throw refusal(err, a.triage.mapped.length);
        }
        if (!(err instanceof XrayError) || err.details.ambiguous === true) {
          // Xray may have created it: look for the mark now, then again as Jira's index catches up.
          const found = await findByLabel(label).catch(() => undefined);
          if (found) {
            const rec: RunRecord = { runId, label, testExecutionKey: found.key, testExecutionId: found.id, updatedAt: iso(deps.clock.now()) };
            await runs.put(rec);
            // Send again by key: the lost import may not have finished, and an update by key is idempotent.
            return update(a, rec, deadline);
          }
          await runs.put({ ...intentRec, intent: { ...intentRec.intent!, lookups: 1 }, updatedAt: iso(deps.clock.now()) });
          throw new Later(t.lookupDelaysSeconds[0] ?? 60, `the answer to the import that creates run ${runId}'s Test Execution was lost; looking for it`);
        }
        // Refused before anything happened (429, budget, credentials): no mark to look for.
        await runs.put({ runId, label, updatedAt: iso(deps.clock.now()) });
        throw err;
      }
    }
  }

  /** Imports by key (idempotent), leaving out evidence the execution already has. */
  async function update(a: ImportArgs, rec: RunRecord, deadline: number): Promise<{ key: string; id?: string }> {
    const key = rec.testExecutionKey!;
    const evidence = a.evidence.size > 0 ? await withoutSentEvidence(a, rec) : a.evidence;
    const tests: XrayImportTest[] = buildImportTests(a.triage.mapped, (m) => evidence.get(m.index) ?? []);
    try {
      await a.xray.importExecution(buildUpdateImport(key, tests, a.planIssue?.key), { idempotent: true, deadline });
      return { key, ...(rec.testExecutionId ? { id: rec.testExecutionId } : {}) };
    } catch (err) {
      if (err instanceof XrayError && err.kind === 'bad_request') {
        // The execution may have been deleted in Jira since: then the run starts over with a new one.
        if (rec.testExecutionId && !(await bulkFetchIssues(deps.jira.asApp(), [rec.testExecutionId])).has(rec.testExecutionId)) {
          deps.log.warn('sync: the run\'s Test Execution is gone; creating a new one', { runId: rec.runId, key });
          a.warnings.push(`Test Execution ${key} of run ${rec.runId} no longer exists; a new one was created.`);
          // `create` overwrites the run record with its intent before it sends anything.
          return create(a, { runId: rec.runId, label: rec.label, updatedAt: iso(deps.clock.now()) }, rec.label, deadline);
        }
        throw refusal(err, a.triage.mapped.length);
      }
      throw err;
    }
  }

  /**
   * Drops evidence the execution already has (same test, same file name), so a delivery sent again never attaches
   * a file twice. Reads only the runs of tests that carry evidence, 100 a page.
   */
  async function withoutSentEvidence(a: ImportArgs, rec: RunRecord): Promise<Map<number, Evidence[]>> {
    const withEvidence = a.triage.mapped.filter((m) => (a.evidence.get(m.index)?.length ?? 0) > 0);
    const testIds = [...new Set(withEvidence.map((m) => m.test.issueId))];
    const existing = new Map<string, Set<string>>();
    try {
      for (let i = 0; i < testIds.length; i += GRAPHQL_PAGE) {
        const ids = testIds.slice(i, i + GRAPHQL_PAGE);
        let start = 0;
        for (;;) {
          const page = await a.xray.graphql<TestRunsPage>(
            EVIDENCE_QUERY,
            { testExecIssueIds: [rec.testExecutionId ?? rec.testExecutionKey], testIssueIds: ids, start, limit: GRAPHQL_PAGE },
            { idempotent: true, deadline: a.started + t.workMs },
          );
          const results = page.getTestRuns?.results ?? [];
          for (const run of results) {
            const names = (run.evidence ?? []).map((e) => e.filename).filter((f): f is string => typeof f === 'string');
            for (const id of [run.test?.issueId, run.test?.jira?.key]) {
              if (!id) continue;
              const set = existing.get(id) ?? new Set<string>();
              names.forEach((n) => set.add(n));
              existing.set(id, set);
            }
          }
          start += results.length;
          const total = page.getTestRuns?.total ?? 0;
          if (results.length === 0 || start >= total) break;
        }
      }
    } catch (err) {
      if (err instanceof XrayError && err.retryable) throw err;
      a.warnings.push(
        `The app could not read the evidence already on the Test Execution (${err instanceof Error ? err.message : String(err)}), so no attachment was sent, to avoid attaching a file twice.`,
      );
      return new Map();
    }
    const out = new Map<number, Evidence[]>();
    for (const m of withEvidence) {
      const have = new Set([...(existing.get(m.test.issueId) ?? []), ...(existing.get(m.test.key) ?? [])]);
      const fresh = (a.evidence.get(m.index) ?? []).filter((e) => !have.has(e.filename));
      if (fresh.length > 0) out.set(m.index, fresh);
    }
    return out;
  }
}

function environmentWarning(envs: string[], message: string): string {
  return `Xray refused the test environment${envs.length === 1 ? '' : 's'} ${envs.join(', ')} (${message}); the run was recorded without environments. Create ${envs.length === 1 ? 'it' : 'them'} in Xray or correct the names the executor sends.`;
}

/** Xray refused the import as a whole: every result in it counts failed, with Xray's reason. */
function refusal(err: XrayError, results: number): Fail {
  const hint = /status/i.test(err.message)
    ? ' Check that the status map sends only statuses that exist in Xray (the settings page\'s connection test lists them), then retry the job.'
    : '';
  return new Fail(`Xray refused the import: ${err.message}${hint}`, results);
}
