/**
 * What the pick-up of Testsigma runs and the runs started from Jira keep (contract section 8), apart from jobs.
 *
 * Keys:
 * - `pickup:state`: the pick-up's trace and cursors ({@link PickupRecord}); one value, no ttl.
 * - `runjob:<runId>`: a Testsigma run id that already has a job ({@link RunJobMark}), so a round never gives a run
 *   a second job; written by `runPlan`, `rerunFailed`, the pick-up (atomic claims) and the web trigger. 30 days.
 * - `follow:<runId>`: a run started from Jira that the pick-up polls until it ends (up to 24 hours).
 * - `runplan:<issueId>`: a `runPlan` claim on a Test Plan for 60 seconds, so a double click starts one run.
 * - `rerun:<runId>`: a `rerunFailed` claim on a run for 60 seconds, so a double click starts one re-run.
 * - `setup:firstPush`: when the first push-mode delivery (a results body) arrived; its presence turns the pick-up's
 *   default off.
 */
import type { Message } from '../shared/message';
import type { RunSource } from '../shared/types';
import { KvsPort, Ttl, claimKey, getMany, queryAll } from './kvs-port';
import { JOB_TTL, type KvsItem } from './job-store';

/** The pick-up's record (read by the admin page beside the first push delivery's mark). */
export const PICKUP_STATE_KEY = 'pickup:state';
const STATE_KEY = PICKUP_STATE_KEY;
const markKey = (runId: string) => `runjob:${runId}`;
const FOLLOW_PREFIX = 'follow:';
const followKey = (runId: string) => `${FOLLOW_PREFIX}${runId}`;
const claimKeyOf = (issueId: string) => `runplan:${issueId}`;
const rerunKey = (runId: string) => `rerun:${runId}`;
/** The key the web trigger reads with the settings to know whether a push-mode delivery arrived already. */
export const FIRST_PUSH_KEY = 'setup:firstPush';

/** How long a `runPlan` claim stands: a second click within it answers the run the first one started. */
export const RUN_CLAIM_TTL: Ttl = { value: 60, unit: 'SECONDS' };
/** A followed run outlives its 24 hours by a day, so the round that fails it still finds it. */
const FOLLOW_TTL: Ttl = { value: 2, unit: 'DAYS' };

/** The pick-up's trace (what the admin page shows) and where each plan's next round starts. */
export interface PickupRecord {
  /** Whether the last round found pick-up switched on. */
  on: boolean;
  /** Since when pick-up has been on (ms): the first round looks no further back (no backfill). */
  since?: number;
  lastRoundAt?: string;
  /** Runs picked up in all rounds since pick-up was switched on. */
  runsPickedUp: number;
  /** Runs picked up in the last round. */
  lastRoundPicked?: number;
  /** Why a plan's runs could not be listed in the last round (the first such plan). */
  problem?: Message;
  /** Per Testsigma plan: the newest finish time (ms) already handled. */
  cursors: Record<string, number>;
  /** Where the next round resumes in the list of linked plans, when one round could not reach them all. */
  planOffset?: number;
}

/** A run id that has a job. */
export interface RunJobMark {
  jobId: string;
  source: RunSource;
  /** A run the executor handed over by its Testsigma id (pull mode): it may be re-run from Jira. */
  pulled?: boolean;
  /** The newest re-run started from Jira for this run, which the next re-run re-runs. */
  latest?: string;
}

/** A run started from Jira, followed until it ends. */
export interface FollowedRun {
  runId: string;
  jobId: string;
  /** When following stops and the job fails (ms). */
  until: number;
}

/** The `runPlan` claim on a Test Plan. */
export interface RunClaim {
  at: number;
  /** Set once the run started. */
  jobId?: string;
  runId?: string;
  /** Testsigma's answer to the start was lost: the run may have started, so the claim stands until it expires. */
  unsure?: true;
}

/** The pick-up's records over the key-value store. */
export class PickupStore {
  constructor(private readonly kvs: KvsPort) {}

  async state(): Promise<PickupRecord> {
    return pickupRecordOf(await this.kvs.get<PickupRecord>(STATE_KEY));
  }

  async putState(rec: PickupRecord): Promise<void> {
    await this.kvs.set(STATE_KEY, rec);
  }

