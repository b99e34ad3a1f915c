/**
 * The case index: which Xray Test each linked Testsigma case belongs to, in {@link CASE_INDEX_SHARDS} records, so a
 * sync of 2,000 results finds its Tests with one batch read instead of 80, and a Test Plan's panel learns which of
 * 1,000 Tests have links with the same one read.
 *
 * Keys:
 * - `cx:<n>` (n < 16): `{ c: { <caseId>: <testIssueId> }, p?: { <caseId>: <planIds> } }`, the cases whose id
 *   hashes to shard n and the Testsigma plans their results are kept under. At 100,000 linked cases a shard holds
 *   about 6,250 entries, about 105 KB (11 read units).
 * - `cx:meta`: {@link CaseIndexMeta}: whether the index lists every link yet (a site upgraded from a version without
 *   it fills it in steps), and whether per-case result records of that version may exist.
 * - `cx:lock`: the write lock ({@link withLock}).
 *
 * The claim keys (`link:testCase:<id>`, in `link-store.ts`) stay the authority for the one-owner rule. The index
 * follows them under the lock: a link adds its entry after its claim (and gives the claim back when it cannot), an
 * unlink removes its entry before it gives the claim up, both holding the lock, and the upgrade's fill reads claims
 * while holding it. So every entry names a claim that exists; a claim may lack its entry only for the moment between
 * a link's two writes (or for good when a link was cut off there: linking it again repairs it).
 */
import { KVS_LIMITS, KvsPort, getEach, getMany } from './kvs-port';
import { withLock } from './store-lock';

/** How many records hold the index (fixed: a reader computes a case's shard without reading anything first). */
export const CASE_INDEX_SHARDS = 16;
/** Claim pages a link or unlink reads per fill step (20 claims a page): well inside a resolver's 25 s. */
export const FILL_PAGES_PER_STEP = 50;
/** Claim pages a sync reads per fill step: a consumer has 900 s, and 10,000 claims cost about 500 read units. */
export const SYNC_FILL_PAGES = 500;

const shardKey = (n: number) => `cx:${n}`;
export const CASE_INDEX_META_KEY = 'cx:meta';
const LOCK_KEY = 'cx:lock';
const OWNER_PREFIX = 'link:testCase:';
const LEGACY_RESULT_PREFIX = 'last:';

/** The index's state. */
export interface CaseIndexMeta {
  v: 1;
  /** Every claim has its entry: a case the index does not list is not linked. */
  complete: boolean;
  /** Where the upgrade's fill goes on: the claim query's cursor after the last page it read. */
  after?: string;
  /** Per-case result records (`last:<caseId>`) may exist: the site ran a version that wrote them. */
  legacyResults: boolean;
}

interface Shard {
  /** Each case's Test. */
  c: Record<string, string>;
  /** The Testsigma plans each case's results are kept under (`_`: per-case records), when any. */
  p?: Record<string, string[]>;
}

