import { useCallback, useState } from 'react';
import { Heading, Inline, Link, Lozenge, Spinner, Stack, Text } from '@forge/react';
import type { LinkView, PanelView } from '../../shared/types';
import { ErrorMessage, type ShownError } from '../common/ErrorMessage';
import { browsePath, displayId } from '../common/format';
import { useT, type Translator } from '../common/i18n';
import { statusCounts, statusLozenge } from '../common/statusLozenge';
import { useRunOnce } from '../common/useRunOnce';
import { when } from '../common/when';
import { callPanel, type PanelCaller } from '../invoke';
import { LatestRun } from '../panel/LatestRun';
import { groupRuns } from '../panel/panelModel';

/** Props of {@link SummaryApp}. */
export interface SummaryAppProps {
  /** The resolver transport; tests pass a fake. */
  call?: PanelCaller;
}

type LoadState = { status: 'loading' } | { status: 'failed'; error: ShownError } | { status: 'ready'; view: PanelView };

/**
 * The issue's summary on its right side (`jira:issueContext` `testsigma-summary`): there on every Test, Test Set and
 * Test Plan without anyone adding it, unlike the issue panel. It answers the tester's question at a glance (how many
 * cases, how their last results went, whether one is flaky, the newest run) and points to the full panel. Read-only:
 * linking and unlinking stay in the panel.
 */
export function SummaryApp({ call = callPanel }: SummaryAppProps) {
  const t = useT();
  const [load, setLoad] = useState<LoadState>({ status: 'loading' });
  const open = useCallback(async () => {
    setLoad({ status: 'loading' });
    const answer = await call('getPanel', { summary: true });
    setLoad(answer.ok ? { status: 'ready', view: answer.data } : { status: 'failed', error: answer.error });
  }, [call]);
  useRunOnce(() => void open());

  if (load.status === 'loading') return <Spinner label={t('summary.loading')} />;
  if (load.status === 'failed') return <ErrorMessage error={load.error} onRetry={() => void open()} />;
  const { view } = load;
  return (
    <Stack space="space.150">
      {view.issue.kind === 'test' ? testSummary(t, view.links) : linkedItem(t, view)}
      {view.issue.kind === 'testPlan' && newestRun(view)}
      <Text size="small">{t('summary.more')}</Text>
    </Stack>
  );
}

/** A Test: "2 cases", their last results by Xray status, Flaky, and the newest result's run. */
function testSummary(t: Translator, links: LinkView[]) {
  if (links.length === 0) return <Text>{t('panel.kind.test.empty')}</Text>;
  const statuses: Record<string, number> = {};
  for (const l of links) if (l.lastResult) statuses[l.lastResult.status] = (statuses[l.lastResult.status] ?? 0) + 1;
  const noRun = links.filter((l) => !l.lastResult).length;
  const newest = links
    .map((l) => l.lastResult)
    .filter((r) => r !== undefined)
    .reduce<NonNullable<LinkView['lastResult']> | undefined>((a, b) => (a === undefined || b.at > a.at ? b : a), undefined);
  return (
    <Stack space="space.100">
      <Inline space="space.100" alignBlock="center" shouldWrap>
        <Text weight="bold">{t.plural('summary.cases', links.length)}</Text>
        {statusCounts(t, statuses)}
        {noRun > 0 && <Text size="small">{t.plural('summary.noRun', noRun)}</Text>}
        {links.some((l) => l.flaky) && (
          <Lozenge appearance="moved">{t('panel.flaky.word')}</Lozenge>
        )}
      </Inline>
      {newest && (
        <Inline space="space.100" alignBlock="center" shouldWrap>
          <Text>{t('summary.newestResult', { runId: newest.runId })}</Text>
          {statusLozenge(newest.status)}
          {newest.testExecutionKey && <Link href={browsePath(newest.testExecutionKey)}>{newest.testExecutionKey}</Link>}
          {when(t, newest.at, 'small')}
        </Inline>
      )}
    </Stack>
  );
}

/** A Test Set or Test Plan: its one linked suite or plan, or that it has none. */
function linkedItem(t: Translator, view: PanelView) {
  const kind = view.issue.kind;
  const item = view.links[0];
  if (!item) return <Text>{t(`panel.kind.${kind}.empty`)}</Text>;
  const id = displayId(item.testsigmaId);
  return (
    <Stack space="space.050">
      <Heading size="xsmall">{t(`panel.kind.${kind}.column`)}</Heading>
      <Inline space="space.100" alignBlock="center" shouldWrap>
        {item.url ? (
          <Link href={item.url} openNewTab>
            {id}
          </Link>
        ) : (
          <Text weight="medium">{id}</Text>
        )}
        {item.name !== undefined && <Text>{item.name}</Text>}
      </Inline>
    </Stack>
  );
}

function newestRun(view: PanelView) {
  const run = groupRuns(view.recentRuns ?? [])[0];
  return run ? <LatestRun run={run} /> : undefined;
}
