/**
 * `xts` in a hostile CI, over real HTTP on 127.0.0.1: a mandatory proxy, servers that stream without end, redirect
 * elsewhere or print escape sequences and workflow commands, and a shard with no tests.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main } from '../../cli/lib/main';
import { proxyAwareFetch } from '../../cli/lib/proxy';
import { outcomeSummary, jobDetails } from '../../cli/lib/format';
import type { JobView } from '../../cli/lib/webtrigger';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()?.();
});

async function listen(server: http.Server | net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  closers.push(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return (server.address() as AddressInfo).port;
}

/** A web trigger that answers every request with `handler`, and remembers the peer port of each connection. */
async function target(handler: http.RequestListener) {
  const peers: number[] = [];
  const requests: Array<{ method?: string; url?: string; headers: http.IncomingHttpHeaders }> = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method, url: req.url, headers: req.headers });
    handler(req, res);
  });
  server.on('connection', (s) => peers.push(s.remotePort as number));
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}/x/webtrigger`, peers, requests };
}

/** A CONNECT proxy (RFC 9110 section 9.3.6) that counts the bytes it carries and the local ports of its upstream sockets. */
async function connectProxy() {
  const stats = { tunnels: 0, bytesUp: 0, bytesDown: 0, upstreamPorts: [] as number[], seen: '' };
  const server = http.createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const [host, port] = String(req.url).split(':');
    const upstream = net.connect(Number(port), host as string, () => {
      stats.tunnels++;
      stats.upstreamPorts.push(upstream.localPort as number);
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      client.on('data', (c: Buffer) => {
        stats.bytesUp += c.length;
        stats.seen += c.toString('latin1');
        upstream.write(c);
      });
      upstream.on('data', (c: Buffer) => {
        stats.bytesDown += c.length;
        client.write(c);
      });
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    upstream.on('error', end);
    client.on('error', end);
    upstream.on('close', end);
    client.on('close', end);
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, stats };
}

async function xts(argv: string[], env: Record<string, string>, fetchImpl: typeof fetch = globalThis.fetch) {
  let stdout = '';
  let stderr = '';
  const code = await main({
    argv,
    env: { XTS_SECRET: 'whsec_hostile', ...env },
    fetch: fetchImpl,
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    readFile: (p) => readFile(p),
    sleep: async () => undefined,
  });
  return { code, stdout, stderr };
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;

const job: JobView = { jobId: 'job-1', runId: 'r', state: 'queued', counts: { received: 1, synced: 0, unmapped: 0, failed: 0 }, unmapped: [], errors: [] };

describe('HTTPS_PROXY / HTTP_PROXY', () => {
  it('the request and its Bearer header cross the proxy, and nothing reaches the server directly', async () => {
    const t = await target((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(job)));
    const p = await connectProxy();
    const env = { HTTP_PROXY: p.url, XTS_URL: t.url };
    const r = await xts(['status', 'job-1', '--bearer'], env, proxyAwareFetch(env, globalThis.fetch));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/job job-1 \(run r\): queued/);
    expect(p.stats.tunnels).toBe(1);
    expect(p.stats.seen).toMatch(/^GET \/x\/webtrigger\?job=job-1 HTTP\/1\.1\r\n/);
    expect(p.stats.seen).toMatch(/authorization: Bearer whsec_hostile/i);
    expect(p.stats.bytesDown).toBeGreaterThan(JSON.stringify(job).length);
    // Every connection the server saw came from the proxy's end of a tunnel.
    expect(t.peers.length).toBeGreaterThan(0);
    expect(t.peers.every((port) => p.stats.upstreamPorts.includes(port))).toBe(true);
  });
});

describe('answers are read up to a limit', () => {
  function endless(_req: http.IncomingMessage, res: http.ServerResponse) {
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = () => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once('drain', pump);
    };
    res.on('close', () => undefined);
    pump();
  }

  it.each([
    ['directly', false],
    ['through a proxy', true],
  ])('a web trigger that streams without end stops at 1 MiB with a message that says the limit (%s)', async (_label, viaProxy) => {
    const t = await target(endless);
    const env: Record<string, string> = { XTS_URL: t.url };
    if (viaProxy) env.HTTP_PROXY = (await connectProxy()).url;
    const before = process.memoryUsage().rss;
    const r = await xts(['status', 'job-1'], env, proxyAwareFetch(env, globalThis.fetch));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/The web trigger answered more than 1 MiB \(the limit for its answers\); xts stopped reading\. Check that --url points at the app's web trigger/);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });
});

describe('redirects and server text', () => {
  it('a 3xx is refused, not followed: the other host receives nothing', async () => {
    const other = await target((_req, res) => res.writeHead(200).end('{}'));
    const t = await target((_req, res) => res.writeHead(307, { location: other.url }).end());
    const dir = mkdtempSync(path.join(tmpdir(), 'xts-redir-'));
    writeFileSync(path.join(dir, 'r.json'), JSON.stringify({ runId: 'r', results: [{ testCaseId: '1', status: 'PASSED' }] }));
    const r = await xts(['send', path.join(dir, 'r.json')], { XTS_URL: t.url });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/answered HTTP 307, a redirect to http:\/\/127\.0\.0\.1:\d+\/x\/webtrigger; xts does not follow redirects, so the secret and the results go to no other host\. Put the final address in --url/);
    expect(other.requests).toEqual([]);
  });

  it('escape sequences and workflow commands in server text do not reach the CI log', async () => {
    const evil = 'bad\u001b[2J\u001b[31mred\r\n::set-output name=ok::true\n##vso[task.setvariable variable=x]y\u0007';
    const t = await target((_req, res) => res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'invalid_payload', message: evil } })));
    const r = await xts(['status', 'job-1'], { XTS_URL: t.url });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad/);
    expect(r.stderr).not.toMatch(CONTROL);
    for (const line of r.stderr.split('\n')) expect(line).not.toMatch(/^\s*(::|##vso)/);

    const view: JobView = { ...job, state: 'failed', errors: [`Xray refused.${evil}`], unmapped: Array.from({ length: 100 }, (_, i) => String(i)), counts: { received: 673, synced: 0, unmapped: 673, failed: 0 } };
    const shown = `${jobDetails(view)}\n${outcomeSummary([view]).text}`;
    expect(shown).not.toMatch(CONTROL);
    for (const line of shown.split('\n')) expect(line).not.toMatch(/^\s*(::|##vso)/);
    expect(shown).toMatch(/: 0, 1, .*, 99 and 573 more/);
  });

  it('a testcase name from the code under test cannot start a workflow command either', async () => {
    const t = await target((req, res) => {
      req.resume();
      res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ jobId: 'job-1', state: 'queued' }));
    });
    const dir = mkdtempSync(path.join(tmpdir(), 'xts-names-'));
    writeFileSync(
      path.join(dir, 'r.xml'),
      '<testsuite name="s"><testcase name="TC-1 ok"/><testcase classname="&#27;[2J" name="x&#10;::set-output name=ok::true&#13;&#10;##vso[task.complete result=Succeeded]"/></testsuite>',
    );
    const r = await xts(['send', path.join(dir, 'r.xml'), '--run-id', 'names-1', '--id-pattern', 'TC-(\\d+)'], { XTS_URL: t.url });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/1 test case has no Testsigma id \(not sent\): \[2J x ::set-output/);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(CONTROL);
    for (const line of `${r.stdout}${r.stderr}`.split('\n')) expect(line).not.toMatch(/^\s*(::|##vso)/);
  });

  it('a job error that ends with a period is not followed by another', () => {
    const view: JobView = { ...job, state: 'failed', errors: ['Xray is not set up in the app. Then retry this job.'] };
    expect(outcomeSummary([view]).text).toMatch(/retry this job\. Fix the cause/);
    expect(outcomeSummary([view]).text).not.toMatch(/\.\./);
  });
});

describe('one vocabulary: testcases read, tests sent, results synced', () => {
  it('newman with --map: 7 testcases read, 4 tests sent, in words that do not mix them', async () => {
    const t = await target((req, res) => {
      req.resume();
      res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ jobId: 'job-1', state: 'queued' }));
    });
    const dir = mkdtempSync(path.join(tmpdir(), 'xts-words-'));
    const report = path.join(dir, 'newman.xml');
    writeFileSync(report, readFileSync(path.resolve(__dirname, '../fixtures/junit-real/newman/newman-report.xml')));
    writeFileSync(path.join(dir, 'map.csv'), 'Status code is 200,609\nCheck POST param in response,610\nResponse contains params,611\nTest form data,612\n');
    const r = await xts(['send', report, '--run-id', 'words-1', '--map', path.join(dir, 'map.csv')], { XTS_URL: t.url });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Read 7 testcase(s) from ${report}: 4 test(s) to send, 0 without a Testsigma id.`);
    expect(r.stdout).toContain(`Run words-1: sending 4 test(s) (7 results: attempts, or several for one id) from ${report} in one delivery`);
    expect(r.stdout).toMatch(/Delivery 1 of 1 \(results\[0\.\.6\]\) accepted: job job-1/);
    expect(r.stderr).toMatch(/id 609 came from 4 testcases/);
  });
});

