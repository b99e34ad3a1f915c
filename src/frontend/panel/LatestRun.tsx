import { Heading, Inline, Stack } from '@forge/react';
import { useT } from '../common/i18n';
import { executionCell } from '../common/jobCells';
import { when } from '../common/when';
import type { RunGroup } from './panelModel';
import { runOutcome, syncState } from './runOutcome';

/**
 * The newest run of a Test Plan's Testsigma plan, leading the panel: the QA lead's question ("is the release
 * healthy?") answered by its results by Xray status, with its Test Execution and time.
 */
export function LatestRun({ run }: { run: RunGroup }) {
  const t = useT();
  return (
    <Stack space="space.050">
      <Heading size="small">{t('panel.runs.latest', { runId: run.runId })}</Heading>
      <Inline space="space.100" alignBlock="center" shouldWrap>
        {runOutcome(t, run)}
        {syncState(t, run)}
        {run.testExecutionKey && executionCell(t, run.testExecutionKey)}
        {when(t, run.at, 'small')}
      </Inline>
    </Stack>
  );
}
