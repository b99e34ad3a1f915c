import { useState } from 'react';
import {
  Button,
  LoadingButton,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  ModalTitle,
  Select,
  Spinner,
  Stack,
  Text,
  Textfield,
} from '@forge/react';
import type { RunOptions, RunPlanInput } from '../../shared/types';
import { ErrorMessage, type ShownError } from '../common/ErrorMessage';
import { Field } from '../common/Field';
import { useT } from '../common/i18n';

type Option = { label: string; value: string };

/** Props of {@link RunDialog}. */
export interface RunDialogProps {
  planId: string;
  /** `undefined` while `getRunOptions` is on its way. */
  options: RunOptions | undefined;
  /** Why the options could not be read. */
  error?: ShownError;
  busy: boolean;
  onRun(input: RunPlanInput): void;
  onClose(): void;
}

/**
 * The Run dialog of a Test Plan: the build number (Testsigma's `buildNo`, Xray's revision), and an environment and a
 * saved partial run where Testsigma has them. Opened only for users who may edit the Test Plan.
 */
export function RunDialog({ planId, options, error, busy, onRun, onClose }: RunDialogProps) {
  const t = useT();
  const [buildNo, setBuildNo] = useState('');
  const [environment, setEnvironment] = useState<Option | null>(null);
  const [config, setConfig] = useState<Option | null>(null);
  const canRun = options?.canRun === true;
  const run = () =>
    onRun({
      ...(buildNo.trim() ? { buildNo: buildNo.trim() } : {}),
      ...(environment ? { environmentId: environment.value } : {}),
      ...(config ? { savedConfigId: config.value } : {}),
    });
  return (
    <Modal onClose={onClose}>
      <ModalHeader>
        <ModalTitle>{t('panel.run.title', { id: planId })}</ModalTitle>
      </ModalHeader>
      <ModalBody>
        {error ? (
          <ErrorMessage error={error} />
        ) : !options ? (
          <Spinner label={t('panel.run.loading')} />
        ) : !canRun ? (
          <Text>{t('panel.run.cannot')}</Text>
        ) : (
          <Stack space="space.150">
            <Text>{t('panel.run.intro')}</Text>
            <Field id="run-build" label={t('panel.run.build')} help={t('panel.run.buildHelp')}>
              <Textfield id="run-build" value={buildNo} maxLength={255} onChange={(e) => setBuildNo(String(e.target.value ?? ''))} />
            </Field>
            {options.environments.length > 0 && (
              <Field id="run-environment" label={t('panel.run.environment')}>
                <Select
                  inputId="run-environment"
                  isClearable
                  options={options.environments.map((e) => ({ label: e.name, value: e.id }))}
                  value={environment}
                  placeholder={t('panel.run.planDefault')}
                  onChange={(o: Option | null) => setEnvironment(o)}
                />
              </Field>
            )}
            {options.savedConfigs.length > 0 && (
              <Field id="run-config" label={t('panel.run.config')} help={t('panel.run.configHelp')}>
                <Select
                  inputId="run-config"
                  isClearable
                  options={options.savedConfigs.map((c) => ({ label: c.name, value: c.id }))}
                  value={config}
                  placeholder={t('panel.run.wholePlan')}
                  onChange={(o: Option | null) => setConfig(o)}
                />
              </Field>
            )}
          </Stack>
        )}
      </ModalBody>
      <ModalFooter>
        <Button appearance="subtle" onClick={onClose}>
          {t('common.cancel')}
        </Button>
        {canRun && (
          <LoadingButton appearance="primary" isLoading={busy} onClick={run}>
            {t('panel.run.start')}
          </LoadingButton>
        )}
      </ModalFooter>
    </Modal>
  );
}
