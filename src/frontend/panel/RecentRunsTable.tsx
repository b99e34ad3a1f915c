import { Fragment } from 'react';
import { DynamicTable, Heading, Link, LoadingButton, Lozenge, Stack, Text } from '@forge/react';
import type { RecentRun } from '../../shared/types';
import { useT } from '../common/i18n';
import { executionCell, runHeadCells, stateLozenge } from '../common/jobCells';
import { when } from '../common/when';
import { canRerunFailed, groupRuns, type RunGroup } from './panelModel';

/** Props of {@link RecentRunsTable}. */
export interface RecentRunsTableProps {
  runs: RecentRun[];
  /** The user may run the plan from Jira: finished runs with failures offer "Re-run failed". */
  canRun?: boolean;
  busy?: boolean;
  /** The run being re-run. */
  rerunning?: string;
  onRerun?(runId: string): void;
}

/**
 * The latest runs of the linked Testsigma plan, one row a run: the deliveries of one run are grouped and their
 * counts summed. A run Testsigma has not finished reads "Running in Testsigma" with a link to it. Cell contents are
 * UI Kit elements only (DynamicTable calls cell components as plain functions).
 */
export function RecentRunsTable({ runs, canRun = false, busy = false, rerunning, onRerun }: RecentRunsTableProps) {
  const t = useT();
  const groups = groupRuns(runs);
  const inTestsigma = (run: RunGroup) => run.state === 'running' && run.source !== 'executor' && run.counts.received === 0;
  const rows = groups.map((run) => ({
    key: run.runId,
    cells: [
      {
        key: 'run',
        content: (
          <Stack space="space.0">
            {run.testsigmaUrl ? (
              <Link href={run.testsigmaUrl} openNewTab>
                {run.runId}
              </Link>
            ) : (
              <Text>{run.runId}</Text>
            )}
            {run.source !== 'executor' && <Text size="small">{t(`panel.runs.source.${run.source}`)}</Text>}
            {run.deliveries > 1 && <Text size="small">{t.plural('jobs.deliveries', run.deliveries)}</Text>}
          </Stack>
        ),
      },
      { key: 'state', content: inTestsigma(run) ? <Lozenge appearance="inprogress">{t('panel.runs.inTestsigma')}</Lozenge> : stateLozenge(t, run.state) },
      {
        key: 'execution',
        content: run.testExecutionKeys ? (
          <Stack space="space.0">{run.testExecutionKeys.map((k) => <Fragment key={k}>{executionCell(t, k)}</Fragment>)}</Stack>
        ) : (
          executionCell(t, run.testExecutionKey)
        ),
      },
      {
        key: 'results',
        content: (
          <Stack space="space.050">
            {inTestsigma(run) ? (
              <Text size="small">{t('panel.runs.whenEnds')}</Text>
            ) : (
            <Stack space="space.0">
              <Text>{t('panel.runs.counts', { synced: run.counts.synced, received: run.counts.received })}</Text>
              {run.counts.unmapped > 0 && <Text size="small">{t('panel.runs.unmapped', { count: run.counts.unmapped })}</Text>}
              {run.counts.failed > 0 && <Text size="small">{t('panel.runs.failed', { count: run.counts.failed })}</Text>}
            </Stack>
            )}
            {canRun && onRerun && canRerunFailed(run) && (
              <LoadingButton
                spacing="compact"
                isLoading={rerunning === run.runId}
                isDisabled={busy}
                onClick={() => onRerun(run.runId)}
              >
                {t('panel.runs.rerunFailed')}
              </LoadingButton>
            )}
          </Stack>
        ),
      },
      { key: 'at', content: when(t, run.at) },
    ],
  }));
  return (
    <Stack space="space.100">
      <Heading size="xsmall">{t('panel.runs.heading')}</Heading>
      {groups.length === 0 ? (
        <Text>{t('panel.runs.none')}</Text>
      ) : (
        <DynamicTable
          label={t('panel.runs.caption')}
          // The sync log's columns in its order; the panel is narrow, so the four counts share one column.
          head={{ cells: [...runHeadCells(t).slice(0, 3), { key: 'results', content: t('panel.runs.results') }, { key: 'at', content: t('jobs.column.at') }] }}
          rows={rows}
        />
      )}
    </Stack>
  );
}
