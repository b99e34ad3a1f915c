import { useCallback, useState } from 'react';
import { SectionMessage, Spinner, Stack, Tab, TabList, TabPanel, Tabs, Text } from '@forge/react';
import type { SettingsView } from '../../shared/types';
import { ErrorMessage, type ShownError } from '../common/ErrorMessage';
import { hostFlag, type Notify } from '../common/flag';
import { useT } from '../common/i18n';
import { useRunOnce } from '../common/useRunOnce';
import { callAdmin, type AdminCaller } from '../invoke';
import { ConnectionTab } from './ConnectionTab';
import { GetStarted } from './GetStarted';
import { MappingTab } from './MappingTab';
import { FreeCaseSection } from './FreeCaseSection';
import { setupOpen, setupSteps, TABS, withReport, withSecret } from './setupModel';
import { SyncLogTab } from './SyncLogTab';
import { WebtriggerTab } from './WebtriggerTab';

/** Props of {@link AdminApp}. */
export interface AdminAppProps {
  /** The resolver transport; tests pass a fake. */
  call?: AdminCaller;
  /** Success flags; tests pass a recorder. */
  notify?: Notify;
}

type LoadState =
  | { status: 'loading' }
  | { status: 'forbidden'; message: string }
  | { status: 'failed'; error: ShownError }
  | { status: 'ready'; settings: SettingsView };

/**
 * The admin page: a "Get started" checklist while setup is incomplete, then connection, mapping, web trigger and
 * sync log tabs over one copy of the settings, which each save replaces with what the resolver stored.
 */
export function AdminApp({ call = callAdmin, notify = hostFlag }: AdminAppProps) {
  const t = useT();
  const [load, setLoad] = useState<LoadState>({ status: 'loading' });
  const [tab, setTab] = useState(0);
  // The sync log costs storage reads: load it when first opened, then keep it (and its paging) mounted.
  const [syncLogOpened, setSyncLogOpened] = useState(false);

  const open = useCallback(async () => {
    setLoad({ status: 'loading' });
    const answer = await call('getSettings', {});
    if (answer.ok) setLoad({ status: 'ready', settings: answer.data });
    else if (answer.error.code === 'forbidden') setLoad({ status: 'forbidden', message: answer.error.message });
    else setLoad({ status: 'failed', error: answer.error });
  }, [call]);
  useRunOnce(() => void open());

  if (load.status === 'loading') return <Spinner label={t('admin.loading')} />;
  if (load.status === 'forbidden') {
    return (
      <SectionMessage appearance="warning" title={t('errors.forbidden.title')}>
        <Text>{load.message}</Text>
      </SectionMessage>
    );
  }
  if (load.status === 'failed') return <ErrorMessage error={load.error} onRetry={() => void open()} />;

  const { settings } = load;
  // A backend that does not send `setup` yet must not make the page forget what this page learned (statuses).
  const saved = (next: SettingsView) =>
    setLoad((l) => ({ status: 'ready', settings: !next.setup && l.status === 'ready' && l.settings.setup ? { ...next, setup: l.settings.setup } : next }));
  const openTab = (index: number) => {
    setTab(index);
    if (index === TABS.syncLog) setSyncLogOpened(true);
  };
  return (
    <Stack space="space.300">
      {setupOpen(setupSteps(settings)) && <GetStarted settings={settings} onOpenTab={openTab} />}
      <Tabs id="testsigma-settings" selected={tab} onChange={openTab}>
        <TabList>
          <Tab>{t('admin.tabs.connection')}</Tab>
          <Tab>{t('admin.tabs.mapping')}</Tab>
          <Tab>{t('admin.tabs.webtrigger')}</Tab>
          <Tab>{t('admin.tabs.syncLog')}</Tab>
        </TabList>
        <TabPanel>
          <ConnectionTab
            call={call}
            settings={settings}
            notify={notify}
            onSaved={saved}
            onReport={(report) => setLoad((l) => (l.status === 'ready' ? { status: 'ready', settings: withReport(l.settings, report) } : l))}
          />
        </TabPanel>
        <TabPanel>
          <Stack space="space.400">
            <MappingTab call={call} settings={settings} xrayStatuses={settings.setup?.xrayStatuses} notify={notify} onSaved={saved} />
            <FreeCaseSection call={call} notify={notify} />
          </Stack>
        </TabPanel>
        <TabPanel>
          <WebtriggerTab
            call={call}
            webtrigger={settings.webtrigger}
            notify={notify}
            onChanged={(webtrigger) => saved(withSecret(settings, webtrigger))}
          />
        </TabPanel>
        <TabPanel>{syncLogOpened && <SyncLogTab call={call} notify={notify} testsigmaBaseUrl={settings.testsigma.baseUrl} onOpenWebtrigger={() => openTab(TABS.webtrigger)} />}</TabPanel>
      </Tabs>
    </Stack>
  );
}
