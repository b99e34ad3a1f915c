/**
 * Running a Test Plan's linked Testsigma plan from Jira (contract section 8: `getRunOptions`, `runPlan`,
 * `rerunFailed`). The panel resolver checks the issue, the user's EDIT_ISSUES and the switch; this module talks to
 * Testsigma and makes the run's job, which waits as `queued` (`waiting: 'testsigma'`) while the pick-up follows the
 * run, then syncs it in pull mode.
 */
import type { RunOptions, RunPlanInput } from '../shared/types';
import { AppError } from '../errors/app-error';
import { msg, type Message } from '../shared/message';
import { SettingsStore } from '../store/settings-store';
import { JobStore } from '../store/job-store';
import { PickupStore, type RunJobMark } from '../store/pickup-store';
import { TestsigmaError, createTestsigmaClient, type TestsigmaClient, type TestsigmaClientConfig } from '../testsigma/testsigma-client';
import { createPullJob } from '../pickup/pull-job';
import type { PickupDeps } from '../pickup/pickup-round';

/** What the runner needs: what a pick-up round needs, and a way to wait. */
export interface PlanRunnerDeps extends PickupDeps {
  /** Waits `ms` (a second click waiting for the first's run); defaults to a timer. */
  sleep?(ms: number): Promise<void>;
}

/** Runs a linked Testsigma plan and re-runs its runs' failed tests. */
export interface PlanRunner {
  /** Saved partial runs (and environments, which Testsigma's docs show no call for: always empty). */
  options(planId: string): Promise<Omit<RunOptions, 'canRun'>>;
  /** Starts the plan, once per Test Plan within 60 seconds. */
  start(issueId: string, planId: string, input: unknown): Promise<void>;
  /** Re-runs the failed tests of one of the plan's finished runs. */
  rerun(planId: string, runId: unknown): Promise<void>;
}

/** Xray statuses that a re-run of failed tests re-runs (Testsigma's ONLY_FAILED_TESTS re-runs what did not pass). */
const RERUNNABLE = ['FAILED', 'ABORTED'];
/** How long a second click waits for the run the first one is starting. */
const SECOND_CLICK_WAIT_MS = 8_000;
const SECOND_CLICK_POLL_MS = 250;
/** Re-runs of re-runs followed to the newest (each is a click on a finished re-run with failures). */
const MAX_RERUN_HOPS = 20;

/** Reads `runPlan`'s payload; a bad field is an `invalid_id` answer naming it. */
export function parseRunPlanInput(payload: unknown): RunPlanInput {
  const p = payload && typeof payload === 'object' && !Array.isArray(payload) ? (payload as Record<string, unknown>) : {};
  const bad = (field: string, problem: Message) => new AppError('invalid_id', msg('apiErrors.panel.runInput', { field, problem }));
  const out: RunPlanInput = {};
  if (p.buildNo !== undefined && p.buildNo !== '') {
    if (typeof p.buildNo !== 'string' || p.buildNo.trim() === '' || p.buildNo.length > 255) throw bad('buildNo', msg('apiErrors.panel.runInputBuild'));
    out.buildNo = p.buildNo.trim();
  }
  for (const field of ['environmentId', 'savedConfigId'] as const) {
    const v = p[field];
    if (v === undefined || v === '') continue;
    const text = typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : v;
    if (typeof text !== 'string' || !/^\d{1,19}$/.test(text.trim())) throw bad(field, msg('apiErrors.panel.runInputId'));
    out[field] = text.trim();
  }
  return out;
}

