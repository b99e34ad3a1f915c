/**
 * Syncs' share of the site's batch operations (issue 17): at most 30 a minute for all syncs together, in tokens of
 * 2 claimed in storage, so the rest of Forge's 45 stays for panels.
 */
import { MemoryKvs } from '../../sandbox/forge/memory-kvs';
import { SYNC_BATCH_OPS_PER_MINUTE, SyncPacer, TOKEN_OPS } from '../../src/store/sync-pacer';

describe('the sync pacer', () => {
  it("grants 30 batch operations a minute across syncs, then says how long until the next minute's", async () => {
    let now = Date.UTC(2026, 11, 6, 8, 0, 10);
    const kvs = new MemoryKvs({ now: () => now });
    // Two consumers of one site: they share the minute's tokens through storage.
    const a = new SyncPacer(kvs, () => now);
    const b = new SyncPacer(kvs, () => now);
    let granted = 0;
    for (let i = 0; i < 20; i++) if ((await (i % 2 ? a : b).reserve(TOKEN_OPS)).ok) granted += TOKEN_OPS;
    expect(granted).toBe(SYNC_BATCH_OPS_PER_MINUTE);
    expect(await a.reserve(1)).toEqual({ ok: false, waitSeconds: 50 });
    now += 50_000;
    expect(await a.reserve(TOKEN_OPS)).toEqual({ ok: true });
    // Claiming tokens spends requests, never batch operations.
    expect(kvs.usage.batchOps).toBe(0);
  });

  it('gives back what it took when a step does not fit, and lets a step larger than a minute go in a minute of its own', async () => {
    const now = Date.UTC(2026, 11, 6, 8, 0, 0);
    const kvs = new MemoryKvs({ now: () => now });
    const pacer = new SyncPacer(kvs, () => now);
    expect((await pacer.reserve(SYNC_BATCH_OPS_PER_MINUTE - TOKEN_OPS)).ok).toBe(true);
    expect((await pacer.reserve(2 * TOKEN_OPS)).ok).toBe(false);
    // The one token left was not kept by the refused step.
    expect((await pacer.reserve(TOKEN_OPS)).ok).toBe(true);
    const next = new SyncPacer(kvs, () => now + 60_000);
    expect((await next.reserve(200)).ok).toBe(true);
    expect((await next.reserve(1)).ok).toBe(false);
  });

  it('paces nothing when no share is set', async () => {
    const kvs = new MemoryKvs();
    const pacer = new SyncPacer(kvs, () => 0, 0);
    for (let i = 0; i < 100; i++) expect((await pacer.reserve(10)).ok).toBe(true);
    expect(kvs.totalCalls).toBe(0);
  });
});
