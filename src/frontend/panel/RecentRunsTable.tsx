import { DynamicTable, Heading, Link, Lozenge, Stack, Text } from '@forge/react';
import type { RecentRun } from '../../shared/types';
import { browsePath, formatWhen } from '../common/format';
import { jobStateAppearance } from '../common/status';

const HEAD = {
  cells: [
    { key: 'run', content: 'Run' },
    { key: 'state', content: 'State' },
    { key: 'received', content: 'Received' },
    { key: 'synced', content: 'Synced' },
    { key: 'unmapped', content: 'Unmapped' },
    { key: 'failed', content: 'Failed' },
    { key: 'execution', content: 'Test Execution' },
    { key: 'at', content: 'When' },
  ],
};

/**
 * The latest deliveries of the linked Testsigma plan. Cell contents are UI Kit elements only: DynamicTable calls a
 * function component in a cell as a plain function, where hooks would break.
 */
export function RecentRunsTable({ runs }: { runs: RecentRun[] }) {
  const rows = runs.map((run, index) => ({
    // A run sent in several deliveries appears several times with the same runId.
    key: `${run.runId}-${index}`,
    cells: [
      { key: 'run', content: run.runId },
      { key: 'state', content: <Lozenge appearance={jobStateAppearance(run.state)}>{run.state}</Lozenge> },
      { key: 'received', content: String(run.counts.received) },
      { key: 'synced', content: String(run.counts.synced) },
      { key: 'unmapped', content: String(run.counts.unmapped) },
      { key: 'failed', content: String(run.counts.failed) },
      {
        key: 'execution',
        content: run.testExecutionKey ? (
          <Link href={browsePath(run.testExecutionKey)}>{run.testExecutionKey}</Link>
        ) : (
          '—'
        ),
      },
      { key: 'at', content: formatWhen(run.at) },
    ],
  }));
  return (
    <Stack space="space.100">
      <Heading size="xsmall">Recent runs</Heading>
      {runs.length === 0 ? (
        <Text>No runs of this Testsigma plan have reached Xray yet.</Text>
      ) : (
        <DynamicTable caption="Recent runs of the linked Testsigma plan" head={HEAD} rows={rows} />
      )}
    </Stack>
  );
}