  /** Which of these run ids have a job already (one batch read per 25). */
  async marks(runIds: readonly string[]): Promise<Map<string, RunJobMark>> {
    const found = await getMany<RunJobMark>(this.kvs, runIds.map(markKey));
    const out = new Map<string, RunJobMark>();
    for (const id of runIds) {
      const m = found.get(markKey(id));
      if (m) out.set(id, m);
    }
    return out;
  }

  async mark(runId: string): Promise<RunJobMark | undefined> {
    return this.kvs.get<RunJobMark>(markKey(runId));
  }

  /** Claims a run id for a new job: false when another job has it already. */
  async claimRun(runId: string, mark: RunJobMark): Promise<boolean> {
    return (await claimKey(this.kvs, markKey(runId), mark, { ttl: JOB_TTL })).won;
  }

  /** Frees a run id whose job could not be made, so a later round picks the run up. */
  async unclaimRun(runId: string): Promise<void> {
    await this.kvs.delete(markKey(runId));
  }

  async putMark(runId: string, mark: RunJobMark): Promise<void> {
    await this.kvs.set(markKey(runId), mark, { ttl: JOB_TTL });
  }

  /** Every run started from Jira that is still followed (bounded: they are few, and each ends within a day). */
  async followed(max = 500): Promise<FollowedRun[]> {
    return (await queryAll<FollowedRun>(this.kvs, FOLLOW_PREFIX, max)).map((r) => r.value);
  }

  async unfollow(runId: string): Promise<void> {
    await this.kvs.delete(followKey(runId));
  }

  /** Claims `runPlan` on a Test Plan for 60 seconds; when another call holds it, answers that claim. */
  async claimRunPlan(issueId: string, at: number): Promise<true | RunClaim> {
    const c = await claimKey<RunClaim>(this.kvs, claimKeyOf(issueId), { at }, { ttl: RUN_CLAIM_TTL });
    return c.won ? true : c.holder;
  }

  async readRunPlanClaim(issueId: string): Promise<RunClaim | undefined> {
    return this.kvs.get<RunClaim>(claimKeyOf(issueId));
  }

  async settleRunPlanClaim(issueId: string, claim: RunClaim): Promise<void> {
    await this.kvs.set(claimKeyOf(issueId), claim, { ttl: RUN_CLAIM_TTL });
  }

  async releaseRunPlanClaim(issueId: string): Promise<void> {
    await this.kvs.delete(claimKeyOf(issueId));
  }

  /** Claims `rerunFailed` on a run for 60 seconds; when another call holds it, answers that claim. */
  async claimRerun(runId: string, at: number): Promise<true | RunClaim> {
    const c = await claimKey<RunClaim>(this.kvs, rerunKey(runId), { at }, { ttl: RUN_CLAIM_TTL });
    return c.won ? true : c.holder;
  }

  /** Marks a re-run claim whose start may have happened (its answer was lost). */
  async settleRerun(runId: string, claim: RunClaim): Promise<void> {
    await this.kvs.set(rerunKey(runId), claim, { ttl: RUN_CLAIM_TTL });
  }

  /** Gives a re-run claim back when no re-run started, so the next click may try again at once. */
  async releaseRerun(runId: string): Promise<void> {
    await this.kvs.delete(rerunKey(runId));
  }
}

/** The pick-up record as stored, with what older or missing records lack filled in. */
export function pickupRecordOf(rec: PickupRecord | undefined): PickupRecord {
  return rec && typeof rec === 'object' ? { ...rec, cursors: { ...(rec.cursors ?? {}) }, runsPickedUp: rec.runsPickedUp ?? 0 } : { on: false, runsPickedUp: 0, cursors: {} };
}

/** The item that marks a run id as having a job (batched with the job's own writes). */
export function runJobItem(runId: string, mark: RunJobMark): KvsItem {
  return { key: markKey(runId), value: mark, options: { ttl: JOB_TTL } };
}

/** The item that makes the pick-up follow a run started from Jira. */
export function followItem(run: FollowedRun): KvsItem {
  return { key: followKey(run.runId), value: run, options: { ttl: FOLLOW_TTL } };
}

/** The item that records the first push-mode delivery. */
export function firstPushItem(at: string): KvsItem {
  return { key: FIRST_PUSH_KEY, value: { at } };
}
