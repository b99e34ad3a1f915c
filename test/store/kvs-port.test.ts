import { claimKey, isKvsThrottle } from '../../src/store/kvs-port';
import { MemoryKvs } from '../../sandbox/forge/memory-kvs';

describe('isKvsThrottle', () => {
  it('recognises a throttle by status, by Forge responseDetails, by code and by message', async () => {
    expect(isKvsThrottle({ status: 429 })).toBe(true);
    expect(isKvsThrottle({ responseDetails: { status: 429 } })).toBe(true);
    expect(isKvsThrottle({ code: 'RATE_LIMIT_EXCEEDED' })).toBe(true);
    const kvs = new MemoryKvs();
    kvs.throttle(1);
    const err = await kvs.get('a').then(() => undefined, (e: unknown) => e);
    expect(isKvsThrottle(err)).toBe(true);
  });

  it('does not take other failures for throttles', () => {
    expect(isKvsThrottle(new Error('Key already exists'))).toBe(false);
    expect(isKvsThrottle({ responseDetails: { status: 500 } })).toBe(false);
    expect(isKvsThrottle(undefined)).toBe(false);
  });
});

describe('claimKey', () => {
  it('wins a free key, loses a held one to its holder (unchanged), and lets a real failure through', async () => {
    const kvs = new MemoryKvs();
    expect(await claimKey(kvs, 'c:1', { by: 'a' })).toEqual({ won: true });
    expect(await claimKey(kvs, 'c:1', { by: 'b' })).toEqual({ won: false, holder: { by: 'a' } });
    expect(await kvs.get('c:1')).toEqual({ by: 'a' });
    kvs.throttle(1);
    const err = await claimKey(kvs, 'c:2', { by: 'a' }).then(() => undefined, (e: unknown) => e);
    expect(isKvsThrottle(err)).toBe(true);
    expect(await kvs.get('c:2')).toBeUndefined();
  });
});
