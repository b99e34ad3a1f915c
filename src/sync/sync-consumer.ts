/**
 * The `xray-sync` queue consumer: one job (delivery) into the run's one Test Execution.
 *
 * Per job: take it (a lease, so a consumer killed at its time limit does not hold it forever), load its results
 * (or pull them from Testsigma), map them to Xray (`result-mapping.ts`), import them into the run's one Test
 * Execution (`test-execution.ts`, with `evidence.ts`), and record the outcome with each case's last result.
 * Deliveries of one run are serialised by the queue's concurrency key, so only one of them acts at a time.
 */
import type { Clock, FetchPort, JiraPort, Logger, QueuePort } from '../ports';
import type { KvsPort } from '../store/kvs-port';
import { THROTTLE_PAUSES_MS, isKvsThrottle, patiently, patientKvs } from '../store/kvs-port';
import type { XrayClient, XrayClientConfig } from '../xray/xray-types';
import { SettingsStore } from '../store/settings-store';
import { JobRecord, JobStore, KvsItem, addErrors, isJobId, writeItems } from '../store/job-store';
import { RunStore, planRunItem } from '../store/run-store';
import { testCount } from '../domain/results-payload';
import { effectiveStatusMap } from '../domain/status-map';
import { effectiveIssueTypes } from '../domain/settings';
import { runConcurrencyKey } from '../domain/run-mark';
import { Evidence, MAX_LISTED_IDS, outcomeState } from '../domain/xray-import';
import { idList, jobMsg, type JobMessage } from '../domain/job-messages';
import { DEFAULT_LOCALE, translateMessage } from '../i18n/translate';
import { TestsigmaClientConfig, TestsigmaRunReader, createTestsigmaClient } from '../testsigma/testsigma-client';
import { DEFAULT_SYNC_TUNING, SyncTuning } from './sync-tuning';
import { Fail, Later, STORAGE_RETRY_SECONDS, asTransient, permanentMessage, waitOf } from './sync-outcomes';
import { SyncPacer } from '../store/sync-pacer';
import { SYNC_LOCK_PAUSES_MS } from '../store/store-lock';
import { caseResultWrites, mapDelivery, recordCaseResults } from './result-mapping';
import { createTestExecutionImporter } from './test-execution';
import { evidenceOf } from './evidence';
import { pullDelivery } from './pull-delivery';
import { adoptCreatedTests } from './created-tests';
import { machineGroups } from '../domain/machine-split';
import { severity } from '../domain/attempts';
import type { MappedResult } from '../domain/xray-import';
import type { ImportedExecution } from './test-execution';
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
  testsigmaClientFor?(config: TestsigmaClientConfig): TestsigmaRunReader;
  tuning?: Partial<SyncTuning>;
  /** Waits `ms` (the pauses before calling throttled storage again); defaults to a timer. */
  sleep?(ms: number): Promise<void>;
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
/** The longest delay a queue event may ask for (Forge's bound). */
const MAX_DELAY_SECONDS = 900;

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
  const runs = new RunStore(deps.kvs);
  const importer = createTestExecutionImporter(deps, t);
  const settingsStore = new SettingsStore(deps.kvs);
  const testsigmaFor = deps.testsigmaClientFor ?? ((c: TestsigmaClientConfig) => createTestsigmaClient(c, { fetch: deps.fetch }));
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const pacer = new SyncPacer(deps.kvs, () => deps.clock.now(), t.batchOpsPerMinute);
  // Mapping and recording wait out a throttle where they stand: a job-level wait would read everything again.
  const patient = patientKvs(deps.kvs, THROTTLE_PAUSES_MS, sleep);

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
      job = await stored(() => jobs.get(jobId));
      if (!job) {
        deps.log.warn('sync: job not found (expired or withdrawn); dropped', { jobId });
        return;
      }
      // Events are delivered at least once: a finished job, or one another invocation holds, is left alone. A retry
      // the platform grants was asked for by the invocation that held the job, once it could not record its
      // outcome (storage throttled), so that one takes the job over.
      if (FINAL_STATES.has(job.state)) return;
      if (job.state === 'running' && job.deadline > now && !event.retryContext) return;
      job = { ...job, state: 'running', attempts: job.attempts + 1, deadline: now + t.leaseMs, updatedAt: iso(now) };
      await stored(() => jobs.put(job!));
    } catch (err) {
      if (isKvsThrottle(err)) return { retryAfterSeconds: STORAGE_RETRY_SECONDS, reason: 'Forge storage is busy' };
      throw err;
    }

    const progress: Progress = { warnings: [] };
    try {
      const done = await runJob(job, now, progress);
      // Paused and written again when throttled: the outcome is in Xray already, and another attempt costs requests.
      const { giveUpAt: _waited, ...rec } = done.rec;
      await stored(() => writeItems(deps.kvs, [...done.items, jobs.item(rec)]));
      deps.log.info('sync: job finished', { jobId, runId: done.rec.runId, state: done.rec.state, counts: done.rec.counts });
      return;
    } catch (err) {
      return settle(job, err, progress);
    }
  };

  /**
   * Records why the job stopped and, when another attempt may help, schedules it with a delayed event of our own
   * (the platform's retries are few: contract section 6). Waits that are no failure (a spent request budget of our
   * own, throttled storage, Jira's index, another delivery creating) do not count toward `maxTransientFailures`;
   * every wait ends by the job's `giveUpAt`, after which it ends failed with the reason.
   */
  async function settle(job: JobRecord, err: unknown, progress: Progress): Promise<SyncAnswer> {
    const now = deps.clock.now();
    try {
      if (err instanceof Fail) {
        // Keep what the attempt learnt (unmapped cases, problems, warnings) beside the reason it failed.
        const base = progress.rec ? { ...progress.rec, errors: addErrors(progress.rec.errors, progress.warnings) } : job;
        await finish(base, err.problem, err.failedResults);
        return;
      }
      const wait = waitOf(err);
      if (!wait) {
        deps.log.error('sync: job failed unexpectedly', { jobId: job.jobId, error: err instanceof Error ? err.message : String(err) });
        await finish(job, jobMsg('unexpected', { reason: err instanceof Error ? err.message : String(err) }));
        return;
      }
      const failures = wait.counted ? job.retries + 1 : job.retries;
      if (wait.counted && failures >= t.maxTransientFailures) {
        await finish(job, jobMsg('gaveUp', { reason: wait.problem, count: failures }));
        return;
      }
      const seconds = Math.min(MAX_DELAY_SECONDS, Math.max(1, Math.ceil(wait.seconds ?? TRANSIENT_BACKOFF_SECONDS[failures - 1] ?? 480)));
      const giveUpAt = job.giveUpAt ?? now + t.maxWaitMs;
      if (now + seconds * 1000 > giveUpAt) {
        await finish(job, jobMsg('waitedTooLong', { minutes: Math.round(t.maxWaitMs / 60_000), reason: typeof wait.problem === 'string' ? withPeriod(wait.problem) : wait.problem }));
        return;
      }
      const waiting: JobRecord = { ...job, state: 'queued', retries: failures, giveUpAt, deadline: now + seconds * 1000 + RESUME_GRACE_MS, updatedAt: iso(now) };
      await stored(() => jobs.put(waiting));
      deps.log.info('sync: job continues later', { jobId: job.jobId, seconds, failures, reason: translateMessage(DEFAULT_LOCALE, wait.problem) });
      try {
        await deps.queue.push([
          { body: { jobId: job.jobId }, delayInSeconds: seconds, concurrency: { key: runConcurrencyKey(job.runId), limit: 1 } },
        ]);
        return;
      } catch (pushErr) {
        deps.log.warn('sync: delayed push refused; asking the queue for a retry instead', { jobId: job.jobId, error: String(pushErr) });
        return { retryAfterSeconds: seconds, reason: translateMessage(DEFAULT_LOCALE, wait.problem) };
      }
    } catch (writeErr) {
      // The job could not be updated: let the queue bring the event back (it takes the job over) rather than lose
      // the outcome.
      if (isKvsThrottle(writeErr)) return { retryAfterSeconds: STORAGE_RETRY_SECONDS, reason: 'Forge storage is busy' };
      throw writeErr;
    }
  }

  /** Runs a storage call, pausing and calling again while storage throttles it (a throttled call did nothing). */
  function stored<T>(call: () => Promise<T>): Promise<T> {
    return patiently(call, THROTTLE_PAUSES_MS, sleep);
  }

  /** Ends a job failed (it keeps the counts the attempt reached, if any). */
  async function finish(job: JobRecord, message: JobMessage, failedResults = 0): Promise<void> {
    const now = deps.clock.now();
    const counts = { ...job.counts, synced: 0, failed: job.counts.failed + failedResults };
    const { giveUpAt: _waited, ...rest } = job;
    await stored(() => jobs.put({ ...rest, state: 'failed', counts, errors: addErrors(job.errors, [message]), deadline: now, updatedAt: iso(now) }));
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
    // Syncs together keep to their share of the site's batch operations, so panels opened meanwhile have theirs.
    const reserved = await stored(() => pacer.reserve(batchOpsOf(job)));
    if (!reserved.ok) throw new Later(reserved.waitSeconds, "Syncs spent this minute's share of Forge storage's batch operations");
    const [settings, xraySecret] = await Promise.all([settingsStore.get(), settingsStore.secret('xrayClientSecret')]);
    if (!settings.xray.clientId || !xraySecret) {
      throw new Fail(jobMsg('xrayNotConfigured'));
    }
    const statusMap = effectiveStatusMap(settings.statusOverrides);
    const delivery = job.mode === 'pull' ? await pulled(job, settings.testsigma.baseUrl, started) : await stored(() => jobs.loadDelivery(job, settings.attachEvidence));
    if (!delivery) throw new Fail(jobMsg('resultsExpired'));

    const xray = deps.xrayClientFor({
      region: settings.xray.region,
      clientId: settings.xray.clientId,
      clientSecret: xraySecret,
      requestsPer5Minutes: settings.xray.requestsPer5Minutes,
    });
    // The site's statuses (cached, read with the run record) resolve the map's targets, so a status the site lacks
    // is caught before anything is sent. With split by machine, each machine's results are sorted on their own,
    // from links, records and Jira reads the machines share.
    // A run whose Test Execution an executor named stays in it: every delivery of the run follows it, split or not.
    const split = settings.testExecution?.splitByMachine === true && !delivery.testExecutionKey && delivery.results.some((r) => r.machine);
    const groups = machineGroups(delivery, split && (await runs.get(delivery.runId))?.named !== true);
    const parts = await mapDelivery({ ...deps, kvs: patient }, delivery, groups, (cached) => readSiteStatusMap(deps, xray, statusMap, started + t.workMs, { cached }), {
      statusOverrides: settings.statusOverrides,
      ...(settings.createTests?.enabled ? { createIn: settings.createTests.projectKey } : {}),
    });
    const caseIds = [...new Set(parts.flatMap((p) => p.caseIds))];
    const mappedIds = new Set(parts.flatMap((p) => p.triage.mapped.map((m) => m.testCaseId)));
    const unmappedIds = [...new Set(parts.flatMap((p) => p.triage.unmappedIds))].filter((id) => !mappedIds.has(id));

    let rec: JobRecord = {
      ...job,
      ...(delivery.testPlanId ? { testsigmaPlanId: delivery.testPlanId } : {}),
      counts: {
        received: testCount(delivery.results),
        synced: 0,
        unmapped: unmappedIds.length,
        failed: parts.reduce((n, p) => n + p.triage.failedCount, 0),
      },
      unmapped: unmappedIds.slice(0, MAX_LISTED_IDS),
      errors: addErrors(job.intake, parts.flatMap((p) => p.triage.errors)),
    };
    progress.rec = rec;
    const planItems = delivery.testPlanId ? [planRunItem(delivery.testPlanId, job.jobId)] : [];
    const now = () => deps.clock.now();

    if (mappedIds.size === 0) {
      const n = caseIds.length;
      const message =
        unmappedIds.length === caseIds.length
          ? jobMsg('noneLinked', { count: n, ids: idList(caseIds) })
          : jobMsg('noneSent');
      rec = { ...rec, state: 'failed', errors: addErrors(rec.errors, [message]), deadline: now(), updatedAt: iso(now()) };
      return { rec, items: planItems };
    }

    const warnings = progress.warnings;
    const { planLink, planIssue } = parts[0]!;
    if (planLink && !planIssue) {
      warnings.push(jobMsg('planGone', { plan: delivery.testPlanId ?? '', issueId: planLink.issueId }));
    }

    // Each machine's results go to its own Test Execution (one import each); without the split there is one part.
    const synced: Array<{ part: (typeof parts)[number]; imported: ImportedExecution; mapped: MappedResult[]; created: number }> = [];
    const refused: Array<{ part: (typeof parts)[number]; fail: Fail }> = [];
    for (const part of parts) {
      const { triage, runRec } = part;
      if (triage.mapped.length === 0) continue;
      const evidence = settings.attachEvidence ? evidenceOf(triage.mapped) : new Map<number, Evidence[]>();
      let imported: ImportedExecution;
      try {
        imported = await importer.importRun({ jobId: job.jobId, delivery: part.delivery, triage, runRec, planIssue, settings, xray, evidence, started, warnings });
      } catch (err) {
        // One machine's Test Execution refused for good: the other machines' results are in Xray already (or go
        // there next), so the job goes on and ends partly synced, naming the refusal.
        // A wait (Later, a vendor's 429 or 5xx, throttled storage) retries the whole job instead.
        const forGood = parts.length > 1 && !(err instanceof Later) && !asTransient(err);
        const problem = forGood ? (err instanceof Fail ? err.problem : permanentMessage(err)) : undefined;
        if (problem === undefined) throw err;
        refused.push({ part, fail: err instanceof Fail ? err : new Fail(problem) });
        warnings.push(problem);
        continue;
      }
      // Tests the import created (or found again) are read back and linked before their results are recorded.
      const adopted = triage.mapped.some((m) => m.create)
        ? await adoptCreatedTests(deps, xray, imported, triage.mapped, started + t.workMs, warnings, effectiveIssueTypes(settings).test)
        : { mapped: triage.mapped, created: 0 };
      synced.push({ part, imported, mapped: adopted.mapped, created: adopted.created });
    }

    if (synced.length === 0 && refused.length > 0) throw refused[0]!.fail;
    // A case's history keeps one entry a run: its worst status across machines, with that machine's Test Execution.
    const worstOf = new Map<string, { m: MappedResult; at: number }>();
    synced.forEach((s, at) => {
      for (const m of s.mapped) {
        const held = worstOf.get(m.testCaseId);
        if (!held || severity(m.xrayStatus) < severity(held.m.xrayStatus)) worstOf.set(m.testCaseId, { m, at });
      }
    });
    const at = iso(now());
    // A machine sent in an earlier delivery of the run counts too: a result stored for this run on another machine's
    // Test Execution that is worse stays the case's result.
    const worseStored = (s: (typeof synced)[number], m: MappedResult) => {
      if (s.part.machine === undefined) return false;
      const prev = s.part.caseResults.get(m.testCaseId);
      return prev?.runId === delivery.runId && prev.testIssueId === m.test.issueId && prev.testExecutionKey !== s.imported.key && severity(prev.status) < severity(m.xrayStatus);
    };
    const writes = synced.flatMap((s, i) =>
      caseResultWrites(
        s.mapped.filter((m) => worstOf.get(m.testCaseId)?.at === i && !worseStored(s, m)),
        { runId: delivery.runId, execution: s.imported, at },
      ),
    );
    const caseItems = await recordCaseResults({ kvs: patient, sleep, lockPauses: SYNC_LOCK_PAUSES_MS }, parts[0]!, writes, settings.statusOverrides);
    const created = new Set(synced.flatMap((s) => s.part.triage.mapped.filter((m) => m.create).map((m) => m.testCaseId))).size;
    // A case counts synced when some machine's results of it reached Xray; failed when every one of them was refused.
    const syncedIds = new Set(synced.flatMap((s) => s.part.triage.mapped.map((m) => m.testCaseId)));
    const lost = new Set(refused.flatMap((r) => r.part.triage.mapped.map((m) => m.testCaseId)).filter((id) => !syncedIds.has(id)));
    const counts = { ...rec.counts, synced: syncedIds.size, failed: rec.counts.failed + lost.size, ...(created > 0 ? { created } : {}) };
    // Synced results by the Xray status they were sent with (the CLI's --fail-on-test-failure reads it); by a
    // case's worst across machines when the run is split.
    const statuses: Record<string, number> = {};
    const sent = new Map<string, string>();
    for (const s of synced) {
      for (const m of s.part.triage.mapped) {
        const held = sent.get(m.testCaseId);
        if (held === undefined || severity(m.xrayStatus) < severity(held)) sent.set(m.testCaseId, m.xrayStatus);
      }
    }
    for (const status of sent.values()) statuses[status] = (statuses[status] ?? 0) + 1;
    const keys = [...new Set(synced.map((s) => s.imported.key))];
    rec = {
      ...rec,
      counts,
      statuses,
      // A machine whose results did not reach Xray leaves the run partly synced, whatever its tests' counts say.
      state: refused.length > 0 && outcomeState(counts) === 'succeeded' ? 'partial' : outcomeState(counts),
      testExecutionKey: keys[0]!,
      ...(groups.length > 1 || groups[0]!.machine !== undefined ? { testExecutionKeys: keys } : {}),
      errors: addErrors(rec.errors, warnings),
      retries: 0,
      deadline: now(),
      updatedAt: at,
    };
    return { rec, items: [...caseItems, ...planItems] };
  }

  /** Pull mode: the run's results from Testsigma, once the run has finished. */
  async function pulled(job: JobRecord, baseUrl: string, started: number) {
    const apiKey = await settingsStore.secret('testsigmaApiKey');
    if (!apiKey) throw new Fail(jobMsg('pullNeedsKey'));
    return pullDelivery(testsigmaFor({ baseUrl, apiKey }), job, started, t);
  }
}

/**
 * The batch operations a job's attempt spends, about: one read of its links and records and, past 3 chunks, of its
 * delivery; a delivery that names no Testsigma plan also reads and writes each case's record.
 */
function batchOpsOf(job: JobRecord): number {
  const perCase = job.testsigmaPlanId ? 0 : 2 * Math.ceil((job.counts?.received ?? 0) / 25);
  return 1 + (job.chunks > 3 ? Math.ceil(job.chunks / 25) : 0) + perCase;
}

function withPeriod(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