describe('a results file with a 5 MB video', () => {
  it('leaves the video out with a warning and sends the rest', async () => {
    const bodies: string[] = [];
    const t = await target((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        bodies.push(body);
        res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ jobId: 'job-1', state: 'queued' }));
      });
    });
    const dir = mkdtempSync(path.join(tmpdir(), 'xts-video-'));
    const video = { filename: 'run.mp4', contentType: 'video/mp4', data: Buffer.alloc(5 * 1024 * 1024, 7).toString('base64') };
    const log = { filename: 'run.log', contentType: 'text/plain', data: Buffer.from('log').toString('base64') };
    writeFileSync(path.join(dir, 'r.json'), JSON.stringify({ runId: 'video-1', results: [{ testCaseId: '609', status: 'FAILURE', attachments: [video, log] }, { testCaseId: '610', status: 'PASSED' }] }));
    const r = await xts(['send', path.join(dir, 'r.json')], { XTS_URL: t.url });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/results\[0\]\.attachments\[0\] \(run\.mp4\) is 5\.0 MiB; the app skips attachments over 2 MiB, so xts leaves it out and sends the rest/);
    expect(bodies).toHaveLength(1);
    const sent = JSON.parse(bodies[0] as string) as { results: Array<{ attachments?: Array<{ filename: string }> }> };
    expect(sent.results.map((x) => x.attachments?.map((a) => a.filename))).toEqual([['run.log'], undefined]);
  });
});

describe('a shard with no tests', () => {
  it('exits 0 and says so; --fail-on-empty makes it exit 2; nothing is sent', async () => {
    const t = await target((_req, res) => res.writeHead(500).end());
    const dir = mkdtempSync(path.join(tmpdir(), 'xts-empty-'));
    writeFileSync(path.join(dir, 'junit.xml'), '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="jest tests" tests="0" failures="0" errors="0" time="0.001">\n</testsuites>\n');
    const r = await xts(['send', path.join(dir, 'junit.xml'), '--run-id', 'shard-3'], { XTS_URL: t.url });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/holds no testcase \(a shard or a run with no tests\): nothing to send\. Pass --fail-on-empty to make this an error/);
    const f = await xts(['send', path.join(dir, 'junit.xml'), '--run-id', 'shard-3', '--fail-on-empty'], { XTS_URL: t.url });
    expect(f.code).toBe(2);
    expect(f.stderr).toMatch(/holds no testcase .*--fail-on-empty/);
    expect(t.requests).toEqual([]);
  });
});
