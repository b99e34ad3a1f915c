import type { IssueKind, TestsigmaKind } from '../shared/types';
import { takesManyLinks } from '../domain/issue-kinds';
import { KvsPort, claimKey, getMany, queryAll } from './kvs-port';
import { forgetLastResult } from './run-store';
import { updatePlanResults } from './plan-results';
import { CASE_INDEX_META_KEY, CaseIndex, CaseIndexChange, SYNC_FILL_PAGES, caseIndexKeys, indexComplete, lookupIn } from './case-index';
import type { KvsItem } from './job-store';

/** One link as stored: kept by Jira issue id, since keys change when an issue moves. */
export interface LinkRecord {
  issueId: string;
  issueKind: IssueKind;
  testsigmaKind: TestsigmaKind;
  testsigmaId: string;
  linkedBy: string;
  linkedAt: string;
  /** The sync made it for a Test it created (contract section 8). */
  linkedByApp?: boolean;
}

/** Why a claim was refused: the entity is linked elsewhere, or this issue's single slot is taken. */
export type ClaimResult =
  | { ok: true; record: LinkRecord; created: boolean }
  | { ok: false; conflict: 'entity' | 'slot'; existing: LinkRecord };

/*
 * Keys. The claim key ("owner") is the authority for the one-owner rules and for the sync's case -> Test mapping;
 * the issue index lists an issue's links with one prefix query; the slot makes "at most one" on Test Sets and Test
 * Plans an atomic claim of its own.
 */
const ownerKey = (kind: TestsigmaKind, id: string) => `link:${kind}:${id}`;
const slotKey = (issueId: string) => `slot:${issueId}`;
const indexPrefix = (issueId: string) => `issue:${issueId}:`;
const indexKey = (issueId: string, kind: TestsigmaKind, id: string) => `${indexPrefix(issueId)}${kind}:${id}`;
// "This Test has at least one linked case": lets coverage check 1,000 Tests with 40 batch reads, not 1,000 queries.
// It also lists the Test's case ids (a hint, see TestMark), so a Test Plan's flaky list needs no query per Test.
const testMarkKey = (issueId: string) => `tlinked:${issueId}`;
// "Results of this Test's cases are kept under this Testsigma plan" (`plan-results.ts`; `_`: in per-case records).
// Under the issue's index prefix, after its links (`z` sorts after every `test...` kind; `~` is no key character),
// so the query that lists a Test's links also tells its panel which plans' results to read. Written by the sync the
// first time a case reports to this Test in that plan; never needed again, so never rewritten.
const PLAN_MARK = 'zplan:';
const planMarkKey = (issueId: string, planId: string) => `${indexPrefix(issueId)}${PLAN_MARK}${planId}`;
const isPlanMark = (key: string) => key.includes(`:${PLAN_MARK}`);

/** Whether a link is one of the case index's: a case linked to a Test. */
const isIndexed = (r: LinkRecord) => r.testsigmaKind === 'testCase' && r.issueKind === 'test';

/** The plan mark's id for results of deliveries that name no Testsigma plan (kept per case). */
export const NO_PLAN_MARK = '_';

/** The item that marks a Test's results as kept under a Testsigma plan ({@link NO_PLAN_MARK} for per-case records). */
export function planMarkItem(testIssueId: string, planId: string): KvsItem {
  return { key: planMarkKey(testIssueId, planId), value: { plan: planId } };
}

/**
 * A Test's "has links" mark. `cases` is the Test's linked case ids as its index held them when a link or unlink of
 * this Test last wrote the mark; two links of one Test at the same moment may leave one out until the Test's next
 * change. Marks written before it existed have no `cases`.
 */
export interface TestMark {
  at: string;
  cases?: string[];
}

/** The link store over Forge's key-value store. Every rule holds under concurrency: claims, never read-then-write. */
export class LinkStore {
  private readonly index: CaseIndex;

  constructor(private readonly kvs: KvsPort) {
    this.index = new CaseIndex(kvs);
  }

  /** The issue's links in key order (one query per 20 links). */
  async listForIssue(issueId: string): Promise<LinkRecord[]> {
    return (await this.listWithPlans(issueId)).links;
  }

  /**
   * The issue's links and, on a Test, the Testsigma plans its cases' results are kept under, from the same query
   * (one per 20 entries).
   */
  async listWithPlans(issueId: string): Promise<{ links: LinkRecord[]; plans: string[] }> {
    const rows = await queryAll<LinkRecord | { plan: string }>(this.kvs, indexPrefix(issueId));
    const links: LinkRecord[] = [];
    const plans: string[] = [];
    for (const r of rows) {
      if (isPlanMark(r.key)) plans.push(r.key.slice(r.key.lastIndexOf(PLAN_MARK) + PLAN_MARK.length));
      else links.push(r.value as LinkRecord);
    }
    return { links, plans };
  }

  /** Who owns a Testsigma entity now, if anyone. */
  async owner(kind: TestsigmaKind, id: string): Promise<LinkRecord | undefined> {
    return this.kvs.get<LinkRecord>(ownerKey(kind, id));
  }

