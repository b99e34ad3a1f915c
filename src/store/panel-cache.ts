/**
 * What the issue panel remembers between invocations (module memory does not survive one): a Test Set's or Test
 * Plan's list of Tests as Xray gave it, Testsigma entity names, and short "do not ask now" marks after Xray or
 * Testsigma refused or stalled.
 *
 * Keys (all under `pins:`, which no other store uses):
 * - `pins:cov:<issueId>`: the head of a cached Test list `{ v, kind, total, at, g, parts, ids?, keys? }`. Lists that
 *   fit one value live in the head itself (one read for a warm panel); larger ones are cut into parts
 *   `pins:cov:<issueId>:<g>:<n>`, each well under the 240 KiB value limit. `g` names the write, so a reader never
 *   mixes the parts of two concurrent writers: the head is written last and points at its own parts.
 * - `pins:ent:<kind>:<id>`: a Testsigma entity's name and deep link (`{ n, u?, b }`, `b` the base URL it came from),
 *   or `{ x: 1, b }` when Testsigma said it does not exist.
 * - `pins:names:<issueId>`: a Test's case names in one value (`{ b, e: { <caseId>: { n, u? } | { x: 1 } } }`), so a
 *   Test with 50 cases reads its names with one key of its panel's batch, not 50. A case links to one Test, so
 *   nothing is kept twice.
 * - `pins:cool:xray`, `pins:cool:ts`: until when the panel leaves Xray / Testsigma alone.
 * Everything carries a ttl, so nothing here needs cleaning up.
 */
import type { TestsigmaKind } from '../shared/types';
import { KVS_LIMITS, KvsPort, Ttl, batchSetParts, chunk, getMany } from './kvs-port';

/** How long a Test list is trusted: the contract allows 5 minutes or more; Test membership changes rarely. */
export const COVERAGE_TTL: Ttl = { value: 10, unit: 'MINUTES' };
/** Testsigma names change rarely. */
export const ENTITY_TTL: Ttl = { value: 1, unit: 'HOURS' };
/** An id Testsigma does not know is asked about again sooner: it may have been a typo fixed in Testsigma. */
export const ENTITY_MISSING_TTL: Ttl = { value: 15, unit: 'MINUTES' };

const COVERAGE_FORMAT = 1;
// Leaves room under the 240 KiB limit for the head's own fields and JSON escaping of odd keys.
const PART_BYTES = 200_000;

const covHead = (issueId: string) => `pins:cov:${issueId}`;
/** The key of a cached Test list's head, for callers that read it ahead with others. */
export const testListHeadKey = covHead;
const covPart = (issueId: string, g: string, n: number) => `pins:cov:${issueId}:${g}:${n}`;
const entKey = (kind: TestsigmaKind, id: string) => `pins:ent:${kind}:${id}`;
/** The key of a cached Testsigma entity, for callers that read it ahead with others. */
export const entityKey = entKey;
const namesKey = (issueId: string) => `pins:names:${issueId}`;
/** The key of a Test's cached case names, for callers that read it ahead with others. */
export const testNamesKey = namesKey;
/** The key of a cool-down mark. */
export const COOL_KEYS = { xray: 'pins:cool:xray', testsigma: 'pins:cool:ts' } as const;

/** The Tests of a Test Set or Test Plan, in Xray's order. */
export interface TestList {
  kind: 'testSet' | 'testPlan';
  /** Xray's `total`. */
  total: number;
  ids: string[];
  keys: string[];
  /** When Xray answered (ms). */
  at: number;
}

interface Head {
  v: number;
  kind: TestList['kind'];
  total: number;
  at: number;
  g: string;
  parts: number;
  ids?: string[];
  keys?: string[];
}

interface Part {
  ids: string[];
  keys: string[];
}

/** A "leave it alone until" mark; `scope` ties it to the settings it was set under (a fixed key clears it). */
export interface CoolMark {
  until: number;
  reason: string;
  scope?: string;
}

/** A cached Testsigma entity. */
export interface CachedEntity {
  name?: string;
  url?: string;
  /** Testsigma answered 404. */
  missing?: boolean;
}

interface StoredEntity {
  n?: string;
  u?: string;
  x?: 1;
  b: string;
}

