import { useState } from 'react';
import { ButtonGroup, ErrorMessage as InlineError, Heading, Inline, Link, LoadingButton, Lozenge, Select, Stack, Text, Textfield, Tooltip } from '@forge/react';
import type { ConnectionReport, SettingsView, XrayRegion } from '../../shared/types';
import { errorText, type ShownError } from '../common/ErrorMessage';
import { Field, FIELD_WIDTH, type FieldMessage } from '../common/Field';
import type { Notify } from '../common/flag';
import { useT, type Translator } from '../common/i18n';
import type { AdminCaller } from '../invoke';
import {
  connectionForm,
  connectionPatch,
  fieldOfError,
  isEmptyPatch,
  optionFor,
  planOptions,
  regionOptions,
  secretPlaceholder,
  testsigmaStatus,
  xrayStatus,
  type ConnectionFieldId,
  type ConnectionForm,
  type SectionStatus,
} from './connectionModel';
import { XRAY_API_KEYS_URL } from './GetStarted';
import { useSaveSettings } from './useSaveSettings';

/** Props of {@link ConnectionTab}. */
export interface ConnectionTabProps {
  call: AdminCaller;
  settings: SettingsView;
  notify: Notify;
  onSaved: (settings: SettingsView) => void;
  /** Hands the last connection test up: the Mapping tab offers Xray's statuses from it. */
  onReport: (report: ConnectionReport) => void;
}


type Change = (event: { target: { value?: unknown } }) => void;

const STATUS_APPEARANCE: Record<SectionStatus['state'], 'success' | 'removed' | 'default'> = {
  connected: 'success',
  failed: 'removed',
  notTested: 'default',
  notSet: 'default',
};

/**
 * A section's status beside its heading: "Connected · tested 2 hours ago" (the exact time in a Tooltip), "Not set".
 * `justNow`: the test ran on this page, whose time the backend keeps for the next visit.
 */
function sectionStatus(t: Translator, status: SectionStatus, justNow: boolean) {
  return (
    <Inline space="space.100" alignBlock="center">
      <Lozenge appearance={STATUS_APPEARANCE[status.state]}>{t(`admin.connection.status.${status.state}`)}</Lozenge>
      {justNow && status.state !== 'notSet' ? (
        <Text size="small">{t('admin.connection.testedJustNow')}</Text>
      ) : (
        status.testedAt !== undefined && (
          <Tooltip content={t.exact(status.testedAt)}>
            <Text size="small">{t('admin.connection.testedAgo', { when: t.relative(status.testedAt) })}</Text>
          </Tooltip>
        )
      )}
    </Inline>
  );
}

/**
 * Xray and Testsigma credentials, the Xray plan, and a connection test. The test runs on the server with the stored
 * settings, so with unsaved changes the button saves them first ("Save and test"). Each section says how it stands
 * beside its heading; what a save or a test says about a field shows under that field, and the test's outcome in
 * short beside the buttons.
 */
