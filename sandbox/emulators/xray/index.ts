/**
 * Xray Cloud REST v2 + GraphQL emulator for one Jira site.
 *
 * The app calls the real hosts (`https://xray.cloud.getxray.app`, `https://us.` / `eu.` / `au.` prefixes); the
 * sandbox rewrites the URL to this server and passes the original host in `x-forwarded-host` (else `host`). A host
 * that is not an Xray host (tests calling 127.0.0.1 directly) counts as the site's own region.
 *
 * Region rule (decided from the evidence, see the README of the fixtures): the 401 "Xray data is in another region"
 * is reported on API calls (imports, GraphQL) made to a host of another region, and Xray's maintainers say API keys
 * are global. So `authenticate` works on every Xray host, and every other endpoint answers that 401 unless the host
 * is the site's region. The global host counts as a region of its own: a site with data in `eu` must use `eu.`
 * (users with data residency report the 401 on the global host too).
 *
 * Rate limit: `requestsPer5Minutes` requests per sliding 5-minute window per site, counting every request that
 * reaches the limiter, `authenticate` included (Xray documents the limit per site, not per endpoint). Refused
 * requests are not counted. 429 has no Retry-After header (none is documented) and a small JSON body (the real
 * body is unknown; clients must not depend on it).
 */
import type * as http from 'node:http';
import { createHmac, randomUUID } from 'node:crypto';
import { graphql, parse, Kind, type OperationDefinitionNode } from 'graphql';
import { BodyTooLargeError, Counters, headerValue, listenLocal, readBody, sendJson, sendText, sleep, type RunningServer } from '../http-util';
import type { World } from '../world';
import { createRootValue, xraySchema } from './graphql';
import { importExecution, parseMultipartInfo, XrayHttpError, type ImportResult } from './import';

/** Xray Cloud data regions; `global` is `xray.cloud.getxray.app`. */
export type XrayRegion = 'global' | 'us' | 'eu' | 'au';

/** Endpoints as the emulator names them in counters and faults. */
export type XrayEndpoint = 'authenticate' | 'import' | 'multipart' | 'graphql';

/** An Xray API key. `accountId`, when set, is the Jira user whose permissions Xray applies. */
export interface XrayClient {
  clientId: string;
  clientSecret: string;
  accountId?: string;
}

/** Options of {@link startXrayEmulator}. */
export interface XrayEmulatorOptions {
  world: World;
  dataRegion: XrayRegion;
  clients: XrayClient[];
  /** 300 (Standard, default) or 1000 (Enterprise). */
  requestsPer5Minutes?: number;
  /** Delay added before every answer. */
  latencyMs?: number;
  /** Clock for tokens and the rate limit window; defaults to the world's clock. */
  now?: () => number;
  /** Bodies larger than this answer 413 "Request Entity Too Large". Default 50 MiB. */
  maxBodyBytes?: number;
  /** Token lifetime; Xray's is 24 h. */
  tokenTtlMs?: number;
}

/** A fault to inject (tests only: the app must never rely on these hooks). */
export interface FaultSpec {
  /** Which endpoint; any endpoint when left out. */
  endpoint?: XrayEndpoint;
  /**
   * `429`/`500`/`503`: answer that status without doing anything; `400`: refuse the request as invalid, as Xray
   * refuses an import it cannot take (its body, like others here, is emulator wording); `slow`: wait `delayMs`
   * then answer normally; `lost`: do the work fully (an import is committed) and then destroy the socket without
   * answering.
   */
  kind: '400' | '429' | '500' | '503' | 'slow' | 'lost';
  /** How many matching requests it applies to (default 1); `Infinity` fails every one (Xray failing every create). */
  count?: number;
  /** Matching requests that pass untouched before it applies (default 0): the second import of a job, say. */
  after?: number;
  /** For `slow`; default 5000. */
  delayMs?: number;
}

/** The fault controls. */
export interface FaultControl {
  inject(spec: FaultSpec): void;
  /** Faults not yet used up. */
  pending(): Array<Required<Pick<FaultSpec, 'kind' | 'count'>> & FaultSpec>;
  clear(): void;
}