  /**
   * Maps Testsigma case ids to the owning Xray Test's issue id, in batches of 25 claim reads. The sync uses
   * {@link casesToTests} instead; this reads the claims themselves.
   */
  async ownersOfCases(caseIds: readonly string[]): Promise<Map<string, LinkRecord>> {
    const found = await getMany<LinkRecord>(this.kvs, caseIds.map((id) => ownerKey('testCase', id)));
    const out = new Map<string, LinkRecord>();
    for (const rec of found.values()) out.set(rec.testsigmaId, rec);
    return out;
  }

  /**
   * Each linked case's Test issue id: the case index (one batch read for any number of cases) and, while the
   * index is not yet complete (a site upgraded from a version without it), the claims of the cases it does not
   * list. The index is filled a step further on the way.
   */
  async casesToTests(caseIds: readonly string[], found?: ReadonlyMap<string, unknown>): Promise<Map<string, string>> {
    const read = found ?? (await getMany<unknown>(this.kvs, [...caseIndexKeys(caseIds), CASE_INDEX_META_KEY]));
    const out = lookupIn(read, caseIds);
    if (await indexComplete(this.kvs, read)) return out;
    await this.index.fill(SYNC_FILL_PAGES);
    const misses = caseIds.filter((id) => !out.has(id));
    for (const [id, rec] of await this.ownersOfCases(misses)) out.set(id, rec.issueId);
    return out;
  }

  /**
   * Links an entity to an issue. The slot (Test Set, Test Plan) is claimed first, then the entity; a lost entity
   * claim gives the slot back. Linking what is already linked here succeeds and repairs a missing index entry.
   */
  async claim(record: LinkRecord): Promise<ClaimResult> {
    return (await this.claimCases([record]))[0]!;
  }

  /**
   * Links entities as {@link claim} does, writing the case index once for all of them (the sync links its created
   * Tests so). Each case's index entry is written after its claim and before its issue's index entry; when the index
   * cannot be written (its lock stayed taken), the claims this call won are given back and the error thrown, so
   * nothing is linked that the sync would not find.
   */
  async claimCases(records: readonly LinkRecord[]): Promise<ClaimResult[]> {
    const out: ClaimResult[] = [];
    for (const r of records) out.push(await this.claimOwner(r));
    const won = out.flatMap((c) => (c.ok ? [c] : []));
    const pending: CaseIndexChange[] = won.filter((c) => isIndexed(c.record)).map((c) => ({ caseId: c.record.testsigmaId, testIssueId: c.record.issueId }));
    if (pending.length > 0) {
      try {
        await this.index.apply(pending);
      } catch (err) {
        for (const c of won) if (c.created) await this.giveBack(c.record);
        throw err;
      }
    }
    for (const c of won) {
      await this.kvs.set(indexKey(c.record.issueId, c.record.testsigmaKind, c.record.testsigmaId), c.record);
      if (c.record.issueKind === 'test') await this.writeTestMark(c.record.issueId, c.record.linkedAt);
    }
    return out;
  }

  /** The claims of {@link claim}: the slot (Test Set, Test Plan), then the entity; a lost entity claim gives the slot back. */
  private async claimOwner(record: LinkRecord): Promise<ClaimResult> {
    let tookSlot = false;
    if (!takesManyLinks(record.issueKind)) {
      const slot = { testsigmaKind: record.testsigmaKind, testsigmaId: record.testsigmaId };
      const taken = await claimKey(this.kvs, slotKey(record.issueId), slot);
      if (!taken.won) {
        const held = taken.holder;
        if (!(held.testsigmaKind === record.testsigmaKind && held.testsigmaId === record.testsigmaId)) {
          const existing = (await this.owner(held.testsigmaKind, held.testsigmaId)) ?? { ...record, ...held };
          return { ok: false, conflict: 'slot', existing };
        }
      } else {
        tookSlot = true;
      }
    }
    const owned = await claimKey(this.kvs, ownerKey(record.testsigmaKind, record.testsigmaId), record);
    if (!owned.won) {
      if (tookSlot) await this.kvs.delete(slotKey(record.issueId));
      const existing = owned.holder;
      if (existing.issueId !== record.issueId) return { ok: false, conflict: 'entity', existing };
      return { ok: true, record: existing, created: false };
    }
    return { ok: true, record, created: true };
  }

  /** Gives back the claims of a link that could not be completed. */
  private async giveBack(record: LinkRecord): Promise<void> {
    let tx = this.kvs.transact().delete(ownerKey(record.testsigmaKind, record.testsigmaId));
    if (!takesManyLinks(record.issueKind)) tx = tx.delete(slotKey(record.issueId));
    await tx.execute();
  }

  /**
   * Removes a link of this issue; false when the issue has no such link. All link keys go in one transaction. A test
   * case this issue owned also loses its last synced result, so a Test it is linked to later never shows this one's;
   * a stale index entry of a case another Test owns now leaves that Test's result alone.
   */
  async unlink(issueId: string, kind: TestsigmaKind, id: string): Promise<boolean> {
    const removed = await this.removeLink(issueId, kind, id);
    if (!removed) return false;
    if (removed.ownedCase) await this.forgetResults(issueId, [id]);
    if (removed.onTest) await this.refreshTestMark(issueId);
    return true;
  }

