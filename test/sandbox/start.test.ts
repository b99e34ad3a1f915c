/**
 * `npm start` as a user runs it: it stays up, prints a line per delivery and per finished job, and ending npm's
 * process (SIGTERM or SIGINT to npm's PID, not to the process group) stops every server it started.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '../..');

/** Every live descendant of `pid` (read from /proc, Linux). */
function descendants(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => (parents.get(p) ?? []).forEach((c) => (out.push(c), walk(c)));
  walk(pid);
  return out;
}

/** True while `pid` runs (a zombie, exited but not yet reaped, counts as ended). */
const alive = (pid: number) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
};

/**
 * Waits up to `ms` for the processes to end (a loaded machine may take a while to let esbuild's helper go). They are
 * not our children, so /proc is polled; the bound is generous because only a process that never ends should fail.
 */
async function survivors(pids: number[], ms = 30_000): Promise<string[]> {
  const until = Date.now() + ms;
  for (;;) {
    const left = pids.filter(alive);
    if (left.length === 0 || Date.now() > until) {
      return left.map((pid) => {
        try {
          return `${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim()}`;
        } catch {
          return `${pid}`;
        }
      });
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

const refuses = (url: string) =>
  new Promise<boolean>((resolve) => {
    const u = new URL(url);
    const s = net.connect(Number(u.port), u.hostname);
    s.once('connect', () => (s.destroy(), resolve(false)));
    s.once('error', () => resolve(true));
  });

function startNpm(): { child: ChildProcess; output: () => string; waitFor: (re: RegExp, ms?: number) => Promise<RegExpMatchArray>; exited: Promise<number | null> } {
  const child = spawn('npm', ['start'], { cwd: ROOT, env: { ...process.env, npm_config_loglevel: 'error' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const listeners = new Set<() => void>();
  const take = (d: Buffer) => {
    out += d.toString();
    for (const l of [...listeners]) l();
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // Checks the output each time npm prints, not on a clock; `ms` only bounds a hang so the failure shows the output.
  const waitFor = (re: RegExp, ms = 120_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const m = out.match(re);
        if (!m) return;
        listeners.delete(check);
        clearTimeout(timer);
        resolve(m);
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`npm start did not print ${re} within ${ms} ms; it printed:\n${out}`));
      }, ms);
      listeners.add(check);
      check();
    });
  return { child, output: () => out, waitFor, exited };
}

describe('npm start (stays up)', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('prints deliveries and finished jobs, and %s to npm stops every server', async (signal) => {
    const npm = startNpm();
    try {
      await npm.waitFor(/Stop with Ctrl\+C/);
      const urls = [...npm.output().matchAll(/(http:\/\/127\.0\.0\.1:\d+)/g)].map((m) => m[1] as string);
      const [, url, secret] = npm.output().match(/export XTS_URL='([^']+)' XTS_SECRET='([^']+)'/) ?? [];
      expect(url).toBeDefined();
      if (signal === 'SIGTERM') {
        const send = await promisify(execFile)(process.execPath, [path.join(ROOT, 'cli/dist/xts.cjs'), 'send', path.join(ROOT, 'sandbox/examples/results.json'), '--wait', '--poll-interval', '0.2'], {
          env: { PATH: process.env.PATH ?? '', XTS_URL: url!, XTS_SECRET: secret! },
        });
        expect(send.stdout).toMatch(/partial: 6 received, 5 synced, 1 unmapped/);
        const delivered = await npm.waitFor(/delivery: job (\S+), run example-build-1, 6 result\(s\), \w+/);
        await npm.waitFor(new RegExp(`finished: job ${delivered[1]}, run example-build-1: partial, received 6, synced 5, unmapped 1, failed 0 \\[PASSED 2, FAILED 1, ABORTED 1, TODO 1\\] -> SHOP-\\d+`));
      }
      const tree = descendants(npm.child.pid!);
      expect(tree.length).toBeGreaterThan(0);
      expect(new Set(urls.map((u) => new URL(u).port)).size).toBeGreaterThanOrEqual(4); // Jira, Xray, Testsigma, web trigger
      npm.child.kill(signal);
      await expect(npm.exited).resolves.toBe(0);
      expect(npm.output()).toMatch(new RegExp(`${signal}: stopping the sandbox[\\s\\S]*Sandbox stopped\\.`));
      expect(await survivors(tree)).toEqual([]);
      expect(await Promise.all(urls.map(refuses))).toEqual(urls.map(() => true));
    } finally {
      if (npm.child.exitCode === null) npm.child.kill('SIGKILL');
    }
  }, 240_000);
});
