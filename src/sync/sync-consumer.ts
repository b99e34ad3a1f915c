/**
 * The `xray-sync` queue consumer: one job (delivery) into the run's one Test Execution.
 *
 * Per job: take it (a lease, so a consumer killed at its time limit does not hold it forever), load its results
 * (or pull them from Testsigma), map them to Xray (`result-mapping.ts`), import them into the run's one Test
 * Execution (`test-execution.ts`, with `evidence.ts`), and record the outcome with each case's last result.
 * Deliveries of one run are serialised by the queue's concurrency key, so only one of them acts at a time.
 */
import type { Clock, FetchPort, JiraPort, Logger, QueuePort } from '../ports';
import type { LastResult } from '../shared/types';
import type { KvsPort } from '../store/kvs-port';
import { isKvsThrottle } from '../store/kvs-port';
import type { XrayClient, XrayClientConfig } from '../xray/xray-types';
import { SettingsStore } from '../store/settings-store';
import { JobRecord, JobStore, KvsItem, addErrors, isJobId, writeItems } from '../store/job-store';
import { lastResultItem, planRunItem } from '../store/run-store';
import { effectiveStatusMap } from '../domain/status-map';
import { runConcurrencyKey } from '../domain/run-mark';
import { Evidence, MAX_LISTED_IDS, outcomeState } from '../domain/xray-import';
import { idList, jobMsg, type JobMessage } from '../domain/job-messages';
import { DEFAULT_LOCALE, translateMessage } from '../i18n/translate';
import { TestsigmaClient, TestsigmaClientConfig, createTestsigmaClient } from '../testsigma/testsigma-client';
import { DEFAULT_SYNC_TUNING, SyncTuning } from './sync-tuning';
import { Fail, Later, STORAGE_RETRY_SECONDS, asTransient, permanentMessage } from './sync-outcomes';
import { mapDelivery } from './result-mapping';
import { createTestExecutionImporter } from './test-execution';
import { evidenceOf } from './evidence';
import { pullDelivery } from './pull-delivery';
import { readSiteStatusMap } from './site-statuses';

export { DEFAULT_SYNC_TUNING };
export type { SyncTuning };

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
/** A job waiting for a later run is reported lost when it has not restarted this long after it was due. */
const RESUME_GRACE_MS = 30 * 60 * 1000;
/** Backoff for transient failures that carry no hint, by failure count. */
const TRANSIENT_BACKOFF_SECONDS = [30, 60, 120, 240, 480];

const iso = (ms: number) => new Date(ms).toISOString();

/** What an attempt has learnt so far, kept when it fails. */
interface Progress {
  rec?: JobRecord;
  warnings: JobMessage[];
}

