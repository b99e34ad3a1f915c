/**
 * The defect createDefect filed last for each Testsigma case (`defect:<testCaseId>`), so a second createDefect
 * while that defect is open links it to the newer run instead of filing another. No ttl: one small value per case
 * that ever had a defect filed; only createDefect reads or writes it.
 */
import type { KvsPort } from './kvs-port';

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
const MAX_RUNS = 20;

/** Defect records over the key-value store. */
export class DefectStore {
  constructor(private readonly kvs: KvsPort) {}

  async get(caseId: string): Promise<DefectRecord | undefined> {
    return /^\d{1,19}$/.test(caseId) ? this.kvs.get<DefectRecord>(defectKey(caseId)) : undefined;
  }

  async put(caseId: string, rec: DefectRecord): Promise<void> {
    await this.kvs.set(defectKey(caseId), { ...rec, runIds: rec.runIds.slice(-MAX_RUNS) });
  }
}
