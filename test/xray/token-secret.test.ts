/** Finding 6 (issue 10): the cached Xray token is bound to the secret it was issued for, and a check signs in afresh. */
import { FIXTURE_CREDENTIALS, fixture, setup } from './fake-xray';
import { XrayError } from '../../src/xray/xray-types';

const READ = { idempotent: true } as const;

describe('finding 6: the token cache covers the client secret', () => {
  it('a wrong client secret is never served the token cached for the right one', async () => {
    const t = setup();
    await t.client().graphql('{ x }', {}, READ);
    t.xray.script('authenticate', { status: 401, body: fixture('authenticate.error.401.invalid-credentials.json') });
    const wrong = t.client({ clientSecret: `${FIXTURE_CREDENTIALS.client_secret}-typo` });
    await expect(wrong.graphql('{ x }', {}, READ)).rejects.toMatchObject({ kind: 'auth' });
    expect(t.xray.calls('authenticate')).toHaveLength(2);
    // The right secret still has its token: no request spent on it.
    await t.client().graphql('{ y }', {}, READ);
    expect(t.xray.calls('authenticate')).toHaveLength(2);
  });

  it('authenticate({ fresh: true }) signs in even while a token is cached, and a refusal is an auth error', async () => {
    const t = setup();
    await t.client().graphql('{ x }', {}, READ);
    await t.client().authenticate({ fresh: true });
    expect(t.xray.calls('authenticate')).toHaveLength(2);
    t.xray.script('authenticate', { status: 401, body: fixture('authenticate.error.401.invalid-credentials.json') });
    const err = await t.client().authenticate({ fresh: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(XrayError);
    expect((err as XrayError).kind).toBe('auth');
  });
});
