/**
 * Jobs (one per POST) and the results they carry, over the key-value store.
 *
 * Keys:
 * - `job:<jobId>`: the job record. Job ids start with the inverted creation time in base 36, so a `job:` prefix
 *   query lists the newest first.
 * - `jobdata:<jobId>:<n>`: the delivery's results in compact rows, at most ~200 KB a value; chunk 0 also holds
 *   the run's fields.
 * - `jobatt:<jobId>:<n>`: the kept attachments' base64, one stream cut into values; rows point into it.
 * - `jobpending:<jobId>`: written with a new job and deleted once its queue event exists. While it stands and the
 *   job has not started, the job is left out of the sync log and the Test Plan panel: a job whose event the queue
 *   refused (and whose clean-up storage refused too) never shows as `queued` there.
 * Everything expires after 30 days.
 */
import type { JobView, RunSource } from '../shared/types';
import type { Delivery, DeliveryResult, ResultAttachment, ResultIteration, RunMeta } from '../domain/results-payload';
import { FEW_KEYS, KVS_LIMITS, KvsPort, Ttl, batchSetParts, chunk, getFew, getMany } from './kvs-port';
import { jobMsg, sameJobMessage, type JobMessage } from '../domain/job-messages';
import { DEFAULT_LOCALE, translateMessage } from '../i18n/translate';

/** How long jobs and their data are kept. */
export const JOB_TTL: Ttl = { value: 30, unit: 'DAYS' };
/** Jobs a `listJobs` page holds. */
export const JOBS_PAGE = 20;
/** A job waiting in the queue longer than this is reported failed (its event was lost); a retry runs it again. */
export const QUEUE_DEADLINE_MS = 60 * 60 * 1000;
/** How many problems a job keeps (contract: first 20). */
export const MAX_JOB_ERRORS = 20;

const JOB_PREFIX = 'job:';
const jobKey = (jobId: string) => `${JOB_PREFIX}${jobId}`;
/** A job record's key, for callers that read it ahead with others. */
export const jobRecordKey = jobKey;
const dataKey = (jobId: string, n: number) => `jobdata:${jobId}:${n}`;
const attKey = (jobId: string, n: number) => `jobatt:${jobId}:${n}`;
const pendingKey = (jobId: string) => `jobpending:${jobId}`;
/** How long a pending mark outlives a web trigger call that could not delete it (the job has started by then). */
const PENDING_TTL: Ttl = { value: 1, unit: 'DAYS' };
/** The keys of a job's stored result rows and attachment pieces, in order. */
const dataKeys = (rec: JobRecord) => Array.from({ length: rec.chunks }, (_, n) => dataKey(rec.jobId, n));
const attKeys = (rec: JobRecord) => Array.from({ length: rec.attChunks }, (_, n) => attKey(rec.jobId, n));

/** Values stay well below the 240 KiB limit, whatever JSON escaping adds. */
const DATA_CHUNK_BYTES = 200_000;
/** The bytes of a data chunk with no row. */
const EMPTY_CHUNK_BYTES = Buffer.byteLength(JSON.stringify({ rows: [] }));
const ATT_CHUNK_CHARS = 200_000;

/**
 * A job as stored: what the JobView shows, plus the sync's own bookkeeping. Secrets never go here. Its problems
 * are messages (a key and parameters), worded for the reader by `toJobView`.
 */
export interface JobRecord extends Omit<JobView, 'errors'> {
  errors: JobMessage[];
  mode: 'push' | 'pull';
  /** Pull mode: the Testsigma run to fetch. */
  testsigmaRunId?: string;
  /** The Testsigma test plan of the run, once known (the Test Plan panel's index). */
  testsigmaPlanId?: string;
  /** Who started the run (records of earlier versions lack it: a delivery to the web trigger). */
  source?: RunSource;
  /** The run in Testsigma's web app (its `app_url`), when known. */
  testsigmaUrl?: string;
  /**
   * Milliseconds since the epoch. While `running`: the lease, after which a consumer that died at its time limit
   * no longer holds the job. While `queued`: when the queue should have started it.
   */
  deadline: number;
  /** Warnings found when the delivery arrived (skipped attachments); a retry starts from these. */
  intake: JobMessage[];
  /** Stored data chunks (push mode). */
  chunks: number;
  attChunks: number;
  /** Transient failures since the last success, bounding retries. */
  retries: number;
  /**
   * While the job waits between attempts (budget, storage, Jira's index, transient failures): when it stops waiting
   * and ends failed with the reason (ms). Set at its first wait; a finished job and a retry drop it.
   */
  giveUpAt?: number;
  /** Pull mode: when the hour of polling started (creation, or the last manual retry). */
  pollSince?: number;
  /**
   * Set on jobs created with a `jobpending:` mark (records of the first version have none): until the mark is gone
   * or the job has started, lists leave the job out.
   */
  markedPending?: boolean;
}

