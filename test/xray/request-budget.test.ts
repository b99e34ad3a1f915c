import { MemoryKvs } from '../../sandbox/forge/memory-kvs';
import { BudgetLease, budgetWindow, RequestBudget, secondsToNextWindow } from '../../src/xray/request-budget';
import { XrayError } from '../../src/xray/xray-types';
import { FakeClock, setup } from './fake-xray';

describe('the site request budget', () => {
  it('lets 5 requests through across two clients on one store, and refuses the 6th without calling Xray', async () => {
    const t = setup({ requestsPer5Minutes: 5 });
    const a = t.client();
    const b = t.client();
    await a.graphql('{ a1 }', {}, { idempotent: true }); // authenticate + graphql
    await a.graphql('{ a2 }', {}, { idempotent: true });
    await b.graphql('{ b1 }', {}, { idempotent: true }); // token from KVS: no authenticate
    await b.graphql('{ b2 }', {}, { idempotent: true });
    expect(t.xray.sent).toHaveLength(5);

    const err = await b.graphql('{ b3 }', {}, { idempotent: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(XrayError);
    expect(err).toMatchObject({ kind: 'rate_limited', details: { retryAfterSeconds: secondsToNextWindow(t.clock.now()) } });
    expect((err as XrayError).details.ambiguous).toBeUndefined();
    expect((err as XrayError).message).toMatch(/budget \(5 requests per 5 minutes\) is spent\. Try again in \d+ seconds\./);
    expect(t.xray.sent).toHaveLength(5);

    // A create refused by our own budget never reached Xray: retryable, not ambiguous.
    const create = await a.importExecution({ tests: [] }, { idempotent: false }).catch((e: unknown) => e);
    expect(create).toMatchObject({ kind: 'rate_limited' });
    expect(t.xray.sent).toHaveLength(5);
  });

  it('opens again in the next 5-minute window', async () => {
    const t = setup({ requestsPer5Minutes: 2 });
    const c = t.client();
    await c.graphql('{ x }', {}, { idempotent: true });
    await expect(c.graphql('{ x }', {}, { idempotent: true })).rejects.toMatchObject({ kind: 'rate_limited' });
    t.clock.advance(secondsToNextWindow(t.clock.now()) * 1000);
    await expect(c.graphql('{ x }', {}, { idempotent: true })).resolves.toEqual({ ok: true });
  });

  it('counts retries and re-authentication as requests', async () => {
    const t = setup({ requestsPer5Minutes: 3 });
    t.xray.script('graphql', { status: 429, body: '' }, { status: 429, body: '' });
    const err = await t.client().graphql('{ x }', {}, { idempotent: true }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'rate_limited', details: { retryAfterSeconds: expect.any(Number) } });
    expect(t.xray.sent.map((s) => s.endpoint)).toEqual(['authenticate', 'graphql', 'graphql']);
  });

  it('is exact under concurrent reservations from many invocations', async () => {
    const clock = new FakeClock();
    const kvs = new MemoryKvs({ now: clock.now, latencyMs: 1 });
    const budgets = [0, 1, 2, 3].map(() => new RequestBudget(kvs, clock, 25));
    const asks = Array.from({ length: 40 }, (_, i) => budgets[i % 4]!.reserve(1 + (i % 3)).then(
      (r) => r.granted,
      (e: unknown) => {
        expect(e).toMatchObject({ kind: 'rate_limited' });
        return 0;
      },
    ));
    const granted = await Promise.all(asks);
    expect(granted.reduce((a, b) => a + b, 0)).toBe(25);
    // The claims tile the window's positions 0..24 with no overlap and no gap.
    const claims = Object.entries(kvs.snapshot())
      .filter(([k]) => k.includes(':at:'))
      .map(([k, v]) => ({ at: Number(k.split(':at:')[1]), n: (v as { n: number }).n }))
      .sort((x, y) => x.at - y.at);
    let next = 0;
    for (const c of claims) {
      expect(c.at).toBe(next);
      next += c.n;
    }
    expect(next).toBe(25);
  });

  it('grants what is left when a reservation asks for more', async () => {
    const clock = new FakeClock();
    const budget = new RequestBudget(new MemoryKvs({ now: clock.now }), clock, 10);
    await expect(budget.reserve(8)).resolves.toMatchObject({ granted: 8 });
    await expect(budget.reserve(8)).resolves.toMatchObject({ granted: 2 });
    await expect(budget.reserve(1)).rejects.toMatchObject({ kind: 'rate_limited' });
  });

  it('costs few KVS operations: blocks grow 1, 2, 4, 8 as a client keeps sending', async () => {
    const clock = new FakeClock();
    const kvs = new MemoryKvs({ now: clock.now });
    const lease = new BudgetLease(new RequestBudget(kvs, clock, 300), clock);
    for (let i = 0; i < 15; i++) await lease.take();
    expect(lease.reservations).toBe(4); // 1 + 2 + 4 + 8 = 15
    expect(kvs.calls).toEqual({ get: 4, set: 8 }); // per reservation: hint read, claim, hint write
  });

  it('reserves ahead in one KVS reservation for a caller that knows its count', async () => {
    const t = setup();
    const c = t.client();
    await expect(c.reserveRequests(3)).resolves.toBe(3);
    await c.graphql('{ x }', {}, { idempotent: true });
    await c.importExecution({ tests: [] }, { idempotent: false });
    expect(c.stats.budgetReservations).toBe(1);
    expect(c.stats.requests).toBe(3);
  });

  it('drops units held from a window that has ended', async () => {
    const clock = new FakeClock();
    const kvs = new MemoryKvs({ now: clock.now });
    const budget = new RequestBudget(kvs, clock, 300);
    const lease = new BudgetLease(budget, clock);
    await lease.reserveAhead(5);
    clock.advance(5 * 60_000);
    await lease.take();
    expect(lease.reservations).toBe(2);
    const w = budgetWindow(clock.now());
    expect(kvs.keys().filter((k) => k.startsWith(`xray:budget:${w}:at:`))).toHaveLength(1);
  });

  it('lets a storage failure through rather than send uncounted requests', async () => {
    const t = setup();
    t.kvs.throttle(1);
    await expect(t.client().graphql('{ x }', {}, { idempotent: true })).rejects.toMatchObject({
      code: 'RATE_LIMIT_EXCEEDED',
    });
    expect(t.xray.sent).toHaveLength(0);
  });
});
