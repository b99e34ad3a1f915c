import { useState } from 'react';
import { Button, ButtonGroup, Heading, SectionMessage, Select, Stack, Text, Textfield } from '@forge/react';
import type { ConnectionReport, SettingsView, XrayRegion } from '../../shared/types';
import { ErrorMessage } from '../common/ErrorMessage';
import { Field } from '../common/Field';
import type { AdminCaller } from '../invoke';
import {
  connectionForm,
  connectionPatch,
  isEmptyPatch,
  optionFor,
  planOptions,
  REGION_OPTIONS,
  secretPlaceholder,
  type ConnectionForm,
} from './connectionModel';
import { SaveOutcomeMessage } from './SaveOutcomeMessage';
import { useSaveSettings } from './useSaveSettings';

/** Props of {@link ConnectionTab}. */
export interface ConnectionTabProps {
  call: AdminCaller;
  settings: SettingsView;
  onSaved: (settings: SettingsView) => void;
  /** Hands the last connection test up: the Mapping tab offers Xray's statuses from it. */
  onReport: (report: ConnectionReport) => void;
}

type Change = (event: { target: { value?: unknown } }) => void;

/** Xray and Testsigma credentials, the Xray plan, and a connection test. */
export function ConnectionTab({ call, settings, onSaved, onReport }: ConnectionTabProps) {
  const [form, setForm] = useState<ConnectionForm>(() => connectionForm(settings));
  const { saving, outcome, save } = useSaveSettings(call, (saved) => {
    onSaved(saved);
    setForm(connectionForm(saved));
  });
  const patch = connectionPatch(form, settings);
  const dirty = !isEmptyPatch(patch);

  const text =
    (key: 'clientId' | 'clientSecret' | 'baseUrl' | 'apiKey'): Change =>
    (event) =>
      setForm((f) => ({ ...f, [key]: String(event.target.value ?? '') }));
  const plans = planOptions(form.requestsPer5Minutes);

  return (
    <Stack space="space.200">
      <Heading size="small">Xray Cloud</Heading>
      <Field id="xray-region" label="Region" help="Where your Xray data lives; the wrong region is refused with a 401.">
        <Select
          id="xray-region"
          options={REGION_OPTIONS}
          value={optionFor(REGION_OPTIONS, form.region)}
          onChange={(option: { value: XrayRegion } | null) => option && setForm((f) => ({ ...f, region: option.value }))}
        />
      </Field>
      <Field id="xray-client-id" label="Client id">
        <Textfield id="xray-client-id" value={form.clientId} onChange={text('clientId')} />
      </Field>
      <Field id="xray-client-secret" label="Client secret">
        <Textfield
          id="xray-client-secret"
          type="password"
          value={form.clientSecret}
          placeholder={secretPlaceholder(settings.xray.hasClientSecret)}
          onChange={text('clientSecret')}
        />
      </Field>
      <Field id="xray-plan" label="Xray plan" help="How many Xray API requests the app may spend per 5 minutes.">
        <Select
          id="xray-plan"
          options={plans}
          value={optionFor(plans, form.requestsPer5Minutes)}
          onChange={(option: { value: number } | null) =>
            option && setForm((f) => ({ ...f, requestsPer5Minutes: option.value }))
          }
        />
      </Field>
      <Heading size="small">Testsigma</Heading>
      <Field id="testsigma-base-url" label="Base URL">
        <Textfield id="testsigma-base-url" value={form.baseUrl} onChange={text('baseUrl')} />
      </Field>
      <Field id="testsigma-api-key" label="API key" help="Used for test case names and for pulling runs by id.">
        <Textfield
          id="testsigma-api-key"
          type="password"
          value={form.apiKey}
          placeholder={secretPlaceholder(settings.testsigma.hasApiKey)}
          onChange={text('apiKey')}
        />
      </Field>
      <ButtonGroup>
        <Button appearance="primary" isDisabled={saving || !dirty} onClick={() => void save(patch)}>
          Save
        </Button>
      </ButtonGroup>
      <SaveOutcomeMessage outcome={outcome} />
      <ConnectionTest call={call} unsaved={dirty} onReport={onReport} />
    </Stack>
  );
}

/** "Test connection" and its two results. */
function ConnectionTest({
  call,
  unsaved,
  onReport,
}: {
  call: AdminCaller;
  unsaved: boolean;
  onReport: (report: ConnectionReport) => void;
}) {
  const [testing, setTesting] = useState(false);
  const [report, setReport] = useState<ConnectionReport>();
  const [error, setError] = useState<string>();

  const run = async () => {
    setTesting(true);
    setError(undefined);
    const answer = await call('testConnection', {});
    setTesting(false);
    if (!answer.ok) {
      setReport(undefined);
      setError(answer.error.message);
      return;
    }
    setReport(answer.data);
    onReport(answer.data);
  };

  return (
    <Stack space="space.100">
      <ButtonGroup>
        <Button isDisabled={testing} onClick={() => void run()}>
          Test connection
        </Button>
      </ButtonGroup>
      {/* The test runs on the server with the stored settings, not with what is typed here. */}
      {unsaved && <Text size="small">Test connection uses the saved settings: save your changes first.</Text>}
      {error !== undefined && <ErrorMessage message={error} />}
      {report && (
        <>
          <SectionMessage appearance={report.xray.ok ? 'success' : 'error'} title="Xray">
            <Stack space="space.050">
              <Text>{report.xray.message}</Text>
              {report.xray.statuses && report.xray.statuses.length > 0 && (
                <Text>{`Xray statuses: ${report.xray.statuses.join(', ')}`}</Text>
              )}
            </Stack>
          </SectionMessage>
          <SectionMessage appearance={report.testsigma.ok ? 'success' : 'error'} title="Testsigma">
            <Text>{report.testsigma.message}</Text>
          </SectionMessage>
        </>
      )}
    </Stack>
  );
}
