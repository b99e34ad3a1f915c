/** The validation `saveSettings` relies on (src/domain/settings.ts), including the gaps fixed for the admin page. */
import { applySettingsPatch, DEFAULT_SETTINGS, MAX_SECRET_LENGTH, MAX_STATUS_OVERRIDES, StoredSettings } from '../../src/domain/settings';
import { translateMessage } from '../../src/i18n/translate';

/** The refusal as the admin reads it: the field, and the sentence in English (or `locale`). */
function refused(payload: unknown, current: StoredSettings = DEFAULT_SETTINGS, locale = 'en-US') {
  const r = applySettingsPatch(current, payload);
  if (r.ok) throw new Error('expected a refusal');
  return { ok: r.ok, field: r.field, message: translateMessage(locale, r.problem) };
}

function accepted(payload: unknown, current: StoredSettings = DEFAULT_SETTINGS) {
  const r = applySettingsPatch(current, payload);
  if (!r.ok) throw new Error(`expected success, got ${translateMessage('en-US', r.problem)}`);
  return r;
}

describe('applySettingsPatch', () => {
  it('names the unknown key itself, top-level or nested', () => {
    expect(refused({ attachEvidences: true })).toEqual({ ok: false, field: 'attachEvidences', message: 'attachEvidences: unknown setting. Check the spelling.' });
    expect(refused({ xray: { regoin: 'eu' } })).toEqual({ ok: false, field: 'xray.regoin', message: 'xray.regoin: unknown setting. Check the spelling.' });
  });

  it("gives a status word's own reason instead of zod's generic record-key message", () => {
    const r = refused({ statusMap: { 'BL@CKED': 'FAILED' } });
    expect(r.field).toBe('statusMap.BL@CKED');
    expect(r.message).toBe('statusMap.BL@CKED: An incoming status word uses letters, digits, _, - and spaces only.');
  });

  it('refuses two entries that are the same word in different case', () => {
    expect(refused({ statusMap: { blocked: 'FAILED', BLOCKED: '' } }).field).toBe('statusMap.BLOCKED');
  });

  it('refuses "__proto__" as a status word rather than dropping it silently', () => {
    expect(refused(JSON.parse('{"statusMap":{"__proto__":"FAILED"}}')).field).toBe('statusMap.__proto__');
  });

  it('bounds the number of status overrides', () => {
    const many = Object.fromEntries(Array.from({ length: MAX_STATUS_OVERRIDES }, (_, i) => [`WORD_${i}`, 'FAILED']));
    const full = accepted({ statusMap: many }).settings;
    expect(Object.keys(full.statusOverrides)).toHaveLength(MAX_STATUS_OVERRIDES);
    expect(refused({ statusMap: { ONE_MORE: 'FAILED' } }, full).field).toBe('statusMap');
    // Removing one and adding another in the same patch stays within the bound.
    expect(accepted({ statusMap: { WORD_0: '', ONE_MORE: 'FAILED' } }, full).settings.statusOverrides['ONE_MORE']).toBe('FAILED');
  });

  it('refuses a Testsigma URL with credentials, a query or a fragment', () => {
    for (const baseUrl of ['https://me:pw@app.testsigma.com', 'https://app.testsigma.com/?apikey=1', 'https://app.testsigma.com/#x']) {
      expect(refused({ testsigma: { baseUrl } }).field).toBe('testsigma.baseUrl');
    }
    expect(accepted({ testsigma: { baseUrl: 'https://app.testsigma.com/' } }).settings.testsigma.baseUrl).toBe('https://app.testsigma.com');
  });

  it("refuses a Testsigma host the manifest's egress does not allow, and says how a self-hosted Testsigma is added", () => {
    for (const baseUrl of ['https://testsigma.example.com', 'https://app.testsigma.com.evil.example', 'https://app.testsigma.com:8443']) {
      const r = refused({ testsigma: { baseUrl } });
      expect(r.field).toBe('testsigma.baseUrl');
      expect(r.message).toBe(
        'testsigma.baseUrl: The app may reach Testsigma only at app.testsigma.com. For a self-hosted Testsigma, add its address ' +
          "(https://your-host) to permissions.external.fetch.backend in the app's manifest.yml and deploy the app again.",
      );
    }
    expect(refused({ testsigma: { baseUrl: 'https://testsigma.example.com' } }, DEFAULT_SETTINGS, 'de-DE').message).toContain('manifest.yml');
    expect(accepted({ testsigma: { baseUrl: 'https://APP.testsigma.com/api/v1' } }).settings.testsigma.baseUrl).toBe('https://APP.testsigma.com/api/v1');
  });

  it('refuses an over-long secret without quoting it', () => {
    const long = 'k'.repeat(MAX_SECRET_LENGTH + 1);
    const r = refused({ testsigma: { apiKey: long } });
    expect(r.field).toBe('testsigma.apiKey');
    expect(r.message).not.toContain(long);
  });

  it('upper-cases a project key', () => {
    expect(accepted({ defaultProjectKey: ' proj ' }).settings.defaultProjectKey).toBe('PROJ');
  });

  it('blames the kind the patch changed when a name belongs to another kind', () => {
    expect(refused({ issueTypes: { test: ['Test Set'] } })).toEqual({
      ok: false,
      field: 'issueTypes.test',
      message: 'issueTypes.test: "Test Set" is already a Test Set issue type name. Each issue type belongs to one kind.',
    });
  });

  it('returns given secrets trimmed, and none when they are empty', () => {
    expect(accepted({ xray: { clientSecret: ' s3cret-value ' }, testsigma: { apiKey: '' } }).secrets).toEqual({ clientSecret: 's3cret-value' });
  });
});
