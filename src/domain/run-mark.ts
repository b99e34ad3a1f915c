/**
 * Names derived from a run id: the Jira label that marks the run's Test Execution, the queue concurrency key that
 * serialises the run's deliveries, and the hash both use. Pure: the same run id always gives the same names.
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

/**
 * The label that marks the run's Test Execution, so that a lost import answer can be found again with
 * `labels = "<label>"`. Jira labels take no spaces and compare case-insensitively in JQL, so the readable part is
 * lower-cased and a hash of the exact run id keeps "Run-1" and "run-1" apart.
 */
export function runLabel(runId: string): string {
  const readable = runId.toLowerCase().replace(/[^a-z0-9._-]/g, '_').slice(0, 64);
  return `testsigma-run-${readable}-${fnv1a64(runId).slice(0, 10)}`;
}

/**
 * The queue's concurrency key for a run: deliveries of one run are handled one at a time. A hash, because the
 * platform does not document which characters a concurrency key may hold.
 */
export function runConcurrencyKey(runId: string): string {
  return `run-${fnv1a64(runId)}`;
}
