/**
 * Finding or creating a run's one Test Execution, and importing a delivery into it.
 *
 * `run:<runId>` keeps the execution's key once known. Before the first create an intent is written and the create
 * carries the run's label (made with the site's run-mark secret, so nobody can put it on an issue in advance); when
 * the create's answer is lost, the label is looked up in Jira (as the app, spending no Xray request) now and 1, 3 and
 * 7 minutes after the answer was lost (Jira's index lags) before creating again. A found issue is adopted only if it
 * fits the intent (domain/run-mark `markMisfit`); others are ignored and logged. Once the key is known, every later
 * delivery imports by key, which Xray treats as an update.
 */
import type { Clock, JiraPort, Logger } from '../ports';
import type { KvsPort } from '../store/kvs-port';
import type { StoredSettings } from '../domain/settings';
import { effectiveIssueTypes, executionIssueType } from '../domain/settings';
import { CreateField, RunFields, executionFields, revisionFieldId } from '../domain/execution-template';
import { readCreateFields } from '../jira/create-metadata';
import type { Delivery } from '../domain/results-payload';
import type { XrayClient, XrayImportTest } from '../xray/xray-types';
import { XrayError } from '../xray/xray-types';
import { bulkFetchIssues, getIssue, searchIssues } from '../jira/jira-client';
import { RunRecord, RunStore } from '../store/run-store';
import { isKvsThrottle } from '../store/kvs-port';
import { markMisfit, type MarkIntent } from '../domain/run-mark';
import { siteRunLabel } from './run-mark-secret';
import {
  CurrentTest,
  Evidence,
  ResultTriage,
  buildCreateImport,
  buildImportTests,
  buildUpdateImport,
  decideTarget,
  refusedEnvironments,
} from '../domain/xray-import';
import type { SyncTuning } from './sync-tuning';
import { Fail, Later, refusal } from './sync-outcomes';
import { withoutSentEvidence } from './evidence';
import { jobMsg, type JobMessage } from '../domain/job-messages';

/** What finding and creating the Test Execution needs. */
export interface TestExecutionDeps {
  kvs: KvsPort;
  jira: JiraPort;
  clock: Clock;
  log: Logger;
}

/** One delivery's import into its run's Test Execution. */
export interface ImportArgs {
  jobId: string;
  delivery: Delivery;
  triage: ResultTriage;
  runRec: RunRecord | undefined;
  planIssue: CurrentTest | undefined;
  settings: StoredSettings;
  xray: XrayClient;
  evidence: Map<number, Evidence[]>;
  /** When the invocation started (ms): Xray calls may start until `started + workMs`. */
  started: number;
  /** Warnings for the job, added to by the import. */
  warnings: JobMessage[];
}