export function ConnectionTab({ call, settings, notify, onSaved, onReport }: ConnectionTabProps) {
  const t = useT();
  const [form, setForm] = useState<ConnectionForm>(() => connectionForm(settings));
  const { saving, error: saveError, save, clearError } = useSaveSettings(call, (saved) => {
    onSaved(saved);
    setForm(connectionForm(saved));
  });
  const [testing, setTesting] = useState(false);
  const [report, setReport] = useState<ConnectionReport>();
  const [testError, setTestError] = useState<ShownError>();
  // Required fields left empty when the admin pressed Test connection: said under each, and nothing is called.
  const [missing, setMissing] = useState<Array<'xray-client-id' | 'xray-client-secret'>>([]);
  // Which button started the save, so only that one spins.
  const [pressed, setPressed] = useState<'save' | 'test'>();
  const patch = connectionPatch(form, settings);
  const dirty = !isEmptyPatch(patch);

  const edit = (update: (f: ConnectionForm) => ConnectionForm) => {
    setForm(update);
    // A new value answers the old refusal: it goes, and so does a test failure the edit may have fixed.
    clearError();
    setTestError(undefined);
    setMissing([]);
  };
  const text =
    (key: 'clientId' | 'clientSecret' | 'baseUrl' | 'apiKey'): Change =>
    (event) =>
      edit((f) => ({ ...f, [key]: String(event.target.value ?? '') }));
  // Test connection leads only once Xray's required fields hold something: on an empty form it is not the next step.
  const ready = form.clientId.trim() !== '' && (form.clientSecret.trim() !== '' || settings.xray.hasClientSecret);
  // The Testsigma key is optional: without one, its result is information, not an error.
  const noKey = !settings.testsigma.hasApiKey && form.apiKey.trim() === '';
  const regions = regionOptions(t);
  const plans = planOptions(t, form.requestsPer5Minutes);

  // A refused save names its field; its message goes under that field. Anything else stays beside the buttons.
  const refusedField = fieldOfError(saveError);
  const messages: Partial<Record<ConnectionFieldId, FieldMessage>> = {};
  if (report) {
    const statuses = report.xray.statuses && report.xray.statuses.length > 0 ? ` ${t('admin.connection.statuses', { statuses: report.xray.statuses.join(', ') })}` : '';
    messages['xray-client-secret'] = { kind: report.xray.ok ? 'valid' : 'error', text: `${report.xray.message}${statuses}` };
    messages['testsigma-api-key'] = { kind: report.testsigma.ok ? 'valid' : noKey ? 'helper' : 'error', text: report.testsigma.message };
  }
  if (saveError && refusedField) messages[refusedField] = { kind: 'error', text: errorText(t, saveError) };
  for (const id of missing) messages[id] = { kind: 'error', text: t(id === 'xray-client-id' ? 'admin.connection.missingClientId' : 'admin.connection.missingClientSecret') };
  const besideButtons = testError ?? (saveError && !refusedField ? saveError : undefined);

  const saveOnly = async () => {
    setPressed('save');
    setReport(undefined);
    setTestError(undefined);
    const stored = await save(patch);
    setPressed(undefined);
    if (stored) notify(t('admin.saved'));
  };
  const saveAndTest = async () => {
    setPressed('test');
    await saveAndTestNow();
    setPressed(undefined);
  };
  const saveAndTestNow = async () => {
    setReport(undefined);
    setTestError(undefined);
    // Xray cannot be tested without its key: say which field is empty rather than record a failed test.
    const empty = [
      ...(form.clientId.trim() === '' ? (['xray-client-id'] as const) : []),
      ...(form.clientSecret.trim() === '' && !settings.xray.hasClientSecret ? (['xray-client-secret'] as const) : []),
    ];
    setMissing(empty);
    if (empty.length > 0) return;
    if (dirty && !(await save(patch))) return;
    setTesting(true);
    const answer = await call('testConnection', {});
    setTesting(false);
    if (!answer.ok) {
      setTestError(answer.error);
      return;
    }
    setReport(answer.data);
    onReport(answer.data);
    if (answer.data.xray.ok && answer.data.testsigma.ok) notify(t(dirty ? 'admin.connection.savedAndConnected' : 'admin.connection.connected'));
  };

  return (
    <Stack space="space.200">
      <Inline space="space.150" alignBlock="center" shouldWrap>
        <Heading size="small">{t('admin.connection.xrayHeading')}</Heading>
        {sectionStatus(t, xrayStatus(settings), report !== undefined)}
      </Inline>
      <Text>
        {t('admin.connection.xrayIntro')}{' '}
        <Link href={XRAY_API_KEYS_URL} openNewTab>
          {t('admin.setup.xray.keysLink')}
        </Link>
      </Text>
      <Field id="xray-region" narrow label={t('admin.connection.regionLabel')} help={t('admin.connection.regionHelp')} message={messages['xray-region']}>
        <Select
          inputId="xray-region"
          options={regions}
          value={optionFor(regions, form.region)}
          onChange={(option: { value: XrayRegion } | null) => option && edit((f) => ({ ...f, region: option.value }))}
        />
      </Field>
      <Field id="xray-client-id" label={t('admin.connection.clientId')} required message={messages['xray-client-id']}>
        <Textfield id="xray-client-id" isRequired width={FIELD_WIDTH} value={form.clientId} isInvalid={messages['xray-client-id']?.kind === 'error'} onChange={text('clientId')} />
      </Field>
      <Field id="xray-client-secret" label={t('admin.connection.clientSecret')} required={!settings.xray.hasClientSecret} message={messages['xray-client-secret']}>
        <Textfield
          width={FIELD_WIDTH}
          id="xray-client-secret"
          type="password"
          value={form.clientSecret}
          isInvalid={messages['xray-client-secret']?.kind === 'error'}
          placeholder={secretPlaceholder(t, settings.xray.hasClientSecret)}
          onChange={text('clientSecret')}
        />
      </Field>
      <Field id="xray-plan" narrow label={t('admin.connection.planLabel')} help={t('admin.connection.planHelp')} message={messages['xray-plan']}>
        <Select
          inputId="xray-plan"
          options={plans}
          value={optionFor(plans, form.requestsPer5Minutes)}
          onChange={(option: { value: number } | null) => option && edit((f) => ({ ...f, requestsPer5Minutes: option.value }))}
        />
      </Field>
      <Inline space="space.150" alignBlock="center" shouldWrap>
        <Heading size="small">{t('admin.connection.testsigmaHeading')}</Heading>
        {sectionStatus(t, testsigmaStatus(settings), report !== undefined)}
      </Inline>
      <Field id="testsigma-base-url" label={t('admin.connection.baseUrl')} message={messages['testsigma-base-url']}>
        <Textfield id="testsigma-base-url" width={FIELD_WIDTH} value={form.baseUrl} isInvalid={messages['testsigma-base-url']?.kind === 'error'} onChange={text('baseUrl')} />
      </Field>
      <Field id="testsigma-api-key" label={t('admin.connection.apiKeyOptional')} help={t('admin.connection.apiKeyHelp')} message={messages['testsigma-api-key']}>
        <Textfield
          width={FIELD_WIDTH}
          id="testsigma-api-key"
          type="password"
          value={form.apiKey}
          isInvalid={messages['testsigma-api-key']?.kind === 'error'}
          placeholder={secretPlaceholder(t, settings.testsigma.hasApiKey)}
          onChange={text('apiKey')}
        />
      </Field>
      <Inline space="space.200" alignBlock="center" shouldWrap>
        <ButtonGroup>
          <LoadingButton appearance={ready ? 'primary' : 'default'} isLoading={pressed === 'test'} isDisabled={saving || testing} onClick={() => void saveAndTest()}>
            {dirty ? t('admin.connection.saveAndTest') : t('admin.connection.test')}
          </LoadingButton>
          <LoadingButton isLoading={pressed === 'save'} isDisabled={saving || testing || !dirty} onClick={() => void saveOnly()}>
            {t('admin.save')}
          </LoadingButton>
        </ButtonGroup>
        {report && (
          <Inline space="space.100" alignBlock="center" shouldWrap>
            <Lozenge appearance={report.xray.ok ? 'success' : 'removed'}>{t(report.xray.ok ? 'admin.connection.result.xrayOk' : 'admin.connection.result.xrayFailed')}</Lozenge>
            <Lozenge appearance={report.testsigma.ok ? 'success' : noKey ? 'default' : 'removed'}>
              {t(report.testsigma.ok ? 'admin.connection.result.testsigmaOk' : noKey ? 'admin.connection.result.testsigmaNotSet' : 'admin.connection.result.testsigmaFailed')}
            </Lozenge>
          </Inline>
        )}
        {besideButtons && <InlineError>{errorText(t, besideButtons)}</InlineError>}
      </Inline>
    </Stack>
  );
}
