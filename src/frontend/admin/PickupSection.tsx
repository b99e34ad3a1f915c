import { Checkbox, Heading, Inline, Lozenge, SectionMessage, Stack, Text } from '@forge/react';
import type { SettingsView } from '../../shared/types';
import { ErrorMessage } from '../common/ErrorMessage';
import type { Notify } from '../common/flag';
import { useT } from '../common/i18n';
import { when } from '../common/when';
import type { AdminCaller } from '../invoke';
import { useSaveSettings } from './useSaveSettings';

/** Props of {@link PickupSection}. */
export interface PickupSectionProps {
  call: AdminCaller;
  settings: SettingsView;
  notify: Notify;
  onSaved: (settings: SettingsView) => void;
}

/**
 * Runs without a CI job (contract section 8): the switch for running Testsigma plans from Jira, the pick-up switch
 * with the one sentence that says when it is off by default and why, and the pick-up's last round. Each switch
 * saves at once: an admin's explicit choice is what the backend keeps.
 */
export function PickupSection({ call, settings, notify, onSaved }: PickupSectionProps) {
  const t = useT();
  const { saving, error, save } = useSaveSettings(call, onSaved);
  const pickup = settings.setup?.pickup;
  const toggle = async (patch: Parameters<typeof save>[0]) => {
    if (await save(patch)) notify(t('admin.saved'));
  };
  return (
    <Stack space="space.100">
      <Inline space="space.150" alignBlock="center" shouldWrap>
        <Heading size="small">{t('admin.pickup.heading')}</Heading>
        <Lozenge appearance={settings.testsigma.autoPickup ? 'inprogress' : 'default'}>{t(settings.testsigma.autoPickup ? 'admin.pickup.on' : 'admin.pickup.off')}</Lozenge>
      </Inline>
      {error && <ErrorMessage error={error} />}
      <Checkbox
        id="run-from-jira"
        label={t('admin.pickup.runFromJira')}
        isChecked={settings.runFromJira}
        isDisabled={saving}
        onChange={(event) => void toggle({ runFromJira: Boolean(event.target.checked) })}
      />
      <Checkbox
        id="auto-pickup"
        label={t('admin.pickup.autoPickup')}
        isChecked={settings.testsigma.autoPickup}
        isDisabled={saving}
        onChange={(event) => void toggle({ testsigma: { autoPickup: Boolean(event.target.checked) } })}
      />
      <Text size="small">{t('admin.pickup.why')}</Text>
      {pickup?.lastRoundAt ? (
        <Inline space="space.100" alignBlock="center" shouldWrap>
          <Text>{t.plural('admin.pickup.pickedUp', pickup.runsPickedUp)}</Text>
          <Text size="small">{t('admin.pickup.lastRound')}</Text>
          {when(t, pickup.lastRoundAt, 'small')}
        </Inline>
      ) : (
        <Text size="small">{t('admin.pickup.noRound')}</Text>
      )}
      {pickup?.problem && (
        <SectionMessage appearance="warning" title={t('admin.pickup.problemTitle')}>
          <Text>{pickup.problem}</Text>
        </SectionMessage>
      )}
    </Stack>
  );
}
