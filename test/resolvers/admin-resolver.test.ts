import { XrayError } from '../../src/xray/xray-types';
import type { ConnectionReport, Envelope, SettingsView, JobView } from '../../src/shared/types';
import { DEFAULT_STATUS_MAP } from '../../src/domain/status-map';
import { ADMIN, USER, WEBTRIGGER_URL, data, job, setup } from './admin-fakes';

const XRAY_ID = 'E1D7B5C2A9F04B7F8A3C2D1E0F9A8B7C';
const XRAY_SECRET = 'f3c9a1b27d4e8f60a5b3c7d9e1f2a4b6c8d0e2f4a6b8c0d2e4f6a8b0c2d4e6f8';
const TS_KEY = 'eyJhbGciOiJIUzUxMiJ9.eyJzdWIiOiJ0ZXN0c2lnbWEtYXBpLWtleSJ9.c2lnbmF0dXJlLW9mLXRoZS10ZXN0c2lnbWEta2V5';

type S = ReturnType<typeof setup>;

/** Everything stored, secrets included, for "nothing changed" checks. */
function state(s: S) {
  return { plain: s.kvs.snapshot(), secrets: s.kvs.secretValues() };
}

async function configured(s: S, extra: Record<string, unknown> = {}) {
  data(
    await s.call('saveSettings', {
      xray: { region: 'eu', clientId: XRAY_ID, clientSecret: XRAY_SECRET },
      testsigma: { apiKey: TS_KEY },
      ...extra,
    }),
  );
}

describe('admin check', () => {
  const keys: Array<[string, unknown]> = [
    ['getSettings', {}],
    ['saveSettings', { attachEvidence: true, xray: { clientSecret: 'attacker-secret-value' } }],
    ['testConnection', {}],
    ['rotateWebtriggerSecret', {}],
    ['listJobs', {}],
    ['retryJob', { jobId: 'j1' }],
  ];

  it.each(keys)('%s answers forbidden to a non-admin and changes nothing', async (key, payload) => {
    const s = setup();
    await configured(s);
    s.jobs.jobs.push(job('j1'));
    const before = state(s);
    const xrayCalls = s.xray.configs.length;
    const answer = await s.call(key, payload, USER);
    expect(answer).toEqual({ ok: false, error: { code: 'forbidden', message: "Only Jira administrators can change the Testsigma app's settings." } });
    expect(state(s)).toEqual(before);
    expect(s.xray.configs).toHaveLength(xrayCalls);
    expect(s.testsigma.pings).toHaveLength(0);
    expect(s.jobs.listed).toHaveLength(0);
    expect(s.jobs.retried).toHaveLength(0);
  });

  it.each(keys)('%s asks Jira as the user, never as the app, with no issue scope', async (key, payload) => {
    const s = setup();
    await s.call(key, payload, USER);
    const checks = s.jira.calls.filter((c) => c.path.startsWith('/rest/api/3/mypermissions'));
    expect(checks).toEqual([{ as: USER, path: '/rest/api/3/mypermissions?permissions=ADMINISTER' }]);
    expect(s.jira.calls.some((c) => c.as === 'app')).toBe(false);
  });

  it('refuses a call without an account id (an anonymous or app invocation)', async () => {
    const s = setup();
    const answer = await s.call('getSettings', {}, null);
    expect(answer.ok).toBe(false);
    expect(!answer.ok && answer.error.code).toBe('forbidden');
    expect(s.jira.calls).toHaveLength(0);
  });

  it('lets the platform consent error through so Jira shows "Allow access"', async () => {
    const s = setup();
    const consent = Object.assign(new Error('Authentication required'), { name: 'NEEDS_AUTHENTICATION_ERR' });
    s.jira.userError = consent;
    await expect(s.handlers['getSettings']!({ payload: {}, context: { accountId: ADMIN } })).rejects.toBe(consent);
  });

  it('answers internal, not forbidden, when Jira itself fails the permission check', async () => {
    const s = setup();
    s.jira.userError = new Error('socket hang up');
    const answer = await s.call('getSettings');
    expect(!answer.ok && answer.error.code).toBe('internal');
  });
});