/** A running Xray emulator. */
export interface XrayEmulator {
  /** Base URL; paths are Xray's own (`/api/v2/...`). */
  url: string;
  /**
   * Requests by endpoint (`authenticate`, `import`, `multipart`, `graphql`, `unknown`), by GraphQL root field
   * (`graphql:getTestRuns`), and answers by status (`status:429`).
   */
  counters: Counters;
  faults: FaultControl;
  /** Requests the limiter still allows in the current window. */
  remainingRequests(): number;
  /** Makes every issued token expired (to test re-authentication). */
  expireTokens(): void;
  /** Keys of Tests the importer created from `testInfo` (the app must never cause one). */
  createdTests(): string[];
  /** Clears counters, faults, the rate limit window and the list of created Tests (not tokens or the world). */
  reset(): void;
  /** The request handler, for in-process calls (see `RunningServer.handle`). */
  handle: RunningServer['handle'];
  close(): Promise<void>;
}

const WRONG_REGION = { error: 'Xray data is in another region. Contact support to migrate Xray data to current region.' };
const INVALID_CREDENTIALS = { error: 'Authentication failed. Invalid client credentials!' };
// No captured body for a bad or expired token was found; this wording is the emulator's.
const INVALID_TOKEN = { error: 'Authentication failed. Invalid or expired token!' };
const WINDOW_MS = 5 * 60 * 1000;

const HOSTS: Record<string, XrayRegion> = {
  'xray.cloud.getxray.app': 'global',
  'us.xray.cloud.getxray.app': 'us',
  'eu.xray.cloud.getxray.app': 'eu',
  'au.xray.cloud.getxray.app': 'au',
};

interface Reply {
  status: number;
  json?: unknown;
  text?: string;
  contentType?: string;
}

