import { MemoryKvs } from '../../sandbox/forge/memory-kvs';
import { LinkRecord, LinkStore } from '../../src/store/link-store';
import { lastResultItem, readLastResults } from '../../src/store/run-store';

const rec = (issueId: string, kind: LinkRecord['issueKind'], testsigmaId: string): LinkRecord => ({
  issueId,
  issueKind: kind,
  testsigmaKind: kind === 'test' ? 'testCase' : kind === 'testSet' ? 'testSuite' : 'testPlan',
  testsigmaId,
  linkedBy: 'alice',
  linkedAt: '2026-11-30T10:00:00.000Z',
});

describe('LinkStore', () => {
  it('links many cases to one Test and one case to one Test only', async () => {
    const store = new LinkStore(new MemoryKvs());
    expect((await store.claim(rec('100', 'test', '609'))).ok).toBe(true);
    expect((await store.claim(rec('100', 'test', '610'))).ok).toBe(true);
    const clash = await store.claim(rec('101', 'test', '609'));
    expect(clash).toMatchObject({ ok: false, conflict: 'entity', existing: { issueId: '100' } });
    expect((await store.listForIssue('100')).map((l) => l.testsigmaId)).toEqual(['609', '610']);
    expect(await store.listForIssue('101')).toEqual([]);
  });

  it('gives a Test Set one suite and a suite one Test Set', async () => {
    const store = new LinkStore(new MemoryKvs());
    expect((await store.claim(rec('200', 'testSet', '55'))).ok).toBe(true);
    expect(await store.claim(rec('200', 'testSet', '56'))).toMatchObject({ ok: false, conflict: 'slot', existing: { testsigmaId: '55' } });
    expect(await store.claim(rec('201', 'testSet', '55'))).toMatchObject({ ok: false, conflict: 'entity', existing: { issueId: '200' } });
    // The refused suite 56 left nothing behind: another set may take it.
    expect((await store.claim(rec('201', 'testSet', '56'))).ok).toBe(true);
  });

  it('gives a Test Plan one plan and a plan one Test Plan, and frees both on unlink', async () => {
    const store = new LinkStore(new MemoryKvs());
    expect((await store.claim(rec('300', 'testPlan', '274'))).ok).toBe(true);
    expect((await store.claim(rec('301', 'testPlan', '274'))).ok).toBe(false);
    expect(await store.unlink('300', 'testPlan', '274')).toBe(true);
    expect((await store.claim(rec('301', 'testPlan', '274'))).ok).toBe(true);
    expect((await store.claim(rec('300', 'testPlan', '275'))).ok).toBe(true);
  });

  it('answers false when unlinking what is not linked here, and keeps the other link', async () => {
    const store = new LinkStore(new MemoryKvs());
    await store.claim(rec('100', 'test', '609'));
    expect(await store.unlink('101', 'testCase', '609')).toBe(false);
    expect(await store.unlink('100', 'testCase', '999')).toBe(false);
    expect((await store.owner('testCase', '609'))?.issueId).toBe('100');
  });

  it('is idempotent for the same link and repairs a missing index entry', async () => {
    const kvs = new MemoryKvs();
    const store = new LinkStore(kvs);
    await store.claim(rec('100', 'test', '609'));
    await kvs.delete('issue:100:testCase:609'); // as if a crash hit between the claim and the index write
    const again = await store.claim(rec('100', 'test', '609'));
    expect(again).toMatchObject({ ok: true, created: false });
    expect((await store.listForIssue('100')).map((l) => l.testsigmaId)).toEqual(['609']);
  });

  it('lets exactly one of 30 concurrent links of one case win', async () => {
    const kvs = new MemoryKvs({ latencyMs: 1 });
    const store = new LinkStore(kvs);
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => store.claim(rec(String(1000 + i), 'test', '609'))));
    const winners = results.filter((r) => r.ok);
    expect(winners).toHaveLength(1);
    const owner = await store.owner('testCase', '609');
    expect(owner?.issueId).toBe((winners[0] as { record: LinkRecord }).record.issueId);
    const indexed = (await Promise.all(results.map((_, i) => store.listForIssue(String(1000 + i))))).flat();
    expect(indexed).toHaveLength(1);
  });

  it('keeps "one suite per set" under concurrency', async () => {
    const store = new LinkStore(new MemoryKvs({ latencyMs: 1 }));
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => store.claim(rec('200', 'testSet', String(50 + i)))));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(await store.listForIssue('200')).toHaveLength(1);
  });

  it('pages through more than 20 links and maps cases in batches of 25', async () => {
    const kvs = new MemoryKvs();
    const store = new LinkStore(kvs);
    for (let i = 0; i < 50; i++) await store.claim(rec('100', 'test', String(700 + i)));
    kvs.resetCalls();
    expect(await store.listForIssue('100')).toHaveLength(50);
    expect(kvs.calls).toEqual({ query: 3 });
    kvs.resetCalls();
    const owners = await store.ownersOfCases(Array.from({ length: 60 }, (_, i) => String(700 + i)));
    expect(owners.size).toBe(50);
    expect(kvs.calls).toEqual({ batchGet: 3 });
  });

  it('marks which Tests have links, for coverage, and clears the mark with the last link', async () => {
    const store = new LinkStore(new MemoryKvs());
    await store.claim(rec('100', 'test', '609'));
    await store.claim(rec('100', 'test', '610'));
    await store.claim(rec('101', 'test', '611'));
    expect([...(await store.testsWithLinks(['100', '101', '102']))].sort()).toEqual(['100', '101']);
    await store.unlink('100', 'testCase', '609');
    expect(await store.testsWithLinks(['100'])).toEqual(new Set(['100']));
    await store.unlink('100', 'testCase', '610');
    expect(await store.testsWithLinks(['100', '101'])).toEqual(new Set(['101']));
    await store.removeAllForIssue('101');
    expect(await store.testsWithLinks(['101'])).toEqual(new Set());
  });

  it('keeps the mark right when a link and the last unlink of one Test race', async () => {
    for (let round = 0; round < 20; round++) {
      const store = new LinkStore(new MemoryKvs({ latencyMs: 1 }));
      await store.claim(rec('100', 'test', '609'));
      await Promise.all([store.unlink('100', 'testCase', '609'), store.claim(rec('100', 'test', '610'))]);
      const links = await store.listForIssue('100');
      expect((await store.testsWithLinks(['100'])).has('100')).toBe(links.length > 0);
    }
  });

  it('forgets the last result of a case it unlinks, but not of a case another Test owns', async () => {
    const kvs = new MemoryKvs();
    const store = new LinkStore(kvs);
    await store.claim(rec('100', 'test', '609'));
    await store.claim(rec('100', 'test', '610'));
    const last = { status: 'PASSED', runId: '337', at: '2026-11-30T09:00:00.000Z' };
    await kvs.batchSet([lastResultItem('609', last), lastResultItem('610', last)]);
    // A stale index entry on 101 (a crash between writes): removing it must not touch 100's result.
    await kvs.set('issue:101:testCase:609', rec('101', 'test', '609'));
    expect(await store.unlink('101', 'testCase', '609')).toBe(true);
    expect([...(await readLastResults(kvs, ['609', '610'])).keys()]).toEqual(['609', '610']);
    expect(await store.unlink('100', 'testCase', '609')).toBe(true);
    expect([...(await readLastResults(kvs, ['609', '610'])).keys()]).toEqual(['610']);
    await store.removeAllForIssue('100');
    expect((await readLastResults(kvs, ['609', '610'])).size).toBe(0);
  });

  it('removes every link of a deleted issue', async () => {
    const store = new LinkStore(new MemoryKvs());
    await store.claim(rec('100', 'test', '609'));
    await store.claim(rec('100', 'test', '610'));
    expect((await store.removeAllForIssue('100')).map((l) => l.testsigmaId)).toEqual(['609', '610']);
    expect((await store.claim(rec('101', 'test', '609'))).ok).toBe(true);
  });
});