/** One stored result row: [case, status, suite, start, finish, message, attachments, attempt] (rows of older jobs end before `attempt`). */
type Row = [string, string, string | null, string | null, string | null, string | null, AttRef[] | null, (number | null)?, RowExtras?];
/** A result's fields of the third wave, kept only when present (short keys: a run holds thousands of rows). */
interface RowExtras {
  /** testCaseName */
  n?: string;
  /** machine */
  m?: string;
  /** iterations */
  it?: ResultIteration[];
}
/** An attachment's place in the stream: [file name, content type, offset, length]. */
type AttRef = [string, string | null, number, number];

interface DataChunk {
  meta?: RunMeta;
  rows: Row[];
}

/** A key and value to write, with the job's ttl. */
export interface KvsItem {
  key: string;
  value: unknown;
  /** Without a ttl the value is kept until deleted. */
  options?: { ttl?: Ttl };
}

/**
 * A job id: 9 base-36 digits of (36^9 - 1 - now) so newer ids sort first, then random hex so that two deliveries in
 * the same millisecond never share one.
 */
export function newJobId(nowMs: number, randomHex: (bytes: number) => string): string {
  const inverted = 36 ** 9 - 1 - Math.max(0, Math.floor(nowMs));
  return `${inverted.toString(36).padStart(9, '0')}${randomHex(4)}`;
}

/** Whether a string can be a job id (checked before it becomes part of a key). */
export function isJobId(id: string): boolean {
  return /^[0-9a-z]{9}[0-9a-f]{8,32}$/.test(id);
}

/**
 * Cuts a delivery into KVS values: result rows in chunks of ~200 KB (the run's fields in chunk 0) and the
 * attachments' base64 as one stream in ~200 KB pieces. Every value is sized by its bytes as stored (JSON, where a
 * control character takes six), so no value can pass Forge's 240 KiB limit: a row that would (thousands of
 * attachment names on one result) keeps the attachments that fit and warns about the rest.
 */
export function encodeDelivery(
  jobId: string,
  delivery: Delivery,
): { items: KvsItem[]; chunks: number; attChunks: number; warnings: JobMessage[] } {
  const { results, ...meta } = delivery;
  const warnings: JobMessage[] = [];
  let stream = '';
  const chunks: DataChunk[] = [{ meta, rows: [] }];
  let size = encodedBytes(chunks[0]);
  for (const r of results) {
    const row: Row = [r.testCaseId, r.status, r.testSuiteId ?? null, r.startedAt ?? null, r.finishedAt ?? null, r.message ?? null, null];
    if (r.attempt !== undefined) row[7] = r.attempt;
    const extras: RowExtras = {
      ...(r.testCaseName ? { n: r.testCaseName } : {}),
      ...(r.machine ? { m: r.machine } : {}),
      ...(r.iterations ? { it: r.iterations } : {}),
    };
    if (Object.keys(extras).length > 0) {
      row[7] = r.attempt ?? null;
      row[8] = extras;
      // A thousand iterations with long parameters could outgrow a stored value: their names and statuses matter most.
      if (extras.it && encodedBytes(row) > DATA_CHUNK_BYTES / 2) {
        extras.it = extras.it.map(({ parameters: _dropped, ...it }) => it);
        warnings.push(jobMsg('iterationParametersDropped', { id: r.testCaseId }));
      }
    }
    let rowSize = encodedBytes(row) + 1;
    if (r.attachments && r.attachments.length > 0) {
      const refs: AttRef[] = [];
      let skipped = 0;
      for (const a of r.attachments) {
        const ref: AttRef = [a.filename, a.contentType ?? null, stream.length, a.data.length];
        const refSize = encodedBytes(ref) + 1;
        if (rowSize + refSize > DATA_CHUNK_BYTES) {
          skipped++;
          continue;
        }
        stream += a.data;
        refs.push(ref);
        rowSize += refSize;
      }
      if (refs.length > 0) row[6] = refs;
      if (skipped > 0) {
        warnings.push(jobMsg('attachmentNamesTooLong', { count: skipped, id: r.testCaseId }));
      }
    }
    // Any chunk that holds more than its empty shell moves on, chunk 0 too: its run fields (environments, summary)
    // and a first row of escaped control characters together could pass Forge's 240 KiB.
    if (size + rowSize > DATA_CHUNK_BYTES && size > EMPTY_CHUNK_BYTES) {
      chunks.push({ rows: [] });
      size = EMPTY_CHUNK_BYTES;
    }
    chunks[chunks.length - 1]!.rows.push(row);
    size += rowSize;
  }
  const items: KvsItem[] = chunks.map((value, n) => ({ key: dataKey(jobId, n), value, options: { ttl: JOB_TTL } }));
  let attChunks = 0;
  for (let at = 0; at < stream.length; at += ATT_CHUNK_CHARS) {
    items.push({ key: attKey(jobId, attChunks), value: stream.slice(at, at + ATT_CHUNK_CHARS), options: { ttl: JOB_TTL } });
    attChunks++;
  }
  return { items, chunks: chunks.length, attChunks, warnings };
}

