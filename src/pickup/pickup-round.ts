/**
 * The `pickup` scheduled trigger (every 5 minutes, contract section 8): one round.
 *
 * 1. Runs started from Jira are followed until they end, whatever the pick-up switch says and outside its bounds:
 *    a finished one has its waiting job queued; one still unfinished after 24 hours has its job failed.
 * 2. With pick-up on, each linked Testsigma plan's runs that finished since the last round (first round: since pick-up
 *    was switched on; an overlap on finish times catches a list that lags) get a pull-mode job each, skipping run
 *    ids that have a job already (`runjob:` marks: started from Jira, pulled, sent by an executor, or picked up).
 *    A round is bounded by the Xray requests left in the budget, the queue's events a minute, storage, at most 50
 *    plans and 20 runs a plan; what is left waits for the next round (cursors only move past what was handled).
 * 3. The round's trace (time, runs picked up, a plan whose runs could not be listed) is kept for the admin page.
 *
 * Costs with nothing new (measured in test/integration/run-from-jira.test.ts): one Testsigma list call per linked
 * plan, no Xray request.
 */
import type { Clock, FetchPort, Logger, QueuePort } from '../ports';
import type { KvsPort } from '../store/kvs-port';
import { queryAll } from '../store/kvs-port';
import { SettingsStore } from '../store/settings-store';
import { JobStore, type JobRecord } from '../store/job-store';
import { PickupStore, type FollowedRun, type PickupRecord } from '../store/pickup-store';
import { autoPickupOn } from '../domain/settings';
import { jobMsg } from '../domain/job-messages';
import { msg, type Message } from '../shared/message';
import type { LinkRecord } from '../store/link-store';
import { TestsigmaError, createTestsigmaClient, type TestsigmaClient, type TestsigmaClientConfig } from '../testsigma/testsigma-client';
import { requestsLeft } from '../xray/request-budget';
import { readPickupTrace } from './pickup-trace';
import { createPullJob, queueJob, FOLLOW_WINDOW_MS } from './pull-job';

/** Linked plans a round looks at; the rest wait for the next round (it resumes where this one stopped). */
export const MAX_PLANS_A_ROUND = 50;
/** Runs a round picks up per plan. */
export const MAX_RUNS_A_PLAN = 20;
/** Finish times are re-read this far back: a run that Testsigma lists late is still found (its mark skips repeats). */
export const FINISH_OVERLAP_MS = 15 * 60 * 1000;
/** Xray requests a picked-up run is expected to cost (authenticate from cache, import, plan attach, statuses). */
export const XRAY_REQUESTS_A_RUN = 4;
/** Xray requests a round leaves in the budget for panels and executors' deliveries. */
export const XRAY_RESERVE = 60;
/**
 * Queue events a round may push: Forge allows 500 a minute an installation; a round takes a fifth, leaving the rest
 * for web trigger deliveries and the sync's own retries.
 */
export const QUEUE_EVENTS_A_ROUND = 100;
/**
 * Runs a round may pick up for storage's sake. Forge allows 45 batch operations a minute an installation; picking a
 * run up costs one (its job's batch write) in the round's minute, and its sync a few more as the queue spreads them
 * over the following minutes. 20 runs keep the round's minute under half of the 45, leaving room for panels.
 */
export const STORAGE_RUNS_A_ROUND = 20;
/** The follow window in hours, as job messages say it. */
const FOLLOW_HOURS = Math.round(FOLLOW_WINDOW_MS / 3_600_000);
/**
 * Pages of one plan's run list a round reads at most (20 runs a page, newest first). A round reads until it reaches
 * runs older than the plan's cursor, so it reads one page on a quiet plan; the bound only caps a burst (500 runs
 * between two rounds), and a capped list is reported, since runs older than it are never seen.
 */
const MAX_PAGES_A_PLAN = 25;

/** What the round needs. */
export interface PickupDeps {
  kvs: KvsPort;
  queue: QueuePort;
  clock: Clock;
  log: Logger;
  fetch: FetchPort;
  randomHex(bytes: number): string;
  testsigmaClientFor?(config: TestsigmaClientConfig): TestsigmaClient;
}

