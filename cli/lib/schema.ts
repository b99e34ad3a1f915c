/**
 * The results file: the web trigger's POST body (docs/webtrigger-api.md), checked before anything is sent so that a
 * bad file never leaves half a run delivered. Optional fields may be null (the app reads null as absent).
 */
import { z } from 'zod';
import { formatPath } from '../../src/domain/results-payload';

/** Incoming words the app's default status map knows (the default status map); admins may add more. */
export const KNOWN_STATUSES: readonly string[] = [
  'SUCCESS',
  'FAILURE',
  'ABORTED',
  'STOPPED',
  'NOT_EXECUTED',
  'QUEUED',
  'PRE_REQUISITE_FAILED',
  'RUNNING',
  'PASSED',
  'FAILED',
  'TODO',
  'EXECUTING',
];

const safeInt = z.number().int().refine((n) => Number.isSafeInteger(n), 'must be a safe integer');
const runId = z.union([z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 of A-Z a-z 0-9 . _ -'), safeInt]);
const entityId = z.union([z.string().regex(/^\d{1,19}$/, 'must be 1 to 19 digits'), safeInt.refine((n) => n >= 0, 'must not be negative')]);

const attachment = z.looseObject({
  filename: z.string().min(1),
  contentType: z.string().nullish(),
  data: z.string(),
});

const result = z.looseObject({
  testCaseId: entityId,
  status: z.string().trim().min(1, 'must not be empty'),
  testSuiteId: entityId.nullish(),
  startedAt: z.string().nullish(),
  finishedAt: z.string().nullish(),
  message: z.string().nullish(),
  attachments: z.array(attachment).nullish(),
  /** Retries of one test (docs/webtrigger-api.md): the highest attempt decides its status. */
  attempt: z.number().int().min(1, 'must be 1 or more').nullish(),
});

/** The schema of a results file; unknown fields are kept and sent (the app ignores them). */
export const resultsFileSchema = z.looseObject({
  runId,
  testPlanId: entityId.nullish(),
  summary: z.string().nullish(),
  startedAt: z.string().nullish(),
  finishedAt: z.string().nullish(),
  environments: z.array(z.string()).nullish(),
  results: z.array(result).min(1, 'must hold at least one result'),
});

/** A validated results file. */
export type ResultsFile = z.infer<typeof resultsFileSchema>;

/** A problem in the file, with the path written the way the app's 400 `details` write it (`results[3].status`). */
export interface SchemaProblem {
  path: string;
  message: string;
}

// The app's own formatter, so the CLI's paths read exactly like the web trigger's 400 `details`.
export { formatPath };

/** Validates a parsed results file. */
export function validateResultsFile(value: unknown): { ok: true; value: ResultsFile } | { ok: false; problems: SchemaProblem[] } {
  const parsed = resultsFileSchema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
  };
}

/** Bytes an attachment decodes to (base64, padding and whitespace allowed). */
export function decodedSize(base64: string): number {
  const clean = base64.replace(/\s+/g, '');
  const padding = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((clean.length * 3) / 4) - padding);
}

/** The app skips attachments larger than this (decoded), with a warning in the job. */
export const MAX_ATTACHMENT_BYTES = 2 * 1024 * 1024;

/**
 * Things the app will accept but handle in a way the user may not expect: statuses outside the default map (a 400
 * unless an admin added them) and attachments the app will skip for size.
 */
export function warningsFor(file: ResultsFile): string[] {
  const warnings: string[] = [];
  const unknown = new Set<string>();
  file.results.forEach((r, i) => {
    if (!KNOWN_STATUSES.includes(r.status.toUpperCase())) unknown.add(r.status);
    r.attachments?.forEach((a, j) => {
      const size = decodedSize(a.data);
      if (size > MAX_ATTACHMENT_BYTES) {
        warnings.push(
          `results[${i}].attachments[${j}] (${a.filename}) is ${(size / 1048576).toFixed(1)} MiB; the app skips attachments over 2 MiB, so xts leaves it out and sends the rest.`,
        );
      }
    });
  });
  if (unknown.size > 0) {
    warnings.push(
      `Status ${[...unknown].join(', ')} is not in the default status map; the app refuses the delivery unless a Jira admin added it to the status map.`,
    );
  }
  return warnings;
}

/** The file without the attachments the app would skip for size (over 2 MiB decoded): sending them costs a delivery. */
export function withoutOversizedAttachments(file: ResultsFile): ResultsFile {
  if (!file.results.some((r) => r.attachments?.some((a) => decodedSize(a.data) > MAX_ATTACHMENT_BYTES))) return file;
  return {
    ...file,
    results: file.results.map((r) => {
      if (!r.attachments) return r;
      const kept = r.attachments.filter((a) => decodedSize(a.data) <= MAX_ATTACHMENT_BYTES);
      const { attachments: _dropped, ...rest } = r;
      return kept.length > 0 ? { ...rest, attachments: kept } : rest;
    }),
  };
}