/** Starts the Xray emulator on 127.0.0.1 (ephemeral port). */
export async function startXrayEmulator(options: XrayEmulatorOptions): Promise<XrayEmulator> {
  const { world } = options;
  const now = options.now ?? world.now;
  const limit = options.requestsPer5Minutes ?? 300;
  const maxBody = options.maxBodyBytes ?? 50 * 1024 * 1024;
  const ttl = options.tokenTtlMs ?? 24 * 60 * 60 * 1000;
  const counters = new Counters();
  const tokens = new Map<string, { client: XrayClient; expiresAt: number }>();
  let window: number[] = [];
  let faults: Array<FaultSpec & { count: number }> = [];
  let testsCreated: string[] = [];
  const secret = randomUUID();

  const faultControl: FaultControl = {
    inject: (spec) => {
      faults.push({ ...spec, count: spec.count ?? 1 });
    },
    pending: () => faults.filter((f) => f.count > 0).map((f) => ({ ...f })),
    clear: () => {
      faults = [];
    },
  };

  const takeFault = (endpoint: XrayEndpoint): (FaultSpec & { count: number }) | undefined => {
    const f = faults.find((x) => x.count > 0 && (x.endpoint === undefined || x.endpoint === endpoint));
    if (f && (f.after ?? 0) > 0) {
      f.after = f.after! - 1;
      return undefined;
    }
    if (f) f.count--;
    return f;
  };

  const prune = (): void => {
    const cutoff = now() - WINDOW_MS;
    window = window.filter((t) => t > cutoff);
  };

  const issueToken = (client: XrayClient): string => {
    const iat = Math.floor(now() / 1000);
    const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    const head = b64({ alg: 'HS256', typ: 'JWT' });
    const body = b64({ tenant: world.siteUrl, clientId: client.clientId, iat, exp: iat + Math.floor(ttl / 1000), aud: client.clientId, iss: 'com.xpandit.xray', sub: client.clientId, jti: randomUUID() });
    const sig = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
    const token = `${head}.${body}.${sig}`;
    tokens.set(token, { client, expiresAt: now() + ttl });
    return token;
  };

  const principalFor = (client: XrayClient): string => client.accountId ?? 'app';

  const handlers: Record<XrayEndpoint, (req: http.IncomingMessage, raw: Buffer, client: XrayClient | undefined) => Promise<Reply>> = {
    authenticate: async (_req, raw) => {
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return { status: 400, json: { error: 'Invalid JSON body.' } }; // emulator wording
      }
      const b = (body ?? {}) as Record<string, unknown>;
      const client = options.clients.find((c) => c.clientId === b.client_id && c.clientSecret === b.client_secret);
      if (!client) return { status: 401, json: INVALID_CREDENTIALS };
      return { status: 200, json: issueToken(client) };
    },
    import: async (_req, raw, client) => {
      let doc: unknown;
      try {
        doc = JSON.parse(raw.toString('utf8'));
      } catch {
        return { status: 400, json: { error: 'Error importing results: the body is not valid JSON.' } }; // emulator wording
      }
      return importReply(() =>
        importExecution(world, doc, { principal: principalFor(client as XrayClient), onTestCreated: (k) => testsCreated.push(k) }),
      );
    },
    multipart: async (req, raw, client) => {
      const ct = headerValue(req, 'content-type') ?? '';
      if (!ct.toLowerCase().startsWith('multipart/form-data')) {
        return { status: 400, json: { error: 'Error importing results: the request must be multipart/form-data with results and info parts.' } }; // emulator wording
      }
      let form: FormData;
      try {
        form = await new Response(new Uint8Array(raw), { headers: { 'content-type': ct } }).formData();
      } catch {
        return { status: 400, json: { error: 'Error importing results: the multipart body could not be read.' } }; // emulator wording
      }
      const partText = async (name: string): Promise<string | undefined> => {
        const v = form.get(name);
        if (v === null) return undefined;
        return typeof v === 'string' ? v : await v.text();
      };
      const resultsText = await partText('results');
      const infoText = await partText('info');
      if (resultsText === undefined) return { status: 400, json: { error: 'Error importing results: the results file is missing.' } }; // emulator wording
      if (infoText === undefined) return { status: 400, json: { error: 'Error importing results: the info file is missing.' } }; // emulator wording
      let results: unknown;
      let info: unknown;
      try {
        results = JSON.parse(resultsText);
        info = JSON.parse(infoText);
      } catch {
        return { status: 400, json: { error: 'Error importing results: the results or info file is not valid JSON.' } }; // emulator wording
      }
      const principal = principalFor(client as XrayClient);
      return importReply(() =>
        importExecution(world, results, {
          principal,
          multipart: parseMultipartInfo(world, info, principal),
          onTestCreated: (k) => testsCreated.push(k),
        }),
      );
    },
    graphql: async (_req, raw, client) => {
      let body: { query?: unknown; variables?: unknown; operationName?: unknown };
      try {
        body = JSON.parse(raw.toString('utf8')) as typeof body;
      } catch {
        return { status: 400, json: { errors: [{ message: 'Body is not valid JSON.' }] } };
      }
      if (typeof body.query !== 'string') return { status: 400, json: { errors: [{ message: 'Must provide query string.' }] } };
      countOperations(body.query, typeof body.operationName === 'string' ? body.operationName : undefined);
      const result = await graphql({
        schema: xraySchema(),
        source: body.query,
        rootValue: createRootValue(world, principalFor(client as XrayClient)),
        variableValues: (body.variables ?? undefined) as Record<string, unknown> | undefined,
        operationName: typeof body.operationName === 'string' ? body.operationName : undefined,
      });
      // Syntax and validation errors never reach execution (no `data`): answered 400, as GraphQL-over-HTTP
      // servers do. Resolver errors come with 200 and `data: { op: null }` (captured).
      return { status: result.data === undefined ? 400 : 200, json: result };
    },
  };

  const countOperations = (query: string, operationName: string | undefined): void => {
    try {
      const doc = parse(query);
      const ops = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
      const op = operationName ? ops.find((o) => o.name?.value === operationName) : ops[0];
      for (const sel of op?.selectionSet.selections ?? []) {
        if (sel.kind === Kind.FIELD) counters.inc(`graphql:${sel.name.value}`);
      }
    } catch {
      counters.inc('graphql:(invalid)');
    }
  };

  const server = await listenLocal(async (req, res) => {
    await sleep(options.latencyMs ?? 0);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const endpoint = endpointOf(req.method ?? 'GET', url.pathname);
    counters.inc(endpoint ?? 'unknown');
    const reply = (r: Reply): void => {
      counters.inc(`status:${r.status}`);
      if (r.text !== undefined) sendText(res, r.status, r.text, r.contentType);
      else sendJson(res, r.status, r.json);
    };
    if (!endpoint) {
      reply({ status: 404, json: { error: `Cannot ${req.method ?? 'GET'} ${url.pathname}` } });
      return;
    }

    prune();
    if (window.length >= limit) {
      reply({ status: 429, json: { error: 'Too many requests. Please try again later.' } }); // body unknown: emulator wording
      return;
    }
    window.push(now());

    let raw: Buffer;
    try {
      raw = await readBody(req, maxBody);
    } catch (e) {
      if (e instanceof BodyTooLargeError) {
        reply({ status: 413, text: '<html><head><title>413 Request Entity Too Large</title></head><body><center><h1>413 Request Entity Too Large</h1></center></body></html>', contentType: 'text/html' });
        return;
      }
      throw e;
    }

    const fault = takeFault(endpoint);
    if (fault?.kind === '400') return reply({ status: 400, json: { error: 'Error importing results: the request was refused.' } }); // emulator wording
    if (fault?.kind === '429') return reply({ status: 429, json: { error: 'Too many requests. Please try again later.' } });
    if (fault?.kind === '500') return reply({ status: 500, json: { error: 'Internal server error' } });
    if (fault?.kind === '503') {
      // The only captured 503 is CloudFront's error page (text).
      return reply({ status: 503, text: 'ERROR: The request could not be satisfied\nWe can\'t connect to the server for this app or website at this time. There might be too much traffic or a configuration error. Try again later, or contact the app or website owner.\n', contentType: 'text/html' });
    }
    if (fault?.kind === 'slow') await sleep(fault.delayMs ?? 5000);

    let client: XrayClient | undefined;
    if (endpoint !== 'authenticate') {
      const m = /^Bearer\s+(.+)$/i.exec(headerValue(req, 'authorization') ?? '');
      const entry = m ? tokens.get((m[1] ?? '').trim()) : undefined;
      if (!entry || entry.expiresAt <= now()) return reply({ status: 401, json: INVALID_TOKEN });
      const host = (headerValue(req, 'x-forwarded-host') ?? headerValue(req, 'host') ?? '').toLowerCase().replace(/:\d+$/, '');
      const region = HOSTS[host];
      if (region !== undefined && region !== options.dataRegion) return reply({ status: 401, json: WRONG_REGION });
      client = entry.client;
    }

    const r = await handlers[endpoint](req, raw, client);
    if (fault?.kind === 'lost') {
      // The work is done (an import is committed); the caller never hears about it.
      counters.inc('lost');
      res.socket?.destroy();
      return;
    }
    reply(r);
  });

  return {
    url: server.url,
    counters,
    faults: faultControl,
    remainingRequests: () => {
      prune();
      return Math.max(0, limit - window.length);
    },
    expireTokens: () => {
      for (const t of tokens.values()) t.expiresAt = 0;
    },
    createdTests: () => [...testsCreated],
    reset: () => {
      counters.reset();
      faults = [];
      window = [];
      testsCreated = [];
    },
    handle: server.handle,
    close: server.close,
  };
}

function importReply(run: () => ImportResult): Reply {
  try {
    return { status: 200, json: run() };
  } catch (e) {
    if (e instanceof XrayHttpError) return { status: e.status, json: e.body };
    throw e;
  }
}

function endpointOf(method: string, path: string): XrayEndpoint | undefined {
  if (method !== 'POST') return undefined;
  const p = path.replace(/\/+$/, '');
  if (p === '/api/v2/authenticate') return 'authenticate';
  if (p === '/api/v2/import/execution') return 'import';
  if (p === '/api/v2/import/execution/multipart') return 'multipart';
  if (p === '/api/v2/graphql') return 'graphql';
  return undefined;
}