describe('getSettings', () => {
  it('answers the defaults before anything was saved', async () => {
    const s = setup();
    expect(data(await s.call<SettingsView>('getSettings'))).toEqual({
      xray: { region: 'global', clientId: '', hasClientSecret: false, requestsPer5Minutes: 300 },
      testsigma: { baseUrl: 'https://app.testsigma.com', hasApiKey: false, autoPickup: true },
      attachEvidence: false,
      runFromJira: true,
      statusMap: { ...DEFAULT_STATUS_MAP },
      issueTypes: { test: ['Test'], testSet: ['Test Set'], testPlan: ['Test Plan'], testExecution: ['Test Execution'] },
      defects: { issueType: 'Bug' },
      webtrigger: { url: WEBTRIGGER_URL, hasWebtriggerSecret: false },
      setup: { xray: 'unknown', testsigma: 'not_set', secretCreated: false, pickup: { on: true, runsPickedUp: 0 } },
    });
  });

  it('answers an empty url when the platform cannot tell it (the view always carries url, as rotation does)', async () => {
    const s = setup({ webtriggerUrl: async () => undefined });
    expect(data(await s.call<SettingsView>('getSettings')).webtrigger).toEqual({ url: '', hasWebtriggerSecret: false });
    expect(data(await s.call<SettingsView>('saveSettings', { attachEvidence: true })).webtrigger).toEqual({ url: '', hasWebtriggerSecret: false });
  });

  it('shows secrets only as has* flags', async () => {
    const s = setup();
    await configured(s);
    data(await s.call('rotateWebtriggerSecret'));
    const view = data(await s.call<SettingsView>('getSettings'));
    expect(view.xray).toEqual({ region: 'eu', clientId: XRAY_ID, hasClientSecret: true, requestsPer5Minutes: 300 });
    expect(view.testsigma).toEqual({ baseUrl: 'https://app.testsigma.com', hasApiKey: true, autoPickup: true });
    expect(view.webtrigger.hasWebtriggerSecret).toBe(true);
    const text = JSON.stringify(view);
    for (const secret of s.kvs.secretValues()) expect(text).not.toContain(String(secret));
  });
});

