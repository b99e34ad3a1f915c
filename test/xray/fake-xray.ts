/**
 * A scripted Xray for client unit tests: each endpoint answers from a queue of replies (then from its default),
 * every request is recorded, and sleeps are recorded instead of waited.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FetchPort, HttpRequestInit, HttpResponseLike, Logger } from '../../src/ports';
import { MemoryKvs } from '../../sandbox/forge/memory-kvs';
import { createXrayClient, XrayClientDeps, XrayClientHandle } from '../../src/xray/xray-client';
import type { XrayClientConfig } from '../../src/xray/xray-types';

// The fixtures live beside the design docs; a copy under test/fixtures wins when the project keeps one.
const FIXTURE_DIRS = [
  path.resolve(__dirname, '../fixtures/xray'),
  path.resolve(__dirname, '../fixtures/xray'),
];

/** The text of a fixture file. */
export function fixture(name: string): string {
  for (const dir of FIXTURE_DIRS) {
    const file = path.join(dir, name);
    if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8');
  }
  throw new Error(`fixture not found: ${name}`);
}

/** One scripted answer: an HTTP reply, a thrown error, or no answer at all. */
export type Reply =
  | { status: number; body?: string; headers?: Record<string, string> }
  | { throws: unknown }
  | { hang: true };

/** A recorded request. */
export interface Sent {
  url: string;
  endpoint: string;
  init: HttpRequestInit;
  bodyText: string;
}

/** The fixture token without its JSON quotes. */
export const FIXTURE_TOKEN = JSON.parse(fixture('authenticate.response.json')) as string;
/** The fixture credentials (documented example values, not real ones). */
export const FIXTURE_CREDENTIALS = JSON.parse(fixture('authenticate.request.json')) as {
  client_id: string;
  client_secret: string;
};

function response(status: number, body: string, headers: Record<string, string> = {}): HttpResponseLike {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    status,
    ok: status >= 200 && status < 300,
    headers: { get: (name) => lower[name.toLowerCase()] ?? null },
    text: async () => body,
  };
}

/** A scripted Xray behind a FetchPort. */
export class FakeXray {
  readonly sent: Sent[] = [];
  private readonly queues = new Map<string, Reply[]>();
  private readonly defaults = new Map<string, Reply>();

  constructor() {
    this.defaults.set('authenticate', { status: 200, body: fixture('authenticate.response.json') });
    this.defaults.set('import/execution', { status: 200, body: fixture('import-execution.response.json') });
    this.defaults.set('import/execution/multipart', { status: 200, body: fixture('import-execution.response.json') });
    this.defaults.set('graphql', { status: 200, body: JSON.stringify({ data: { ok: true } }) });
  }

  /** Queues replies for an endpoint (`authenticate`, `import/execution`, `graphql`...), used before its default. */
  script(endpoint: string, ...replies: Reply[]): this {
    this.queues.set(endpoint, [...(this.queues.get(endpoint) ?? []), ...replies]);
    return this;
  }

  /** Sets the reply an endpoint gives once its queue is empty. */
  setDefault(endpoint: string, reply: Reply): this {
    this.defaults.set(endpoint, reply);
    return this;
  }

  /** Requests sent to an endpoint. */
  calls(endpoint: string): Sent[] {
    return this.sent.filter((s) => s.endpoint === endpoint);
  }

  readonly fetch: FetchPort = async (url, init = {}) => {
    const endpoint = url.replace(/^https:\/\/[^/]+\/api\/v2\//, '');
    const body = init.body;
    const bodyText = body === undefined ? '' : typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
    this.sent.push({ url, endpoint, init, bodyText });
    const queue = this.queues.get(endpoint);
    const reply = queue && queue.length > 0 ? queue.shift()! : this.defaults.get(endpoint);
    if (!reply) return response(404, JSON.stringify({ error: `no route ${endpoint}` }));
    if ('throws' in reply) throw reply.throws;
    if ('hang' in reply) {
      // Like Node's fetch: no answer until the signal aborts it.
      return new Promise<HttpResponseLike>((_, reject) => {
        init.signal?.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' })));
      });
    }
    return response(reply.status, reply.body ?? '', reply.headers);
  };
}

/** A settable clock. */
export class FakeClock {
  constructor(public t = Date.UTC(2026, 10, 25, 10, 0, 30)) {}
  now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

/** A logger that keeps every line, so tests can search them for secrets. */
export class RecordingLog implements Logger {
  readonly lines: Array<{ level: string; message: string; data?: Record<string, unknown> }> = [];
  info(message: string, data?: Record<string, unknown>): void {
    this.lines.push({ level: 'info', message, data });
  }
  warn(message: string, data?: Record<string, unknown>): void {
    this.lines.push({ level: 'warn', message, data });
  }
  error(message: string, data?: Record<string, unknown>): void {
    this.lines.push({ level: 'error', message, data });
  }
  text(): string {
    return JSON.stringify(this.lines);
  }
}

/** The config of the fixture API key. */
export function config(overrides: Partial<XrayClientConfig> = {}): XrayClientConfig {
  return {
    region: 'global',
    clientId: FIXTURE_CREDENTIALS.client_id,
    clientSecret: FIXTURE_CREDENTIALS.client_secret,
    requestsPer5Minutes: 300,
    ...overrides,
  };
}

/** Everything a test needs around one client; `client()` makes more clients over the same store and Xray. */
export function setup(overrides: Partial<XrayClientConfig> = {}, depOverrides: Partial<XrayClientDeps> = {}) {
  const clock = new FakeClock();
  const kvs = new MemoryKvs({ now: clock.now });
  const xray = new FakeXray();
  const log = new RecordingLog();
  const sleeps: number[] = [];
  const sleep = async (ms: number): Promise<void> => {
    sleeps.push(ms);
    clock.advance(ms);
  };
  const client = (more: Partial<XrayClientConfig> = {}, moreDeps: Partial<XrayClientDeps> = {}): XrayClientHandle =>
    createXrayClient(config({ ...overrides, ...more }), {
      fetch: xray.fetch,
      kvs,
      clock,
      log,
      sleep,
      random: () => 0.5,
      ...depOverrides,
      ...moreDeps,
    });
  return { clock, kvs, xray, log, sleeps, client };
}
