import { MemoryKvs } from '../../sandbox/forge/memory-kvs';
import { coalesceBatchGets } from '../../src/store/coalescing-kvs';
import { getMany } from '../../src/store/kvs-port';

describe('batch reads issued together travel together', () => {
  it('sends two reads made at the same moment as one batchGet, each caller getting its own keys', async () => {
    const kvs = new MemoryKvs();
    await kvs.set('a', 1);
    await kvs.set('b', 2);
    await kvs.set('c', 3);
    kvs.resetCalls();
    const shared = coalesceBatchGets(kvs);
    const [x, y] = await Promise.all([getMany(shared, ['a', 'b']), getMany(shared, ['b', 'c', 'missing'])]);
    expect([...x]).toEqual([['a', 1], ['b', 2]]);
    expect([...y]).toEqual([['b', 2], ['c', 3]]);
    expect(kvs.calls).toEqual({ batchGet: 1 });
  });

  it('keeps to 25 keys a call, and reads made one after the other stay apart', async () => {
    const kvs = new MemoryKvs();
    const shared = coalesceBatchGets(kvs);
    const keys = (p: string) => Array.from({ length: 20 }, (_, i) => `${p}${i}`);
    await Promise.all([getMany(shared, keys('a')), getMany(shared, keys('b'))]);
    expect(kvs.calls.batchGet).toBe(2);
    await getMany(shared, ['z']);
    await getMany(shared, ['y']);
    expect(kvs.calls.batchGet).toBe(4);
  });

  it('hands a throttle to every caller of the merged read', async () => {
    const kvs = new MemoryKvs();
    const shared = coalesceBatchGets(kvs);
    kvs.throttle(1);
    const answers = await Promise.allSettled([getMany(shared, ['a']), getMany(shared, ['b'])]);
    expect(answers.map((a) => a.status)).toEqual(['rejected', 'rejected']);
  });
});