/** A value's size as the store keeps it: its JSON in UTF-8. */
function encodedBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value));
}

/**
 * The job's view for `GET ?job=` (English), the sync log and retries (the admin's `locale`); a job past its deadline
 * reads as failed.
 */
export function toJobView(rec: JobRecord, nowMs: number, locale: unknown = DEFAULT_LOCALE): JobView {
  let state = rec.state;
  let errors = rec.errors;
  if (state === 'running' && nowMs > rec.deadline) {
    state = 'failed';
    errors = [...errors, jobMsg('timeLimit')];
  } else if (state === 'queued' && nowMs > rec.deadline) {
    state = 'failed';
    errors = [...errors, jobMsg('notStarted')];
  }
  return {
    jobId: rec.jobId,
    runId: rec.runId,
    state,
    ...(rec.testExecutionKey ? { testExecutionKey: rec.testExecutionKey } : {}),
    ...(rec.testExecutionKeys ? { testExecutionKeys: [...rec.testExecutionKeys] } : {}),
    counts: { ...rec.counts },
    unmapped: rec.unmapped.slice(0, 100),
    errors: errors.slice(0, MAX_JOB_ERRORS).map((m) => translateMessage(locale, m)),
    ...(rec.statuses ? { statuses: { ...rec.statuses } } : {}),
    attempts: rec.attempts,
    createdAt: rec.createdAt,
    updatedAt: rec.updatedAt,
    ...(state === 'queued' && rec.waiting ? { waiting: rec.waiting } : {}),
  };
}

/** Adds problems to a job's list, oldest first, keeping the first 20 and never the same message twice. */
export function addErrors(existing: readonly JobMessage[], more: readonly JobMessage[]): JobMessage[] {
  const out = [...existing];
  for (const m of more) if (!out.some((o) => sameJobMessage(o, m)) && out.length < MAX_JOB_ERRORS) out.push(m);
  return out;
}

/**
 * Writes items: up to 3 one `set` each, more in batches of at most 25 keys and 4,000,000 bytes; throws when any key
 * fails (the caller decides what a half-write means).
 */
export async function writeItems(kvs: KvsPort, items: readonly KvsItem[]): Promise<void> {
  // A few values go one `set` each: requests, which Forge allows 1,000 a second, not batch operations (45 a minute).
  if (items.length <= FEW_KEYS) {
    await Promise.all(items.map((i) => kvs.set(i.key, i.value, i.options ? { ttl: i.options.ttl } : undefined)));
    return;
  }
  for (const part of batchSetParts(items)) {
    const res = await kvs.batchSet(part.map((i) => ({ key: i.key, value: i.value, ...(i.options ? { options: i.options } : {}) })));
    if (res.failedKeys.length > 0) {
      const first = res.failedKeys[0]!;
      const err = new Error(`Storage refused ${res.failedKeys.length} key(s), first ${first.key}: ${first.error.message}`);
      Object.assign(err, { code: first.error.code });
      throw err;
    }
  }
}

/** Jobs over the key-value store. */
export class JobStore {
  constructor(private readonly kvs: KvsPort) {}

  /** The item that writes a job record (to batch it with other writes). */
  item(rec: JobRecord): KvsItem {
    return { key: jobKey(rec.jobId), value: rec, options: { ttl: JOB_TTL } };
  }

  async get(jobId: string): Promise<JobRecord | undefined> {
    return this.kvs.get<JobRecord>(jobKey(jobId));
  }

  /** Several jobs as {@link get} reads each (pending ones included), in batches of 25; missing ones are absent. */
  async getSeveral(jobIds: readonly string[]): Promise<Map<string, JobRecord>> {
    const found = await getMany<JobRecord>(this.kvs, jobIds.map(jobKey));
    return new Map([...found.values()].map((j) => [j.jobId, j]));
  }

  async put(rec: JobRecord): Promise<void> {
    await this.kvs.set(jobKey(rec.jobId), rec, { ttl: JOB_TTL });
  }

  /**
   * Stores a new job with its data; the job record goes in the last batch, so a failure never leaves a job whose
   * data is missing. `extra` items (indexes) ride along in the same batches.
   */
  async create(rec: JobRecord, data: readonly KvsItem[], extra: readonly KvsItem[] = []): Promise<void> {
    const mark: KvsItem[] = rec.markedPending ? [{ key: pendingKey(rec.jobId), value: 1, options: { ttl: PENDING_TTL } }] : [];
    await writeItems(this.kvs, [...data, ...extra, ...mark, this.item(rec)]);
  }

