/**
 * KVS and Xray economy for a 2,000-result run of one Testsigma plan with every case linked (the bench measures the
 * same in the sandbox): in Forge's currencies, at most 12 batch operations and 40 storage requests for the web
 * trigger and the consumer together once the plan has run before (issue 17), and one Xray request beyond
 * authentication.
 */
import { makeWorld } from './harness';
import { createXrayClient } from '../../src/xray/xray-client';
import { createSyncConsumer } from '../../src/sync/sync-consumer';
import type { HttpResponseLike } from '../../src/ports';
import { LinkRecord, LinkStore } from '../../src/store/link-store';

const N = 2000;

function results() {
  return Array.from({ length: N }, (_, i) => ({
    testCaseId: String(1000 + i),
    status: i % 7 === 0 ? 'FAILURE' : 'SUCCESS',
    startedAt: '2026-11-25T10:00:03Z',
    finishedAt: '2026-11-25T10:01:40Z',
  }));
}

const BATCH_OPS = ['batchGet', 'batchSet', 'batchDelete', 'transact'] as const;
const batchOps = (byOp: Record<string, number>) => BATCH_OPS.reduce((n, op) => n + (byOp[op] ?? 0), 0);

async function linkAll(w: Awaited<ReturnType<typeof makeWorld>>, how: 'claims' | 'upgraded' = 'claims') {
  // One Test per case, as in the bench.
  const records: LinkRecord[] = [];
  for (let i = 0; i < N; i++) {
    const issue = w.jira.add({ key: `PROJ-${i + 1}` });
    records.push({ issueId: issue.id, issueKind: 'test', testsigmaKind: 'testCase', testsigmaId: String(1000 + i), linkedBy: 'a', linkedAt: '2026-11-01T00:00:00Z' });
  }
  if (how === 'claims') {
    // The site's first link starts the case index; the rest are linked as the sync links created Tests.
    const links = new LinkStore(w.kvs);
    await links.claim(records[0]!);
    await links.claimCases(records.slice(1));
    return;
  }
  // A site of the version before the case index: its claims only, written straight to storage.
  const items = records.map((r) => ({ key: `link:testCase:${r.testsigmaId}`, value: r }));
  for (let i = 0; i < items.length; i += 25) await w.kvs.batchSet(items.slice(i, i + 25));
}

/** Delivers one run of plan 274 and drains the queue; answers the web trigger's and the consumer's calls by op. */
async function runOnce(w: Awaited<ReturnType<typeof makeWorld>>, runId: string) {
  w.kvs.resetCalls();
  const jobId = await w.deliver({ runId, testPlanId: '274', results: results() });
  const webtrigger = { ...w.kvs.calls } as Record<string, number>;
  const webtriggerCalls = w.kvs.totalCalls;
  w.kvs.resetCalls();
  await w.drain();
  const consumer = { ...w.kvs.calls } as Record<string, number>;
  const consumerCalls = w.kvs.totalCalls;
  const view = await w.jobView(jobId);
  expect(view.state).toBe('succeeded');
  expect(view.counts).toEqual({ received: N, synced: N, unmapped: 0, failed: 0 });
  return { webtrigger, consumer, requests: webtriggerCalls + consumerCalls, batchOps: batchOps(webtrigger) + batchOps(consumer) };
}