function isHead(v: unknown): v is Head {
  if (!v || typeof v !== 'object') return false;
  const h = v as Partial<Head>;
  return h.v === COVERAGE_FORMAT && typeof h.total === 'number' && typeof h.g === 'string' && typeof h.parts === 'number';
}

function isPart(v: unknown): v is Part {
  return !!v && typeof v === 'object' && Array.isArray((v as Part).ids) && Array.isArray((v as Part).keys);
}

/** Cuts parallel id/key lists into parts of at most ~200 KB of JSON each. */
function cut(ids: readonly string[], keys: readonly string[]): Part[] {
  const parts: Part[] = [{ ids: [], keys: [] }];
  let size = 20;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i] ?? '';
    const key = keys[i] ?? '';
    // Both strings quoted plus two commas; keys are ASCII in practice, multi-byte is counted by Buffer anyway.
    const add = Buffer.byteLength(JSON.stringify(id)) + Buffer.byteLength(JSON.stringify(key)) + 2;
    const last = parts[parts.length - 1]!;
    if (size + add > PART_BYTES && last.ids.length > 0) {
      parts.push({ ids: [], keys: [] });
      size = 20;
    }
    const cur = parts[parts.length - 1]!;
    cur.ids.push(id);
    cur.keys.push(key);
    size += add;
  }
  return parts;
}

/** The panel's KVS cache. Every read and write is a handful of calls whatever the list's size. */
export class PanelCache {
  constructor(private readonly kvs: KvsPort) {}

  /**
   * Reads a cached Test list together with any extra keys the caller needs now (the Xray cool-down, the budget
   * hint), in one batch read when the list fits its head. Answers the list (or undefined) and the extras found.
   * `withList: false` (a refresh) reads only the extras.
   */
  async readTestList(
    issueId: string,
    kind: TestList['kind'],
    extraKeys: readonly string[] = [],
    withList = true,
  ): Promise<{ list?: TestList; extras: Map<string, unknown> }> {
    const found = await getMany<unknown>(this.kvs, withList ? [covHead(issueId), ...extraKeys] : extraKeys);
    const extras = new Map<string, unknown>();
    for (const k of extraKeys) if (found.has(k)) extras.set(k, found.get(k));
    const head = found.get(covHead(issueId));
    if (!isHead(head) || head.kind !== kind) return { extras };
    if (head.parts === 0) {
      if (!Array.isArray(head.ids) || !Array.isArray(head.keys)) return { extras };
      return { list: { kind, total: head.total, ids: head.ids, keys: head.keys, at: head.at }, extras };
    }
    const partKeys = Array.from({ length: head.parts }, (_, n) => covPart(issueId, head.g, n));
    const parts = await getMany<unknown>(this.kvs, partKeys);
    const ids: string[] = [];
    const keys: string[] = [];
    for (const k of partKeys) {
      const p = parts.get(k);
      // A part expired before its head (ttl races) or was never written: treat the whole list as not cached.
      if (!isPart(p)) return { extras };
      ids.push(...p.ids);
      keys.push(...p.keys);
    }
    return { list: { kind, total: head.total, ids, keys, at: head.at }, extras };
  }

  /** Stores a Test list: one write when it fits a value, else its parts in batches of 25 and then the head. */
  async writeTestList(issueId: string, list: TestList): Promise<void> {
    const g = list.at.toString(36);
    const base = { v: COVERAGE_FORMAT, kind: list.kind, total: list.total, at: list.at, g };
    const parts = cut(list.ids, list.keys);
    if (parts.length === 1) {
      const only = parts[0]!;
      const head: Head = { ...base, parts: 0, ids: only.ids, keys: only.keys };
      await this.kvs.set(covHead(issueId), head, { ttl: COVERAGE_TTL });
      return;
    }
    const items = parts.map((p, n) => ({ key: covPart(issueId, g, n), value: p, options: { ttl: COVERAGE_TTL } }));
    for (const batch of batchSetParts(items)) {
      const res = await this.kvs.batchSet(batch);
      if (res.failedKeys.length > 0) throw new Error(`Storage refused ${res.failedKeys.length} part(s) of the Test list cache`);
    }
    const head: Head = { ...base, parts: parts.length };
    await this.kvs.set(covHead(issueId), head, { ttl: COVERAGE_TTL });
  }

