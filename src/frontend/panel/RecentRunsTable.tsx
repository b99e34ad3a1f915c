import { Fragment } from 'react';
import { DynamicTable, Heading, Inline, Link, LoadingButton, Lozenge, Stack, Text } from '@forge/react';
import { useT } from '../common/i18n';
import { executionCell } from '../common/jobCells';
import { whenShort } from '../common/when';
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
      {
        key: 'outcome',
        content: (
          <Stack space="space.050">
            {/* The state beside the outcome, where a long word ("Teilweise synchronisiert") has room. */}
            {inTestsigma(run) ? (
              <Inline space="space.100" alignBlock="center" shouldWrap>
                <Lozenge appearance="inprogress">{t('panel.runs.inTestsigma')}</Lozenge>
                <Text size="small">{t('panel.runs.whenEnds')}</Text>
              </Inline>
            ) : (
              <Inline space="space.100" alignBlock="center" shouldWrap>
                {runOutcome(t, run)}
                {syncState(t, run)}
              </Inline>
            )}
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
      { key: 'at', content: whenShort(t, run.at) },
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
              // Fixed widths, as the links table's: a running run or a longer time does not move the columns.
              { key: 'run', content: t('jobs.column.run'), width: 26 },
              { key: 'outcome', content: t('panel.runs.outcome'), width: 38 },
              { key: 'execution', content: t('jobs.column.execution'), width: 20 },
              { key: 'at', content: t('jobs.column.at'), width: 16 },
            ],
          }}
          rows={rows}
          isFixedSize
        />
      )}
    </Stack>
  );
}
