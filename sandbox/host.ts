/**
 * The local host: what Forge provides, played on this machine, around the app's real handlers. It starts the Jira,
 * Xray and Testsigma emulators on loopback, an in-memory KVS with Forge's limits, an in-memory queue that delivers
 * to the real `sync` consumer, and serves the real web trigger and resolvers over HTTP. It replaces only what Forge
 * provides (storage, queue, egress, product auth), nothing of the app's.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { createApp, App } from '../src/app';
import type { AppDeps, Logger } from '../src/ports';
import type { XrayRegion } from '../src/shared/types';
import { World } from './emulators/world';
import { startJiraEmulator, JiraEmulator } from './emulators/jira';
import { startXrayEmulator, XrayEmulator } from './emulators/xray';
import { startTestsigmaEmulator, TestsigmaEmulator } from './emulators/testsigma';
import { MemoryKvs } from './forge/memory-kvs';
import { MemoryQueue } from './forge/memory-queue';
import { collectingLogger } from './forge/memory-log';
import { createRoutingFetch, createSandboxJira, EgressCounts } from './forge/sandbox-http';

/** Options of the sandbox. */
export interface SandboxOptions {
  /** Latency every emulator adds to each HTTP answer (the bench uses 50 ms). */
  httpLatencyMs?: number;
  /** Latency of each KVS call (the bench uses 10 ms). */
  kvsLatencyMs?: number;
  /** Real ms per second of queue delay; tests shrink retry delays with a small value. */
  queueMsPerSecond?: number;
  /** Where the emulated Xray keeps the site's data. */
  xrayDataRegion?: XrayRegion;
  /** The emulated Xray's rate limit per 5 minutes. */
  xrayRequestsPer5Minutes?: number;
  /** Jira's search index lag. */
  searchIndexLagMs?: number;
  /** Logs of the app; defaults to a quiet collector. */
  log?: Logger;
  /** The app's clock; defaults to the real one. Storage's and the queue's rate limits count on it. */
  now?: () => number;
  /** Forge's rate limits on storage and the queue: on unless `false` (say why where you turn them off). */
  rateLimits?: boolean;
}

/** A running sandbox. */
export interface Sandbox {
  world: World;
  jira: JiraEmulator;
  xray: XrayEmulator;
  testsigma: TestsigmaEmulator;
  kvs: MemoryKvs;
  queue: MemoryQueue;
  deps: AppDeps;
  app: App;
  egress: EgressCounts;
  /** The web trigger's URL (Forge's shape: `/x1/<token>`). */
  webtriggerUrl: string;
  /** Base URL of `POST /resolvers/{panel|admin}` for scripts and tests. */
  resolverUrl: string;
  /** Xray API key the emulator accepts. */
  xrayCredentials: { clientId: string; clientSecret: string };
  /** Testsigma API key the emulator accepts. */
  testsigmaApiKey: string;
  /** Errors thrown by the consumer (Forge would log them; the queue does not retry them). */
  consumerErrors: unknown[];
  /** Changes the emulators' latency (the bench seeds fast, then measures with latency). */
  setHttpLatency(ms: number): void;
  /** Moves the sandbox's clock on by `ms` (time passes for the app, the emulators and the rate limits). */
  advance(ms: number): void;
  close(): Promise<void>;
}