/** FNV-1a over the id: a stable, even spread of numeric ids. */
export function hashId(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The shard a case's entry lives in. */
export function caseShard(caseId: string): number {
  return hashId(caseId) % CASE_INDEX_SHARDS;
}

/** The shard keys that hold these cases (each once), or every shard. */
export function caseIndexKeys(caseIds?: readonly string[]): string[] {
  const shards = caseIds ? [...new Set(caseIds.map(caseShard))] : Array.from({ length: CASE_INDEX_SHARDS }, (_, n) => n);
  return shards.sort((a, b) => a - b).map(shardKey);
}

function entriesOf(value: unknown): Record<string, string> {
  const c = (value as Partial<Shard> | undefined)?.c;
  return c && typeof c === 'object' ? c : {};
}

function shardOf(value: unknown): Shard {
  const p = (value as Partial<Shard> | undefined)?.p;
  return { c: { ...entriesOf(value) }, ...(p && typeof p === 'object' ? { p: { ...p } } : {}) };
}

/** Reads the meta record out of a batch read's answer. */
export function metaOf(found: ReadonlyMap<string, unknown>): CaseIndexMeta | undefined {
  const m = found.get(CASE_INDEX_META_KEY) as Partial<CaseIndexMeta> | undefined;
  return m && typeof m === 'object' && typeof m.complete === 'boolean' ? { v: 1, complete: m.complete, legacyResults: m.legacyResults !== false, ...(m.after ? { after: m.after } : {}) } : undefined;
}

/**
 * Whether the index lists every link, from a batch read's answer that holds its meta: the meta says so, or, on a
 * site that never wrote one, no case is linked at all (one query).
 */
export async function indexComplete(kvs: KvsPort, found: ReadonlyMap<string, unknown>): Promise<boolean> {
  const meta = metaOf(found);
  if (meta) return meta.complete;
  return (await kvs.query().where('key', { condition: 'BEGINS_WITH', values: [OWNER_PREFIX] }).limit(1).getMany()).results.length === 0;
}

/** Each case's Test, from the shards in a batch read's answer (cases of shards not read are absent). */
export function lookupIn(found: ReadonlyMap<string, unknown>, caseIds: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const id of caseIds) {
    const test = entriesOf(found.get(shardKey(caseShard(id))))[id];
    if (test !== undefined) out.set(id, test);
  }
  return out;
}

/** Every Test with linked cases and its cases, from a batch read of every shard. */
export function testsIn(found: ReadonlyMap<string, unknown>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (let n = 0; n < CASE_INDEX_SHARDS; n++) {
    for (const [caseId, test] of Object.entries(entriesOf(found.get(shardKey(n))))) {
      const cases = out.get(test);
      if (cases) cases.push(caseId);
      else out.set(test, [caseId]);
    }
  }
  return out;
}

/** Where each case's results are kept, from a batch read of its shard (cases with none are absent). */
export function plansIn(found: ReadonlyMap<string, unknown>, caseIds: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const id of caseIds) {
    const plans = (found.get(shardKey(caseShard(id))) as Partial<Shard> | undefined)?.p?.[id];
    if (Array.isArray(plans) && plans.length > 0) out.set(id, plans);
  }
  return out;
}

/**
 * One change to the index: the case now belongs to `testIssueId`, or to no Test (`null`); or its results are now
 * kept under a Testsigma plan too (`addPlan`, for a case the index lists).
 */
export type CaseIndexChange = { caseId: string; testIssueId: string | null } | { caseId: string; addPlan: string };

/** The case index over the key-value store. */
export class CaseIndex {
  constructor(
    private readonly kvs: KvsPort,
    private readonly sleep?: (ms: number) => Promise<void>,
    private readonly lockPauses?: readonly number[],
  ) {}

  /** The index's state, if it was ever written. */
  async meta(): Promise<CaseIndexMeta | undefined> {
    return metaOf(await getMany(this.kvs, [CASE_INDEX_META_KEY]));
  }

  /**
   * Applies changes under the lock (a read and a write of each shard they touch). `whileLocked` runs after the
   * shards are written and before the lock is given back: an unlink gives its claim up there. Fills the index a step
   * further first while it is incomplete.
   */
  async apply(changes: readonly CaseIndexChange[], whileLocked?: () => Promise<void>): Promise<void> {
    await withLock(
      this.kvs,
      LOCK_KEY,
      async () => {
        // One `get` a shard: the index changes by at most 17 keys under its lock, and Forge allows 1,000 requests a
        // second but 45 batch operations a minute (the units are the same).
        const found = await getEach<unknown>(this.kvs, [...caseIndexKeys(changes.map((c) => c.caseId)), CASE_INDEX_META_KEY]);
        let meta = metaOf(found);
        const touched = new Map<string, Shard>();
        let metaChanged = false;
        if (!meta?.complete) {
          const step = await this.fillStep(meta, found);
          meta = step.meta;
          metaChanged = true;
          for (const key of step.filled) touched.set(key, shardOf(found.get(key)));
        }
        for (const ch of changes) {
          const key = shardKey(caseShard(ch.caseId));
          const shard = touched.get(key) ?? shardOf(found.get(key));
          if ('addPlan' in ch) {
            const plans = shard.p?.[ch.caseId] ?? [];
            if (shard.c[ch.caseId] === undefined || plans.includes(ch.addPlan)) continue;
            shard.p = { ...shard.p, [ch.caseId]: [...plans, ch.addPlan] };
          } else if (ch.testIssueId === null) {
            delete shard.c[ch.caseId];
            if (shard.p) delete shard.p[ch.caseId];
          } else {
            shard.c[ch.caseId] = ch.testIssueId;
          }
          touched.set(key, shard);
        }
        await this.write(touched, metaChanged ? meta : undefined);
        if (whileLocked) await whileLocked();
      },
      this.sleep,
      this.lockPauses,
    );
  }

