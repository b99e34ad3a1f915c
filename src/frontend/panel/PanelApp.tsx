import { useCallback, useState } from 'react';
import { Button, Inline, SectionMessage, Spinner, Stack, Text } from '@forge/react';
import type { PanelResolverApi, PanelView } from '../../shared/types';
import { ErrorMessage } from '../common/ErrorMessage';
import { useRunOnce } from '../common/useRunOnce';
import { callPanel, type PanelCaller } from '../invoke';
import { AddLinkForm } from './AddLinkForm';
import { CoverageSection } from './CoverageSection';
import { LinkItem } from './LinkItem';
import { addFormMode, kindCopy, singleLinkHint } from './panelModel';
import { RecentRunsTable } from './RecentRunsTable';

/** Props of {@link PanelApp}. */
export interface PanelAppProps {
  /** The resolver transport; tests pass a fake. */
  call?: PanelCaller;
}

type LoadState =
  | { status: 'loading' }
  | { status: 'failed'; message: string }
  | { status: 'ready'; view: PanelView };

type ChangeKey = keyof PanelResolverApi;

/**
 * The issue panel: the Testsigma items linked to this Test, Test Set or Test Plan, with coverage and recent runs, and
 * the controls to link and unlink. Every change answers with the whole new view, which simply replaces the old one.
 */
export function PanelApp({ call = callPanel }: PanelAppProps) {
  const [load, setLoad] = useState<LoadState>({ status: 'loading' });
  // One change at a time: a second click while the first is on its way would race it for the view.
  const [busy, setBusy] = useState(false);
  // Errors of refresh and unlink, shown above the list while the view stays as it was.
  const [notice, setNotice] = useState<string>();

  const open = useCallback(async () => {
    setLoad({ status: 'loading' });
    const answer = await call('getPanel', {});
    setLoad(answer.ok ? { status: 'ready', view: answer.data } : { status: 'failed', message: answer.error.message });
  }, [call]);
  useRunOnce(() => void open());

  const change = async <K extends ChangeKey>(key: K, payload: PanelResolverApi[K]['payload']) => {
    setBusy(true);
    setNotice(undefined);
    const answer = await call(key, payload);
    setBusy(false);
    if (!answer.ok) return answer.error.message;
    setLoad({ status: 'ready', view: answer.data });
    return undefined;
  };
  const showFailure = (message: string | undefined) => {
    if (message !== undefined) setNotice(message);
  };

  if (load.status === 'loading') return <Spinner label="Loading Testsigma links" />;
  if (load.status === 'failed') return <ErrorMessage message={load.message} onRetry={() => void open()} />;

  const { view } = load;
  const copy = kindCopy(view.issue.kind);
  const mode = addFormMode(view);
  return (
    <Stack space="space.200">
      {notice !== undefined && <ErrorMessage message={notice} />}
      {view.links.length === 0 ? (
        <Text>{view.canEdit ? `${copy.empty} ${copy.emptyHint}` : copy.empty}</Text>
      ) : (
        <Stack space="space.150">
          {view.links.map((link) => (
            <LinkItem
              key={link.testsigmaId}
              link={link}
              canEdit={view.canEdit}
              busy={busy}
              onUnlink={(testsigmaId) => void change('unlink', { testsigmaId }).then(showFailure)}
            />
          ))}
        </Stack>
      )}
      {mode === 'open' && (
        <AddLinkForm kind={view.issue.kind} busy={busy} onLink={(testsigmaId) => change('link', { testsigmaId })} />
      )}
      {mode === 'full' && <Text size="small">{singleLinkHint(view)}</Text>}
      {mode === 'readOnly' && (
        <SectionMessage appearance="information">
          <Text>You can see these links, but linking and unlinking need permission to edit this issue.</Text>
        </SectionMessage>
      )}
      {view.coverage && <CoverageSection coverage={view.coverage} />}
      {view.issue.kind === 'testPlan' && view.recentRuns && <RecentRunsTable runs={view.recentRuns} />}
      <Inline alignInline="end">
        <Button
          appearance="subtle"
          isDisabled={busy}
          onClick={() => void change('getPanel', { refresh: true }).then(showFailure)}
        >
          Refresh
        </Button>
      </Inline>
    </Stack>
  );
}
