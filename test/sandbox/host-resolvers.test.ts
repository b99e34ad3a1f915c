/**
 * The sandbox host's resolver route over HTTP: only the resolver keys the app defines are served; a name every
 * JavaScript object carries (`constructor`, `__proto__`, `toString`) is an unknown key like any other.
 */
import { startSandbox, type Sandbox } from '../../sandbox/host';

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox();
});
afterAll(() => sb.close());

async function call(kind: 'panel' | 'admin', key: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${sb.resolverUrl}/${kind}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ key, payload: { probe: 'echo me' }, accountId: 'someone' }),
  });
  return { status: res.status, body: await res.json() };
}

describe('sandbox resolver keys', () => {
  test.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('"%s" is answered 404 as an unknown key, on both resolvers', async (key) => {
    for (const kind of ['panel', 'admin'] as const) {
      const res = await call(kind, key);
      expect({ kind, status: res.status, body: res.body }).toEqual({ kind, status: 404, body: { error: `no resolver key ${key}` } });
    }
  });

  test('a key the app defines is still served', async () => {
    const res = await call('admin', 'getSettings');
    expect(res.status).toBe(200);
    expect(res.body).toHaveProperty('ok');
  });
});