/** Builds the consumer. Its answer is turned into an `InvocationError` retry by `src/platform/forge-consumer.ts`. */
export function createSyncConsumer(deps: SyncDeps) {
  const t: SyncTuning = { ...DEFAULT_SYNC_TUNING, ...deps.tuning };
  const jobs = new JobStore(deps.kvs);
  const importer = createTestExecutionImporter(deps, t);
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
        await finish(base, err.problem, err.failedResults);
        return;
      }
      const transient = asTransient(err);
      if (transient) {
        const failures = job.retries + 1;
        if (failures >= t.maxTransientFailures) {
          await finish(job, jobMsg('gaveUp', { reason: transient.problem, count: failures }));
          return;
        }
        const seconds = Math.min(900, Math.max(1, transient.retryAfterSeconds ?? TRANSIENT_BACKOFF_SECONDS[failures - 1] ?? 480));
        await jobs.put({ ...job, state: 'queued', retries: failures, deadline: now + seconds * 1000 + RESUME_GRACE_MS, updatedAt: iso(now) });
        deps.log.warn('sync: transient failure; retry requested', { jobId: job.jobId, seconds, failures, error: transient.message });
        return { retryAfterSeconds: seconds, reason: transient.message };
      }
      deps.log.error('sync: job failed unexpectedly', { jobId: job.jobId, error: err instanceof Error ? err.message : String(err) });
      await finish(job, jobMsg('unexpected', { reason: err instanceof Error ? err.message : String(err) }));
      return;
    } catch (writeErr) {
      // The job could not be updated: let the queue bring the event back rather than lose the outcome.
      if (isKvsThrottle(writeErr)) return { retryAfterSeconds: STORAGE_RETRY_SECONDS, reason: 'Forge storage is busy' };
      throw writeErr;
    }
  }

  /** Ends a job failed (it keeps the counts the attempt reached, if any). */
  async function finish(job: JobRecord, message: JobMessage, failedResults = 0): Promise<void> {
    const now = deps.clock.now();
    const counts = { ...job.counts, synced: 0, failed: job.counts.failed + failedResults };
    await jobs.put({ ...job, state: 'failed', counts, errors: addErrors(job.errors, [message]), deadline: now, updatedAt: iso(now) });
    deps.log.warn('sync: job failed', { jobId: job.jobId, runId: job.runId, error: translateMessage(DEFAULT_LOCALE, message) });
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
      throw new Fail(jobMsg('xrayNotConfigured'));
    }
    const statusMap = effectiveStatusMap(settings.statusOverrides);
    const delivery = job.mode === 'pull' ? await pulled(job, settings.testsigma.baseUrl, started) : await jobs.loadDelivery(job, settings.attachEvidence);
    if (!delivery) throw new Fail(jobMsg('resultsExpired'));

    const xray = deps.xrayClientFor({
      region: settings.xray.region,
      clientId: settings.xray.clientId,
      clientSecret: xraySecret,
      requestsPer5Minutes: settings.xray.requestsPer5Minutes,
    });
    // The site's statuses (cached, read with the run record) resolve the map's targets, so a status the site lacks
    // is caught before anything is sent.
    const { caseIds, triage, runRec, planLink, planIssue } = await mapDelivery(deps, delivery, (cached) =>
      readSiteStatusMap(deps, xray, statusMap, started + t.workMs, { cached }),
    );

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
          ? jobMsg('noneLinked', { count: n, ids: idList(caseIds) })
          : jobMsg('noneSent');
      rec = { ...rec, state: 'failed', errors: addErrors(rec.errors, [message]), deadline: now(), updatedAt: iso(now()) };
      return { rec, items: planItems };
    }

    const warnings = progress.warnings;
    if (planLink && !planIssue) {
      warnings.push(jobMsg('planGone', { plan: delivery.testPlanId ?? '', issueId: planLink.issueId }));
    }

    const evidence = settings.attachEvidence ? evidenceOf(triage.mapped) : new Map<number, Evidence[]>();
    const imported = await importer.importRun({ jobId: job.jobId, delivery, triage, runRec, planIssue, settings, xray, evidence, started, warnings });

    const at = iso(now());
    const last = new Map<string, LastResult>();
    for (const m of triage.mapped) {
      last.set(m.testCaseId, { status: m.xrayStatus, runId: delivery.runId, testExecutionKey: imported.key, at });
    }
    const counts = { ...rec.counts, synced: triage.mapped.length };
    // Synced results by the Xray status they were sent with (the CLI's --fail-on-test-failure reads it).
    const statuses: Record<string, number> = {};
    for (const m of triage.mapped) statuses[m.xrayStatus] = (statuses[m.xrayStatus] ?? 0) + 1;
    rec = {
      ...rec,
      counts,
      statuses,
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
  async function pulled(job: JobRecord, baseUrl: string, started: number) {
    const apiKey = await settingsStore.secret('testsigmaApiKey');
    if (!apiKey) throw new Fail(jobMsg('pullNeedsKey'));
    return pullDelivery(testsigmaFor({ baseUrl, apiKey }), job, started, t);
  }
}