  /**
   * Cached entities of one kind, plus the Testsigma cool-down mark, in one batch read per 25 ids. Entries cached
   * under another base URL do not count (their deep links would point at the old host).
   */
  async readEntities(
    kind: TestsigmaKind,
    ids: readonly string[],
    baseUrl: string,
    testIssueId?: string,
  ): Promise<{ entities: Map<string, CachedEntity>; cool?: CoolMark }> {
    const perTest = testIssueId !== undefined && kind === 'testCase';
    const found = await getMany<unknown>(this.kvs, [...(perTest ? [namesKey(testIssueId)] : ids.map((id) => entKey(kind, id))), COOL_KEYS.testsigma]);
    const names = perTest ? asNames(found.get(namesKey(testIssueId)), baseUrl) : undefined;
    const entities = new Map<string, CachedEntity>();
    for (const id of ids) {
      const v = (names ? names[id] : found.get(entKey(kind, id))) as StoredEntity | undefined;
      if (!v || typeof v !== 'object' || v.b !== baseUrl) continue;
      if (v.x === 1) entities.set(id, { missing: true });
      else if (typeof v.n === 'string') entities.set(id, { name: v.n, ...(typeof v.u === 'string' ? { url: v.u } : {}) });
    }
    const cool = asCoolMark(found.get(COOL_KEYS.testsigma));
    return { entities, ...(cool ? { cool } : {}) };
  }

  /**
   * Stores entities (names, or "missing") in batches of 25; a Test's case names (`test`) as one value with the names
   * it held for `keep` (its cases now), kept an hour from this write (15 minutes while it holds a "missing").
   */
  async writeEntities(
    kind: TestsigmaKind,
    entries: ReadonlyMap<string, CachedEntity>,
    baseUrl: string,
    test?: { issueId: string; keep: readonly string[] },
  ): Promise<void> {
    const stored = (e: CachedEntity): StoredEntity => (e.missing ? { x: 1, b: baseUrl } : { n: e.name ?? '', ...(e.url ? { u: e.url } : {}), b: baseUrl });
    if (test && kind === 'testCase') {
      const held = asNames(await this.kvs.get(namesKey(test.issueId)), baseUrl) ?? {};
      const e: Record<string, StoredEntity> = {};
      for (const id of test.keep) if (held[id]) e[id] = held[id];
      for (const [id, entity] of entries) e[id] = stored(entity);
      const ttl = Object.values(e).some((v) => v.x === 1) ? ENTITY_MISSING_TTL : ENTITY_TTL;
      await this.kvs.set(namesKey(test.issueId), { b: baseUrl, e } satisfies StoredNames, { ttl });
      return;
    }
    const items = [...entries].map(([id, e]) => ({ key: entKey(kind, id), value: stored(e), options: { ttl: e.missing ? ENTITY_MISSING_TTL : ENTITY_TTL } }));
    for (const batch of chunk(items, KVS_LIMITS.maxBatch)) await this.kvs.batchSet(batch);
  }

  /** Sets a cool-down mark that expires by itself. */
  async cool(key: string, mark: CoolMark, now: number): Promise<void> {
    const seconds = Math.max(1, Math.ceil((mark.until - now) / 1000));
    await this.kvs.set(key, mark, { ttl: { value: seconds, unit: 'SECONDS' } });
  }
}

interface StoredNames {
  b: string;
  e: Record<string, StoredEntity>;
}

/** A Test's names record, when it was written for this base URL. */
function asNames(v: unknown, baseUrl: string): Record<string, StoredEntity> | undefined {
  const n = v as Partial<StoredNames> | undefined;
  return n && typeof n === 'object' && n.b === baseUrl && n.e && typeof n.e === 'object' ? n.e : undefined;
}

/** Reads a cool-down mark from a raw value. */
export function asCoolMark(v: unknown): CoolMark | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const m = v as Partial<CoolMark>;
  if (typeof m.until !== 'number' || typeof m.reason !== 'string') return undefined;
  return { until: m.until, reason: m.reason, ...(typeof m.scope === 'string' ? { scope: m.scope } : {}) };
}
