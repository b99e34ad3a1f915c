import { useState } from 'react';
import { ButtonGroup, Heading, Inline, Link, LoadingButton, SectionMessage, Select, Stack, Text, Textfield } from '@forge/react';
import type { ConnectionReport, SettingsView, XrayRegion } from '../../shared/types';
import { ErrorMessage, type ShownError } from '../common/ErrorMessage';
import { Field } from '../common/Field';
import type { Notify } from '../common/flag';
import { useT } from '../common/i18n';
import type { AdminCaller } from '../invoke';
import {
  connectionForm,
  connectionPatch,
  isEmptyPatch,
  optionFor,
  planOptions,
  regionOptions,
  secretPlaceholder,
  type ConnectionForm,
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

// About 480 px: an id or key fits, and the form does not stretch across a wide admin page.
const FIELD_WIDTH = 480;

type Change = (event: { target: { value?: unknown } }) => void;

/**
 * Xray and Testsigma credentials, the Xray plan, and a connection test. The test runs on the server with the stored
 * settings, so with unsaved changes the button saves them first ("Save and test").
 */
export function ConnectionTab({ call, settings, notify, onSaved, onReport }: ConnectionTabProps) {
  const t = useT();
  const [form, setForm] = useState<ConnectionForm>(() => connectionForm(settings));
  const { saving, error: saveError, save } = useSaveSettings(call, (saved) => {
    onSaved(saved);
    setForm(connectionForm(saved));
  });
  const [testing, setTesting] = useState(false);
  const [report, setReport] = useState<ConnectionReport>();
  const [testError, setTestError] = useState<ShownError>();
  // Which button started the save, so only that one spins.
  const [pressed, setPressed] = useState<'save' | 'test'>();
  const patch = connectionPatch(form, settings);
  const dirty = !isEmptyPatch(patch);

  const text =
    (key: 'clientId' | 'clientSecret' | 'baseUrl' | 'apiKey'): Change =>
    (event) =>
      setForm((f) => ({ ...f, [key]: String(event.target.value ?? '') }));
  // Test connection leads only once Xray's required fields hold something: on an empty form it is not the next step.
  const ready = form.clientId.trim() !== '' && (form.clientSecret.trim() !== '' || settings.xray.hasClientSecret);
  // The Testsigma key is optional: without one, its result is information, not an error.
  const noKey = !settings.testsigma.hasApiKey && form.apiKey.trim() === '';
  const regions = regionOptions(t);
  const plans = planOptions(t, form.requestsPer5Minutes);

  const saveOnly = async () => {
    setPressed('save');
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
      <Heading size="small">{t('admin.connection.xrayHeading')}</Heading>
      <Text>
        {t('admin.connection.xrayIntro')}{' '}
        <Link href={XRAY_API_KEYS_URL} openNewTab>
          {t('admin.setup.xray.keysLink')}
        </Link>
      </Text>
      <Field id="xray-region" label={t('admin.connection.regionLabel')} help={t('admin.connection.regionHelp')}>
        <Select
          inputId="xray-region"
          options={regions}
          value={optionFor(regions, form.region)}
          onChange={(option: { value: XrayRegion } | null) => option && setForm((f) => ({ ...f, region: option.value }))}
        />
      </Field>
      <Field id="xray-client-id" label={t('admin.connection.clientId')} required>
        <Textfield id="xray-client-id" isRequired width={FIELD_WIDTH} value={form.clientId} onChange={text('clientId')} />
      </Field>
      <Field id="xray-client-secret" label={t('admin.connection.clientSecret')} required={!settings.xray.hasClientSecret}>
        <Textfield
          width={FIELD_WIDTH}
          id="xray-client-secret"
          type="password"
          value={form.clientSecret}
          placeholder={secretPlaceholder(t, settings.xray.hasClientSecret)}
          onChange={text('clientSecret')}
        />
      </Field>
      <Field id="xray-plan" label={t('admin.connection.planLabel')} help={t('admin.connection.planHelp')}>
        <Select
          inputId="xray-plan"
          options={plans}
          value={optionFor(plans, form.requestsPer5Minutes)}
          onChange={(option: { value: number } | null) =>
            option && setForm((f) => ({ ...f, requestsPer5Minutes: option.value }))
          }
        />
      </Field>
      <Heading size="small">{t('admin.connection.testsigmaHeading')}</Heading>
      <Field id="testsigma-base-url" label={t('admin.connection.baseUrl')}>
        <Textfield id="testsigma-base-url" width={FIELD_WIDTH} value={form.baseUrl} onChange={text('baseUrl')} />
      </Field>
      <Field id="testsigma-api-key" label={t('admin.connection.apiKey')} help={t('admin.connection.apiKeyHelp')}>
        <Textfield
          width={FIELD_WIDTH}
          id="testsigma-api-key"
          type="password"
          value={form.apiKey}
          placeholder={secretPlaceholder(t, settings.testsigma.hasApiKey)}
          onChange={text('apiKey')}
        />
      </Field>
      <Inline>
        <ButtonGroup>
        <LoadingButton appearance={ready ? 'primary' : 'default'} isLoading={pressed === 'test'} isDisabled={saving || testing} onClick={() => void saveAndTest()}>
          {dirty ? t('admin.connection.saveAndTest') : t('admin.connection.test')}
        </LoadingButton>
        <LoadingButton isLoading={pressed === 'save'} isDisabled={saving || testing || !dirty} onClick={() => void saveOnly()}>
          {t('admin.save')}
        </LoadingButton>
        </ButtonGroup>
      </Inline>
      {saveError && <ErrorMessage error={saveError} />}
      {testError && <ErrorMessage error={testError} onRetry={() => void saveAndTest()} />}
      {report && (
        <>
          <SectionMessage appearance={report.xray.ok ? 'success' : 'error'} title={t('admin.connection.xrayResult')}>
            <Stack space="space.050">
              <Text>{report.xray.message}</Text>
              {report.xray.statuses && report.xray.statuses.length > 0 && (
                <Text>{t('admin.connection.statuses', { statuses: report.xray.statuses.join(', ') })}</Text>
              )}
            </Stack>
          </SectionMessage>
          <SectionMessage appearance={report.testsigma.ok ? 'success' : noKey ? 'information' : 'error'} title={t('admin.connection.testsigmaResult')}>
            <Text>{report.testsigma.message}</Text>
          </SectionMessage>
        </>
      )}
    </Stack>
  );
}