describe('saveSettings', () => {
  it('merges xray and testsigma field by field and answers the new view', async () => {
    const s = setup();
    await configured(s);
    const view = data(await s.call<SettingsView>('saveSettings', { xray: { requestsPer5Minutes: 1000 } }));
    expect(view.xray).toEqual({ region: 'eu', clientId: XRAY_ID, hasClientSecret: true, requestsPer5Minutes: 1000 });
    const view2 = data(await s.call<SettingsView>('saveSettings', { xray: { region: 'us' }, attachEvidence: true }));
    expect(view2.xray).toEqual({ region: 'us', clientId: XRAY_ID, hasClientSecret: true, requestsPer5Minutes: 1000 });
    expect(view2.attachEvidence).toBe(true);
    expect(view2.testsigma.hasApiKey).toBe(true);
    expect(data(await s.call<SettingsView>('getSettings'))).toEqual(view2);
  });

  it('keeps a stored secret when it is left out or empty, and replaces it when given', async () => {
    const s = setup();
    await configured(s);
    data(await s.call('saveSettings', { xray: { clientId: 'OTHER-ID' } }));
    data(await s.call('saveSettings', { xray: { clientSecret: '' }, testsigma: { apiKey: '' } }));
    expect(s.kvs.secretValues().sort()).toEqual([TS_KEY, XRAY_SECRET].sort());
    data(await s.call('saveSettings', { xray: { clientSecret: '  new-xray-secret-0123456789  ' } }));
    expect(s.kvs.secretValues().sort()).toEqual([TS_KEY, 'new-xray-secret-0123456789'].sort());
  });

  it('answers the saved view, which never carries a secret', async () => {
    const s = setup();
    const answer = await s.call('saveSettings', { xray: { clientId: XRAY_ID, clientSecret: XRAY_SECRET }, testsigma: { apiKey: TS_KEY } });
    expect(answer.ok).toBe(true);
    expect(JSON.stringify(answer)).not.toContain(XRAY_SECRET);
    expect(JSON.stringify(answer)).not.toContain(TS_KEY);
  });

  const refused: Array<[string, unknown, string]> = [
    ['a blank client secret', { xray: { clientSecret: '   ' } }, 'xray.clientSecret: '],
    ['a blank API key', { testsigma: { apiKey: ' \t ' } }, 'testsigma.apiKey: '],
    ['an unknown region', { xray: { region: 'mars' } }, 'xray.region: '],
    ['an http Testsigma URL', { testsigma: { baseUrl: 'http://app.testsigma.com' } }, 'testsigma.baseUrl: '],
    ['a Testsigma URL with credentials', { testsigma: { baseUrl: 'https://me:pw@app.testsigma.com' } }, 'testsigma.baseUrl: '],
    ['an empty Test issue type list', { issueTypes: { test: [] } }, 'issueTypes.test: '],
    ['a blank issue type name', { issueTypes: { testSet: ['Test Set', ' '] } }, 'issueTypes.testSet.1: '],
    ['a repeated issue type name', { issueTypes: { test: ['Test', 'test'] } }, 'issueTypes.test: '],
    ['a name used by another kind', { issueTypes: { testPlan: ['Test Set'] } }, 'issueTypes.testPlan: '],
    ['an unknown top-level key', { attachEvidences: true }, 'attachEvidences: '],
    ['an unknown nested key', { xray: { regoin: 'eu' } }, 'xray.regoin: '],
    ['a non-boolean attachEvidence', { attachEvidence: 'yes' }, 'attachEvidence: '],
    ['a fractional budget', { xray: { requestsPer5Minutes: 2.5 } }, 'xray.requestsPer5Minutes: '],
    ['a status word with symbols', { statusMap: { 'BL@CKED': 'FAILED' } }, 'statusMap.BL@CKED: '],
    ['a blank status target', { statusMap: { BLOCKED: '  ' } }, 'statusMap.BLOCKED: '],
    ['a malformed project key', { defaultProjectKey: '1PROJ' }, 'defaultProjectKey: '],
    ['a payload that is not an object', 'attachEvidence=true', 'settings: '],
  ];

  it.each(refused)('refuses %s with invalid_settings naming the field, storing nothing', async (_what, payload, prefix) => {
    const s = setup();
    await configured(s, { statusMap: { BLOCKED: 'FAILED' } });
    const before = state(s);
    const answer = await s.call('saveSettings', payload);
    expect(answer.ok).toBe(false);
    if (answer.ok) return;
    expect(answer.error.code).toBe('invalid_settings');
    expect(answer.error.message.startsWith(prefix)).toBe(true);
    expect(state(s)).toEqual(before);
  });

  it('refuses the whole patch when one part is bad, even if other parts (and a secret) are good', async () => {
    const s = setup();
    const before = state(s);
    const answer = await s.call('saveSettings', { xray: { clientId: XRAY_ID, clientSecret: XRAY_SECRET, region: 'moon' }, attachEvidence: true });
    expect(!answer.ok && answer.error.code).toBe('invalid_settings');
    expect(state(s)).toEqual(before);
    expect(s.kvs.secretValues()).toEqual([]);
  });

  it('overrides status map entries key by key, adds new words, and removes an override with ""', async () => {
    const s = setup();
    let view = data(await s.call<SettingsView>('saveSettings', { statusMap: { blocked: 'BLOCKED', stopped: 'FAILED' } }));
    expect(view.statusMap).toEqual({ ...DEFAULT_STATUS_MAP, BLOCKED: 'BLOCKED', STOPPED: 'FAILED' });
    view = data(await s.call<SettingsView>('saveSettings', { statusMap: { SKIPPED: 'TODO' } }));
    expect(view.statusMap).toEqual({ ...DEFAULT_STATUS_MAP, BLOCKED: 'BLOCKED', STOPPED: 'FAILED', SKIPPED: 'TODO' });
    view = data(await s.call<SettingsView>('saveSettings', { statusMap: { STOPPED: '', BLOCKED: '' } }));
    expect(view.statusMap).toEqual({ ...DEFAULT_STATUS_MAP, SKIPPED: 'TODO' });
  });

  it('replaces the names of a kind it is given and keeps the others', async () => {
    const s = setup();
    const view = data(await s.call<SettingsView>('saveSettings', { issueTypes: { test: ['Test', 'Xray Test'] } }));
    expect(view.issueTypes).toEqual({ test: ['Test', 'Xray Test'], testSet: ['Test Set'], testPlan: ['Test Plan'], testExecution: ['Test Execution'] });
  });

  it('checks a default project as the user and stores it when it exists', async () => {
    const s = setup();
    const view = data(await s.call<SettingsView>('saveSettings', { defaultProjectKey: 'PROJ' }));
    expect(view.defaultProjectKey).toBe('PROJ');
    expect(s.jira.calls).toContainEqual({ as: ADMIN, path: '/rest/api/3/project/PROJ' });
  });

  it('keeps where defects go: the issue type, and a project checked as the user; "" goes back to the default', async () => {
    const s = setup();
    const view = data(await s.call<SettingsView>('saveSettings', { defects: { issueType: 'Defect', projectKey: 'proj' } }));
    expect(view.defects).toEqual({ issueType: 'Defect', projectKey: 'PROJ' });
    expect(s.jira.calls).toContainEqual({ as: ADMIN, path: '/rest/api/3/project/PROJ' });
    expect(data(await s.call<SettingsView>('saveSettings', { defects: { projectKey: '' } })).defects).toEqual({ issueType: 'Defect' });
    expect(data(await s.call<SettingsView>('saveSettings', { defects: { issueType: '' } })).defects).toEqual({ issueType: 'Bug' });
  });

  it('refuses a defect project the user cannot see, naming the field, and stores nothing', async () => {
    const s = setup();
    const answer = await s.call('saveSettings', { defects: { projectKey: 'XYZ' } });
    expect(answer).toMatchObject({ ok: false, error: { code: 'invalid_settings' } });
    expect(!answer.ok && answer.error.message).toContain('defects.projectKey');
    expect(data(await s.call<SettingsView>('getSettings')).defects).toEqual({ issueType: 'Bug' });
  });

  it('refuses an unknown defects field by its name', async () => {
    const s = setup();
    const answer = await s.call('saveSettings', { defects: { issuetype: 'Bug' } });
    expect(!answer.ok && answer.error.message).toContain('defects.issuetype');
  });

  it('stores the current key when Jira answers a project by its old key', async () => {
    const s = setup();
    s.jira.projects.set('OLD', { id: '10000', key: 'PROJ', name: 'Project' });
    expect(data(await s.call<SettingsView>('saveSettings', { defaultProjectKey: 'OLD' })).defaultProjectKey).toBe('PROJ');
  });

  it('accepts a lower-case project key as the upper-case one', async () => {
    const s = setup();
    expect(data(await s.call<SettingsView>('saveSettings', { defaultProjectKey: 'proj' })).defaultProjectKey).toBe('PROJ');
  });

  it('refuses a project the user cannot see, storing nothing (not even the secret in the same patch)', async () => {
    const s = setup();
    const before = state(s);
    const answer = await s.call('saveSettings', { defaultProjectKey: 'XYZ', xray: { clientSecret: XRAY_SECRET }, attachEvidence: true });
    expect(answer).toEqual({ ok: false, error: { code: 'invalid_settings', message: 'defaultProjectKey: project XYZ does not exist or you cannot see it.' } });
    expect(state(s)).toEqual(before);
  });

  it('clears the default project with "" without asking Jira', async () => {
    const s = setup();
    data(await s.call('saveSettings', { defaultProjectKey: 'PROJ' }));
    const calls = s.jira.calls.length;
    const view = data(await s.call<SettingsView>('saveSettings', { defaultProjectKey: '' }));
    expect(view.defaultProjectKey).toBeUndefined();
    expect(s.jira.calls.slice(calls).some((c) => c.path.startsWith('/rest/api/3/project/'))).toBe(false);
  });

  it('answers rate_limited when storage throttles, instead of failing', async () => {
    const s = setup();
    // The admin check passes (Jira), then the first storage read is throttled.
    s.kvs.throttle(1);
    const answer = await s.call('saveSettings', { attachEvidence: true });
    expect(!answer.ok && answer.error.code).toBe('rate_limited');
  });
});