  /**
   * Fills the index a step further (a site upgraded from a version without it), holding the lock. Answers whether
   * it is complete now. Safe to call from anywhere; costs one read once complete.
   */
  async fill(pages = FILL_PAGES_PER_STEP): Promise<boolean> {
    const before = await this.meta();
    if (before?.complete) return true;
    return withLock(
      this.kvs,
      LOCK_KEY,
      async () => {
        const found = await getMany<unknown>(this.kvs, [CASE_INDEX_META_KEY]);
        const meta = metaOf(found);
        if (meta?.complete) return true;
        const step = await this.fillStep(meta, found, pages);
        await this.write(new Map([...step.filled].map((key) => [key, shardOf(found.get(key))])), step.meta);
        return step.meta.complete;
      },
      this.sleep,
      this.lockPauses,
    );
  }

  /**
   * Reads up to `pages` pages of claims from where the last step stopped and adds their entries to the shards in
   * `found` (reading more shards as needed). Answers the next meta and the shards it changed; the
   * caller writes both. Holding the lock makes this safe: no unlink gives a claim up meanwhile, and a link adds its
   * entry only after the lock is free.
   */
  private async fillStep(meta: CaseIndexMeta | undefined, found: Map<string, unknown>, pages = FILL_PAGES_PER_STEP): Promise<{ meta: CaseIndexMeta; filled: Set<string> }> {
    const legacyResults = meta ? meta.legacyResults : (await this.kvs.query().where('key', { condition: 'BEGINS_WITH', values: [LEGACY_RESULT_PREFIX] }).limit(1).getMany()).results.length > 0;
    const claims: Array<{ key: string; value: { issueId?: unknown } }> = [];
    let cursor = meta?.after;
    for (let page = 0; page < pages; page++) {
      let q = this.kvs.query().where('key', { condition: 'BEGINS_WITH', values: [OWNER_PREFIX] }).limit(KVS_LIMITS.maxQueryPage);
      if (cursor) q = q.cursor(cursor);
      const got = await q.getMany<{ issueId?: unknown }>();
      claims.push(...got.results);
      cursor = got.nextCursor;
      if (!cursor) break;
    }
    const missing = caseIndexKeys(claims.map((c) => c.key.slice(OWNER_PREFIX.length))).filter((k) => !found.has(k));
    if (missing.length > 0) for (const [k, v] of await getEach<unknown>(this.kvs, missing)) found.set(k, v);
    const filled = new Set<string>();
    for (const c of claims) {
      const caseId = c.key.slice(OWNER_PREFIX.length);
      if (typeof c.value?.issueId !== 'string') continue;
      const key = shardKey(caseShard(caseId));
      const shard = shardOf(found.get(key));
      shard.c[caseId] = c.value.issueId;
      found.set(key, shard);
      filled.add(key);
    }
    return { meta: { v: 1, complete: !cursor, legacyResults, ...(cursor ? { after: cursor } : {}) }, filled };
  }

  /** Writes the changed shards, then the meta (a fill's progress counts only once its shards are written). */
  private async write(touched: Map<string, Shard>, meta: CaseIndexMeta | undefined): Promise<void> {
    await Promise.all([...touched].map(([key, value]) => this.kvs.set(key, value)));
    if (meta) await this.kvs.set(CASE_INDEX_META_KEY, meta);
  }
}