  /** The job's event is in the queue: lists may show it. */
  async eventQueued(jobId: string): Promise<void> {
    await this.kvs.delete(pendingKey(jobId));
  }

  /** Removes a job, its data and `alsoKeys` (its index entries): used when the queue refused the job's event. */
  async remove(rec: JobRecord, alsoKeys: readonly string[] = []): Promise<void> {
    // The job record goes first and the pending mark last, so a clean-up cut short leaves the job hidden, not shown.
    const keys = [jobKey(rec.jobId), ...alsoKeys, ...dataKeys(rec), ...attKeys(rec), pendingKey(rec.jobId)];
    for (const part of chunk(keys, KVS_LIMITS.maxBatch)) await this.kvs.batchDelete(part.map((key) => ({ key })));
  }

  /**
   * Reads a push job's delivery back: a read each for up to 3 chunks, else one batch read per 25. Attachments only
   * when asked (evidence on). Undefined when the data is gone (expired).
   */
  async loadDelivery(rec: JobRecord, withAttachments: boolean): Promise<Delivery | undefined> {
    const rowKeys = dataKeys(rec);
    const pieceKeys = withAttachments ? attKeys(rec) : [];
    const found = await getFew<unknown>(this.kvs, [...rowKeys, ...pieceKeys]);
    const chunks: DataChunk[] = [];
    for (const key of rowKeys) {
      const c = found.get(key) as DataChunk | undefined;
      if (!c) return undefined;
      chunks.push(c);
    }
    let stream = '';
    for (const key of pieceKeys) {
      const piece = found.get(key);
      if (typeof piece !== 'string') return undefined;
      stream += piece;
    }
    const meta = chunks[0]?.meta;
    if (!meta) return undefined;
    const results: DeliveryResult[] = [];
    for (const c of chunks) {
      for (const [testCaseId, status, suite, start, finish, message, refs, attempt, extras] of c.rows) {
        const attachments: ResultAttachment[] | undefined =
          withAttachments && refs
            ? refs.map(([filename, contentType, offset, length]) => ({
                filename,
                ...(contentType ? { contentType } : {}),
                data: stream.slice(offset, offset + length),
              }))
            : undefined;
        results.push({
          testCaseId,
          status,
          ...(suite !== null ? { testSuiteId: suite } : {}),
          ...(start !== null ? { startedAt: start } : {}),
          ...(finish !== null ? { finishedAt: finish } : {}),
          ...(message !== null ? { message } : {}),
          ...(attachments && attachments.length > 0 ? { attachments } : {}),
          ...(typeof attempt === 'number' ? { attempt } : {}),
          ...(extras?.n ? { testCaseName: extras.n } : {}),
          ...(extras?.m ? { machine: extras.m } : {}),
          ...(extras?.it ? { iterations: extras.it } : {}),
        });
      }
    }
    return { ...meta, results };
  }
}

/**
 * The admin sync log: one page of jobs, newest first (20 a page), their problems in `locale`. `cursor` is the
 * previous page's `nextCursor`.
 */
export async function listJobs(
  kvs: KvsPort,
  cursor?: string,
  nowMs: number = Date.now(),
  locale: unknown = DEFAULT_LOCALE,
): Promise<{ jobs: JobView[]; nextCursor?: string }> {
  let q = kvs.query().where('key', { condition: 'BEGINS_WITH', values: [JOB_PREFIX] }).limit(JOBS_PAGE);
  if (cursor) q = q.cursor(cursor);
  const page = await q.getMany<JobRecord>();
  const shown = await withoutPending(kvs, page.results.map((r) => r.value));
  return {
    jobs: shown.map((r) => toJobView(r, nowMs, locale)),
    ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
  };
}

/**
 * Reads several jobs at once (25 a batch), keeping the order asked, and leaving out jobs whose queue event may
 * not exist (see `jobpending:`).
 */
export async function getJobs(kvs: KvsPort, jobIds: readonly string[]): Promise<JobRecord[]> {
  const found = await getMany<JobRecord>(kvs, jobIds.map(jobKey));
  return withoutPending(kvs, jobIds.map((id) => found.get(jobKey(id))).filter((j): j is JobRecord => !!j));
}

/** Drops jobs that have not started and still carry their pending mark; reads marks only for such jobs. */
async function withoutPending(kvs: KvsPort, recs: readonly JobRecord[]): Promise<JobRecord[]> {
  const unsure = recs.filter((r) => r.markedPending && r.attempts === 0 && r.state === 'queued');
  if (unsure.length === 0) return [...recs];
  const marks = await getMany<unknown>(kvs, unsure.map((r) => pendingKey(r.jobId)));
  return recs.filter((r) => !(unsure.includes(r) && marks.has(pendingKey(r.jobId))));
}
