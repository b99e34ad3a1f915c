/**
 * Case results kept per Testsigma plan: every case's last result, 10-run history and attempts in
 * {@link PLAN_PARTS} records a plan, so a run of the plan reads them with one batch read and writes them with one
 * batch write, whatever its size (per-case records cost 80 of each for 2,000 results).
 *
 * Keys:
 * - `pr:<planId>:<n>` (n < 8): `{ v: 1, z }`, `z` the deflated JSON of `{ <caseId>: CaseResultRecord }` in base64,
 *   for the plan's cases whose id hashes to part n. A record of 2,000 cases' 10-run histories is about 1.9 MB of
 *   JSON and deflates to about a tenth, so a plan of 2,000 cases writes about 30 KB a part. No ttl: the panel shows a
 *   linked case's result as long as the link lives.
 * - `pr:lock:<planId>`: the write lock ({@link withLock}); a writer reads the parts again under it, so two writers
 *   (two runs of the plan, a run and a defect filed) never drop each other's changes.
 *
 * Results of a delivery that names no plan stay in per-case records (`last:<caseId>`, `run-store.ts`), as every
 * result did before this layout.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { KVS_LIMITS, KvsPort, getFew, getMany } from './kvs-port';
import { hashId } from './case-index';
import { withLock } from './store-lock';
import type { CaseResultRecord } from './run-store';

/** Records a plan's results are spread over (fixed: a reader computes a case's part without reading first). */
export const PLAN_PARTS = 8;

interface StoredPart {
  v: 1;
  z: string;
}

const partKey = (planId: string, n: number) => `pr:${planId}:${n}`;
const lockKey = (planId: string) => `pr:lock:${planId}`;

/** Whether results of this plan can be kept per plan (a Testsigma id: digits). */
export function isPlanId(planId: string | undefined): planId is string {
  return typeof planId === 'string' && /^\d{1,19}$/.test(planId);
}

/** The part a case's record lives in. */
export function planPart(caseId: string): number {
  return hashId(caseId) % PLAN_PARTS;
}

/** The part keys of a plan that hold these cases (each once), or all of them. */
export function planPartKeys(planId: string, caseIds?: readonly string[]): string[] {
  const parts = caseIds ? [...new Set(caseIds.map(planPart))] : Array.from({ length: PLAN_PARTS }, (_, n) => n);
  return parts.sort((a, b) => a - b).map((n) => partKey(planId, n));
}

/** Decodes a stored part; anything unreadable reads as empty (a part is rewritten whole by its next run). */
function decode(value: unknown): Record<string, CaseResultRecord> {
  const z = (value as Partial<StoredPart> | undefined)?.z;
  if (typeof z !== 'string') return {};
  try {
    const parsed = JSON.parse(inflateRawSync(Buffer.from(z, 'base64')).toString('utf8')) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, CaseResultRecord>) : {};
  } catch {
    return {};
  }
}

/** Encodes a part; throws a clear error when even deflated it passes Forge's value limit. */
function encode(planId: string, records: Record<string, CaseResultRecord>): StoredPart {
  const z = deflateRawSync(Buffer.from(JSON.stringify(records), 'utf8')).toString('base64');
  if (z.length > KVS_LIMITS.maxValueBytes - 1_000) {
    throw new Error(`Testsigma plan ${planId} has too many cases to keep their history (${Object.keys(records).length} in one of its ${PLAN_PARTS} parts).`);
  }
  return { v: 1, z };
}

/** The cases' records of a plan, from a batch read's answer that holds their parts (cases without one are absent). */
export function planResultsIn(found: ReadonlyMap<string, unknown>, planId: string, caseIds?: readonly string[]): Map<string, CaseResultRecord> {
  const out = new Map<string, CaseResultRecord>();
  const wanted = caseIds ? new Set(caseIds) : undefined;
  for (const key of planPartKeys(planId, caseIds)) {
    for (const [caseId, rec] of Object.entries(decode(found.get(key)))) {
      if ((!wanted || wanted.has(caseId)) && rec && typeof rec.status === 'string') out.set(caseId, rec);
    }
  }
  return out;
}

/** Reads the cases' records of a plan (every case's when `caseIds` is absent): one batch read. */
export async function readPlanResults(kvs: KvsPort, planId: string, caseIds?: readonly string[]): Promise<Map<string, CaseResultRecord>> {
  if (!isPlanId(planId)) return new Map();
  return planResultsIn(await getMany<unknown>(kvs, planPartKeys(planId, caseIds)), planId, caseIds);
}

/**
 * Changes some cases' records of a plan under the plan's lock: reads their parts again, asks `change` for each
 * case's next record (`null` removes it, `undefined` keeps it), and writes the parts that changed (one batch read,
 * one batch write). Answers what was written.
 */
export async function updatePlanResults(
  kvs: KvsPort,
  planId: string,
  caseIds: readonly string[],
  change: (caseId: string, current: CaseResultRecord | undefined) => CaseResultRecord | null | undefined,
  sleep?: (ms: number) => Promise<void>,
  lockPauses?: readonly number[],
): Promise<Map<string, CaseResultRecord>> {
  const written = new Map<string, CaseResultRecord>();
  if (!isPlanId(planId) || caseIds.length === 0) return written;
  await withLock(
    kvs,
    lockKey(planId),
    async () => {
      const keys = planPartKeys(planId, caseIds);
      const found = await getFew<unknown>(kvs, keys);
      const parts = new Map(keys.map((k) => [k, decode(found.get(k))]));
      const changed = new Set<string>();
      for (const caseId of new Set(caseIds)) {
        const key = partKey(planId, planPart(caseId));
        const records = parts.get(key)!;
        const next = change(caseId, records[caseId]);
        if (next === undefined) continue;
        if (next === null) delete records[caseId];
        else {
          records[caseId] = next;
          written.set(caseId, next);
        }
        changed.add(key);
      }
      // One `set` a part (at most 8 requests) rather than a batch: Forge allows 45 batch operations a minute and
      // 1,000 requests a second, and the units are the same.
      await Promise.all([...changed].map((key) => kvs.set(key, encode(planId, parts.get(key)!))));
    },
    sleep,
    lockPauses,
  );
  return written;
}
