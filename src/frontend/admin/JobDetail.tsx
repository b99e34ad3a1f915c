import { Button, Heading, Inline, Link, Lozenge, Stack, Text } from '@forge/react';
import type { JobView } from '../../shared/types';
import { browsePath, formatWhen } from '../common/format';
import { jobStateAppearance } from '../common/status';

/** Everything the sync log knows about one job: its unmapped test cases and all its errors. */
export function JobDetail({ job, onClose }: { job: JobView; onClose: () => void }) {
  const moreUnmapped = job.counts.unmapped > job.unmapped.length;
  return (
    <Stack space="space.100">
      <Inline space="space.100" alignBlock="center">
        <Heading size="xsmall">{`Run ${job.runId}`}</Heading>
        <Lozenge appearance={jobStateAppearance(job.state)}>{job.state}</Lozenge>
      </Inline>
      <Text>{`Job ${job.jobId}, ${job.attempts} attempt${job.attempts === 1 ? '' : 's'}, created ${formatWhen(job.createdAt)}, updated ${formatWhen(job.updatedAt)}`}</Text>
      {job.testExecutionKey && (
        <Text>
          {'Test Execution '}
          <Link href={browsePath(job.testExecutionKey)}>{job.testExecutionKey}</Link>
        </Text>
      )}
      <Text>{`${job.counts.received} received, ${job.counts.synced} synced, ${job.counts.unmapped} unmapped, ${job.counts.failed} failed`}</Text>
      <Heading size="xxsmall">Unmapped Testsigma test cases</Heading>
      {job.unmapped.length === 0 ? (
        <Text>None.</Text>
      ) : (
        <Text>
          {`${job.unmapped.join(', ')}${moreUnmapped ? ` (the first ${job.unmapped.length} of ${job.counts.unmapped})` : ''}`}
        </Text>
      )}
      <Text size="small">Link these test cases to Xray Tests, then retry the job to sync them.</Text>
      <Heading size="xxsmall">Errors and warnings</Heading>
      {job.errors.length === 0 ? <Text>None.</Text> : job.errors.map((error, i) => <Text key={i}>{error}</Text>)}
      <Inline>
        <Button appearance="subtle" onClick={onClose}>
          Close details
        </Button>
      </Inline>
    </Stack>
  );
}
