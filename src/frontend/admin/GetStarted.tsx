import { Button, Heading, Inline, Link, Lozenge, SectionMessage, Stack, Text } from '@forge/react';
import type { SettingsView } from '../../shared/types';
import { useT } from '../common/i18n';
import { setupSteps, type StepState } from './setupModel';

/** Where Xray Cloud's API keys are made (Xray's own documentation). */
export const XRAY_API_KEYS_URL = 'https://docs.getxray.app/display/XRAYCLOUD/Global+Settings%3A+API+Keys';

const STATE_APPEARANCE: Record<StepState, 'success' | 'removed' | 'default' | 'new'> = {
  done: 'success',
  failed: 'removed',
  todo: 'default',
  optional: 'new',
};

/** Props of {@link GetStarted}. */
export interface GetStartedProps {
  settings: SettingsView;
  /** Opens the tab where a step is done. */
  onOpenTab: (tab: number) => void;
}

/** The first-run checklist: connect Xray, connect Testsigma (optional), create the secret, receive a first run. */
export function GetStarted({ settings, onOpenTab }: GetStartedProps) {
  const t = useT();
  const steps = setupSteps(settings);
  return (
    <SectionMessage appearance="discovery" title={t('admin.setup.title')}>
      <Stack space="space.150">
        <Text>{t('admin.setup.intro')}</Text>
        {steps.map((step, index) => (
          <Stack key={step.id} space="space.050">
            <Inline space="space.100" alignBlock="center" shouldWrap>
              <Heading size="xxsmall">{t('admin.setup.step', { n: index + 1, name: t(`admin.setup.${step.id}.name`) })}</Heading>
              <Lozenge appearance={STATE_APPEARANCE[step.state]}>{t(`admin.setup.state.${step.state}`)}</Lozenge>
            </Inline>
            <Text size="small">{t(`admin.setup.${step.id}.${step.state === 'failed' ? 'failed' : 'help'}`)}</Text>
            {step.state !== 'done' && (
              <Inline space="space.100" alignBlock="center" shouldWrap>
                <Button spacing="compact" onClick={() => onOpenTab(step.tab)}>
                  {t(`admin.setup.${step.id}.action`)}
                </Button>
                {step.id === 'xray' && (
                  <Link href={XRAY_API_KEYS_URL} openNewTab>
                    {t('admin.setup.xray.keysLink')}
                  </Link>
                )}
              </Inline>
            )}
          </Stack>
        ))}
        <Text size="small">{t('admin.setup.pickup')}</Text>
      </Stack>
    </SectionMessage>
  );
}
