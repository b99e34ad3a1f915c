import { useCallback, useState } from 'react';
import { SectionMessage, Spinner, Tab, TabList, TabPanel, Tabs, Text } from '@forge/react';
import type { ConnectionReport, SettingsView } from '../../shared/types';
import { ErrorMessage } from '../common/ErrorMessage';
import { useRunOnce } from '../common/useRunOnce';
import { callAdmin, type AdminCaller } from '../invoke';
import { ConnectionTab } from './ConnectionTab';
import { MappingTab } from './MappingTab';
import { SyncLogTab } from './SyncLogTab';
import { WebtriggerTab } from './WebtriggerTab';

/** Props of {@link AdminApp}. */
export interface AdminAppProps {
  /** The resolver transport; tests pass a fake. */
  call?: AdminCaller;
}

type LoadState =
  | { status: 'loading' }
  | { status: 'forbidden'; message: string }
  | { status: 'failed'; message: string }
  | { status: 'ready'; settings: SettingsView };

const SYNC_LOG_TAB = 3;

/**
 * The admin page: connection, mapping, web trigger and sync log tabs over one copy of the settings, which each save
 * replaces with what the resolver stored.
 */
export function AdminApp({ call = callAdmin }: AdminAppProps) {
  const [load, setLoad] = useState<LoadState>({ status: 'loading' });
  const [tab, setTab] = useState(0);
  // The sync log costs storage reads: load it when first opened, then keep it (and its paging) mounted.
  const [syncLogOpened, setSyncLogOpened] = useState(false);
  const [report, setReport] = useState<ConnectionReport>();

  const open = useCallback(async () => {
    setLoad({ status: 'loading' });
    const answer = await call('getSettings', {});
    if (answer.ok) setLoad({ status: 'ready', settings: answer.data });
    else if (answer.error.code === 'forbidden') setLoad({ status: 'forbidden', message: answer.error.message });
    else setLoad({ status: 'failed', message: answer.error.message });
  }, [call]);
  useRunOnce(() => void open());

  if (load.status === 'loading') return <Spinner label="Loading settings" />;
  if (load.status === 'forbidden') {
    return (
      <SectionMessage appearance="warning">
        <Text>{load.message}</Text>
      </SectionMessage>
    );
  }
  if (load.status === 'failed') return <ErrorMessage message={load.message} onRetry={() => void open()} />;

  const { settings } = load;
  const saved = (next: SettingsView) => setLoad({ status: 'ready', settings: next });
  return (
    <Tabs
      id="testsigma-settings"
      selected={tab}
      onChange={(index: number) => {
        setTab(index);
        if (index === SYNC_LOG_TAB) setSyncLogOpened(true);
      }}
    >
      <TabList>
        <Tab>Connection</Tab>
        <Tab>Mapping</Tab>
        <Tab>Web trigger</Tab>
        <Tab>Sync log</Tab>
      </TabList>
      <TabPanel>
        <ConnectionTab call={call} settings={settings} onSaved={saved} onReport={setReport} />
      </TabPanel>
      <TabPanel>
        <MappingTab call={call} settings={settings} xrayStatuses={report?.xray.statuses} onSaved={saved} />
      </TabPanel>
      <TabPanel>
        <WebtriggerTab
          call={call}
          webtrigger={settings.webtrigger}
          onChanged={(webtrigger) => saved({ ...settings, webtrigger })}
        />
      </TabPanel>
      <TabPanel>{syncLogOpened && <SyncLogTab call={call} />}</TabPanel>
    </Tabs>
  );
}
