/**
 * The results web trigger (contract section 3): authenticate, check method, size, type and body, store the delivery
 * as a job, queue it, and answer 202 at once. Nothing here waits on Xray or Testsigma.
 */
import type { AppDeps } from '../ports';
import { isKvsThrottle } from '../store/kvs-port';
import { SettingsStore } from '../store/settings-store';
import { effectiveStatusMap } from '../domain/status-map';
import {
  MAX_BODY_BYTES,
  PayloadProblem,
  capAttachments,
  capText,
  formatBytes,
  parseResultsRequest,
  testCount,
  withoutAttachments,
} from '../domain/results-payload';
import { runConcurrencyKey } from '../domain/run-mark';
import { JobRecord, JobStore, KvsItem, QUEUE_DEADLINE_MS, encodeDelivery, isJobId, newJobId, toJobView, MAX_JOB_ERRORS } from '../store/job-store';
import { planRunItem } from '../store/run-store';
import { firstRunItem } from '../store/setup-store';
import { PickupStore, firstPushItem } from '../store/pickup-store';
import { authenticate, canonicalQuery } from './auth';
import { SignatureStore } from '../store/signature-store';

/** A web trigger invocation, in Forge's shape (header names arrive lower-case). */
export interface WebtriggerRequest {
  method: string;
  path?: string;
  body?: string;
  headers: Record<string, string[] | undefined>;
  queryParameters?: Record<string, string[] | undefined>;
}

/** A dynamic web trigger answer, in Forge's shape. */
export interface WebtriggerResponse {
  statusCode: number;
  headers: Record<string, string[]>;
  body: string;
}

/** What the web trigger needs. */
export type WebtriggerDeps = Pick<AppDeps, 'kvs' | 'queue' | 'clock' | 'log' | 'randomHex'>;

/** Seconds a sender should wait after storage throttled us (Forge's budget is per minute). */
const STORAGE_RETRY_AFTER = 30;
/** Seconds after a refused queue push (the queue's budget is per minute). */
const QUEUE_RETRY_AFTER = 60;
/** Seconds before a retry of a request whose first copy is still being taken: that takes a second or two. */
const REPLAY_RETRY_AFTER = 5;
/**
 * When a GET signed over `"<t>."` (not covering its query) was deprecated: the `Deprecation` header's value (RFC 9745,
 * a structured date in Unix seconds).
 */
const LEGACY_GET_DEPRECATED = '@1796515200';
/** Detail lines a 400 lists; the message says how many more there were. */
const MAX_DETAILS = 50;

function answer(statusCode: number, body: unknown, headers: Record<string, string[]> = {}): WebtriggerResponse {
  return { statusCode, headers: { 'content-type': ['application/json'], ...headers }, body: JSON.stringify(body) };
}

function failure(
  statusCode: number,
  code: string,
  message: string,
  extra: { details?: PayloadProblem[]; headers?: Record<string, string[]> } = {},
): WebtriggerResponse {
  return answer(statusCode, { error: { code, message, ...(extra.details ? { details: extra.details } : {}) } }, extra.headers);
}

function busy(seconds: number, what: string): WebtriggerResponse {
  return failure(503, 'busy', `${what} Try again in ${seconds} seconds.`, { headers: { 'retry-after': [String(seconds)] } });
}

function headerOf(req: WebtriggerRequest, name: string): string | undefined {
  const direct = req.headers[name];
  if (direct && direct.length > 0) return direct[0];
  // Forge sends names lower-case; other hosts may not.
  for (const [k, v] of Object.entries(req.headers)) if (k.toLowerCase() === name && v && v.length > 0) return v[0];
  return undefined;
}

/** `application/json`, with or without parameters such as `; charset=utf-8`. */
function isJsonContentType(value: string | undefined): boolean {
  if (!value) return false;
  return value.split(';')[0]!.trim().toLowerCase() === 'application/json';
}

