import { MemoryKvs } from '../../sandbox/forge/memory-kvs';
import { MemoryQueue } from '../../sandbox/forge/memory-queue';
import { isKvsThrottle } from '../../src/store/kvs-port';
import { unitsOf } from '../../sandbox/forge/rate-limits';
import { startSandbox } from '../../sandbox/host';

/** A clock the test moves by hand: the limits count on it, never on the wall clock. */
function testClock(start = Date.parse('2026-12-01T09:00:00Z')) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

const refusal = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as { status?: number; code?: string; message?: string });

describe("the sandbox store enforces Forge's storage rate limits", () => {
  it('is on by default, in a bare store and in the sandbox host', async () => {
    const clock = testClock();
    const kvs = new MemoryKvs({ now: clock.now });
    for (let i = 0; i < 45; i++) await kvs.batchGet([{ key: `k${i}` }]);
    const err = await refusal(kvs.batchGet([{ key: 'one-too-many' }]));
    expect(err).toMatchObject({ status: 429, code: 'RATE_LIMIT_EXCEEDED' });
    expect(isKvsThrottle(err)).toBe(true);

    const sb = await startSandbox({ now: clock.now });
    try {
      expect(sb.kvs.limiter.enforce).toBe(true);
      expect(sb.queue.limiter.enforce).toBe(true);
    } finally {
      await sb.close();
    }
  });

  it('allows 45 batch operations a minute of the clock, counting batchGet, batchSet, batchDelete and transact', async () => {
    const clock = testClock();
    const kvs = new MemoryKvs({ now: clock.now });
    for (let i = 0; i < 11; i++) await kvs.batchGet([{ key: 'a' }]);
    for (let i = 0; i < 11; i++) await kvs.batchSet([{ key: `a${i}`, value: i }]);
    for (let i = 0; i < 11; i++) await kvs.batchDelete([{ key: `a${i}` }]);
    for (let i = 0; i < 12; i++) await kvs.transact().set(`t${i}`, i).execute();
    // Plain requests are no batch operations.
    await kvs.set('plain', 1);
    expect(await refusal(kvs.transact().set('late', 1).execute())).toMatchObject({ status: 429 });
    expect(await kvs.get('late')).toBeUndefined();
    clock.advance(59_999);
    expect(await refusal(kvs.batchGet([{ key: 'a' }]))).toMatchObject({ code: 'RATE_LIMIT_EXCEEDED' });
    clock.advance(1);
    await expect(kvs.batchGet([{ key: 'a' }])).resolves.toBeDefined();
    expect(kvs.usage.batchOps).toBe(46);
  });

  it('allows 1,000 requests a second', async () => {
    const clock = testClock();
    const kvs = new MemoryKvs({ now: clock.now });
    for (let i = 0; i < 1000; i++) await kvs.get('k');
    expect(await refusal(kvs.set('k', 1))).toMatchObject({ status: 429 });
    expect(await kvs.peek('k')).toBeUndefined();
    clock.advance(1000);
    await kvs.set('k', 1);
    expect(kvs.peek('k')).toBe(1);
  });

  it('counts read and write units of 10 KB, per request the larger of what it sends and gets back, at least 1', async () => {
    expect(unitsOf({ sentBytes: 10, receivedBytes: 0 })).toBe(1);
    expect(unitsOf({ sentBytes: 10, receivedBytes: 65 * 1024 })).toBe(7);
    const clock = testClock();
    const kvs = new MemoryKvs({ now: clock.now });
    const big = 'x'.repeat(200 * 1024);
    await kvs.set('big', big);
    expect(kvs.usage).toEqual({ requests: 1, batchOps: 0, readUnits: 0, writeUnits: 21 });
    await kvs.get('big');
    await kvs.get('missing');
    expect(kvs.usage).toEqual({ requests: 3, batchOps: 0, readUnits: 22, writeUnits: 21 });
  });

  it('refuses reads past 4,000 read units a minute and writes past 4,000 write units, each on its own', async () => {
    const clock = testClock();
    const kvs = new MemoryKvs({ now: clock.now });
    const big = 'x'.repeat(200 * 1024); // 21 units
    for (let i = 0; i < 190; i++) await kvs.set(`w${i % 5}`, big); // 3,990 write units
    expect(await refusal(kvs.set('w0', big))).toMatchObject({ status: 429 });
    await kvs.set('small', 1); // 3,991: still fits
    for (let i = 0; i < 190; i++) await kvs.get('w0'); // reads are counted apart: 3,990 read units
    expect(await refusal(kvs.get('w0'))).toMatchObject({ status: 429 });
    expect(kvs.limiter.refused).toEqual({ 'write units a minute': 1, 'read units a minute': 1 });
    clock.advance(60_000);
    await expect(kvs.get('w0')).resolves.toBe(big);
  });

  it('refuses a batchSet payload over 4,000,000 bytes and writes none of it', async () => {
    const kvs = new MemoryKvs({ now: testClock().now });
    const value = 'v'.repeat(230 * 1024);
    const items = Array.from({ length: 17 }, (_, i) => ({ key: `p${i}`, value }));
    const err = await refusal(kvs.batchSet(items));
    expect(err?.message).toMatch(/4000000 bytes/);
    expect(kvs.keys()).toEqual([]);
    await kvs.batchSet(items.slice(0, 16));
    expect(kvs.keys()).toHaveLength(16);
  });

  it('counts nothing against the limits when a test turns them off (this one measures the counting alone)', async () => {
    const kvs = new MemoryKvs({ now: testClock().now, rateLimits: false });
    for (let i = 0; i < 60; i++) await kvs.batchGet([{ key: 'a' }]);
    expect(kvs.usage.batchOps).toBe(60);
    expect(kvs.limiter.refused).toEqual({});
  });
});

describe("the sandbox queue enforces Forge's event limits", () => {
  it('takes 500 events a minute of the clock and refuses more with a 429', async () => {
    const clock = testClock();
    const queue = new MemoryQueue({ now: clock.now, msPerSecond: 0 });
    queue.setConsumer(async () => undefined);
    for (let i = 0; i < 10; i++) await queue.push(Array.from({ length: 50 }, () => ({ body: { n: i } })));
    const err = await refusal(queue.push([{ body: { n: 'late' } }]));
    expect(err).toMatchObject({ status: 429, code: 'RATE_LIMIT_EXCEEDED' });
    expect(queue.stats.pushed).toBe(500);
    clock.advance(60_000);
    await queue.push([{ body: { n: 'next minute' } }]);
    expect(queue.stats.pushed).toBe(501);
    await queue.idle();
  });

  it('refuses a delay over 900 seconds', async () => {
    const queue = new MemoryQueue({ now: testClock().now });
    await expect(queue.push([{ body: {}, delayInSeconds: 901 }])).rejects.toThrow(/0 to 900/);
    expect(queue.stats.pushed).toBe(0);
  });
});
