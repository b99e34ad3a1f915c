/**
 * A set-up site in the sandbox (emulated Jira, Xray and Testsigma on loopback, the app's real handlers), with a
 * web trigger secret, and helpers that sign and send deliveries over HTTP to its web trigger URL.
 */
import { createHmac } from 'node:crypto';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox/host';
import { LinkStore } from '../../src/store/link-store';
import { SettingsStore } from '../../src/store/settings-store';
import { DEFAULT_SETTINGS } from '../../src/domain/settings';
import type { JobView } from '../../src/shared/types';

/** The web trigger secret of every sandbox site. */
export const SITE_SECRET = 'hardening-webtrigger-secret-0123456789';

/** An HTTP answer of the web trigger. */
export interface TriggerAnswer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** A sandbox site and what tests do with it. */
export interface SandboxSite {
  sb: Sandbox;
  /** A new issue of that type linked to the Testsigma id (a case for a Test, a plan for a Test Plan). */
  link(type: 'Test' | 'Test Plan', projectKey: string, testsigmaId: string): Promise<{ id: string; key: string }>;
  /** The `X-Signature` of `payload` (the body, or `<query>` for a GET) signed at `atMs`. */
  signature(payload: string, atMs?: number): string;
  /** A POST of the body to the web trigger, signed unless `headers` say otherwise. */
  post(body: unknown, headers?: Record<string, string>): Promise<TriggerAnswer>;
  /** A GET of the web trigger with that query string (without `?`) and headers. */
  get(query: string, headers: Record<string, string>): Promise<TriggerAnswer>;
  /** Sends a delivery and answers its job id (throws on anything but 202). */
  send(body: unknown): Promise<string>;
  /** The job, read with a GET signed the current way. */
  job(jobId: string): Promise<JobView>;
  /** Every Test Execution of the site. */
  executions(): ReturnType<Sandbox['world']['listIssues']>;
  close(): Promise<void>;
}

/** Starts the sandbox with projects PROJ and PLAN, Xray and the web trigger set up, the queue 1000 times faster. */
export async function startSandboxSite(opts: SandboxOptions = {}): Promise<SandboxSite> {
  const sb = await startSandbox({ xrayDataRegion: 'eu', queueMsPerSecond: 1, ...opts });
  const now = opts.now ?? Date.now;
  sb.world.createProject({ key: 'PROJ' });
  sb.world.createProject({ key: 'PLAN' });
  const settings = new SettingsStore(sb.kvs);
  await settings.put({
    ...DEFAULT_SETTINGS,
    xray: { region: 'eu', clientId: sb.xrayCredentials.clientId, requestsPer5Minutes: 300 },
    testsigma: { baseUrl: 'https://app.testsigma.com' },
  });
  await settings.setSecret('xrayClientSecret', sb.xrayCredentials.clientSecret);
  await settings.setSecret('webtriggerSecret', SITE_SECRET);

  const signature = (payload: string, atMs = now()) => {
    const t = String(Math.floor(atMs / 1000));
    return `t=${t},v1=${createHmac('sha256', SITE_SECRET).update(`${t}.${payload}`).digest('hex')}`;
  };
  const answer = async (res: Response): Promise<TriggerAnswer> => {
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  const post = async (body: unknown, headers?: Record<string, string>) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    return answer(
      await fetch(sb.webtriggerUrl, {
        method: 'POST',
        headers: headers ?? { 'content-type': 'application/json', 'x-signature': signature(text) },
        body: text,
      }),
    );
  };
  const get = async (query: string, headers: Record<string, string>) => answer(await fetch(`${sb.webtriggerUrl}?${query}`, { headers }));
  return {
    sb,
    async link(type, projectKey, testsigmaId) {
      const issue = sb.world.createIssue({ projectKey, type, summary: `${type} for ${testsigmaId}` });
      const r = await new LinkStore(sb.kvs).claim({
        issueId: issue.id,
        issueKind: type === 'Test' ? 'test' : 'testPlan',
        testsigmaKind: type === 'Test' ? 'testCase' : 'testPlan',
        testsigmaId,
        linkedBy: 'alice',
        linkedAt: new Date(now()).toISOString(),
      });
      if (!r.ok) throw new Error(`could not link ${testsigmaId}`);
      return { id: issue.id, key: issue.key };
    },
    signature,
    post,
    get,
    async send(body) {
      const res = await post(body);
      if (res.status !== 202) throw new Error(`POST answered ${res.status}: ${JSON.stringify(res.body)}`);
      return res.body.jobId as string;
    },
    async job(jobId) {
      const query = `job=${encodeURIComponent(jobId)}`;
      const res = await get(query, { 'x-signature': signature(query) });
      if (res.status !== 200) throw new Error(`GET answered ${res.status}: ${JSON.stringify(res.body)}`);
      return res.body as unknown as JobView;
    },
    executions: () => sb.world.listIssues().filter((i) => sb.world.kindOf(i) === 'testExecution'),
    close: () => sb.close(),
  };
}
