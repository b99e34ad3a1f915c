import { useCallback, useState } from 'react';
import { Button, ButtonGroup, DynamicTable, Inline, Link, Lozenge, Spinner, Stack, Text } from '@forge/react';
import type { JobView } from '../../shared/types';
import { ErrorMessage } from '../common/ErrorMessage';
import { browsePath, formatWhen } from '../common/format';
import { isRetryable, jobStateAppearance } from '../common/status';
import { useRunOnce } from '../common/useRunOnce';
import type { AdminCaller } from '../invoke';
import { JobDetail } from './JobDetail';
import { appendPage, replaceJob, truncate } from './syncLogModel';

const HEAD = {
  cells: [
    { key: 'run', content: 'Run' },
    { key: 'state', content: 'State' },
    { key: 'execution', content: 'Test Execution' },
    { key: 'received', content: 'Received' },
    { key: 'synced', content: 'Synced' },
    { key: 'unmapped', content: 'Unmapped' },
    { key: 'failed', content: 'Failed' },
    { key: 'error', content: 'First error' },
    { key: 'updated', content: 'Updated' },
    { key: 'actions', content: '' },
  ],
};

type Page = { status: 'loading' } | { status: 'failed'; message: string } | { status: 'ready' };

/** The jobs (deliveries) newest first, with paging, details and retry. */
export function SyncLogTab({ call }: { call: AdminCaller }) {
  const [jobs, setJobs] = useState<JobView[]>([]);
  const [nextCursor, setNextCursor] = useState<string>();
  const [page, setPage] = useState<Page>({ status: 'loading' });
  const [loadingMore, setLoadingMore] = useState(false);
  const [selected, setSelected] = useState<string>();
  const [retrying, setRetrying] = useState<string>();
  const [notice, setNotice] = useState<string>();

  const loadFirst = useCallback(async () => {
    setPage({ status: 'loading' });
    setNotice(undefined);
    const answer = await call('listJobs', {});
    if (!answer.ok) {
      setPage({ status: 'failed', message: answer.error.message });
      return;
    }
    setJobs(answer.data.jobs);
    setNextCursor(answer.data.nextCursor);
    setPage({ status: 'ready' });
  }, [call]);
  useRunOnce(() => void loadFirst());

  const loadMore = async () => {
    if (nextCursor === undefined) return;
    setLoadingMore(true);
    setNotice(undefined);
    const answer = await call('listJobs', { cursor: nextCursor });
    setLoadingMore(false);
    if (!answer.ok) {
      setNotice(answer.error.message);
      return;
    }
    setJobs((shown) => appendPage(shown, answer.data.jobs));
    setNextCursor(answer.data.nextCursor);
  };

  const retry = async (jobId: string) => {
    setRetrying(jobId);
    setNotice(undefined);
    const answer = await call('retryJob', { jobId });
    setRetrying(undefined);
    if (!answer.ok) {
      setNotice(answer.error.message);
      return;
    }
    setJobs((shown) => replaceJob(shown, answer.data));
  };

  if (page.status === 'loading') return <Spinner label="Loading the sync log" />;
  if (page.status === 'failed') return <ErrorMessage message={page.message} onRetry={() => void loadFirst()} />;

  const detail = jobs.find((job) => job.jobId === selected);
  const rows = jobs.map((job) => ({
    key: job.jobId,
    cells: [
      { key: 'run', content: job.runId },
      { key: 'state', content: <Lozenge appearance={jobStateAppearance(job.state)}>{job.state}</Lozenge> },
      {
        key: 'execution',
        content: job.testExecutionKey ? (
          <Link href={browsePath(job.testExecutionKey)}>{job.testExecutionKey}</Link>
        ) : (
          '—'
        ),
      },
      { key: 'received', content: String(job.counts.received) },
      { key: 'synced', content: String(job.counts.synced) },
      { key: 'unmapped', content: String(job.counts.unmapped) },
      { key: 'failed', content: String(job.counts.failed) },
      { key: 'error', content: job.errors[0] !== undefined ? truncate(job.errors[0]) : '—' },
      { key: 'updated', content: formatWhen(job.updatedAt) },
      {
        key: 'actions',
        content: (
          <Inline space="space.050">
            <Button spacing="compact" appearance="subtle" onClick={() => setSelected(job.jobId)}>
              Details
            </Button>
            {isRetryable(job.state) && (
              <Button spacing="compact" isDisabled={retrying !== undefined} onClick={() => void retry(job.jobId)}>
                Retry
              </Button>
            )}
          </Inline>
        ),
      },
    ],
  }));

  return (
    <Stack space="space.200">
      {notice !== undefined && <ErrorMessage message={notice} />}
      {jobs.length === 0 ? (
        <Text>No runs received yet. Executors send them to the web trigger URL.</Text>
      ) : (
        <DynamicTable caption="Sync log, newest first" head={HEAD} rows={rows} />
      )}
      <ButtonGroup>
        {nextCursor !== undefined && (
          <Button isDisabled={loadingMore} onClick={() => void loadMore()}>
            Load more
          </Button>
        )}
        <Button appearance="subtle" isDisabled={loadingMore} onClick={() => void loadFirst()}>
          Refresh
        </Button>
      </ButtonGroup>
      {detail && <JobDetail job={detail} onClose={() => setSelected(undefined)} />}
    </Stack>
  );
}
