import { Fragment } from 'react';
import { DynamicTable, Heading, Inline, Link, LoadingButton, Lozenge, Stack, Text } from '@forge/react';
import { useT } from '../common/i18n';
import { executionCell } from '../common/jobCells';
import { when } from '../common/when';
import { canRerunFailed, isRunningInTestsigma, type RunGroup } from './panelModel';
import { runOutcome, syncState } from './runOutcome';

/**
 * The latest runs of the linked Testsigma plan, one row a run (the deliveries of one run grouped): what each says
 * about the release, its Test Execution and when; its sync state only when that needs attention. Cell contents are
 * UI Kit elements only (DynamicTable calls cell components as plain functions).
 */
/** Props of {@link RecentRunsTable}. */
export interface RecentRunsTableProps {
  groups: RunGroup[];
  /** The user may run the plan from Jira: finished Testsigma runs with failures offer "Re-run failed". */
  canRun?: boolean;
  busy?: boolean;
  /** The run being re-run. */
  rerunning?: string;
  onRerun?(runId: string): void;
}

export function RecentRunsTable({ groups, canRun = false, busy = false, rerunning, onRerun }: RecentRunsTableProps) {
  const t = useT();
  // A run Testsigma has not finished (started from Jira or picked up): "Running in Testsigma", with a link to it.
  const inTestsigma = isRunningInTestsigma;
  const rows = groups.map((run) => ({
    key: run.runId,
    cells: [
      {
        key: 'run',
        content: (
          <Stack space="space.050">
            <Inline space="space.100" alignBlock="center" shouldWrap>
              {run.testsigmaUrl ? (
                <Link href={run.testsigmaUrl} openNewTab>
                  {run.runId}
                </Link>
              ) : (
                <Text>{run.runId}</Text>
              )}
              {inTestsigma(run) ? <Lozenge appearance="inprogress">{t('panel.runs.inTestsigma')}</Lozenge> : syncState(t, run)}
            </Inline>
            {run.source !== 'executor' && <Text size="small">{t(`panel.runs.source.${run.source}`)}</Text>}
            {run.deliveries > 1 && <Text size="small">{t.plural('jobs.deliveries', run.deliveries)}</Text>}
          </Stack>
        ),
      },
      {
        key: 'outcome',
        content: (
          <Stack space="space.050">
            {inTestsigma(run) ? <Text size="small">{t('panel.runs.whenEnds')}</Text> : runOutcome(t, run)}
            {canRun && onRerun && canRerunFailed(run) && (
              // Inline: a compact button as wide as its words, not stretched across the cell.
              <Inline>
                <LoadingButton spacing="compact" isLoading={rerunning === run.runId} isDisabled={busy} onClick={() => onRerun(run.runId)}>
                  {t('panel.runs.rerunFailed')}
                </LoadingButton>
              </Inline>
            )}
          </Stack>
        ),
      },
      {
        key: 'execution',
        // A run split by machine has a Test Execution a machine.
        content: run.testExecutionKeys ? (
          <Stack space="space.0">{run.testExecutionKeys.map((k) => <Fragment key={k}>{executionCell(t, k)}</Fragment>)}</Stack>
        ) : (
          executionCell(t, run.testExecutionKey)
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
          head={{
            cells: [
              { key: 'run', content: t('jobs.column.run') },
              { key: 'outcome', content: t('panel.runs.outcome') },
              { key: 'execution', content: t('jobs.column.execution') },
              { key: 'at', content: t('jobs.column.at') },
            ],
          }}
          rows={rows}
        />
      )}
    </Stack>
  );
}
