/**
 * The case index (issue 17): the sync's case -> Test map in 16 shards, kept by link and unlink under its lock,
 * filled from the claims on a site that ran a version without it, and never naming a Test a case has left.
 */
import { MemoryKvs } from '../../sandbox/forge/memory-kvs';
import { LinkRecord, LinkStore } from '../../src/store/link-store';
import { CASE_INDEX_META_KEY, CASE_INDEX_SHARDS, CaseIndex, caseIndexKeys, lookupIn, metaOf, plansIn, testsIn } from '../../src/store/case-index';
import { getMany } from '../../src/store/kvs-port';
import { readPlanResults } from '../../src/store/plan-results';
import { recordAsSync } from '../support/record-results';

const rec = (issueId: string, testsigmaId: string): LinkRecord => ({ issueId, issueKind: 'test', testsigmaKind: 'testCase', testsigmaId, linkedBy: 'alice', linkedAt: '2026-11-30T10:00:00.000Z' });

async function index(kvs: MemoryKvs) {
  return getMany<unknown>(kvs, [CASE_INDEX_META_KEY, ...caseIndexKeys()]);
}

describe('the case index', () => {
  it('spreads cases over 16 shards and finds each case of a 2,000-case run with one batch read', async () => {
    // Limits off: linking 2,000 cases one by one is more than a minute's storage.
    const kvs = new MemoryKvs({ rateLimits: false });
    const links = new LinkStore(kvs);
    await links.claim(rec('10', '100000'));
    await links.claimCases(Array.from({ length: 1999 }, (_, i) => rec(String(11 + (i % 40)), String(100001 + i))));
    const ids = Array.from({ length: 2000 }, (_, i) => String(100000 + i));
    expect(caseIndexKeys(ids)).toHaveLength(CASE_INDEX_SHARDS);
    kvs.resetCalls();
    const tests = await links.casesToTests(ids);
    expect(kvs.calls).toEqual({ batchGet: 1 });
    expect(tests.size).toBe(2000);
    expect(tests.get('100000')).toBe('10');
    expect(tests.get('100001')).toBe('11');
    // Every shard stays well under Forge's 240 KiB value limit.
    for (const key of caseIndexKeys()) expect(Buffer.byteLength(JSON.stringify(await kvs.get(key)))).toBeLessThan(240 * 1024);
  });

  it('forgets a case when it is unlinked, and names its new Test when it is linked again elsewhere', async () => {
    const kvs = new MemoryKvs();
    const links = new LinkStore(kvs);
    await links.claim(rec('10', '601'));
    await links.claim(rec('10', '602'));
    expect(await links.unlink('10', 'testCase', '601')).toBe(true);
    expect(Object.fromEntries(lookupIn(await index(kvs), ['601', '602']))).toEqual({ '602': '10' });
    await links.claim(rec('11', '601'));
    expect(Object.fromEntries(lookupIn(await index(kvs), ['601', '602']))).toEqual({ '601': '11', '602': '10' });
    expect(Object.fromEntries(testsIn(await index(kvs)))).toEqual({ '10': ['602'], '11': ['601'] });
  });

  it('keeps every one of 30 links made at once (each a read and write of its shard under the lock)', async () => {
    const kvs = new MemoryKvs();
    const links = new LinkStore(kvs);
    await links.claim(rec('10', '500'));
    await Promise.all(Array.from({ length: 30 }, (_, i) => links.claim(rec(String(20 + i), String(600 + i)))));
    const found = lookupIn(await index(kvs), Array.from({ length: 30 }, (_, i) => String(600 + i)));
    expect(found.size).toBe(30);
    // No lock is left behind.
    expect(kvs.keys().filter((k) => k.includes('lock'))).toEqual([]);
  });

  it('fills itself from the claims of a site that ran the version without it, a step at a time, and says when it is complete', async () => {
    const kvs = new MemoryKvs({ rateLimits: false });
    // 1,100 claims and one per-case result, as that version wrote them.
    for (let i = 0; i < 1100; i++) await kvs.set(`link:testCase:${700000 + i}`, rec(String(50 + (i % 7)), String(700000 + i)));
    await kvs.set('last:700000', { status: 'PASSED', runId: 'r', at: '2026-11-01T00:00:00.000Z' });
    const ix = new CaseIndex(kvs);
    // 50 pages of 20 a step: the first leaves 100 claims for the next.
    expect(await ix.fill()).toBe(false);
    expect(metaOf(await index(kvs))).toMatchObject({ complete: false, legacyResults: true });
    expect(await ix.fill()).toBe(true);
    const ids = Array.from({ length: 1100 }, (_, i) => String(700000 + i));
    const found = lookupIn(await index(kvs), ids);
    expect(found.size).toBe(1100);
    expect(found.get('701099')).toBe(String(50 + (1099 % 7)));
    // Once complete, a fill is one read.
    kvs.resetCalls();
    expect(await ix.fill()).toBe(true);
    expect(kvs.totalCalls).toBe(1);
  });

  it('notes the plans a case reports under, only for a case it lists, and drops them with the case', async () => {
    const kvs = new MemoryKvs();
    const links = new LinkStore(kvs);
    await links.claim(rec('10', '601'));
    const ix = new CaseIndex(kvs);
    await ix.apply([{ caseId: '601', addPlan: '274' }, { caseId: '601', addPlan: '275' }, { caseId: '601', addPlan: '274' }, { caseId: '999', addPlan: '274' }]);
    expect(Object.fromEntries(plansIn(await index(kvs), ['601', '999']))).toEqual({ '601': ['274', '275'] });
    await links.unlink('10', 'testCase', '601');
    expect(plansIn(await index(kvs), ['601']).size).toBe(0);
  });
});

