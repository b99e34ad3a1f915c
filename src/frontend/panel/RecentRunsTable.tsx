import { Fragment } from 'react';
import { DynamicTable, Heading, Inline, Stack, Text } from '@forge/react';
import { useT } from '../common/i18n';
import { executionCell } from '../common/jobCells';
import { when } from '../common/when';
import type { RunGroup } from './panelModel';
import { runOutcome, syncState } from './runOutcome';

/**
 * The latest runs of the linked Testsigma plan, one row a run (the deliveries of one run grouped): what each says
 * about the release, its Test Execution and when; its sync state only when that needs attention. Cell contents are
 * UI Kit elements only (DynamicTable calls cell components as plain functions).
 */
export function RecentRunsTable({ groups }: { groups: RunGroup[] }) {
  const t = useT();
  const rows = groups.map((run) => ({
    key: run.runId,
    cells: [
      {
        key: 'run',
        content: (
          <Stack space="space.050">
            <Inline space="space.100" alignBlock="center" shouldWrap>
              <Text>{run.runId}</Text>
              {syncState(t, run)}
            </Inline>
            {run.deliveries > 1 && <Text size="small">{t.plural('jobs.deliveries', run.deliveries)}</Text>}
          </Stack>
        ),
      },
      { key: 'outcome', content: runOutcome(t, run) },
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
