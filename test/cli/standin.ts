/**
 * A small stand-in for the app's web trigger (docs/webtrigger-api.md), for the CLI's integration tests: it checks
 * authentication exactly as docs/webtrigger-api.md says (Bearer, or an HMAC over "<t>.<raw body>" within 300 s, compared in
 * constant time), applies the documented order of checks, and answers jobs that move queued -> running -> final
 * one step per GET. It is not the app: the real web trigger replaces it in the end-to-end tests.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A job the stand-in tracks. */
export interface StandinJob {
  jobId: string;
  runId: string;
  results: Array<Record<string, unknown>>;
  states: string[];
  step: number;
  unmapped: string[];
}

/** What a request looked like when it arrived. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  status: number;
}

/** Options of the stand-in. */
export interface StandinOptions {
  /** The web trigger secret; undefined answers 503 not_configured like an app without one. */
  secret?: string;
  now?: () => number;
  /** Test case ids the "app" has no link for: results for them make a job partial (or failed if all are). */
  unmappedCaseIds?: string[];
  /** Leave `statuses` out of final jobs, as an app from before it filled `statuses` does. */
  withoutStatuses?: boolean;
}

/** The default status map's answer (the default status map) for the words the CLI tests send. */
const XRAY_STATUS: Record<string, string> = { SUCCESS: 'PASSED', PASSED: 'PASSED', FAILURE: 'FAILED', FAILED: 'FAILED', ABORTED: 'ABORTED', NOT_EXECUTED: 'TODO' };

/** A canned answer the stand-in gives instead of serving. */
export interface CannedAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  count?: number;
}

const MAX_BODY = 4 * 1024 * 1024;

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * What a GET's signature covers (docs/webtrigger-api.md): its query, parameters sorted by name, names and values as
 * `encodeURIComponent` writes them, joined by `&`.
 */
function signedQuery(url: string): Buffer {
  const params = [...new URL(url, 'http://127.0.0.1').searchParams].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return Buffer.from(params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'), 'utf8');
}

/** True when the request carries valid credentials for `secret` (docs/webtrigger-api.md); `rawBody` is a GET's query. */
export function verifyAuth(headers: http.IncomingHttpHeaders, rawBody: Buffer, secret: string, nowMs: number): boolean {
  const auth = headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return safeEqual(auth.slice(7), secret);
  const sig = headers['x-signature'];
  if (typeof sig !== 'string') return false;
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(sig);
  if (!m) return false;
  const t = Number(m[1]);
  if (Math.abs(nowMs / 1000 - t) > 300) return false;
  const expected = createHmac('sha256', secret).update(Buffer.concat([Buffer.from(`${m[1]}.`, 'utf8'), rawBody])).digest('hex');
  return safeEqual(expected, m[2] as string);
}

/** Starts the stand-in on 127.0.0.1 with a free port. */
export async function startStandin(options: StandinOptions) {
  const now = options.now ?? Date.now;
  const jobs = new Map<string, StandinJob>();
  const requests: SeenRequest[] = [];
  const canned: CannedAnswer[] = [];
  let nextJob = 1;
  const unmappedIds = new Set(options.unmappedCaseIds ?? []);

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const method = req.method ?? 'GET';
      const seen: SeenRequest = { method, url: req.url ?? '/', headers: req.headers, body: raw.toString('utf8'), status: 0 };
      requests.push(seen);
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        seen.status = status;
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      const error = (status: number, code: string, message: string, extra: Record<string, unknown> = {}) =>
        send(status, { error: { code, message, ...extra } });

      const c = canned[0];
      if (c) {
        c.count = (c.count ?? 1) - 1;
        if (c.count <= 0) canned.shift();
        send(c.status, c.body, c.headers);
        return;
      }
      if (options.secret === undefined) return error(503, 'not_configured', 'The web trigger secret is not set.');
      if (!verifyAuth(req.headers, req.method === 'GET' ? signedQuery(req.url ?? '/') : raw, options.secret, now())) return error(401, 'unauthorized', 'Unauthorized.');
      if (method !== 'GET' && method !== 'POST') return error(405, 'method_not_allowed', 'Use GET or POST.');
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (method === 'GET') {
        const id = url.searchParams.get('job');
        const job = id ? jobs.get(id) : undefined;
        if (!job) return error(404, 'not_found', `No job ${id ?? ''}.`);
        job.step = Math.min(job.step + 1, job.states.length - 1);
        const state = job.states[job.step] as string;
        const final = job.step === job.states.length - 1;
        const unmapped = final ? job.unmapped : [];
        const received = job.results.length;
        const statuses: Record<string, number> = {};
        for (const r of job.results) {
          if (unmapped.includes(String(r.testCaseId))) continue;
          const x = XRAY_STATUS[String(r.status).toUpperCase()] ?? 'TODO';
          statuses[x] = (statuses[x] ?? 0) + 1;
        }
        return send(200, {
          jobId: job.jobId,
          runId: job.runId,
          state,
          ...(final && state !== 'failed' ? { testExecutionKey: 'PROJ-100' } : {}),
          ...(final && state !== 'failed' && !options.withoutStatuses ? { statuses } : {}),
          counts: { received, synced: final && state !== 'failed' ? received - unmapped.length : 0, unmapped: unmapped.length, failed: 0 },
          unmapped,
          errors: state === 'failed' ? ['No result maps to a linked Xray Test.'] : [],
          attempts: 1,
          createdAt: new Date(now()).toISOString(),
          updatedAt: new Date(now()).toISOString(),
        });
      }
      if (raw.length > MAX_BODY) return error(413, 'payload_too_large', 'Body over 4 MiB.');
      const type = req.headers['content-type'] ?? '';
      if (!/^application\/json\s*(;|$)/i.test(type)) return error(415, 'unsupported_media_type', 'POST application/json.');
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(seen.body) as Record<string, unknown>;
      } catch {
        return error(400, 'invalid_payload', 'Body is not JSON.');
      }
      let runId: string;
      let results: Array<Record<string, unknown>> = [];
      if (body.testsigmaRunId !== undefined && body.results === undefined) {
        runId = String(body.testsigmaRunId);
      } else {
        if (!Array.isArray(body.results) || body.results.length === 0 || body.runId === undefined) {
          return error(400, 'invalid_payload', 'Schema violation.', { details: [{ path: 'results', message: 'required' }] });
        }
        runId = String(body.runId);
        results = body.results as Array<Record<string, unknown>>;
        const bad = results.findIndex((r) => String(r.status).toUpperCase() === 'BOGUS');
        if (bad >= 0) return error(400, 'invalid_payload', 'Schema violation.', { details: [{ path: `results[${bad}].status`, message: 'unknown status' }] });
      }
      const unmapped = results.map((r) => String(r.testCaseId)).filter((id) => unmappedIds.has(id));
      const finalState = results.length > 0 && unmapped.length === results.length ? 'failed' : unmapped.length > 0 ? 'partial' : 'succeeded';
      const job: StandinJob = {
        jobId: `job-${nextJob++}`,
        runId,
        results,
        states: ['queued', 'running', finalState],
        step: -1,
        unmapped,
      };
      jobs.set(job.jobId, job);
      return send(202, { jobId: job.jobId, state: 'queued' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/x1/webtrigger-standin`,
    jobs,
    requests,
    /** Answers the next request(s) with this instead of serving. */
    answerNext(a: CannedAnswer) {
      canned.push(a);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