/** Builds the runner. */
export function createPlanRunner(deps: PlanRunnerDeps): PlanRunner {
  const settingsStore = new SettingsStore(deps.kvs);
  const pickup = new PickupStore(deps.kvs);
  const jobs = new JobStore(deps.kvs);
  /** Stores the pull job that follows a run started from Jira until Testsigma finishes it (up to 24 hours). */
  const followFromJira = (planId: string, started: { id: string; appUrl?: string }) =>
    createPullJob(deps, {
      testsigmaRunId: started.id,
      testsigmaPlanId: planId,
      source: 'jira',
      follow: true,
      ...(started.appUrl ? { testsigmaUrl: started.appUrl } : {}),
      mark: { jobId: '', source: 'jira' },
    });
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const clientFor = deps.testsigmaClientFor ?? ((c: TestsigmaClientConfig) => createTestsigmaClient(c, { fetch: deps.fetch, timeoutMs: 10_000 }));

  async function client(): Promise<TestsigmaClient> {
    const [settings, apiKey] = await Promise.all([settingsStore.get(), settingsStore.secret('testsigmaApiKey')]);
    if (!apiKey) throw new AppError('not_configured', msg('apiErrors.panel.runNeedsKey'));
    return clientFor({ baseUrl: settings.testsigma.baseUrl, apiKey });
  }

  /**
   * A Testsigma failure as the panel's answer: a refusal (400, 404) is `not_found` with Testsigma's reason, a refused
   * key `not_configured`, a 429 `rate_limited`; Testsigma down stays `internal` (the message says it was Testsigma).
   */
  function refused(planId: string, err: unknown): AppError {
    if (err instanceof AppError) return err;
    const reason = err instanceof Error ? err.message : String(err);
    const sentence = msg('apiErrors.panel.runStartFailed', { plan: planId, reason });
    if (err instanceof TestsigmaError) {
      if (err.kind === 'rate_limited') return new AppError('rate_limited', msg('apiErrors.panel.runRateLimited'));
      if (err.kind === 'auth') return new AppError('not_configured', sentence);
      if (err.kind === 'not_found' || err.details.status === 400) return new AppError('not_found', sentence);
    }
    return new AppError('internal', sentence);
  }

  /**
   * Asks Testsigma to start something under a claim. A refusal gives the claim back, so the next click may try
   * again at once. A start whose answer never came (a timeout, a 5xx, an answer we cannot read) may have started
   * the run: the claim is kept, marked unsure, until it expires, and the answer says so, instead of inviting a
   * second click that would start a second run.
   */
  async function startUnderClaim<T>(planId: string, start: () => Promise<T>, claim: { unsure(): Promise<void>; release(): Promise<void> }): Promise<T> {
    try {
      return await start();
    } catch (err) {
      if (err instanceof TestsigmaError && ['network', 'server', 'bad_answer'].includes(err.kind)) {
        await claim.unsure().catch(() => undefined);
        throw new AppError('internal', msg('apiErrors.panel.runStartUnknown', { plan: planId, reason: err.message }));
      }
      await claim.release().catch(() => undefined);
      throw refused(planId, err);
    }
  }

  return {
    async options(planId) {
      const ts = await client();
      try {
        return { environments: [], savedConfigs: await ts.listSavedConfigs(planId) };
      } catch (err) {
        if (err instanceof TestsigmaError && err.kind === 'rate_limited') throw refused(planId, err);
        // The dialog still runs the whole plan without them.
        deps.log.warn('run options: saved configurations left out', { planId, error: err instanceof Error ? err.message : String(err) });
        return { environments: [], savedConfigs: [] };
      }
    },

    async start(issueId, planId, payload) {
      const input = parseRunPlanInput(payload);
      const ts = await client();
      const claim = await pickup.claimRunPlan(issueId, deps.clock.now());
      if (claim !== true) {
        // A second click: answer once the first one's run is there (its job shows in the view).
        for (let waited = 0; waited < SECOND_CLICK_WAIT_MS; waited += SECOND_CLICK_POLL_MS) {
          const c = await pickup.readRunPlanClaim(issueId);
          if (!c || c.jobId || c.unsure) return;
          await sleep(SECOND_CLICK_POLL_MS);
        }
        return;
      }
      const runClaim = {
        unsure: () => pickup.settleRunPlanClaim(issueId, { at: deps.clock.now(), unsure: true }),
        release: () => pickup.releaseRunPlanClaim(issueId),
      };
      let savedConfig: { id: string; name: string } | undefined;
      if (input.savedConfigId) {
        // Nothing started yet: any failure here gives the claim back.
        const configs = await ts.listSavedConfigs(planId).catch(async (err: unknown) => {
          await runClaim.release().catch(() => undefined);
          throw refused(planId, err);
        });
        savedConfig = configs.find((c) => c.id === input.savedConfigId);
        if (!savedConfig) {
          await runClaim.release().catch(() => undefined);
          throw new AppError('not_found', msg('apiErrors.panel.runConfigUnknown', { id: input.savedConfigId, plan: planId }));
        }
      }
      const started = await startUnderClaim(
        planId,
        () =>
          ts.startRun(planId, {
            ...(input.buildNo ? { buildNo: input.buildNo } : {}),
            ...(input.environmentId ? { environmentId: input.environmentId } : {}),
            ...(savedConfig ? { savedConfig } : {}),
          }),
        runClaim,
      );
      // Testsigma runs it now: whatever fails below, the claim stays until it expires, so a second click starts no
      // second run.
      const job = await followFromJira(planId, started);
      await pickup
        .settleRunPlanClaim(issueId, { at: deps.clock.now(), jobId: job.jobId, runId: started.id })
        .catch((err: unknown) => deps.log.warn('run started, its claim not settled', { issueId, runId: started.id, error: String(err) }));
      deps.log.info('run started from Jira', { issueId, planId, runId: started.id, jobId: job.jobId });
    },

    async rerun(planId, rawRunId) {
      const runId = typeof rawRunId === 'string' || typeof rawRunId === 'number' ? String(rawRunId).trim() : '';
      const unknown = () => new AppError('not_found', msg('apiErrors.panel.rerunUnknown', { runId: runId.slice(0, 64) || '?', plan: planId }));
      if (!/^\d{1,19}$/.test(runId)) throw unknown();
      const mark = await pickup.mark(runId);
      if (!mark) throw unknown();
      if (mark.source === 'executor' && !mark.pulled) throw new AppError('not_found', msg('apiErrors.panel.rerunExecutor', { runId }));
      const job = mark.jobId ? await jobs.get(mark.jobId) : undefined;
      if (!job || job.testsigmaPlanId !== planId) throw unknown();
      if (job.state === 'queued' || job.state === 'running') throw new AppError('no_failure', msg('apiErrors.panel.rerunNotFinished', { runId }));
      if (!RERUNNABLE.some((s) => (job.statuses?.[s] ?? 0) > 0)) throw new AppError('no_failure', msg('apiErrors.panel.rerunNoFailure', { runId }));
      // A run re-run before is re-run through its newest re-run, whose failures are the ones still standing; while
      // that one runs, there is nothing to re-run yet. A re-run re-run from its own row has a newer one of its own:
      // the chain is followed to its end.
      let target = runId;
      let latestMark: RunJobMark | undefined = mark;
      for (let hops = 0; latestMark?.latest && hops < MAX_RERUN_HOPS; hops++) {
        target = latestMark.latest;
        latestMark = await pickup.mark(target);
      }
      if (target !== runId) {
        const latestJob = latestMark?.jobId ? await jobs.get(latestMark.jobId) : undefined;
        if (!latestJob || latestJob.state === 'queued' || latestJob.state === 'running') {
          throw new AppError('no_failure', msg('apiErrors.panel.rerunNotFinished', { runId: target }));
        }
        if (!RERUNNABLE.some((st) => (latestJob.statuses?.[st] ?? 0) > 0)) throw new AppError('no_failure', msg('apiErrors.panel.rerunNoFailure', { runId: target }));
      }
      const ts = await client();
      // Claimed on the run that is re-run, so clicks on a run's row and on its re-run's row start one re-run.
      const claim = await pickup.claimRerun(target, deps.clock.now());
      if (claim !== true) {
        // A second click: answer once the first one's re-run is the run's newest (its job shows in the view).
        for (let waited = 0; !claim.unsure && waited < SECOND_CLICK_WAIT_MS; waited += SECOND_CLICK_POLL_MS) {
          if ((await pickup.mark(runId))?.latest !== mark.latest) return;
          await sleep(SECOND_CLICK_POLL_MS);
        }
        return;
      }
      const started = await startUnderClaim(planId, () => ts.rerunFailed(planId, target), {
        unsure: () => pickup.settleRerun(target, { at: deps.clock.now(), unsure: true }),
        release: () => pickup.releaseRerun(target),
      });
      const rerunJob = await followFromJira(planId, started);
      // Both the clicked run and the run re-run now lead to the new re-run, whichever row the next click is on.
      await pickup.putMark(runId, { ...mark, latest: started.id });
      if (target !== runId && latestMark) await pickup.putMark(target, { ...latestMark, latest: started.id });
      deps.log.info('re-run started from Jira', { planId, runId, rerunId: started.id, jobId: rerunJob.jobId });
    },
  };
}
