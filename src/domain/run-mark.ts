/**
 * Names derived from a run id: the Jira label that marks the run's Test Execution, the queue concurrency key that
 * serialises the run's deliveries, and the hash both use; and whether an issue that carries a run's mark may be
 * adopted as its Test Execution. Pure: the same inputs always give the same answers.
 */

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK_64 = 0xffffffffffffffffn;

/**
 * FNV-1a (64 bit) of the UTF-8 bytes of `text`, as 16 hex digits. Not cryptographic: it only has to tell apart run
 * ids that Jira would otherwise see as one (labels match case-insensitively), and it keeps this module free of Node.
 */
export function fnv1a64(text: string): string {
  let hash = FNV_OFFSET;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * FNV_PRIME) & MASK_64;
  }
  return hash.toString(16).padStart(16, '0');
}

const readablePart = (runId: string) => runId.toLowerCase().replace(/[^a-z0-9._-]/g, '_').slice(0, 64);

/**
 * The first version's mark: a hash of the run id alone, so anyone could compute it and label an issue with it before
 * the run arrived. Only runs whose intent was written with it still look it up ({@link markedLabel} for the rest).
 */
export function runLabel(runId: string): string {
  return `testsigma-run-${readablePart(runId)}-${fnv1a64(runId).slice(0, 10)}`;
}

/**
 * The label that marks the run's Test Execution, so that a lost import answer can be found again with
 * `labels = "<label>"`. `keyedHash` is the run id's HMAC under the site's own secret (hex), so the mark cannot be
 * guessed; Jira labels take no spaces and compare case-insensitively, so the readable part is lower-cased and the
 * hash keeps "Run-1" and "run-1" apart.
 */
export function markedLabel(runId: string, keyedHash: string): string {
  return `testsigma-run-${readablePart(runId)}-k${keyedHash.toLowerCase().slice(0, 24)}`;
}

/** How far Jira's clock may be behind the app's when an issue the run's create made is dated. */
export const MARK_CLOCK_SKEW_MS = 5 * 60_000;

/** An issue found carrying a run's mark, as Jira reports it. */
export interface MarkedIssue {
  key: string;
  typeName: string;
  projectKey: string;
  /** Jira's `created`, parsed (ms); undefined when Jira did not give it. */
  createdMs?: number;
}

/** What a found issue must fit to be adopted as the run's Test Execution. */
export interface MarkIntent {
  /** The issue type names that are Test Executions on this site. */
  executionTypes: readonly string[];
  /** The project the run's create targets. */
  projectKey: string;
  /** When the intent to create was written (ms); absent when the run has no intent (a record that expired). */
  at?: number;
}

/**
 * Why a found issue may not be the run's Test Execution, or undefined when it fits: a Test Execution, in the target
 * project, created after the intent was written (less {@link MARK_CLOCK_SKEW_MS}). Xray creates issues as the API
 * key's user, so who created it cannot be read from Jira; the mark and these checks are what is left.
 */
export function markMisfit(issue: MarkedIssue, intent: MarkIntent): string | undefined {
  const type = issue.typeName.toLowerCase();
  if (!intent.executionTypes.some((t) => t.toLowerCase() === type)) return `it is a ${issue.typeName}, not a Test Execution`;
  if (issue.projectKey.toUpperCase() !== intent.projectKey.toUpperCase()) return `it is in project ${issue.projectKey}, not ${intent.projectKey}`;
  if (intent.at !== undefined) {
    if (issue.createdMs === undefined) return 'Jira did not say when it was created';
    if (issue.createdMs < intent.at - MARK_CLOCK_SKEW_MS) return `it was created before the run's create was sent`;
  }
  return undefined;
}

/**
 * The queue's concurrency key for a run: deliveries of one run are handled one at a time. A hash, because the
 * platform does not document which characters a concurrency key may hold.
 */
export function runConcurrencyKey(runId: string): string {
  return `run-${fnv1a64(runId)}`;
}