/** Starts the emulators and the host. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  // The sandbox's clock: the given one (or the real one), moved on when a shortened queue delay comes due, so that
  // a delay of 30 s that takes 30 ms passes 30 s for the app, the emulators and the rate limits alike.
  const base = options.now ?? Date.now;
  let skipped = 0;
  const now = () => base() + skipped;
  const advanceClock = (toMs: number) => {
    const at = now();
    if (toMs > at) skipped += toMs - at;
  };
  const world = new World({ now, searchIndexLagMs: options.searchIndexLagMs ?? 0 });
  const xrayCredentials = { clientId: `sandbox-${randomBytes(4).toString('hex')}`, clientSecret: randomBytes(24).toString('hex') };
  const testsigmaApiKey = `ts-${randomBytes(16).toString('hex')}`;
  const latency = options.httpLatencyMs ?? 0;
  // Kept as objects: the emulators read `latencyMs` on every request, so `setHttpLatency` can change it later.
  const jiraOptions = { world, latencyMs: latency };
  const jira = await startJiraEmulator(jiraOptions);
  const xrayOptions = {
    world,
    dataRegion: options.xrayDataRegion ?? 'eu',
    clients: [xrayCredentials],
    latencyMs: latency,
    now,
    ...(options.xrayRequestsPer5Minutes ? { requestsPer5Minutes: options.xrayRequestsPer5Minutes } : {}),
  };
  const xray = await startXrayEmulator(xrayOptions);
  const testsigmaOptions = { apiKeys: [testsigmaApiKey], latencyMs: latency, now };
  const testsigma = await startTestsigmaEmulator(testsigmaOptions);

  const egress: EgressCounts = {};
  const fetchPort = createRoutingFetch(
    {
      'xray.cloud.getxray.app': xray.url,
      'us.xray.cloud.getxray.app': xray.url,
      'eu.xray.cloud.getxray.app': xray.url,
      'au.xray.cloud.getxray.app': xray.url,
      'app.testsigma.com': testsigma.url,
    },
    egress,
  );
  const rateLimits = options.rateLimits ?? true;
  const kvs = new MemoryKvs({ now, latencyMs: options.kvsLatencyMs ?? 0, rateLimits });
  const consumerErrors: unknown[] = [];
  const queue = new MemoryQueue({
    msPerSecond: options.queueMsPerSecond ?? 1000,
    onError: (err) => consumerErrors.push(err),
    now,
    advanceClock,
    rateLimit: rateLimits,
  });

  let webtriggerUrl = '';
  const deps: AppDeps = {
    kvs,
    fetch: fetchPort,
    jira: createSandboxJira(jira.url),
    queue,
    clock: { now },
    log: options.log ?? collectingLogger(),
    webtriggerUrl: async () => webtriggerUrl,
    randomHex: (bytes) => randomBytes(bytes).toString('hex'),
  };
  const app = createApp(deps);
  queue.setConsumer(app.sync);

  const token = randomBytes(12).toString('hex');
  const server = http.createServer((req, res) => {
    serve(req, res).catch((err: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'internal', message: err instanceof Error ? err.message : String(err) } }));
      }
    });
  });

  async function serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      // Forge refuses web trigger payloads far above the app's own 4 MiB limit before the function runs.
      if (size > 10 * 1024 * 1024) {
        res.writeHead(413, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'payload_too_large', message: 'Request body too large for a web trigger.' } }));
        return;
      }
      chunks.push(chunk as Buffer);
    }
    const body = Buffer.concat(chunks).toString('utf8');
    if (url.pathname === `/x1/${token}`) {
      const headers: Record<string, string[]> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value : [value];
      }
      const queryParameters: Record<string, string[]> = {};
      for (const [k, v] of url.searchParams) (queryParameters[k] ??= []).push(v);
      const answer = await app.webtrigger({ method: req.method ?? 'GET', path: url.pathname, body, headers, queryParameters });
      const outHeaders: Record<string, string> = {};
      for (const [k, v] of Object.entries(answer.headers ?? {})) outHeaders[k] = Array.isArray(v) ? v.join(', ') : String(v);
      res.writeHead(answer.statusCode, outHeaders);
      res.end(answer.body ?? '');
      return;
    }
    const m = /^\/resolvers\/(panel|admin)$/.exec(url.pathname);
    if (m && req.method === 'POST') {
      const call = JSON.parse(body || '{}') as {
        key: string;
        payload?: unknown;
        accountId: string;
        issue?: { id: string; key: string };
        locale?: string;
        timezone?: string;
      };
      const handlers = m[1] === 'panel' ? app.panelResolver : app.adminResolver;
      // Own keys only: a plain object also answers `constructor`, `__proto__` and the rest of Object.prototype.
      const handler = typeof call.key === 'string' && Object.prototype.hasOwnProperty.call(handlers, call.key) ? handlers[call.key] : undefined;
      if (!handler) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: `no resolver key ${call.key}` }));
        return;
      }
      const envelope = await handler({
        payload: call.payload ?? {},
        // The caller's locale and timezone, as Forge puts them in a resolver's context: resolvers answer in that language.
        context: {
          accountId: call.accountId,
          ...(call.locale ? { locale: call.locale } : {}),
          ...(call.timezone ? { timezone: call.timezone } : {}),
          ...(call.issue ? { extension: { issue: call.issue } } : {}),
        },
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(envelope));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'not_found', message: 'No such sandbox route.' } }));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  webtriggerUrl = `http://127.0.0.1:${port}/x1/${token}`;

  return {
    world,
    jira,
    xray,
    testsigma,
    kvs,
    queue,
    deps,
    app,
    egress,
    webtriggerUrl,
    resolverUrl: `http://127.0.0.1:${port}/resolvers`,
    xrayCredentials,
    testsigmaApiKey,
    consumerErrors,
    advance: (ms: number) => advanceClock(now() + ms),
    setHttpLatency: (ms: number) => {
      jiraOptions.latencyMs = ms;
      xrayOptions.latencyMs = ms;
      testsigmaOptions.latencyMs = ms;
    },
    close: async () => {
      queue.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await Promise.all([jira.close(), xray.close(), testsigma.close()]);
    },
  };
}

/** Calls a resolver over the sandbox's HTTP surface, as the frontend's `invoke` would. */
export async function invokeResolver<T = unknown>(
  sandbox: Pick<Sandbox, 'resolverUrl'>,
  resolver: 'panel' | 'admin',
  call: { key: string; payload?: unknown; accountId: string; issue?: { id: string; key: string }; locale?: string; timezone?: string },
): Promise<{ ok: true; data: T } | { ok: false; error: { code: string; message: string } }> {
  // A fresh connection a call (no keep-alive pool): a pooled socket to a closed sandbox whose port a later sandbox
  // reuses would be reset mid-call (the bench starts several sandboxes in one process).
  const body = JSON.stringify(call);
  const text = await new Promise<string>((resolve, reject) => {
    const req = http.request(
      `${sandbox.resolverUrl}/${resolver}`,
      { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
  return JSON.parse(text) as { ok: true; data: T } | { ok: false; error: { code: string; message: string } };
}
