/**
 * Finding 18 (issue 10): records written by the first version (its own store code, commit 547549e, in
 * test/support/first-version) keep working after the upgrade: links, last results, jobs and the run's Test
 * Execution, and the Xray token cache.
 */
import { createHmac } from 'node:crypto';
import { startSandbox, Sandbox } from '../../sandbox/host';
import { SettingsStore } from '../../src/store/settings-store';
import { DEFAULT_SETTINGS } from '../../src/domain/settings';
import { LinkStore } from '../../src/store/link-store';
import { readLastResults } from '../../src/store/run-store';
import { listJobs } from '../../src/store/job-store';
import type { JobView } from '../../src/shared/types';
import { LinkStore as V1LinkStore } from '../support/first-version/link-store';
import { JobStore as V1JobStore, JobRecord as V1JobRecord, encodeDelivery as v1EncodeDelivery } from '../support/first-version/job-store';
import { RunStore as V1RunStore, lastResultItem as v1LastResultItem } from '../support/first-version/run-store';
import { tokenKey as v1TokenKey } from '../support/first-version/token-cache';
import { runLabel } from '../../src/domain/run-mark';
import { retryJob } from '../../src/sync/retry-job';

const SECRET = 'upgrade-webtrigger-secret-0123456789';

function signed(method: string, body: string, query: Record<string, string[]> = {}) {
  const t = String(Math.floor(Date.now() / 1000));
  const v1 = createHmac('sha256', SECRET).update(`${t}.${body}`).digest('hex');
  return { method, body, headers: { 'content-type': ['application/json'], 'x-signature': [`t=${t},v1=${v1}`] }, queryParameters: query };
}

let sb: Sandbox;
afterEach(async () => sb?.close());

test('finding 18: links, last results, a failed job with its stored results, the run record and the token cache of the first version keep working', async () => {
  sb = await startSandbox({ xrayDataRegion: 'eu', queueMsPerSecond: 1 });
  sb.world.createProject({ key: 'PROJ' });
  const settings = new SettingsStore(sb.kvs);
  await settings.put({ ...DEFAULT_SETTINGS, xray: { region: 'eu', clientId: sb.xrayCredentials.clientId, requestsPer5Minutes: 300 } });
  await settings.setSecret('xrayClientSecret', sb.xrayCredentials.clientSecret);
  await settings.setSecret('webtriggerSecret', SECRET);

  // --- What the first version wrote.
  const test = sb.world.createIssue({ projectKey: 'PROJ', type: 'Test', summary: 'Login' });
  const te = sb.world.createIssue({ projectKey: 'PROJ', type: 'Test Execution', summary: 'Testsigma run v1-run', labels: [runLabel('v1-run')] });
  const v1Links = new V1LinkStore(sb.kvs);
  expect((await v1Links.claim({ issueId: test.id, issueKind: 'test', testsigmaKind: 'testCase', testsigmaId: '609', linkedBy: 'acc-1', linkedAt: '2026-11-01T00:00:00.000Z' })).ok).toBe(true);
  const last = v1LastResultItem('609', { status: 'FAILED', runId: 'v1-run', testExecutionKey: te.key, at: '2026-11-20T10:00:00.000Z' });
  await sb.kvs.set(last.key, last.value);
  await new V1RunStore(sb.kvs).put({ runId: 'v1-run', label: runLabel('v1-run'), testExecutionKey: te.key, testExecutionId: te.id, updatedAt: '2026-11-20T10:00:00.000Z' });
  const jobId = 'zzzzzzzzz' + 'a1b2c3d4';
  const encoded = v1EncodeDelivery(jobId, { runId: 'v1-run', results: [{ testCaseId: '609', status: 'SUCCESS', message: 'passed now' }] });
  const v1Job: V1JobRecord = {
    jobId, runId: 'v1-run', state: 'failed', mode: 'push', counts: { received: 1, synced: 0, unmapped: 0, failed: 1 }, unmapped: [],
    errors: ['Xray refused the import: it was down.'], attempts: 1, createdAt: '2026-11-20T10:00:00.000Z', updatedAt: '2026-11-20T10:01:00.000Z',
    deadline: Date.parse('2026-11-20T10:01:00.000Z'), intake: [], chunks: encoded.chunks, attChunks: encoded.attChunks, retries: 0,
  };
  await new V1JobStore(sb.kvs).create(v1Job, encoded.items);
  const oldTokenKey = v1TokenKey('eu', sb.xrayCredentials.clientId);
  await sb.kvs.setSecret(oldTokenKey, { token: 'token-of-the-first-version', expiresAt: Date.now() + 20 * 3_600_000 });

  // --- After the upgrade.
  expect((await new LinkStore(sb.kvs).ownersOfCases(['609'])).get('609')?.issueId).toBe(test.id);
  expect((await readLastResults(sb.kvs, ['609'])).get('609')).toMatchObject({ status: 'FAILED', testExecutionKey: te.key });
  const listed = await listJobs(sb.kvs, undefined, Date.now());
  expect(listed.jobs.map((j) => [j.jobId, j.state])).toEqual([[jobId, 'failed']]);

  // Retrying the first version's job re-sends its stored results into the run's Test Execution, no second one.
  expect((await retryJob(sb.deps, jobId)).state).toBe('queued');
  await sb.queue.idle();
  const res = await sb.app.webtrigger(signed('GET', '', { job: [jobId] }));
  const view = JSON.parse(res.body) as JobView;
  expect(view).toMatchObject({ state: 'succeeded', testExecutionKey: te.key, counts: { synced: 1 } });
  expect(sb.world.listIssues().filter((i) => sb.world.kindOf(i) === 'testExecution')).toHaveLength(1);
  expect((await readLastResults(sb.kvs, ['609'])).get('609')).toMatchObject({ status: 'PASSED', testExecutionKey: te.key });
  // The first version's token entry (keyed without the secret) is never served, and is gone after the sign-in.
  expect(await sb.kvs.getSecret(oldTokenKey)).toBeUndefined();
});
