import { useCallback, useState } from 'react';
import { Button, ButtonGroup, DynamicTable, Inline, LoadingButton, ModalTransition, Spinner, Stack, Text, Tooltip } from '@forge/react';
import type { JobView } from '../../shared/types';
import { ErrorMessage, type ShownError } from '../common/ErrorMessage';
import type { Notify } from '../common/flag';
import { useT, type Translator } from '../common/i18n';
import { executionCell, stateLozenge } from '../common/jobCells';
import { statusCounts } from '../common/statusLozenge';
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
      { key: 'state', content: stateCell(t, job) },
      { key: 'execution', content: executionCell(t, job.testExecutionKey) },
      { key: 'results', content: resultsCell(t, job) },
      { key: 'at', content: when(t, job.updatedAt, 'small') },
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
      {/* Refresh at the top right, as in Jira's own lists; Load more under the table only when there is more. */}
      <Inline spread="space-between" alignBlock="center">
        <Text size="small">{t('admin.syncLog.newestFirst')}</Text>
        <LoadingButton appearance="subtle" spacing="compact" isLoading={loading === 'refresh'} isDisabled={loading !== undefined} onClick={() => void refresh()}>
          {t('admin.syncLog.refresh')}
        </LoadingButton>
      </Inline>
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
          isFixedSize
          head={{
            cells: [
              { key: 'run', content: t('jobs.column.run'), width: 8 },
              { key: 'state', content: t('jobs.column.state'), width: 18 },
              { key: 'execution', content: t('jobs.column.execution'), width: 12 },
              { key: 'results', content: t('admin.syncLog.results'), width: 32 },
              { key: 'at', content: t('jobs.column.updated'), width: 12 },
              { key: 'actions', content: '', width: 18 },
            ],
          }}
          rows={rows}
        />
      )}
      {nextCursor !== undefined && (
        <Inline>
          <ButtonGroup>
            <LoadingButton isLoading={loading === 'more'} isDisabled={loading !== undefined} onClick={() => void loadMore()}>
              {t('admin.syncLog.more')}
            </LoadingButton>
          </ButtonGroup>
        </Inline>
      )}
      <ModalTransition>
        {detail && <JobDetail job={detail} testsigmaBaseUrl={testsigmaBaseUrl} onClose={() => setSelected(undefined)} />}
      </ModalTransition>
    </Stack>
  );
}

// Plain functions, not components: DynamicTable calls cell components as functions, where hooks would break.

/** The state in people's words; a job with problems says how many, the first one in a Tooltip (all in Details). */
function stateCell(t: Translator, job: JobView) {
  const first = job.errors[0];
  return (
    <Inline space="space.075" alignBlock="center">
      {stateLozenge(t, job.state)}
      {first !== undefined && (
        <Tooltip content={truncate(first)}>
          <Text size="small">{t.plural('admin.syncLog.problems', job.errors.length)}</Text>
        </Tooltip>
      )}
    </Inline>
  );
}

/**
 * What the delivery says, in one cell instead of four counts: its synced results by Xray status in Xray's colours,
 * then what did not reach Xray ("1 not linked", "2 not synced"); "6 synced" for a job that carries no statuses.
 */
function resultsCell(t: Translator, job: JobView) {
  const { synced, unmapped, failed } = job.counts;
  const byStatus = job.statuses && Object.values(job.statuses).some((n) => n > 0);
  return (
    <Inline space="space.100" alignBlock="center" shouldWrap>
      {byStatus ? statusCounts(t, job.statuses!) : <Text size="small">{t('admin.syncLog.synced', { count: synced })}</Text>}
      {unmapped > 0 && <Text size="small">{t('admin.syncLog.notLinked', { count: unmapped })}</Text>}
      {failed > 0 && <Text size="small">{t('admin.syncLog.notSynced', { count: failed })}</Text>}
    </Inline>
  );
}
