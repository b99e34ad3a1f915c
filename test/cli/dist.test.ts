/**
 * The executor as CI gets it: the committed single file `cli/dist/xts.cjs` and the npm package `cli/` packed and
 * installed into an empty folder outside the repository without the network, each syncing a run into the sandbox
 * over real loopback HTTP. Also: HTTPS_PROXY / NO_PROXY through a CONNECT proxy on 127.0.0.1 to a TLS web trigger.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { startSandbox, type Sandbox } from '../../sandbox/host';
import { seedDemo, type DemoSite } from '../../sandbox/demo';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const SINGLE = path.join(ROOT, 'cli', 'dist', 'xts.cjs');
/** Outside the repository, so nothing of it (node_modules, sources) can be reached. */
const scratch = (label: string) => mkdtempSync(path.join(tmpdir(), `xts-${label}-`));
/** A child's environment with only what a CI job would have: no NODE_PATH, no npm config of this repository. */
const childEnv = (extra: Record<string, string>) => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...extra });

async function xtsChild(bin: string[], args: string[], env: Record<string, string>, cwd: string) {
  try {
    const r = await run(bin[0] as string, [...bin.slice(1), ...args], { env: childEnv(env), cwd, timeout: 30_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** A JUnit report as pytest writes it with `record_property("testsigma_id", ...)`. */
function junitReport(dir: string, ids: { pass: string; fail: string; skip: string; untagged: string }): string {
  const file = path.join(dir, 'junit.xml');
  writeFileSync(
    file,
    `<?xml version="1.0" encoding="utf-8"?>
<testsuites name="pytest tests">
  <testsuite name="pytest" errors="0" failures="1" skipped="1" tests="4" time="1.250" timestamp="2026-11-25T10:00:00.000000+00:00" hostname="ci">
    <testcase classname="tests.test_shop" name="test_sign_in" time="0.400"><properties><property name="testsigma_id" value="${ids.pass}"/></properties></testcase>
    <testcase classname="tests.test_shop" name="test_wrong_password" time="0.300"><properties><property name="testsigma_id" value="${ids.fail}"/></properties>
      <failure message="assert 200 == 401">def test_wrong_password():
&gt; assert resp.status == 401</failure></testcase>
    <testcase classname="tests.test_shop" name="test_cart" time="0.000"><properties><property name="testsigma_case_id" value="${ids.skip}"/></properties><skipped type="pytest.skip" message="cart is down"/></testcase>
    <testcase classname="tests.test_shop" name="test_${ids.untagged}_newsletter" time="0.010"/>
  </testsuite>
</testsuites>
`,
  );
  return file;
}

describe('the committed single file', () => {
  it('is a fresh build of cli/ (deterministic esbuild bundle)', async () => {
    const fresh = (await run(process.execPath, [path.join(ROOT, 'cli', 'build.mjs'), '--print'], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 })).stdout;
    const committed = readFileSync(SINGLE, 'utf8');
    if (fresh !== committed) {
      throw new Error('cli/dist/xts.cjs differs from a fresh build of cli/ and src/domain: run `npm run build:cli` and commit cli/dist/xts.cjs.');
    }
    expect(committed.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(committed).not.toMatch(/require\("(zod|fast-xml-parser|tsx)"\)/);
    expect(committed).not.toContain(ROOT);
  }, 60_000);
});

describe('inside a clone', () => {
  it('npx xts runs the single file (the root package\'s bin), and --version matches cli/package.json', async () => {
    const version = (JSON.parse(readFileSync(path.join(ROOT, 'cli', 'package.json'), 'utf8')) as { version: string }).version;
    const r = await run('npx', ['--no-install', 'xts', '--version'], { cwd: ROOT });
    expect(r.stdout).toBe(`xts ${version}\n`);
    expect((JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { bin: unknown }).bin).toEqual({ xts: 'cli/dist/xts.cjs' });
  }, 60_000);
});

describe('xts as CI installs it, against the sandbox', () => {
  let sb: Sandbox;
  let demo: DemoSite;
  beforeEach(async () => {
    sb = await startSandbox({ xrayDataRegion: 'eu', queueMsPerSecond: 2 });
    demo = await seedDemo(sb, { attachEvidence: true });
  });
  afterEach(() => sb.close());

  const env = () => ({ XTS_URL: demo.webtrigger.url, XTS_SECRET: demo.webtrigger.secret });

  function expectSynced(out: { code: number; stdout: string; stderr: string }, runId: string) {
    expect(out).toMatchObject({ code: 0 });
    const execs = sb.world.listTestExecutions();
    expect(execs).toHaveLength(1);
    const byKey = Object.fromEntries(execs[0]!.runs.map((r) => [r.testKey, r.status]));
    expect(byKey).toEqual({ [demo.tests[0]!.key]: 'PASSED', [demo.tests[1]!.key]: 'FAILED', [demo.tests[2]!.key]: 'TODO' });
    expect(execs[0]!.labels.join(' ')).toContain(runId);
  }

  it('npm pack, npm i --offline into an empty folder, then the installed xts syncs a JUnit report', async () => {
    const dir = scratch('pack');
    await run('npm', ['pack', '--pack-destination', dir, '--silent'], { cwd: path.join(ROOT, 'cli'), env: { ...process.env, npm_config_loglevel: 'error' } });
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    expect(tarball).toMatch(/^testsigma-xray-cli-\d+\.\d+\.\d+\.tgz$/);
    const app = path.join(dir, 'ci-job');
    mkdirSync(app);
    // A cache of its own: nothing this machine downloaded before can help, and --offline forbids the registry.
    await run('npm', ['i', '--offline', '--no-audit', '--no-fund', '--cache', path.join(dir, 'cache'), path.join(dir, tarball!)], { cwd: app, env: childEnv({}) });
    const installed = JSON.parse(readFileSync(path.join(app, 'node_modules', 'testsigma-xray-cli', 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(installed.dependencies).toBeUndefined();
    expect(readdirSync(path.join(app, 'node_modules')).filter((n) => !n.startsWith('.'))).toEqual(['testsigma-xray-cli']);

    const [pass, fail, skip] = demo.tests.map((t) => t.caseId);
    const report = junitReport(app, { pass: pass!, fail: fail!, skip: skip!, untagged: '999' });
    const out = await xtsChild([path.join(app, 'node_modules', '.bin', 'xts')], ['send', report, '--run-id', 'ci-pack-1', '--wait', '--poll-interval', '0.2'], env(), app);
    expect(out.stderr).toMatch(/Warning: 1 test case has no Testsigma id \(not sent\): tests\.test_shop test_999_newsletter\./);
    expectSynced(out, 'ci-pack-1');
    expect(out.stdout).toMatch(/succeeded: 3 received, 3 synced, 0 unmapped, 0 failed -> SHOP-\d+/);
  }, 120_000);

  it('the single file, copied alone into an empty folder, runs with plain node', async () => {
    const dir = scratch('single');
    copyFileSync(SINGLE, path.join(dir, 'xts.cjs'));
    const [pass, fail, skip] = demo.tests.map((t) => t.caseId);
    const report = junitReport(dir, { pass: pass!, fail: fail!, skip: skip!, untagged: '998' });
    const out = await xtsChild([process.execPath, path.join(dir, 'xts.cjs')], ['send', report, '--run-id', 'ci-single-1', '--wait', '--poll-interval', '0.2', '--json'], env(), dir);
    expectSynced(out, 'ci-single-1');
    const json = JSON.parse(out.stdout) as { ok: boolean; outcome: string; jobs: Array<{ job: { testExecutionKey: string } }> };
    expect(json).toMatchObject({ ok: true, outcome: 'succeeded' });
    expect(json.jobs[0]!.job.testExecutionKey).toBe(sb.world.listTestExecutions()[0]!.key);
  }, 60_000);
});

describe('HTTPS_PROXY / NO_PROXY and TLS errors (the single file, a CONNECT proxy and a TLS web trigger on 127.0.0.1)', () => {
  let sb: Sandbox;
  let demo: DemoSite;
  let tlsServer: https.Server;
  let proxy: http.Server;
  let tlsUrl: string;
  let proxyUrl: string;
  const tunnels: string[] = [];
  /** Local ports of the proxy's upstream sockets, and bytes carried client-to-target. */
  const upstreamPorts: number[] = [];
  const carried = { up: 0 };
  /** Remote ports of every connection the TLS web trigger accepted. */
  const peers: number[] = [];
  /** Every socket of the proxy and the TLS server: CONNECT tunnels are not HTTP connections closeAllConnections knows. */
  const sockets = new Set<net.Socket>();
  const dir = scratch('proxy');
  const caFile = path.join(dir, 'cert.pem');

  beforeAll(async () => {
    await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', caFile, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { cwd: dir });
    sb = await startSandbox({ xrayDataRegion: 'eu', queueMsPerSecond: 2 });
    demo = await seedDemo(sb);
    const target = new URL(demo.webtrigger.url);
    // TLS in front of the sandbox's web trigger, as Forge serves it.
    tlsServer = https.createServer({ key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(caFile) }, (req, res) => {
      const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      req.pipe(up);
    });
    tlsServer.on('connection', (s: net.Socket) => {
      peers.push(s.remotePort as number);
      sockets.add(s);
    });
    await new Promise<void>((r) => tlsServer.listen(0, '127.0.0.1', r));
    tlsUrl = `https://127.0.0.1:${(tlsServer.address() as AddressInfo).port}${target.pathname}`;
    proxy = http.createServer((_req, res) => res.writeHead(405).end());
    proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
      tunnels.push(req.url ?? '');
      sockets.add(client);
      const [host, port] = (req.url ?? '').split(':');
      const upstream = net.connect(Number(port), host, () => {
        sockets.add(upstream);
        upstreamPorts.push(upstream.localPort as number);
        client.on('data', (c: Buffer) => (carried.up += c.length));
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  }, 60_000);
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    proxy.closeAllConnections();
    tlsServer.closeAllConnections();
    await Promise.all([new Promise((r) => proxy.close(r)), new Promise((r) => tlsServer.close(r)), sb.close()]);
  });
  beforeEach(() => {
    tunnels.length = 0;
    upstreamPorts.length = 0;
    peers.length = 0;
    carried.up = 0;
  });

  const send = (extra: Record<string, string>, runId: string) => {
    const file = path.join(dir, `${runId}.json`);
    writeFileSync(file, JSON.stringify({ runId, results: [{ testCaseId: demo.tests[0]!.caseId, status: 'SUCCESS' }] }));
    return xtsChild([process.execPath, SINGLE], ['send', file, '--wait', '--poll-interval', '0.2'], { XTS_URL: tlsUrl, XTS_SECRET: demo.webtrigger.secret, ...extra }, dir);
  };

  it('goes through the proxy named by HTTPS_PROXY, TLS end to end inside the tunnel', async () => {
    const out = await send({ HTTPS_PROXY: proxyUrl, NODE_EXTRA_CA_CERTS: caFile }, 'via-proxy');
    expect(out).toMatchObject({ code: 0 });
    expect(out.stdout).toMatch(/succeeded: 1 received, 1 synced/);
    const port = new URL(tlsUrl).port;
    expect(tunnels.length).toBeGreaterThanOrEqual(2); // the POST and at least one GET
    expect(new Set(tunnels)).toEqual(new Set([`127.0.0.1:${port}`]));
    // The requests crossed the tunnels (TLS records, more than the body), and nothing reached the server directly.
    expect(carried.up).toBeGreaterThan(1000);
    expect(peers.length).toBe(tunnels.length);
    expect(peers.every((p) => upstreamPorts.includes(p))).toBe(true);
  }, 60_000);

  it('goes direct for a host NO_PROXY names', async () => {
    const out = await send({ HTTPS_PROXY: proxyUrl, NO_PROXY: 'example.com,127.0.0.1', NODE_EXTRA_CA_CERTS: caFile }, 'no-proxy');
    expect(out).toMatchObject({ code: 0 });
    expect(tunnels).toEqual([]);
  }, 60_000);

  it('names a TLS error (a certificate Node does not trust) and does not retry it', async () => {
    const out = await send({ HTTPS_PROXY: proxyUrl }, 'untrusted');
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/Could not reach The web trigger at https:\/\/127\.0\.0\.1:\d+: TLS error \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\): .*NODE_EXTRA_CA_CERTS/);
    expect(out.stderr).not.toMatch(/retrying/);
    expect(tunnels).toHaveLength(1);
  }, 60_000);
});