describe('testConnection', () => {
  async function report(s: S): Promise<ConnectionReport> {
    return data(await s.call<ConnectionReport>('testConnection'));
  }

  it('says what to enter when nothing is set up, without calling out', async () => {
    const s = setup();
    expect(await report(s)).toEqual({
      xray: { ok: false, message: 'Enter the Xray client id and secret, then save.' },
      testsigma: { ok: false, message: 'No Testsigma API key set (optional: needed for names in the panel and pull mode).' },
    });
    expect(s.xray.configs).toHaveLength(0);
    expect(s.testsigma.pings).toHaveLength(0);
  });

  it('asks for both Xray credentials when only the id is saved', async () => {
    const s = setup();
    data(await s.call('saveSettings', { xray: { clientId: XRAY_ID } }));
    expect((await report(s)).xray).toEqual({ ok: false, message: 'Enter the Xray client id and secret, then save.' });
  });

  it('connects with the stored settings, names the region and lists the statuses', async () => {
    const s = setup();
    await configured(s, { xray: { region: 'eu', clientId: XRAY_ID, clientSecret: XRAY_SECRET, requestsPer5Minutes: 1000 } });
    const r = await report(s);
    expect(r.xray).toEqual({
      ok: true,
      message: 'Connected to Xray Cloud in the EU region (eu.xray.cloud.getxray.app).',
      statuses: ['PASSED', 'FAILED', 'TODO', 'EXECUTING', 'ABORTED'],
    });
    expect(s.xray.configs).toEqual([{ region: 'eu', clientId: XRAY_ID, clientSecret: XRAY_SECRET, requestsPer5Minutes: 1000 }]);
    expect(r.testsigma).toEqual({ ok: true, message: 'Connected to Testsigma at app.testsigma.com.' });
    expect(s.testsigma.pings).toEqual([{ baseUrl: 'https://app.testsigma.com', apiKey: TS_KEY }]);
  });

  it('warns when the status map targets a status Xray lacks', async () => {
    const s = setup();
    await configured(s, { statusMap: { BLOCKED: 'SKIPPED' } });
    const r = await report(s);
    expect(r.xray.ok).toBe(true);
    expect(r.xray.message).toBe(
      "Connected to Xray Cloud in the EU region (eu.xray.cloud.getxray.app), but the status map sends BLOCKED to 'SKIPPED', which Xray does not have, so such results are not synced. Add the status in Xray or change the map.",
    );
  });

  it('groups the words of a missing default status; targets match the site\'s statuses without case and spaces', async () => {
    const s = setup();
    await configured(s, { statusMap: { BLOCKED: 'blocked' } });
    s.xray.statuses = ['PASSED', 'FAILED', 'TO DO', 'EXECUTING', 'BLOCKED'].map((name) => ({ name }));
    const r = await report(s);
    expect(r.xray.message).toBe(
      "Connected to Xray Cloud in the EU region (eu.xray.cloud.getxray.app), but the status map sends ABORTED, STOPPED to 'ABORTED', which Xray does not have, so such results are not synced. Add the status in Xray or change the map.",
    );
  });

  const failures: Array<[string, Error, RegExp]> = [
    ['wrong region', new XrayError('wrong_region', 'Xray data is in another region.', { status: 401 }), /another region than the EU region \(eu\.xray\.cloud\.getxray\.app\)\. Choose the region/],
    ['bad credentials', new XrayError('auth', 'Authentication failed. Invalid client credentials!', { status: 401 }), /^Xray refused the client id and secret\. Check the API key in Xray/],
    ['rate limit', new XrayError('rate_limited', 'Too many requests', { status: 429, retryAfterSeconds: 120 }), /request limit .* used up .* Try again in about 2 minute/],
    ['network', new XrayError('network', 'ECONNRESET'), /^Could not reach Xray at eu\.xray\.cloud\.getxray\.app: check the app's network egress and try again\.$/],
    ['server', new XrayError('server', 'Bad gateway', { status: 503 }), /server error \(HTTP 503\).*region/],
    ['graphql', new XrayError('graphql', 'You do not have permission.'), /refused to list its statuses: You do not have permission\./],
    ['an unexpected bug', new TypeError('x is undefined'), /failed unexpectedly/],
  ];

  it.each(failures)('answers ok:false with what to fix on %s', async (_what, err, message) => {
    const s = setup();
    await configured(s);
    s.xray.error = err;
    const r = await report(s);
    expect(r.xray.ok).toBe(false);
    expect(r.xray.message).toMatch(message);
    expect(r.xray.statuses).toBeUndefined();
    expect(r.testsigma.ok).toBe(true);
  });

  it("answers a German admin in German, keeping Xray's own words as Xray sent them", async () => {
    const s = setup();
    await configured(s);
    s.xray.error = new XrayError('graphql', 'You do not have permission.');
    const answer = await s.handlers['testConnection']!({ payload: {}, context: { accountId: ADMIN, locale: 'de-DE' } });
    const r = data(answer as Envelope<ConnectionReport>);
    expect(r.xray).toEqual({
      ok: false,
      message: 'Xray hat das Auflisten seiner Status abgelehnt: You do not have permission. Prüfen Sie, ob der Benutzer des API-Schlüssels die Einstellungen von Xray lesen darf.',
    });
    s.xray.error = new XrayError('rate_limited', 'Too many requests', { status: 429, retryAfterSeconds: 60 });
    const busy = data((await s.handlers['testConnection']!({ payload: {}, context: { accountId: ADMIN, locale: 'de-DE' } })) as Envelope<ConnectionReport>);
    expect(busy.xray.message).toBe('Das Anfragelimit von Xray für diese Site ist vorerst aufgebraucht (300 Anfragen pro 5 Minuten). Versuchen Sie es in etwa 1 Minute erneut.');
  });

  it('scrubs a secret that Xray echoed back in an error', async () => {
    const s = setup();
    await configured(s);
    s.xray.error = new XrayError('bad_request', `client_secret ${XRAY_SECRET} is not valid; token Bearer abc.def.ghi`);
    const r = await report(s);
    expect(r.xray.message).not.toContain(XRAY_SECRET);
    expect(r.xray.message).not.toContain('abc.def.ghi');
    expect(r.xray.message).toContain('[redacted]');
  });

  it("passes on Testsigma's actionable message, scrubbed of the key", async () => {
    const s = setup();
    await configured(s);
    s.testsigma.error = new Error(`Testsigma refused the API key (401). Create a new key in Testsigma (Settings > API Keys) and save it. Key: ${TS_KEY}`);
    const r = await report(s);
    expect(r.testsigma.ok).toBe(false);
    expect(r.testsigma.message).toMatch(/^Testsigma refused the API key \(401\)\. Create a new key/);
    expect(r.testsigma.message).not.toContain(TS_KEY);
    expect(r.xray.ok).toBe(true);
  });

  it('answers within its timeout when Xray never answers', async () => {
    const s = setup({ connectionTimeoutMs: 50 });
    await configured(s);
    s.xray.hang = true;
    const r = await report(s);
    expect(r.xray.ok).toBe(false);
    expect(r.xray.message).toMatch(/did not answer within/);
    expect(r.testsigma.ok).toBe(true);
  });
});

describe('rotateWebtriggerSecret', () => {
  it('stores and answers a new 64-hex secret with the url; a second rotation replaces it', async () => {
    const s = setup();
    const first = data(await s.call<{ secret: string; url: string }>('rotateWebtriggerSecret'));
    expect(first.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(first.url).toBe(WEBTRIGGER_URL);
    expect(s.kvs.secretValues()).toEqual([first.secret]);
    const second = data(await s.call<{ secret: string; url: string }>('rotateWebtriggerSecret'));
    expect(second.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(second.secret).not.toBe(first.secret);
    // The old secret is gone from storage: the web trigger reads the secret per request, so it stops working now.
    expect(s.kvs.secretValues()).toEqual([second.secret]);
    expect(data(await s.call<SettingsView>('getSettings')).webtrigger.hasWebtriggerSecret).toBe(true);
  });

  it('refuses to store a secret that is not 64 hex characters', async () => {
    const s = setup({ randomHex: () => 'abc' });
    const answer = await s.call('rotateWebtriggerSecret');
    expect(!answer.ok && answer.error.code).toBe('internal');
    expect(s.kvs.secretValues()).toEqual([]);
  });

  it('answers an empty url when the platform cannot tell it', async () => {
    const s = setup({ webtriggerUrl: async () => undefined });
    expect(data(await s.call<{ secret: string; url: string }>('rotateWebtriggerSecret')).url).toBe('');
  });
});

describe('listJobs and retryJob', () => {
  it('passes the list and its cursor through', async () => {
    const s = setup();
    s.jobs.jobs.push(job('j3', 'succeeded'), job('j2', 'partial'), job('j1'));
    const first = data(await s.call<{ jobs: JobView[]; nextCursor?: string }>('listJobs', {}));
    expect(first.jobs.map((j) => j.jobId)).toEqual(['j3', 'j2']);
    expect(first.nextCursor).toBe('2');
    const second = data(await s.call<{ jobs: JobView[]; nextCursor?: string }>('listJobs', { cursor: first.nextCursor }));
    expect(second).toEqual({ jobs: [job('j1')] });
    expect(s.jobs.listed).toEqual([undefined, '2']);
  });

  it.each([[null], [42], [{ page: 2 }], ['x'.repeat(1001)]])('answers the first page for a cursor it never gave (%#), never internal', async (cursor) => {
    const s = setup();
    s.jobs.jobs.push(job('j3', 'succeeded'), job('j2', 'partial'), job('j1'));
    const answer = data(await s.call<{ jobs: JobView[]; nextCursor?: string }>('listJobs', { cursor }));
    expect(answer.jobs.map((j) => j.jobId)).toEqual(['j3', 'j2']);
    expect(s.jobs.listed).toEqual([undefined]);
  });

  it('retries a job and answers it', async () => {
    const s = setup();
    await configured(s);
    s.jobs.jobs.push(job('j1'));
    const answer = data(await s.call<JobView>('retryJob', { jobId: 'j1' }));
    expect(answer).toMatchObject({ jobId: 'j1', state: 'queued', attempts: 2 });
    expect(s.jobs.retried).toEqual(['j1']);
  });

  it('answers a running job as it is', async () => {
    const s = setup();
    await configured(s);
    s.jobs.jobs.push(job('j1', 'running'));
    expect(data(await s.call<JobView>('retryJob', { jobId: 'j1' }))).toEqual(job('j1', 'running'));
  });

  it('says when the job does not exist', async () => {
    const s = setup();
    await configured(s);
    const answer = await s.call('retryJob', { jobId: 'nope' });
    expect(answer).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'Job nope does not exist (jobs are kept for 30 days). Reload the sync log.' },
    });
  });

  it.each([[{}], [{ jobId: '' }], [{ jobId: 7 }], [{ jobId: 'a/b' }]])('refuses a missing or malformed job id (%#)', async (payload) => {
    const s = setup();
    await configured(s);
    const answer = await s.call('retryJob', payload);
    expect(!answer.ok && answer.error.code).toBe('not_found');
    expect(s.jobs.retried).toEqual([]);
  });

  it('answers not_configured while Xray has no credentials', async () => {
    const s = setup();
    s.jobs.jobs.push(job('j1'));
    const answer = await s.call('retryJob', { jobId: 'j1' });
    expect(!answer.ok && answer.error.code).toBe('not_configured');
    expect(s.jobs.retried).toEqual([]);
  });

  it("passes the jobs store's own errors through the envelope", async () => {
    const s = setup();
    s.jobs.list = async () => {
      throw new Error('boom');
    };
    const answer = await s.call('listJobs', {});
    expect(!answer.ok && answer.error.code).toBe('internal');
  });
});

