import { useCallback, useState } from 'react';
import { Button, ButtonGroup, DynamicTable, Inline, LoadingButton, ModalTransition, Spinner, Stack, Text } from '@forge/react';
import type { JobView } from '../../shared/types';
import { ErrorMessage, type ShownError } from '../common/ErrorMessage';
import type { Notify } from '../common/flag';
import { useT } from '../common/i18n';
import { executionCell, runHeadCells, stateLozenge } from '../common/jobCells';
import { isRetryable } from '../common/status';
import { useRunOnce } from '../common/useRunOnce';
import { when } from '../common/when';
import type { AdminCaller } from '../invoke';
import { JobDetail } from './JobDetail';
import { appendPage, replaceJob, truncate } from './syncLogModel';

/** Props of {@link SyncLogTab}. */
export interface SyncLogTabProps {
  call: AdminCaller;
  notify: Notify;
  /** Testsigma's base URL, for links to unmapped test cases. */
  testsigmaBaseUrl?: string;
  /** Leads an admin with no runs yet to the Web trigger tab. */
  onOpenWebtrigger: () => void;
}

type Page = { status: 'loading' } | { status: 'failed'; error: ShownError } | { status: 'ready' };

/** The jobs (deliveries) newest first, with paging, details in a Modal, and retry. */
export function SyncLogTab({ call, notify, testsigmaBaseUrl = 'https://app.testsigma.com', onOpenWebtrigger }: SyncLogTabProps) {
  const t = useT();
  const [jobs, setJobs] = useState<JobView[]>([]);
  const [nextCursor, setNextCursor] = useState<string>();
  const [page, setPage] = useState<Page>({ status: 'loading' });
  const [loading, setLoading] = useState<'more' | 'refresh'>();
  const [selected, setSelected] = useState<string>();
  const [retrying, setRetrying] = useState<string>();
  const [failure, setFailure] = useState<ShownError>();

  const loadFirst = useCallback(async () => {
    setFailure(undefined);
    const answer = await call('listJobs', {});
    if (!answer.ok) {
      setPage({ status: 'failed', error: answer.error });
      return;
    }
    setJobs(answer.data.jobs);
    setNextCursor(answer.data.nextCursor);
    setPage({ status: 'ready' });
  }, [call]);
  useRunOnce(() => void loadFirst());

  const refresh = async () => {
    setLoading('refresh');
    await loadFirst();
    setLoading(undefined);
  };

  const loadMore = async () => {
    if (nextCursor === undefined) return;
    setLoading('more');
    setFailure(undefined);
    const answer = await call('listJobs', { cursor: nextCursor });
    setLoading(undefined);
    if (!answer.ok) {
      setFailure(answer.error);
      return;
    }
    setJobs((shown) => appendPage(shown, answer.data.jobs));
    setNextCursor(answer.data.nextCursor);
  };

  const retry = async (job: JobView) => {
    setRetrying(job.jobId);
    setFailure(undefined);
    const answer = await call('retryJob', { jobId: job.jobId });
    setRetrying(undefined);
    if (!answer.ok) {
      setFailure(answer.error);
      return;
    }
    setJobs((shown) => replaceJob(shown, answer.data));
    notify(t('admin.syncLog.retried', { runId: job.runId }));
  };

  if (page.status === 'loading') return <Spinner label={t('admin.syncLog.loading')} />;
  if (page.status === 'failed') return <ErrorMessage error={page.error} onRetry={() => void refresh()} />;

  const detail = jobs.find((job) => job.jobId === selected);
  const rows = jobs.map((job) => ({
    key: job.jobId,
    cells: [
      { key: 'run', content: job.runId },
      { key: 'state', content: stateLozenge(t, job.state) },
      { key: 'execution', content: executionCell(t, job.testExecutionKey) },
      { key: 'received', content: t.number(job.counts.received) },
      { key: 'synced', content: t.number(job.counts.synced) },
      { key: 'unmapped', content: t.number(job.counts.unmapped) },
      { key: 'failed', content: t.number(job.counts.failed) },
      { key: 'at', content: when(t, job.updatedAt) },
      { key: 'error', content: job.errors[0] !== undefined ? truncate(job.errors[0]) : t('common.none') },
      {
        key: 'actions',
        content: (
          <Inline space="space.050">
            <Button spacing="compact" appearance="subtle" onClick={() => setSelected(job.jobId)}>
              {t('admin.syncLog.details')}
            </Button>
            {isRetryable(job.state) && (
              <LoadingButton
                spacing="compact"
                isLoading={retrying === job.jobId}
                isDisabled={retrying !== undefined}
                onClick={() => void retry(job)}
              >
                {t('admin.syncLog.retry')}
              </LoadingButton>
            )}
          </Inline>
        ),
      },
    ],
  }));

  return (
    <Stack space="space.200">
      {failure && <ErrorMessage error={failure} />}
      {jobs.length === 0 ? (
        <Stack space="space.100">
          <Text>{t('admin.syncLog.empty')}</Text>
          <Inline>
            <Button onClick={onOpenWebtrigger}>{t('admin.syncLog.openWebtrigger')}</Button>
          </Inline>
        </Stack>
      ) : (
        <DynamicTable
          label={t('admin.syncLog.caption')}
          head={{
            cells: [
              ...runHeadCells(t),
              { key: 'at', content: t('jobs.column.updated') },
              { key: 'error', content: t('admin.syncLog.firstError') },
              { key: 'actions', content: '' },
            ],
          }}
          rows={rows}
        />
      )}
      <Inline>
        <ButtonGroup>
        {nextCursor !== undefined && (
          <LoadingButton isLoading={loading === 'more'} isDisabled={loading !== undefined} onClick={() => void loadMore()}>
            {t('admin.syncLog.more')}
          </LoadingButton>
        )}
        <LoadingButton appearance="subtle" isLoading={loading === 'refresh'} isDisabled={loading !== undefined} onClick={() => void refresh()}>
          {t('admin.syncLog.refresh')}
        </LoadingButton>
        </ButtonGroup>
      </Inline>
      <ModalTransition>
        {detail && <JobDetail job={detail} testsigmaBaseUrl={testsigmaBaseUrl} onClose={() => setSelected(undefined)} />}
      </ModalTransition>
    </Stack>
  );
}