/** What a round did, for logs and tests. */
export interface PickupOutcome {
  on: boolean;
  followedFinished: number;
  followedFailed: number;
  plans: number;
  pickedUp: number;
  problem?: Message;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Builds the round. */
export function createPickupRound(deps: PickupDeps) {
  const settingsStore = new SettingsStore(deps.kvs);
  const pickup = new PickupStore(deps.kvs);
  const jobs = new JobStore(deps.kvs);
  const clientFor = deps.testsigmaClientFor ?? ((c: TestsigmaClientConfig) => createTestsigmaClient(c, { fetch: deps.fetch, timeoutMs: 15_000 }));

  return async function pickupRound(): Promise<PickupOutcome> {
    const now = deps.clock.now();
    const [settings, apiKey, trace] = await Promise.all([settingsStore.get(), settingsStore.secret('testsigmaApiKey'), readPickupTrace(deps.kvs)]);
    const on = autoPickupOn(settings, trace.pushDeliverySeen);
    const rec: PickupRecord = { ...trace.record, cursors: { ...trace.record.cursors } };
    const outcome: PickupOutcome = { on, followedFinished: 0, followedFailed: 0, plans: 0, pickedUp: 0 };
    if (!apiKey) {
      if (on) outcome.problem = msg('apiErrors.pickup.noKey');
      await pickup.putState({ ...rec, on, lastRoundAt: iso(now), lastRoundPicked: 0, ...(outcome.problem ? { problem: outcome.problem } : {}) });
      return outcome;
    }
    const ts = clientFor({ baseUrl: settings.testsigma.baseUrl, apiKey });

    await followRuns(ts, now, outcome);

    if (!on) {
      // Off: forget where rounds were, so switching on again starts from that moment (no backfill).
      const { since: _s, problem: _p, planOffset: _o, ...rest } = rec;
      await pickup.putState({ ...rest, on: false, cursors: {}, lastRoundAt: iso(now), lastRoundPicked: 0 });
      return outcome;
    }
    const since = rec.on && rec.since !== undefined ? rec.since : now;
    const left = await requestsLeft(deps.kvs, now, settings.xray.requestsPer5Minutes);
    let allowance = Math.min(QUEUE_EVENTS_A_ROUND, STORAGE_RUNS_A_ROUND, Math.floor(Math.max(0, left - XRAY_RESERVE) / XRAY_REQUESTS_A_RUN));
    // Each plan from when it was linked at the earliest: a plan linked while pick-up is on is not backfilled either.
    const linkedAt = new Map<string, number>();
    for (const { value: l } of await queryAll<LinkRecord>(deps.kvs, 'link:testPlan:')) {
      if (/^\d{1,19}$/.test(l.testsigmaId)) linkedAt.set(l.testsigmaId, Date.parse(l.linkedAt) || 0);
    }
    const linked = [...linkedAt.keys()];
    // Resume where the last round stopped, whether it stopped at the 50-plan bound or because its allowance ran out.
    const offset = linked.length > 0 ? (rec.planOffset ?? 0) % linked.length : 0;
    const plans = [...linked.slice(offset), ...linked.slice(0, offset)].slice(0, MAX_PLANS_A_ROUND);
    let problem: Message | undefined;
    let visited = 0;
    for (const planId of plans) {
      if (allowance <= 0) break;
      visited++;
      outcome.plans++;
      try {
        const picked = await pickPlan(ts, planId, Math.max(since, linkedAt.get(planId) ?? 0), rec.cursors[planId], Math.min(allowance, MAX_RUNS_A_PLAN));
        if (picked.capped) {
          problem ??= msg('apiErrors.pickup.backlog', { plan: planId, count: MAX_PAGES_A_PLAN * 20 });
          deps.log.warn('pickup: more runs finished than a round can list; the older ones are not picked up', { planId });
        }
        allowance -= picked.count;
        outcome.pickedUp += picked.count;
        if (picked.cursor !== undefined) rec.cursors[planId] = picked.cursor;
        else if (rec.cursors[planId] === undefined) rec.cursors[planId] = since;
      } catch (err) {
        if (err instanceof TestsigmaError && err.kind === 'rate_limited') {
          // Testsigma wants a pause: the rest of the plans wait for the next round.
          problem ??= msg('apiErrors.pickup.listUnavailable', { plan: planId, reason: err.message });
          break;
        }
        problem ??= listProblem(planId, err);
        deps.log.warn('pickup: a plan\'s runs could not be listed', { planId, error: err instanceof Error ? err.message : String(err) });
      }
    }
    const next: PickupRecord = {
      on: true,
      since,
      lastRoundAt: iso(now),
      runsPickedUp: (rec.on ? rec.runsPickedUp : 0) + outcome.pickedUp,
      lastRoundPicked: outcome.pickedUp,
      cursors: rec.cursors,
      ...(linked.length > MAX_PLANS_A_ROUND || visited < plans.length ? { planOffset: (offset + visited) % Math.max(1, linked.length) } : {}),
      ...(problem ? { problem } : {}),
    };
    await pickup.putState(next);
    if (problem) outcome.problem = problem;
    deps.log.info('pickup: round done', { on, plans: outcome.plans, pickedUp: outcome.pickedUp, followedFinished: outcome.followedFinished });
    return outcome;
  };

  /** Queues the jobs of followed runs that finished; fails those past 24 hours. Other runs wait for the next round. */
  async function followRuns(ts: TestsigmaClient, now: number, outcome: PickupOutcome): Promise<void> {
    const followed = await pickup.followed();
    // One batch read for every followed run's job, not a read each.
    const jobsOf = followed.length > 0 ? await jobs.getSeveral(followed.map((f) => f.jobId)) : new Map<string, never>();
    for (const f of followed) {
      try {
        const job = jobsOf.get(f.jobId);
        if (!job || job.state !== 'queued' || !job.waiting) {
          await pickup.unfollow(f.runId);
          continue;
        }
        let run: Awaited<ReturnType<TestsigmaClient['getRun']>>;
        try {
          run = await ts.getRun(f.runId);
        } catch (err) {
          // Testsigma keeps refusing the run (deleted there, the key revoked): past the window, the job ends with why.
          if (now < f.until || !(err instanceof TestsigmaError)) throw err;
          await endFollowed(f, job, jobMsg('runUnreadableFollowed', { runId: f.runId, hours: FOLLOW_HOURS, reason: err.message }));
          outcome.followedFailed++;
          continue;
        }
        if (run.status === 'STATUS_COMPLETED') {
          const { waiting: _w, ...ready } = job;
          const queued = { ...ready, deadline: now + 60 * 60 * 1000, pollSince: now, updatedAt: iso(now) };
          await jobs.put(queued);
          await queueJob(deps, queued, [], false).catch(async (err: unknown) => {
            // Not taken back: the job waits again, and the next round queues it.
            await jobs.put(job);
            throw err;
          });
          await pickup.unfollow(f.runId);
          outcome.followedFinished++;
        } else if (now >= f.until) {
          await endFollowed(f, job, jobMsg('runNotFinishedFollowed', { runId: f.runId, hours: FOLLOW_HOURS, status: run.status }));
          outcome.followedFailed++;
        }
      } catch (err) {
        deps.log.warn('pickup: a run started from Jira could not be checked; the next round tries again', {
          runId: f.runId,
          error: err instanceof Error ? err.message : String(err),
        });
      }
    }
  }

  /** Fails a followed run's job with `why` and stops following the run. */
  async function endFollowed(f: FollowedRun, job: JobRecord, why: Message): Promise<void> {
    const { waiting: _w, ...rest } = job;
    await jobs.put({ ...rest, state: 'failed', errors: [...job.errors, why], updatedAt: iso(deps.clock.now()) });
    await pickup.unfollow(f.runId);
  }

  /**
   * Picks up a plan's runs that finished since the plan's cursor (minus the overlap), but never before pick-up was
   * switched on or the plan linked (`since`: no backfill), oldest first, at most `max`. Answers how many it picked
   * and the finish time the next round starts from (the newest handled; left as it was when nothing finished). The
   * cursor moves only over runs the round saw, oldest first, so runs past the pages it read wait for the next round;
   * `capped` says the list was longer than {@link MAX_PAGES_A_PLAN} pages, whose older runs no round will see.
   */
  async function pickPlan(ts: TestsigmaClient, planId: string, since: number, cursor0: number | undefined, max: number): Promise<{ count: number; cursor?: number; capped?: boolean }> {
    const floor = Math.max(since, (cursor0 ?? since) - FINISH_OVERLAP_MS);
    const finished: Array<{ id: string; endTime: number }> = [];
    let complete = false;
    for (let page = 0; page < MAX_PAGES_A_PLAN && !complete; page++) {
      const { runs, isLast } = await ts.listPlanRuns(planId, page, 20);
      for (const r of runs) if (r.endTime !== undefined && r.endTime >= floor) finished.push({ id: r.id, endTime: r.endTime });
      // Newest first: a page that reaches back past the floor ends the search. Unfinished runs have no end time yet.
      const reachedFloor = runs.some((r) => r.endTime !== undefined && r.endTime < floor);
      complete = isLast || reachedFloor || runs.length === 0;
    }
    const capped = complete ? {} : { capped: true };
    if (finished.length === 0) return { count: 0, ...capped };
    finished.sort((a, b) => a.endTime - b.endTime || Number(a.id) - Number(b.id));
    const marks = await pickup.marks(finished.map((r) => r.id));
    let count = 0;
    let cursor: number | undefined;
    for (const r of finished) {
      if (marks.has(r.id)) {
        cursor = Math.max(cursor ?? 0, r.endTime);
        continue;
      }
      if (count >= max) break;
      // The claim is the mark: whoever writes it first (another round, runPlan, the web trigger) owns the run. The
      // job's own batch then writes the mark again with its job id.
      if (!(await pickup.claimRun(r.id, { jobId: '', source: 'testsigma' }))) {
        cursor = Math.max(cursor ?? 0, r.endTime);
        continue;
      }
      try {
        await createPullJob(deps, { testsigmaRunId: r.id, testsigmaPlanId: planId, source: 'testsigma', follow: false, mark: { jobId: '', source: 'testsigma' } });
      } catch (err) {
        // Leave the run for the next round: free its mark and stop this plan here.
        await pickup.unclaimRun(r.id).catch(() => undefined);
        throw err;
      }
      count++;
      cursor = Math.max(cursor ?? 0, r.endTime);
    }
    return { count, ...(cursor !== undefined ? { cursor } : {}), ...capped };
  }
}

/** The admin's sentence for a plan whose runs could not be listed. */
function listProblem(planId: string, err: unknown): Message {
  if (err instanceof TestsigmaError) {
    if (err.kind === 'auth') return msg('apiErrors.pickup.listAuth', { plan: planId });
    if (err.retryable) return msg('apiErrors.pickup.listUnavailable', { plan: planId, reason: err.message });
    return msg('apiErrors.pickup.listRefused', { plan: planId, reason: err.message });
  }
  return msg('apiErrors.pickup.listUnavailable', { plan: planId, reason: err instanceof Error ? err.message : String(err) });
}