/** Builds the web trigger handler. */
export function createWebtriggerHandler(deps: WebtriggerDeps) {
  const settingsStore = new SettingsStore(deps.kvs);
  const jobs = new JobStore(deps.kvs);
  const pickup = new PickupStore(deps.kvs);
  const signatures = new SignatureStore(deps.kvs);

  async function handle(req: WebtriggerRequest): Promise<WebtriggerResponse> {
    const method = (req.method || '').toUpperCase();
    // A GET carries no body: its signature covers its query (contract section 8), whatever body the platform hands over.
    const body = method !== 'GET' && typeof req.body === 'string' ? req.body : '';
    const secret = await settingsStore.secret('webtriggerSecret');
    if (!secret) {
      return failure(503, 'not_configured', 'The web trigger is not set up yet: a Jira admin must create its secret on the app\'s settings page.');
    }
    const auth = authenticate({
      secret,
      authorization: headerOf(req, 'authorization'),
      signature: headerOf(req, 'x-signature'),
      signedText: method === 'GET' ? canonicalQuery(req.queryParameters) : body,
      // The old GET form signed "<t>." for any query; still accepted for senders not yet updated, and told so.
      ...(method === 'GET' ? { legacyText: '' } : {}),
      nowMs: deps.clock.now(),
    });
    if (!auth.ok) {
      return failure(
        401,
        'unauthorized',
        'Missing or wrong credentials. Send "Authorization: Bearer <secret>" or an X-Signature made with the current web trigger secret; signatures are good for 300 seconds.',
      );
    }
    if (method === 'GET') {
      const res = await getJob(req);
      if (!auth.legacy) return res;
      deps.log.warn('web trigger: a GET signed the old way, over "<t>." without its query (deprecated); sign "<t>.<query>"', {});
      return { ...res, headers: { ...res.headers, deprecation: [LEGACY_GET_DEPRECATED] } };
    }
    if (method !== 'POST') {
      return failure(405, 'method_not_allowed', 'Use POST to send results, or GET ?job=<jobId> to read a job.', { headers: { allow: ['GET, POST'] } });
    }
    const size = Buffer.byteLength(body, 'utf8');
    if (size > MAX_BODY_BYTES) {
      return failure(
        413,
        'payload_too_large',
        `The body is ${formatBytes(size)}; the limit is 4 MiB. Send the run in several deliveries with the same runId (the xts CLI splits files by itself).`,
      );
    }
    if (!isJsonContentType(headerOf(req, 'content-type'))) {
      return failure(415, 'unsupported_media_type', 'Send the results as JSON, with "Content-Type: application/json".');
    }
    let parsedBody: unknown;
    try {
      parsedBody = JSON.parse(body);
    } catch {
      // The parser's own message quotes the body; it is not repeated back.
      return failure(400, 'invalid_payload', 'The body is not valid JSON.', { details: [{ path: '(top level)', message: 'is not valid JSON' }] });
    }
    const [{ settings, firstRunRecorded, firstPushRecorded }, xraySecret] = await Promise.all([settingsStore.getForIntake(), settingsStore.secret('xrayClientSecret')]);
    const parsed = parseResultsRequest(parsedBody, effectiveStatusMap(settings.statusOverrides));
    if (!parsed.ok) {
      const n = parsed.problems.length;
      const count = parsed.more ? `${n} or more problems` : `${n} problem${n === 1 ? '' : 's'}`;
      const more = parsed.more ? ` The first ${n} are listed.` : '';
      const first = `${parsed.problems[0]!.path} ${parsed.problems[0]!.message}`.replace(/\.$/, '');
      return failure(400, 'invalid_payload', `The body does not match the web trigger API: ${count}, such as ${first}.${more}`, {
        details: parsed.problems.slice(0, MAX_DETAILS),
      });
    }
    if (!settings.xray.clientId || !xraySecret) {
      return failure(503, 'not_configured', 'Xray is not set up in the app yet: a Jira admin must enter the Xray API key (client id and secret) on the app\'s settings page.');
    }
    const request = parsed.value;
    if (request.mode === 'pull' && !(await settingsStore.secret('testsigmaApiKey'))) {
      return failure(503, 'not_configured', 'Pull mode needs a Testsigma API key: a Jira admin must enter one on the app\'s settings page.');
    }

    const now = deps.clock.now();
    const iso = new Date(now).toISOString();
    const jobId = newJobId(now, deps.randomHex);
    // What every new job starts with; push and pull differ in what they carry.
    const fresh = {
      jobId,
      state: 'queued' as const,
      unmapped: [],
      attempts: 0,
      createdAt: iso,
      updatedAt: iso,
      deadline: now + QUEUE_DEADLINE_MS,
      retries: 0,
      markedPending: true,
    };
    let rec: JobRecord;
    let data: KvsItem[] = [];
    const extra: KvsItem[] = firstRunRecorded ? [] : [firstRunItem(iso)];
    if (request.mode === 'push') {
      const text = capText(request.delivery);
      const capped = settings.attachEvidence ? capAttachments(text.delivery) : { delivery: withoutAttachments(text.delivery), warnings: [] };
      const encoded = encodeDelivery(jobId, capped.delivery);
      data = encoded.items;
      const warnings = [...text.warnings, ...capped.warnings, ...encoded.warnings].slice(0, MAX_JOB_ERRORS);
      rec = {
        ...fresh,
        runId: capped.delivery.runId,
        mode: 'push',
        ...(capped.delivery.testPlanId ? { testsigmaPlanId: capped.delivery.testPlanId } : {}),
        counts: { received: testCount(capped.delivery.results), synced: 0, unmapped: 0, failed: 0 },
        source: 'executor',
        errors: warnings,
        intake: warnings,
        chunks: encoded.chunks,
        attChunks: encoded.attChunks,
      };
      // Listed under its plan now, so the Test Plan panel shows a delivery while it waits.
      if (capped.delivery.testPlanId) extra.push(planRunItem(capped.delivery.testPlanId, jobId));
      // A CI job sends results: the pick-up's default turns off (the CI may send Testsigma runs under its own ids).
      if (!firstPushRecorded) extra.push(firstPushItem(iso));
    } else {
      rec = {
        ...fresh,
        runId: request.testsigmaRunId,
        mode: 'pull',
        testsigmaRunId: request.testsigmaRunId,
        counts: { received: 0, synced: 0, unmapped: 0, failed: 0 },
        errors: [],
        intake: [],
        chunks: 0,
        attChunks: 0,
        pollSince: now,
        source: 'executor',
      };
    }

    // A signature seen within its window is a replay or an honest retry: both get the first answer, and nothing
    // is queued, so a captured request cannot overwrite newer results of its run.
    const signature = auth.signature;
    if (signature !== undefined) {
      const seen = await signatures.claim(signature, jobId);
      if (!seen.first) {
        // Answered with the first request's job only once that job exists: the first may still be on its way, or
        // be refused (its signature is then free again), and a sender told "accepted" would never send again.
        if (!(await jobs.get(seen.jobId))) return busy(REPLAY_RETRY_AFTER, 'The first request with this signature is still being taken.');
        deps.log.info('web trigger: signature seen before; answered with its job', { jobId: seen.jobId });
        return answer(202, { jobId: seen.jobId, state: 'queued' });
      }
    }
    // The pick-up skips a Testsigma run id that already has a job; a pulled run may be re-run from Jira. The mark is
    // claimed (FAIL_IF_EXISTS), never overwritten: a run that has one (started or re-run from Jira, picked up, an
    // earlier delivery) keeps it, with its newest re-run, and this request takes back only a mark it wrote itself.
    let markedRun = false;
    const forget = async () => {
      if (signature !== undefined) await signatures.release(signature).catch(() => undefined);
      if (markedRun) await pickup.unclaimRun(rec.runId).catch(() => undefined);
    };
    try {
      if (/^\d{1,19}$/.test(rec.runId)) markedRun = await pickup.claimRun(rec.runId, { jobId, source: 'executor', ...(rec.mode === 'pull' ? { pulled: true } : {}) });
      await jobs.create(rec, data, extra);
    } catch (err) {
      // Half-written: the job may exist without its event. Take it back before answering busy or failing.
      await jobs.remove(rec, extra.map((i) => i.key)).catch(() => undefined);
      await forget();
      throw err;
    }
    try {
      await deps.queue.push([{ body: { jobId }, concurrency: { key: runConcurrencyKey(rec.runId), limit: 1 } }]);
    } catch (err) {
      deps.log.warn('web trigger: queue push refused; job withdrawn', { jobId, error: err instanceof Error ? err.message : String(err) });
      // A job without its event would never run: take it back, and let the sender retry.
      await jobs.remove(rec, extra.map((i) => i.key)).catch(() => undefined);
      await forget();
      return busy(QUEUE_RETRY_AFTER, 'The app\'s queue is busy.');
    }
    // Lists show the job from now on; if storage refuses, they show it once the sync starts it.
    await jobs.eventQueued(jobId).catch((err: unknown) => {
      deps.log.warn('web trigger: pending mark not removed; the job shows once it starts', { jobId, error: err instanceof Error ? err.message : String(err) });
    });
    deps.log.info('web trigger: job queued', { jobId, runId: rec.runId, mode: rec.mode, received: rec.counts.received });
    return answer(202, { jobId, state: 'queued' });
  }

  async function getJob(req: WebtriggerRequest): Promise<WebtriggerResponse> {
    const id = req.queryParameters?.job?.[0]?.trim() ?? '';
    if (!id) return failure(404, 'not_found', 'Name a job: GET ?job=<jobId>, with the jobId a POST answered.');
    const rec = isJobId(id) ? await jobs.get(id) : undefined;
    if (!rec) return failure(404, 'not_found', 'No such job. Check the jobId; jobs are kept for 30 days.');
    return answer(200, toJobView(rec, deps.clock.now()));
  }

  return async (req: WebtriggerRequest): Promise<WebtriggerResponse> => {
    try {
      return await handle(req);
    } catch (err) {
      if (isKvsThrottle(err)) return busy(STORAGE_RETRY_AFTER, 'The app\'s storage is busy.');
      deps.log.error('web trigger failed', { error: err instanceof Error ? err.message : String(err) });
      return failure(500, 'internal', 'Something went wrong in the app. Try again; if it keeps failing, ask your Jira admin to check the app\'s logs.');
    }
  };
}