describe("a deleted Test's data", () => {
  it('goes: its links, plan marks, index entries and its cases results in the plans', async () => {
    const kvs = new MemoryKvs();
    const links = new LinkStore(kvs);
    await links.claim(rec('10', '601'));
    await links.claim(rec('11', '602'));
    const at = '2026-12-01T08:00:00.000Z';
    for (const [caseId, test] of [['601', '10'], ['602', '11']] as const) {
      await recordAsSync(kvs, caseId, { status: 'PASSED', word: 'SUCCESS', runId: 'n-1', at, testIssueId: test }, '274');
    }
    expect(kvs.keys()).toContain('issue:10:zplan:274');
    await links.removeAllForIssue('10');
    expect(kvs.keys().filter((k) => k.startsWith('issue:10:') || k === 'link:testCase:601')).toEqual([]);
    expect(Object.fromEntries(lookupIn(await index(kvs), ['601', '602']))).toEqual({ '602': '11' });
    expect([...(await readPlanResults(kvs, '274')).keys()]).toEqual(['602']);
  });
});

describe('a link the index cannot take', () => {
  it('is given back whole when the index stays locked, so nothing is linked that the sync would not find', async () => {
    const kvs = new MemoryKvs();
    const links = new LinkStore(kvs);
    await links.claim(rec('10', '601'));
    // Another writer holds the index's lock through every pause (about 6 s).
    await kvs.set('cx:lock', { at: 0 }, { ttl: { value: 60, unit: 'SECONDS' } });
    await expect(links.claim(rec('10', '602'))).rejects.toMatchObject({ code: 'STORE_LOCK_BUSY' });
    expect(await links.owner('testCase', '602')).toBeUndefined();
    expect((await links.listForIssue('10')).map((l) => l.testsigmaId)).toEqual(['601']);
    await kvs.delete('cx:lock');
    expect((await links.claim(rec('10', '602'))).ok).toBe(true);
    expect(Object.fromEntries(lookupIn(await index(kvs), ['602']))).toEqual({ '602': '10' });
  }, 15_000);
});
