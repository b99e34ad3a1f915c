/**
 * Proxies for CI behind a corporate proxy, with Node's own modules only: `HTTPS_PROXY` (for https URLs),
 * `HTTP_PROXY` (for http URLs), `NO_PROXY`. Requests go through a CONNECT tunnel, so TLS runs end to end between
 * xts and the app and the proxy sees only the host name.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { isIP } from 'node:net';
import * as tls from 'node:tls';
import type { Duplex } from 'node:stream';

type Env = Readonly<Record<string, string | undefined>>;

const pick = (env: Env, name: string) => env[name] ?? env[name.toLowerCase()];

/** True when `NO_PROXY` exempts `url`: `*`, an exact host (optionally `:port`), or a domain suffix (`.corp` / `corp`). */
export function bypassesProxy(url: URL, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return noProxy
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((entry) => {
      if (entry === '*') return true;
      const m = /^(.*?)(?::(\d+))?$/.exec(entry.toLowerCase()) as RegExpExecArray;
      const name = (m[1] as string).replace(/^\[|\]$/g, '').replace(/^\*?\./, '.');
      if (m[2] && m[2] !== port) return false;
      if (name.startsWith('.')) return host.endsWith(name) || host === name.slice(1);
      return host === name || host.endsWith(`.${name}`);
    });
}

/** The proxy for `url` from the environment, or undefined for a direct connection. */
export function proxyFor(url: URL, env: Env): URL | undefined {
  if (bypassesProxy(url, pick(env, 'NO_PROXY'))) return undefined;
  const raw = url.protocol === 'https:' ? (pick(env, 'HTTPS_PROXY') ?? pick(env, 'ALL_PROXY')) : (pick(env, 'HTTP_PROXY') ?? pick(env, 'ALL_PROXY'));
  if (!raw) return undefined;
  try {
    return new URL(raw.includes('://') ? raw : `http://${raw}`);
  } catch {
    throw Object.assign(new Error(`the proxy "${raw}" (HTTPS_PROXY/HTTP_PROXY) is not a URL; write it as http://host:port`), { code: 'EPROXY' });
  }
}

function proxyError(message: string): Error {
  return Object.assign(new Error(message), { code: 'EPROXY' });
}

/** Opens a CONNECT tunnel to `target`'s host and port through `proxy`. */
function openTunnel(proxy: URL, target: URL, signal?: AbortSignal | null): Promise<Duplex> {
  if (proxy.protocol !== 'http:') return Promise.reject(proxyError(`proxy ${proxy.origin}: only http:// proxies are supported (the tunnel inside still carries TLS)`));
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  const authority = `${target.hostname}:${port}`;
  const headers: Record<string, string> = { host: authority };
  if (proxy.username) {
    headers['proxy-authorization'] = `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`;
  }
  return new Promise((resolve, reject) => {
    const req = http.request({ host: proxy.hostname, port: proxy.port || 80, method: 'CONNECT', path: authority, headers, agent: false, ...(signal ? { signal } : {}) });
    req.once('connect', (res, socket) => {
      if (res.statusCode === 200) return resolve(socket);
      socket.destroy();
      reject(proxyError(`the proxy ${proxy.host} refused the tunnel to ${authority}: HTTP ${res.statusCode}${res.statusCode === 407 ? ' (proxy authentication required: put user:password in the proxy URL)' : ''}`));
    });
    req.once('error', reject);
    req.end();
  });
}

/** One request through a tunnel, answered as a fetch `Response`. */
async function tunnelled(proxy: URL, target: URL, init: RequestInit): Promise<Response> {
  const socket = await openTunnel(proxy, target, init.signal);
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((v, k) => (headers[k] = v));
  const body = init.body === undefined || init.body === null ? undefined : String(init.body);
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  // One tunnel per request, closed once the answer is read: a kept-alive tunnel would hold the process open.
  let conn: Duplex = socket;
  const bare = target.hostname.replace(/^\[|\]$/g, '');
  const options: https.RequestOptions = {
    method: init.method ?? 'GET',
    host: target.hostname,
    port: target.port || (target.protocol === 'https:' ? 443 : 80),
    path: `${target.pathname}${target.search}`,
    headers,
    // No `agent`: with one (even `agent: false`, which makes a fresh Agent) Node opens its own socket to the
    // target and never calls createConnection, so the request would bypass the tunnel.
    ...(init.signal ? { signal: init.signal } : {}),
    createConnection: () => {
      conn =
        target.protocol === 'https:'
          ? // `host` is what the certificate is checked against (tls.connect defaults it to "localhost"); SNI only for names.
            tls.connect({ socket, host: bare, ...(isIP(bare) ? {} : { servername: bare }) })
          : socket;
      return conn;
    },
  };
  const mod = target.protocol === 'https:' ? https : http;
  return new Promise<Response>((resolve, reject) => {
    const req = mod.request(options, (res) => {
      const close = () => {
        conn.destroy();
        socket.destroy();
      };
      res.once('end', close);
      res.once('close', close);
      const h = new Headers();
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
      const status = res.statusCode ?? 502;
      if ([204, 304].includes(status)) {
        res.resume();
        return resolve(new Response(null, { status, headers: h }));
      }
      // Streamed, as Node's fetch answers: the caller reads as much as it allows and cancels the rest.
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          res.on('data', (c: Buffer) => {
            controller.enqueue(new Uint8Array(c));
            if ((controller.desiredSize ?? 1) <= 0) res.pause();
          });
          res.once('end', () => controller.close());
          res.once('error', (err) => controller.error(err));
        },
        pull() {
          res.resume();
        },
        cancel() {
          res.destroy();
          close();
        },
      });
      resolve(new Response(stream, { status, headers: h }));
    });
    req.on('error', (err) => {
      socket.destroy();
      reject(err);
    });
    req.end(body);
  });
}

/**
 * A fetch that honours the proxy variables: requests a proxy applies to go through its tunnel, the rest through
 * `direct` (Node's fetch, which ignores them). Failures are `TypeError: fetch failed` with the socket's error as
 * the cause, like Node's fetch, so callers explain both the same way.
 */
export function proxyAwareFetch(env: Env, direct: typeof fetch): typeof fetch {
  return (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input.toString() : input.url);
    const proxy = proxyFor(url, env);
    if (!proxy) return direct(input, init);
    try {
      return await tunnelled(proxy, url, init);
    } catch (err) {
      if (err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')) throw err;
      throw new TypeError('fetch failed', { cause: err });
    }
  }) as typeof fetch;
}
