/**
 * The admin resolver against findings 6, 11, 16 and 17 (issue 10), and the `setup` a "Get started" checklist reads
 * (contract section 2).
 */
import type { ConnectionReport, JobView, SettingsView } from '../../src/shared/types';
import { data, setup } from './admin-fakes';
import { createWebtriggerHandler } from '../../src/webtrigger/webtrigger-handler';

const XRAY_ID = 'E1D7B5C2A9F04B7F8A3C2D1E0F9A8B7C';
const XRAY_SECRET = 'f3c9a1b27d4e8f60a5b3c7d9e1f2a4b6c8d0e2f4a6b8c0d2e4f6a8b0c2d4e6f8';

type S = ReturnType<typeof setup>;

async function configured(s: S) {
  data(await s.call('saveSettings', { xray: { region: 'eu', clientId: XRAY_ID, clientSecret: XRAY_SECRET } }));
}

describe('finding 6: testConnection signs in to Xray afresh', () => {
  it('asks the client for a fresh sign-in, never a cached token', async () => {
    const s = setup();
    await configured(s);
    data(await s.call<ConnectionReport>('testConnection'));
    expect(s.xray.signIns).toEqual([{ fresh: true }]);
  });
});

describe('finding 11: a base URL that is not a URL', () => {
  it('answers invalid_settings naming testsigma.baseUrl, and stores nothing', async () => {
    const s = setup();
    const before = s.kvs.snapshot();
    for (const baseUrl of ['not a url', 'http://', '::', 'https://user:pw@host', '']) {
      const answer = await s.call('saveSettings', { testsigma: { baseUrl } });
      expect(answer).toEqual({ ok: false, error: { code: 'invalid_settings', message: expect.stringMatching(/^testsigma\.baseUrl: /) } });
    }
    expect(s.kvs.snapshot()).toEqual(before);
  });
});

describe('finding 16: issueTypes.testExecution in the settings', () => {
  it('saves the Test Execution type name and shows it in the effective issue types; the default is Test Execution', async () => {
    const s = setup();
    expect(data(await s.call<SettingsView>('getSettings')).issueTypes.testExecution).toEqual(['Test Execution']);
    const saved = data(await s.call<SettingsView>('saveSettings', { issueTypes: { testExecution: ['Testlauf'] } }));
    expect(saved.issueTypes.testExecution).toEqual(['Testlauf']);
    const refused = await s.call('saveSettings', { issueTypes: { testExecution: ['Test'] } });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_settings', message: expect.stringMatching(/^issueTypes\.testExecution: /) } });
  });
});

describe('finding 17: retryJob of an unknown job', () => {
  it('answers not_found, saying what to do', async () => {
    const s = setup();
    await configured(s);
    const answer = await s.call<JobView>('retryJob', { jobId: 'nosuchjob000000000' });
    expect(answer).toEqual({ ok: false, error: { code: 'not_found', message: expect.stringMatching(/does not exist.*Reload the sync log/) } });
  });
});

describe('SettingsView.setup', () => {
  it('starts unknown and not set, then follows the last connection test, the secret and the first job', async () => {
    const s = setup();
    expect(data(await s.call<SettingsView>('getSettings')).setup).toEqual({ xray: 'unknown', testsigma: 'not_set', secretCreated: false, pickup: { on: true, runsPickedUp: 0 } });
    await configured(s);
    data(await s.call('saveSettings', { testsigma: { apiKey: 'ts-key-value-long-enough' } }));
    expect(data(await s.call<SettingsView>('getSettings')).setup).toMatchObject({ xray: 'unknown', testsigma: 'unknown' });
    s.xray.statuses = [{ name: 'PASSED' }, { name: 'TO DO' }];
    s.testsigma.error = new Error('Testsigma refused the API key.');
    data(await s.call<ConnectionReport>('testConnection'));
    expect(data(await s.call<SettingsView>('getSettings')).setup).toEqual({
      xray: 'ok',
      testsigma: 'failed',
      secretCreated: false,
      xrayStatuses: ['PASSED', 'TO DO'],
      xrayTestedAt: '2026-11-25T12:00:00.000Z',
      testsigmaTestedAt: '2026-11-25T12:00:00.000Z',
      pickup: { on: true, runsPickedUp: 0 },
    });
    const { secret } = data(await s.call<{ secret: string }>('rotateWebtriggerSecret'));
    const webtrigger = createWebtriggerHandler({ ...s.deps, queue: { push: async () => undefined } });
    const body = JSON.stringify({ runId: 'first', results: [{ testCaseId: '1', status: 'SUCCESS' }] });
    const res = await webtrigger({ method: 'POST', body, headers: { 'content-type': ['application/json'], authorization: [`Bearer ${secret}`] } });
    expect(res.statusCode).toBe(202);
    // The first push-mode delivery also turns the pick-up's default off (its CI may send Testsigma runs itself).
    expect(data(await s.call<SettingsView>('getSettings')).setup).toMatchObject({ secretCreated: true, firstRunAt: '2026-11-25T12:00:00.000Z', pickup: { on: false } });
  });

  it('says when each side was last tested, for the admin page\'s "Connected · tested 2 hours ago"; new credentials forget only their side\'s time', async () => {
    const s = setup();
    await configured(s);
    data(await s.call('saveSettings', { testsigma: { apiKey: 'ts-key-value-long-enough' } }));
    data(await s.call<ConnectionReport>('testConnection'));
    expect(data(await s.call<SettingsView>('getSettings')).setup).toMatchObject({
      xray: 'ok',
      xrayTestedAt: '2026-11-25T12:00:00.000Z',
      testsigma: 'ok',
      testsigmaTestedAt: '2026-11-25T12:00:00.000Z',
    });
    data(await s.call('saveSettings', { xray: { clientId: 'another-client-id' } }));
    const after = data(await s.call<SettingsView>('getSettings')).setup;
    expect(after).toMatchObject({ xray: 'unknown', testsigma: 'ok', testsigmaTestedAt: '2026-11-25T12:00:00.000Z' });
    expect(after.xrayTestedAt).toBeUndefined();
  });

  it('records no Testsigma test time while no Testsigma key is set (its state stays "not set")', async () => {
    const s = setup();
    await configured(s);
    data(await s.call<ConnectionReport>('testConnection'));
    const shown = data(await s.call<SettingsView>('getSettings')).setup;
    expect(shown).toMatchObject({ xray: 'ok', testsigma: 'not_set' });
    expect(shown.testsigmaTestedAt).toBeUndefined();
  });
});
