import { Fragment } from 'react';
import { Heading, Inline, Link, Lozenge, Stack, Text } from '@forge/react';
import { useT } from '../common/i18n';
import { executionCell } from '../common/jobCells';
import { when } from '../common/when';
import { isRunningInTestsigma, type RunGroup } from './panelModel';
import { runOutcome, syncState } from './runOutcome';

/**
 * The newest run of a Test Plan's Testsigma plan, leading the panel: the QA lead's question ("is the release
 * healthy?") answered by its results by Xray status, with its Test Execution and time; a run still in Testsigma says
 * so, who started it, and links to it.
 */
export function LatestRun({ run }: { run: RunGroup }) {
  const t = useT();
  return (
    <Stack space="space.050">
      <Heading size="small">{t('panel.runs.latest', { runId: run.runId })}</Heading>
      {isRunningInTestsigma(run) ? (
        // Nothing has arrived yet: counts would read "0 of 0 synced". Say where the run is, as its row does.
        <Inline space="space.100" alignBlock="center" shouldWrap>
          <Lozenge appearance="inprogress">{t('panel.runs.inTestsigma')}</Lozenge>
          <Text size="small">{t(`panel.runs.source.${run.source}`)}</Text>
          <Text size="small">{t('panel.runs.whenEnds')}</Text>
          {run.testsigmaUrl && (
            <Link href={run.testsigmaUrl} openNewTab>
              {t('panel.runs.openInTestsigma')}
            </Link>
          )}
        </Inline>
      ) : (
        <Inline space="space.100" alignBlock="center" shouldWrap>
          {runOutcome(t, run)}
          {syncState(t, run)}
          {/* A run split by machine has a Test Execution a machine: each is named. */}
          {(run.testExecutionKeys ?? (run.testExecutionKey ? [run.testExecutionKey] : [])).map((key) => (
            <Fragment key={key}>{executionCell(t, key)}</Fragment>
          ))}
          {when(t, run.at, 'small')}
        </Inline>
      )}
    </Stack>
  );
}