describe('secrets never leave except through the rotation', () => {
  it('holds in every answer and log line of a full session', async () => {
    const s = setup();
    const given: string[] = [XRAY_SECRET, TS_KEY, 'second-xray-secret-9f8e7d6c5b4a'];
    const rotated: string[] = [];
    const keep = (a: unknown) => a;

    keep(await s.call('getSettings'));
    await configured(s, { statusMap: { BLOCKED: 'SKIPPED' }, defaultProjectKey: 'PROJ' });
    await s.call('saveSettings', { xray: { clientSecret: given[2] } });
    await s.call('saveSettings', { xray: { clientSecret: '  ' } });
    await s.call('saveSettings', { testsigma: { apiKey: TS_KEY, baseUrl: 'http://insecure.example' } });
    await s.call('saveSettings', { defaultProjectKey: 'NOPE', xray: { clientSecret: XRAY_SECRET } });
    await s.call('testConnection');
    s.xray.error = new XrayError('auth', `Authentication failed for ${given[2]}`, { status: 401 });
    s.testsigma.error = new Error(`401 for key ${TS_KEY}`);
    await s.call('testConnection');
    s.xray.error = new TypeError(`cannot read secret ${given[2]}`);
    await s.call('testConnection');
    for (let i = 0; i < 2; i++) {
      const r = await s.call<{ secret: string; url: string }>('rotateWebtriggerSecret');
      rotated.push(data(r).secret);
    }
    await s.call('getSettings');
    await s.call('listJobs', {});
    await s.call('retryJob', { jobId: 'missing' });
    for (const key of ['getSettings', 'saveSettings', 'testConnection', 'rotateWebtriggerSecret']) await s.call(key, {}, USER);

    const secrets = [...new Set([...given, ...rotated, ...s.kvs.secretValues().map(String)])];
    expect(s.kvs.secretValues()).toContain(rotated[1]);
    const rotations = s.answers.filter((a) => JSON.stringify(a).includes('"secret":'));
    expect(rotations).toHaveLength(2);
    for (const answer of s.answers) {
      const text = JSON.stringify(answer);
      const allowed = rotations.includes(answer) ? [(answer as { data: { secret: string } }).data.secret] : [];
      for (const secret of secrets) if (!allowed.includes(secret)) expect(text).not.toContain(secret);
    }
    const logText = JSON.stringify(s.log.lines);
    expect(s.log.lines.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(logText).not.toContain(secret);
  });
});
