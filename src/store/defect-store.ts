/**
 * The defect createDefect filed last for each Testsigma case (`defect:<testCaseId>`), so a second createDefect
 * while that defect is open links it to the newer run instead of filing another. No ttl: one small value per case
 * that ever had a defect filed; only createDefect reads or writes it. While a createDefect files for a case, it holds
 * that case's filing claim (`defect-filing:<testCaseId>`, ttl 2 minutes), so a second call at the same time cannot
 * file a second defect; a claim left by a resolver killed mid-way expires by its ttl.
 */
import { claimKey, type KvsPort, type Ttl } from './kvs-port';

/** The last defect filed for a case. */
export interface DefectRecord {
  /** The Jira issue id (kept: keys change when an issue moves). */
  issueId: string;
  key: string;
  /** The Test it was filed from; another Test's defect is never reused. */
  testIssueId: string;
  createdAt: string;
  /** Runs it is linked to in Xray, newest last (at most 20 kept). */
  runIds: string[];
}

const defectKey = (caseId: string) => `defect:${caseId}`;
const filingKey = (caseId: string) => `defect-filing:${caseId}`;
const MAX_RUNS = 20;
/** Longer than a filing takes (a resolver runs 25 seconds at most), short enough that a stale claim soon frees. */
const FILING_TTL: Ttl = { value: 2, unit: 'MINUTES' };

/** Defect records over the key-value store. */
export class DefectStore {
  constructor(private readonly kvs: KvsPort) {}

  async get(caseId: string): Promise<DefectRecord | undefined> {
    return /^\d{1,19}$/.test(caseId) ? this.kvs.get<DefectRecord>(defectKey(caseId)) : undefined;
  }

  async put(caseId: string, rec: DefectRecord): Promise<void> {
    await this.kvs.set(defectKey(caseId), { ...rec, runIds: rec.runIds.slice(-MAX_RUNS) });
  }

  /** Claims the case's filing atomically; false when another call holds it now. */
  async claimFiling(caseId: string, at: string): Promise<boolean> {
    return (await claimKey(this.kvs, filingKey(caseId), { at }, { ttl: FILING_TTL })).won;
  }

  /** Frees the case's filing claim once the filing ended, whichever way. */
  async releaseFiling(caseId: string): Promise<void> {
    await this.kvs.delete(filingKey(caseId));
  }
}
