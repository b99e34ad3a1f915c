/**
 * Small HTTP helpers shared by the Jira and Xray emulators. Node built-ins only, so the emulators run wherever
 * the tests run, and every server binds to 127.0.0.1 on an ephemeral port (never a public address).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running emulator server. */
export interface RunningServer {
  /** Base URL, `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  /** Stops accepting connections and drops the open ones (keep-alive sockets would hold `close()` otherwise). */
  close(): Promise<void>;
  server: http.Server;
  /** The request handler itself, for hosts that call the emulator in process (the chaos bench) instead of over a socket. */
  handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void>;
}

/** Starts `handler` on 127.0.0.1 port 0. A handler that throws answers 500 instead of killing the test process. */
export async function listenLocal(
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>,
): Promise<RunningServer> {
  const handle = (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> =>
    handler(req, res).catch((err: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        sendJson(res, 500, { error: `emulator failure: ${err instanceof Error ? err.message : String(err)}` });
      } else if (!res.destroyed) {
        res.destroy();
      }
    });
  const server = http.createServer((req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    handle,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Thrown by {@link readBody} when a body is larger than allowed. */
export class BodyTooLargeError extends Error {}

/** Reads the whole request body, refusing more than `limitBytes`. */
export function readBody(req: http.IncomingMessage, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limitBytes) {
        failed = true;
        reject(new BodyTooLargeError(`body over ${limitBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on('error', (err) => {
      if (!failed) reject(err);
    });
  });
}

/** Writes a JSON answer (unless the socket is already gone). */
export function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.destroyed || res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json;charset=UTF-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** Writes a plain text or HTML answer. */
export function sendText(res: http.ServerResponse, status: number, text: string, contentType = 'text/plain'): void {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(status, { 'content-type': contentType, 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

/** Resolves after `ms` milliseconds (no-op for 0). */
export function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}

/**
 * Matches a path against a template such as `/rest/api/3/issue/{idOrKey}`. Returns the decoded parameters, or
 * null when the path does not fit.
 */
export function matchRoute(template: string, path: string): Record<string, string> | null {
  const t = template.split('/');
  const p = path.split('/');
  if (t.length !== p.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < t.length; i++) {
    const seg = t[i] ?? '';
    const actual = p[i] ?? '';
    if (seg.startsWith('{') && seg.endsWith('}')) {
      if (actual === '') return null;
      try {
        params[seg.slice(1, -1)] = decodeURIComponent(actual);
      } catch {
        return null;
      }
    } else if (seg !== actual) {
      return null;
    }
  }
  return params;
}

/** Request counters keyed by a label (for example `GET /rest/api/3/issue/{idOrKey}`). */
export class Counters {
  private readonly counts = new Map<string, number>();

  /** Adds one to `key`. */
  inc(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** The count for `key` (0 when never seen). */
  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  /** Sum of every counter whose key starts with `prefix` (all counters when omitted). */
  total(prefix = ''): number {
    let sum = 0;
    for (const [k, v] of this.counts) if (k.startsWith(prefix)) sum += v;
    return sum;
  }

  /** A plain-object copy, handy in test failure messages. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  /** Forgets every count. */
  reset(): void {
    this.counts.clear();
  }
}

/** First value of a possibly repeated header. */
export function headerValue(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
