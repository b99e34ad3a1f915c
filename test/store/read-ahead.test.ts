/**
 * Reading ahead (issue 17): what a getPanel call read in one batch answers that call's later reads, never another
 * call's, and a write forgets what was read for its key.
 */
import { MemoryKvs } from '../../sandbox/forge/memory-kvs';
import { readAhead, readAheadQuery, readAheadScope, withReadAhead } from '../../src/store/read-ahead';

describe('reading ahead', () => {
  it("answers a call's reads of the keys it read ahead without storage, missing keys included", async () => {
    const raw = new MemoryKvs();
    await raw.set('a', 1);
    await raw.set('b', 2);
    const kvs = withReadAhead(raw);
    await readAheadScope(async () => {
      await readAhead(raw, ['a', 'b', 'none']);
      raw.resetCalls();
      expect(await kvs.get('a')).toBe(1);
      expect(await kvs.get('none')).toBeUndefined();
      expect((await kvs.batchGet([{ key: 'a' }, { key: 'b' }, { key: 'none' }])).successfulKeys).toEqual([
        { key: 'a', value: 1 },
        { key: 'b', value: 2 },
      ]);
      expect(raw.totalCalls).toBe(0);
      // A key not read ahead goes to storage.
      await kvs.get('c');
      expect(raw.calls).toEqual({ get: 1 });
    });
  });

  it('never answers another call, nor a read outside a call, and a call reads its own writes', async () => {
    const raw = new MemoryKvs();
    await raw.set('a', 1);
    const kvs = withReadAhead(raw);
    let other: unknown;
    await readAheadScope(async () => {
      await readAhead(raw, ['a']);
      // Someone else changes it meanwhile: this call keeps what it read, another call and a bare read do not.
      await raw.set('a', 3);
      expect(await kvs.get('a')).toBe(1);
      other = await readAheadScope(() => kvs.get('a'));
      expect(await kvs.set('a', 2)).toBeUndefined();
      expect(await kvs.get('a')).toBe(2);
    });
    expect(other).toBe(3);
    raw.resetCalls();
    expect(await kvs.get('a')).toBe(2);
    expect(raw.calls).toEqual({ get: 1 });
  });

  it('answers the first page of a query read ahead, and reads any other page', async () => {
    const raw = new MemoryKvs();
    for (let i = 0; i < 25; i++) await raw.set(`planrun:274:${String(i).padStart(2, '0')}`, { jobId: String(i) });
    const kvs = withReadAhead(raw);
    await readAheadScope(async () => {
      await readAheadQuery(raw, 'planrun:274:', 10);
      raw.resetCalls();
      const page = await kvs.query().where('key', { condition: 'BEGINS_WITH', values: ['planrun:274:'] }).limit(10).getMany();
      expect(page.results).toHaveLength(10);
      expect(raw.totalCalls).toBe(0);
      await kvs.query().where('key', { condition: 'BEGINS_WITH', values: ['planrun:274:'] }).limit(20).getMany();
      expect(raw.calls).toEqual({ query: 1 });
    });
  });
});
