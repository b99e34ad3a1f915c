/**
 * HTTP to the emulators without a socket: a request becomes a readable stream and a response object with the few
 * members the emulators use (`writeHead`, `end`, `headersSent`, `destroyed`, `destroy`, `socket.destroy`), and the
 * emulator's own handler is called with them. No I/O means every wait in the process is a timer, so a simulated
 * clock can tell when all work is waiting and move time on (see sim-clock.ts).
 */
import type * as http from 'node:http';
import { Readable } from 'node:stream';
import type { HttpRequestInit, HttpResponseLike } from '../../src/ports';

/** An emulator's request handler (`RunningServer.handle`). */
export type EmulatorHandler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;

/** The connection closed without an answer, as Node's fetch reports it (`cause.code` tells the app it was sent). */
export class ConnectionResetError extends Error {
  override readonly cause = { code: 'ECONNRESET', message: 'other side closed' };
  constructor() {
    super('fetch failed');
    this.name = 'TypeError';
  }
}

function abortError(): Error {
  const err = new Error('This operation was aborted');
  err.name = 'AbortError';
  return err;
}

/** A Response-like answer from a status, headers and body text. */
export function answer(status: number, headers: Record<string, string>, text: string): HttpResponseLike {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { status, ok: status >= 200 && status < 300, headers: { get: (name) => lower[name.toLowerCase()] ?? null }, text: async () => text };
}

/** Calls `handle` with `path` (path and query) and `init`, and resolves to what it answered. */
export function callInProcess(handle: EmulatorHandler, path: string, init: HttpRequestInit = {}): Promise<HttpResponseLike> {
  return new Promise<HttpResponseLike>((resolve, reject) => {
    if (init.signal?.aborted) {
      reject(abortError());
      return;
    }
    const body = init.body === undefined ? [] : [typeof init.body === 'string' ? Buffer.from(init.body, 'utf8') : Buffer.from(init.body)];
    const req = Object.assign(Readable.from(body), {
      method: (init.method ?? 'GET').toUpperCase(),
      url: path,
      headers: Object.fromEntries(Object.entries(init.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
    };
    let status = 200;
    let headers: Record<string, string> = {};
    const res = {
      headersSent: false,
      destroyed: false,
      writeHead(s: number, h: Record<string, string> = {}) {
        status = s;
        headers = { ...headers, ...h };
        res.headersSent = true;
        return res;
      },
      setHeader(name: string, value: string) {
        headers[name] = value;
      },
      end(text?: string | Buffer) {
        res.headersSent = true;
        const out = text === undefined ? '' : typeof text === 'string' ? text : text.toString('utf8');
        settle(() => resolve(answer(status, headers, out)));
      },
      destroy() {
        res.destroyed = true;
        settle(() => reject(new ConnectionResetError()));
      },
      socket: {
        destroy() {
          res.destroy();
        },
      },
    };
    init.signal?.addEventListener('abort', () => settle(() => reject(abortError())), { once: true });
    handle(req as unknown as http.IncomingMessage, res as unknown as http.ServerResponse).catch((err: unknown) => settle(() => reject(err)));
  });
}