  /**
   * Removes a link's keys in one transaction (the case index's entry first, under its lock); undefined when the
   * issue has no such link. Says whether it was a case this issue owned, and whether the issue is a Test.
   */
  private async removeLink(issueId: string, kind: TestsigmaKind, id: string): Promise<{ ownedCase: boolean; onTest: boolean } | undefined> {
    const owner = await this.owner(kind, id);
    const owned = owner?.issueId === issueId;
    const indexed = owned ? owner : await this.kvs.get<LinkRecord>(indexKey(issueId, kind, id));
    if (!indexed) return undefined;
    const giveUp = async () => {
      let tx = this.kvs.transact().delete(indexKey(issueId, kind, id));
      if (owned) tx = tx.delete(ownerKey(kind, id));
      if (!takesManyLinks(indexed.issueKind)) tx = tx.delete(slotKey(issueId));
      await tx.execute();
    };
    // The case index loses the entry before the claim goes, both under its lock (see `case-index.ts`).
    if (owned && isIndexed(indexed)) await this.index.apply([{ caseId: id, testIssueId: null }], giveUp);
    else await giveUp();
    return { ownedCase: owned && kind === 'testCase', onTest: indexed.issueKind === 'test' };
  }

  /**
   * Forgets cases' results on this Test: their per-case records, and their records under each plan the Test's marks
   * name (`plans`, when the caller has listed them; else they are listed here), one update a plan for all of them.
   */
  private async forgetResults(issueId: string, caseIds: readonly string[], plans?: readonly string[]): Promise<void> {
    for (const caseId of caseIds) await forgetLastResult(this.kvs, caseId);
    for (const plan of plans ?? (await this.listWithPlans(issueId)).plans) {
      if (plan !== NO_PLAN_MARK) await updatePlanResults(this.kvs, plan, caseIds, (_id, rec) => (rec && (rec.testIssueId === undefined || rec.testIssueId === issueId) ? null : undefined));
    }
  }

  /**
   * Drops the Test's "has links" mark when its last link went. Deleting and then looking again means a link
   * written concurrently always ends with the mark set (a link writes its index entry before its mark).
   */
  private async refreshTestMark(issueId: string): Promise<void> {
    // Links sort before the plan marks, so the first entry is a link when there is one.
    const hasAny = async () => {
      const first = (await this.kvs.query().where('key', { condition: 'BEGINS_WITH', values: [indexPrefix(issueId)] }).limit(1).getMany()).results[0];
      return first !== undefined && !isPlanMark(first.key);
    };
    if (await hasAny()) {
      await this.writeTestMark(issueId, new Date(0).toISOString());
      return;
    }
    await this.kvs.delete(testMarkKey(issueId));
    if (await hasAny()) await this.kvs.set(testMarkKey(issueId), { at: new Date(0).toISOString() });
  }

  /** Writes a Test's mark with the case ids its index holds now (read after this call's own index write). */
  private async writeTestMark(issueId: string, at: string): Promise<void> {
    const cases = (await this.listForIssue(issueId)).filter((l) => l.testsigmaKind === 'testCase').map((l) => l.testsigmaId);
    const mark: TestMark = { at, cases };
    await this.kvs.set(testMarkKey(issueId), mark);
  }

  /** Which of these Test issue ids have at least one linked Testsigma case (batches of 25). */
  async testsWithLinks(testIssueIds: readonly string[]): Promise<Set<string>> {
    return new Set((await this.testMarks(testIssueIds)).keys());
  }

  /** The marks of those of these Tests that have links (batches of 25). */
  async testMarks(testIssueIds: readonly string[]): Promise<Map<string, TestMark>> {
    const found = await getMany<TestMark>(this.kvs, testIssueIds.map(testMarkKey));
    const out = new Map<string, TestMark>();
    for (const id of testIssueIds) {
      const m = found.get(testMarkKey(id));
      if (m !== undefined) out.set(id, m && typeof m === 'object' ? m : { at: new Date(0).toISOString() });
    }
    return out;
  }

  /**
   * Removes every link of an issue (it was deleted in Jira), so its entities can be linked again, each as
   * {@link unlink} does, and its plan marks. Answers them.
   */
  async removeAllForIssue(issueId: string): Promise<LinkRecord[]> {
    const { links, plans } = await this.listWithPlans(issueId);
    const owned: string[] = [];
    for (const l of links) if ((await this.removeLink(issueId, l.testsigmaKind, l.testsigmaId))?.ownedCase) owned.push(l.testsigmaId);
    // Its cases' results go once a plan, from the marks listed above (its "has links" mark goes below).
    if (owned.length > 0) await this.forgetResults(issueId, owned, plans);
    for (const plan of plans) await this.kvs.delete(planMarkKey(issueId, plan));
    // Whatever a crash between writes left behind; deleting a missing key is no error, so no read first.
    await this.kvs.delete(slotKey(issueId));
    await this.kvs.delete(testMarkKey(issueId));
    return links;
  }
}