describe('economy of a 2,000-result run', () => {
  test('a run of a plan whose cases reported before: at most 12 batch operations and 40 storage requests (issue 17)', async () => {
    // Limits off: the first run of the plan marks 2,000 Tests (2,000 single writes), more than Forge's 1,000 requests
    // a second; this counts calls, the sandbox's limiter is tested on its own and by the busy site.
    const w = await makeWorld({ rateLimits: false });
    await linkAll(w);
    const first = await runOnce(w, 'bench-2000-a');
    // The first run of the plan marks each of its 2,000 Tests once, a single write each (requests, not batch
    // operations), and adds the plan to the cases' index entries (16 shards read and written one by one, under the
    // index's lock): beside the run's own 40 at most (2,000 + 100 in all).
    expect(first.consumer.set).toBeGreaterThanOrEqual(2000);
    expect(first.batchOps).toBeLessThanOrEqual(12);
    expect(first.requests).toBeLessThanOrEqual(2000 + 100);
    const t0 = performance.now();
    const second = await runOnce(w, 'bench-2000-b');
    console.log(JSON.stringify({ first, second, ms: Math.round(performance.now() - t0) }));
    expect(second.batchOps).toBeLessThanOrEqual(12);
    expect(second.requests).toBeLessThanOrEqual(40);
    expect(w.xray.calls).toHaveLength(2);
    expect(w.xray.calls[1]!.results!.tests).toHaveLength(N);
    // The web trigger: the secret, settings and the two first-time marks (three reads, no batch operation), the Xray
    // secret, the job's batch, the pending mark, and the signature's claim that makes a replayed POST queue nothing
    // (contract section 8; no batch can carry its condition).
    expect(second.webtrigger).toEqual({ getSecret: 2, get: 3, set: 1, batchSet: 1, delete: 1 });
  });

  test('a site upgraded from the version before the case index: the sync fills it from the claims, and the next run is as cheap', async () => {
    const w = await makeWorld({ rateLimits: false });
    await linkAll(w, 'upgraded');
    const first = await runOnce(w, 'upgrade-a');
    // Every case found: the fill read the 2,000 claims (100 pages) and wrote the index.
    expect(first.consumer.query).toBeGreaterThanOrEqual(100);
    await runOnce(w, 'upgrade-b');
    const third = await runOnce(w, 'upgrade-c');
    expect(third.consumer.query ?? 0).toBe(0);
    expect(third.batchOps).toBeLessThanOrEqual(12);
  });

  test('with the real Xray client over a fake Xray host: the day\'s status list and one import beyond authentication, KVS still within budget', async () => {
    // Limits off, as above: this counts Xray requests.
    const w = await makeWorld({ rateLimits: false });
    await linkAll(w);
    const requests: string[] = [];
    const fetch = async (url: string): Promise<HttpResponseLike> => {
      const path = new URL(url).pathname;
      requests.push(path);
      const body = path.endsWith('/authenticate')
        ? JSON.stringify('header.payload.signature')
        : path.endsWith('/graphql')
          ? JSON.stringify({ data: { getStatuses: ['PASSED', 'FAILED', 'TODO', 'EXECUTING', 'ABORTED'].map((name) => ({ name })) } })
          : JSON.stringify({ id: '50000', key: 'PROJ-9999', self: 'https://example.test/rest/api/2/issue/50000' });
      return { status: 200, ok: true, headers: { get: () => null }, text: async () => body };
    };
    const sync = createSyncConsumer({
      ...w.deps,
      fetch,
      xrayClientFor: (config) => createXrayClient(config, { fetch, kvs: w.kvs, clock: w.clock, log: w.log }),
    });
    w.kvs.resetCalls();
    const jobId = await w.deliver({ runId: 'bench-2000-real', testPlanId: '274', results: results() });
    const webtriggerCalls = w.kvs.totalCalls;
    w.kvs.resetCalls();
    const ev = w.queue.pushed.shift()!;
    expect(await sync({ body: ev.body })).toBeUndefined();
    const consumerCalls = w.kvs.totalCalls;
    const consumerByOp = { ...w.kvs.calls };
    const view = await w.jobView(jobId);
    expect(view).toMatchObject({ state: 'succeeded', testExecutionKey: 'PROJ-9999' });
    const beyondAuth = requests.filter((p) => !p.endsWith('/authenticate'));
    // The site's statuses are read once and kept a day (contract section 3), then the one import.
    expect(beyondAuth).toEqual(['/api/v2/graphql', '/api/v2/import/execution/multipart']);
    // The first run of the plan: its 2,000 Tests' marks (single writes) and the index's plan notes beside the run's own few.
    expect(webtriggerCalls + consumerCalls).toBeLessThanOrEqual(2000 + 100);
    expect(batchOps(consumerByOp)).toBeLessThanOrEqual(12);
  });
});