/** The Test Execution a delivery landed in. */
export interface ImportedExecution {
  key: string;
  id?: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Builds the importer; `tuning` gives the lookup schedule and the work window. */
export function createTestExecutionImporter(deps: TestExecutionDeps, tuning: Pick<SyncTuning, 'workMs' | 'leaseMs' | 'lookupDelaysSeconds' | 'maxCreates'>) {
  const runs = new RunStore(deps.kvs);
  const nowIso = () => iso(deps.clock.now());
  /** When each lookup after a lost answer is due, in ms since the answer was lost. */
  const lookupOffsetsMs = tuning.lookupDelaysSeconds.reduce<number[]>((acc, s) => [...acc, (acc[acc.length - 1] ?? 0) + s * 1000], []);

  /**
   * Jira search as the app for the run's label: the oldest issue that carries it and fits the intent. The others are
   * someone else's (a label anyone with edit rights can add), ignored and logged.
   */
  async function findByLabel(runId: string, label: string, fit: MarkIntent): Promise<{ key: string; id: string } | undefined> {
    const found = await searchIssues(deps.jira.asApp(), `labels = "${label}" ORDER BY created ASC`, 10);
    const sorted = [...found].sort((a, b) => Number(a.id) - Number(b.id));
    for (const issue of sorted) {
      const misfit = markMisfit(issue, fit);
      if (misfit === undefined) return { key: issue.key, id: issue.id };
      deps.log.warn('sync: ignored an issue that carries the run\'s mark', { runId, key: issue.key, why: misfit });
    }
    return undefined;
  }

  /** What a found issue must fit: the intent's project and time when there is one, else this delivery's target. */
  function fitOf(a: ImportArgs, rec: RunRecord | undefined): MarkIntent {
    const intent = rec?.intent;
    const target = decideTarget(a.planIssue, a.settings.defaultProjectKey, a.triage.mapped);
    const since = intent ? (intent.since ?? intent.at) : undefined;
    return {
      executionTypes: effectiveIssueTypes(a.settings).testExecution,
      projectKey: intent?.projectKey ?? target?.projectKey ?? '',
      ...(since !== undefined ? { at: since } : {}),
    };
  }

  /** Imports the delivery into the run's Test Execution, creating it once. Answers the execution. */
  async function importRun(a: ImportArgs): Promise<ImportedExecution> {
    const runId = a.delivery.runId;
    const deadline = a.started + tuning.workMs;
    let rec = a.runRec;

    // An executor named the Test Execution (contract section 8): the run goes there, and later deliveries follow it.
    const named = a.delivery.testExecutionKey;
    if (named && rec?.testExecutionKey !== named) {
      const issue = await getIssue(deps.jira.asApp(), named);
      const types = effectiveIssueTypes(a.settings).testExecution.map((n) => n.toLowerCase());
      if (!issue || !types.includes(issue.typeName.toLowerCase())) {
        throw new Fail(jobMsg('namedExecutionInvalid', { key: named, types: effectiveIssueTypes(a.settings).testExecution.join(', ') }));
      }
      rec = { ...(rec ?? {}), runId, label: rec?.label ?? (await siteRunLabel(deps.kvs, runId)), testExecutionKey: issue.key, testExecutionId: issue.id, named: true, updatedAt: nowIso() };
      await runs.put(rec);
    }

    if (rec?.testExecutionKey) return update(a, rec, deadline);

    // A run with an intent looks for the label its create carried (the first version's, for intents written before
    // the site had a run-mark secret); any other run gets the site's mark.
    const label = rec?.intent ? rec.label : await siteRunLabel(deps.kvs, runId);
    // Not known: the mark may be there from a lost answer (ours or an expired record's); Jira costs no Xray request.
    const found = await findByLabel(runId, label, fitOf(a, rec));
    if (found) {
      rec = { runId, label, testExecutionKey: found.key, testExecutionId: found.id, updatedAt: nowIso() };
      await runs.put(rec);
      return update(a, rec, deadline);
    }
    if (rec?.intent) {
      // Timed from the lost answer (or from the create, when its consumer vanished), not counted per delivery: every
      // delivery of the run that comes by waits for the same schedule, so none creates while Jira's index lags.
      const since = deps.clock.now() - (rec.intent.lostAt ?? rec.intent.at);
      const due = lookupOffsetsMs.find((offset) => offset > since);
      if (due !== undefined) {
        throw new Later(Math.max(1, Math.ceil((due - since) / 1000)), `Jira's search does not show the Test Execution of run ${runId} yet`);
      }
      const tries = rec.intent.tries ?? 1;
      if (tries >= tuning.maxCreates) {
        // Give up for this job, but clear the streak: a retry starts afresh (it still looks for the label first).
        const { intent: _done, ...rest } = rec;
        await runs.put({ ...rest, creates: rec.creates ?? 1, updatedAt: nowIso() });
        throw new Fail(
          rec.intent.lastError
            ? jobMsg('createFailed', { runId, count: tries, reason: rec.intent.lastError, label })
            : jobMsg('createUnanswered', { runId, count: tries, label }),
        );
      }
      deps.log.warn('sync: no Test Execution carries the run label after every lookup; creating it again', { runId, label, tries });
    }
    return create(a, rec, label, deadline);
  }

  /**
   * Sends the create under an atomic claim of its generation: the first by writing the run record with
   * FAIL_IF_EXISTS, each later one (after a refused or lost create) by its own `runcreate:` key. Whoever loses the
   * claim waits and looks for the label again, so two consumers never both create.
   */
  async function create(a: ImportArgs, prior: RunRecord | undefined, label: string, deadline: number): Promise<ImportedExecution> {
    const runId = a.delivery.runId;
    const target = decideTarget(a.planIssue, a.settings.defaultProjectKey, a.triage.mapped)!;
    const generation = prior ? (prior.creates ?? 1) + 1 : 1;
    // Tries count creates whose outcome stayed unknown in a row; a known refusal ends the streak.
    const tries = prior?.intent ? (prior.intent.tries ?? 1) + 1 : 1;
    const at = deps.clock.now();
    // `since` is the streak's first create: an issue an earlier, lost create made is dated after it.
    const intent = { jobId: a.jobId, at, lookups: 0, tries, since: prior?.intent ? (prior.intent.since ?? prior.intent.at) : at, projectKey: target.projectKey };
    const intentRec: RunRecord = { runId, label, intent, creates: generation, updatedAt: nowIso() };
    const won = generation === 1 ? await runs.claim(intentRec) : await runs.claimCreate(runId, generation, a.jobId, intent.at);
    if (won !== true) {
      // A claim older than any invocation lives was left by one that could not record its intent (storage refused
      // the write): its create may have been sent, so the run adopts it as an intent, looks for the label on the
      // usual schedule, and the next generation is claimed if none shows.
      if (won !== false && deps.clock.now() - won.at > tuning.leaseMs) {
        await runs.put({ runId, label, intent: { jobId: won.jobId, at: won.at, lookups: 0, tries, since: Math.min(intent.since, won.at), projectKey: target.projectKey }, creates: generation, updatedAt: nowIso() });
        throw new Later(1, `the create of run ${runId}'s Test Execution by job ${won.jobId} left no outcome; looking for it`);
      }
      throw new Later(30, `another delivery of run ${runId} is creating its Test Execution`);
    }
    if (generation > 1) await runs.put(intentRec);
    const settled = (): RunRecord => ({
      runId,
      label,
      creates: generation,
      ...(a.delivery.testsigmaUrl ? { testsigmaUrl: a.delivery.testsigmaUrl } : {}),
      updatedAt: nowIso(),
    });
    const tests = buildImportTests(a.triage.mapped, (m) => a.evidence.get(m.index) ?? []);
    const issueType = executionIssueType(a.settings);
    const extra = await runFields(a, target.projectKey, issueType);
    let withEnvironments = true;
    let run: RunFields = { ...(a.delivery.buildNo ? { buildNo: a.delivery.buildNo } : {}), ...(a.delivery.version ? { version: a.delivery.version } : {}) };
    for (;;) {
      const chosen = executionFields(a.settings.testExecution, run, extra);
      const { results, info } = buildCreateImport({
        meta: a.delivery,
        tests,
        target,
        label,
        withEnvironments,
        issueType,
        fields: chosen.fields,
        labels: chosen.labels,
      });
      let res: ImportedExecution;
      try {
        res = await a.xray.importExecutionMultipart(results, info, { idempotent: false, deadline });
      } catch (err) {
        if (err instanceof XrayError && err.kind === 'bad_request') {
          const envs = withEnvironments ? refusedEnvironments(err.message, a.delivery.environments) : undefined;
          if (envs) {
            withEnvironments = false;
            a.warnings.push(environmentWarning(envs, err.message));
            continue;
          }
          // A version the project lacks refuses the create; the run matters more than its version (the template's
          // own versions were checked when saved, so they stay and a refusal of them fails the job naming them).
          if (run.version && /fixVersions?/i.test(err.message) && err.message.includes(run.version)) {
            a.warnings.push(jobMsg('versionRefused', { version: run.version, reason: err.message }));
            const { version: _refused, ...rest } = run;
            run = rest;
            continue;
          }
          // Refused as a whole: nothing was created, so no mark to look for.
          await runs.put(settled());
          throw refusal(err, a.triage.mapped.length);
        }
        // Storage throttled the client before it sent anything (its budget or token): Xray saw no create. The client
        // sends a create once, so no earlier try of it can have reached Xray either.
        const unsent = !(err instanceof XrayError) && isKvsThrottle(err);
        if (!unsent && (!(err instanceof XrayError) || err.details.ambiguous === true)) {
          // Xray may have created it: look for the mark now, then again as Jira's index catches up.
          const found = await findByLabel(runId, label, { executionTypes: effectiveIssueTypes(a.settings).testExecution, projectKey: target.projectKey, at: intent.since }).catch(() => undefined);
          if (found) {
            const rec: RunRecord = { ...settled(), testExecutionKey: found.key, testExecutionId: found.id };
            await runs.put(rec);
            // Send again by key: the lost import may not have finished, and an update by key is idempotent.
            return update(a, rec, deadline);
          }
          const lastError = err instanceof Error ? err.message : String(err);
          await runs.put({ ...intentRec, intent: { ...intent, lookups: 1, lastError, lostAt: deps.clock.now() }, updatedAt: nowIso() });
          throw new Later(tuning.lookupDelaysSeconds[0] ?? 60, `the answer to the import that creates run ${runId}'s Test Execution was lost; looking for it`);
        }
        // Refused before anything happened (429, budget, credentials): no mark to look for.
        await runs.put(settled());
        throw err;
      }
      // Outside the catch: a throttled write here leaves the intent, and the label is looked for, never resent.
      await runs.put({ ...settled(), testExecutionKey: res.key, testExecutionId: res.id });
      return res;
    }
  }

  /**
   * The Test Execution type's create metadata, read only when the run or the template needs it (a build to set as
   * the Revision, template fields named by name): two Jira requests, no Xray request. Undefined when Jira cannot
   * tell; a build then goes unset with a warning.
   */
  async function runFields(a: ImportArgs, projectKey: string, issueType: string): Promise<CreateField[] | undefined> {
    const t = a.settings.testExecution;
    const needed = !!a.delivery.buildNo || Object.keys(t?.fields ?? {}).some((k) => !k.startsWith('customfield_'));
    if (!needed) return undefined;
    const meta = await readCreateFields(deps.jira.asApp(), projectKey, issueType).catch((err: unknown) => {
      deps.log.warn('sync: create metadata unreadable', { projectKey, error: err instanceof Error ? err.message : String(err) });
      return undefined;
    });
    if (a.delivery.buildNo && !revisionFieldId(meta)) a.warnings.push(jobMsg('revisionUnset', { build: a.delivery.buildNo, project: projectKey }));
    return meta;
  }

  /** Imports by key (idempotent), leaving out evidence the execution already has. */
  async function update(a: ImportArgs, rec: RunRecord, deadline: number): Promise<ImportedExecution> {
    const key = rec.testExecutionKey!;
    const execution: ImportedExecution = { key, ...(rec.testExecutionId ? { id: rec.testExecutionId } : {}) };
    const evidence =
      a.evidence.size > 0
        ? await withoutSentEvidence({ xray: a.xray, testExecution: execution, mapped: a.triage.mapped, evidence: a.evidence, deadline, warnings: a.warnings })
        : a.evidence;
    const tests: XrayImportTest[] = buildImportTests(a.triage.mapped, (m) => evidence.get(m.index) ?? []);
    try {
      await a.xray.importExecution(buildUpdateImport(key, tests, a.planIssue?.key), { idempotent: true, deadline });
      return execution;
    } catch (err) {
      if (err instanceof XrayError && err.kind === 'bad_request') {
        // The execution may have been deleted in Jira since: then the run starts over with a new one, unless the
        // executor named it (a run it sent elsewhere never lands in a Test Execution it did not ask for).
        if (rec.named) throw new Fail(jobMsg('namedExecutionRefused', { key, reason: err.message }), a.triage.mapped.length);
        if (rec.testExecutionId && !(await bulkFetchIssues(deps.jira.asApp(), [rec.testExecutionId])).has(rec.testExecutionId)) {
          deps.log.warn('sync: the run\'s Test Execution is gone; creating a new one', { runId: rec.runId, key });
          a.warnings.push(jobMsg('executionReplaced', { key, runId: rec.runId }));
          // `create` overwrites the run record with its intent before it sends anything.
          const { testExecutionKey: _gone, testExecutionId: _goneId, ...rest } = rec;
          return create(a, { ...rest, updatedAt: nowIso() }, rec.label, deadline);
        }
        throw refusal(err, a.triage.mapped.length);
      }
      throw err;
    }
  }

  return { importRun };
}

function environmentWarning(envs: string[], message: string): JobMessage {
  return jobMsg('environmentsRefused', { count: envs.length, environments: envs.join(', '), reason: message });
}
